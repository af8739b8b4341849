// The subcommand groups RunCli (adapters/cli/cli.cc) assembles the `goldthread` command line
// from, one file per group: each Add function adds its subcommands to the app and records, for
// each, what runs when the parsed command line chose it. Private to adapters/cli.
//
// Groups are added in the order their subcommands appear in `goldthread --help`.
//
// Threading: called once from main's thread.
#ifndef GOLDTHREAD_ADAPTERS_CLI_INTERNAL_CLI_COMMANDS_H_
#define GOLDTHREAD_ADAPTERS_CLI_INTERNAL_CLI_COMMANDS_H_

#include <CLI/CLI.hpp>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "store/base/errors.h"

namespace goldthread::adapters::internal {

// What the groups share: the values several subcommands set, and every subcommand registered.
struct CliContext {
  // Every command's --data-dir (default GOLDTHREAD_DATA_DIR) and --tenant (GOLDTHREAD_TENANT).
  std::string data_dir;
  std::string tenant;
  // The log's signing key file (--log-key, GOLDTHREAD_LOG_KEY); empty: LogKeyPath's default.
  std::string log_key;
  // Each subcommand and what it runs when it was the one parsed; returns the exit code.
  std::vector<std::pair<CLI::App*, std::function<int()>>> commands;
};

// The environment variable `name`, or `fallback` when it is unset or empty.
const char* EnvOr(const char* name, const char* fallback);

// Prints "goldthread: <message>" on stderr; returns 3 (the operation could not run).
int Fail(const Error& error);

// cli_store.cc: verify, backup, restore.
void AddStoreCommands(CLI::App& app, CliContext& cli);
// cli_serve.cc: serve, with its notification flags.
void AddServeCommand(CLI::App& app, CliContext& cli);
// cli_operator.cc: init (start a council) and token create (an API token for a person).
void AddInitCommand(CLI::App& app, CliContext& cli);
void AddTokenCommands(CLI::App& app, CliContext& cli);
// `invite`: a one-time link to set a web password (cli_operator.cc).
void AddInviteCommand(CLI::App& app, CliContext& cli);
// cli_demo.cc: demo.
void AddDemoCommand(CLI::App& app, CliContext& cli);
// cli_reads.cc: rebuild, history, trail.
void AddReadCommands(CLI::App& app, CliContext& cli);
// cli_log.cc: checkpoint, proof, export tiles (after the export group exists).
void AddLogCommands(CLI::App& app, CliContext& cli);
// --log-key on `command`, and the key file it names (default: <data-dir>.log-key).
void AddLogKeyOption(CLI::App* command, CliContext& cli);
std::string LogKeyPath(const CliContext& cli);

}  // namespace goldthread::adapters::internal

#endif  // GOLDTHREAD_ADAPTERS_CLI_INTERNAL_CLI_COMMANDS_H_
