#include "adapters/cli/cli.h"

#include <CLI/CLI.hpp>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "adapters/cli/cli_import_export.h"
#include "adapters/cli/internal/cli_commands.h"

namespace goldthread::adapters {

namespace internal {

// Exit codes: 0 success, 1 the check failed (verify found a bad record), 2 usage,
// 3 the operation could not run (store missing, locked, unreadable).
constexpr int kExitCannotRun = 3;

int Fail(const Error& error) {
  std::fprintf(stderr, "goldthread: %s\n", error.message.c_str());
  return kExitCannotRun;
}

const char* EnvOr(const char* name, const char* fallback) {
  const char* v = std::getenv(name);
  return v != nullptr && *v != '\0' ? v : fallback;
}

}  // namespace internal

int RunCli(int argc, char** argv) {
  CLI::App app{
      "goldthread: performance review cycles for councils, kept as a tamper-evident event log"};
  app.require_subcommand(1);
  internal::CliContext cli;
  // Every command's --data-dir defaults to GOLDTHREAD_DATA_DIR, as serve's does.
  cli.data_dir = internal::EnvOr("GOLDTHREAD_DATA_DIR", "var/goldthread");
  cli.tenant = internal::EnvOr("GOLDTHREAD_TENANT", "demo");
  cli.log_key = internal::EnvOr("GOLDTHREAD_LOG_KEY", "");

  // In the order `goldthread --help` lists them.
  internal::AddStoreCommands(app, cli);
  internal::AddServeCommand(app, cli);
  internal::AddInitCommand(app, cli);
  internal::AddDemoCommand(app, cli);
  internal::AddTokenCommands(app, cli);
  internal::AddInviteCommand(app, cli);
  internal::AddReadCommands(app, cli);
  ImportExportCli import_export;
  import_export.Register(app, &cli.data_dir, &cli.tenant);
  internal::AddLogCommands(app, cli);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // --help prints and succeeds; every usage error exits 2, whatever CLI11's own code.
    return app.exit(e) == 0 ? 0 : 2;
  }
  for (const auto& [command, run] : cli.commands) {
    if (command->parsed()) return run();
  }
  if (import_export.Chosen()) return import_export.Run();
  return 2;
}

}  // namespace goldthread::adapters
