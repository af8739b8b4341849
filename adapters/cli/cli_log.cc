// The verifiable log on the command line: `goldthread checkpoint`, `proof inclusion|consistency`
// and `export tiles` (docs/VERIFYING.md). `verify --since-checkpoint` is in cli_store.cc.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <memory>
#include <string>

#include "adapters/cli/internal/cli_commands.h"
#include "adapters/verifiable_log/checkpoints.h"
#include "adapters/verifiable_log/log_key.h"
#include "adapters/verifiable_log/proofs.h"
#include "adapters/verifiable_log/publish.h"
#include "store/event_store.h"

namespace goldthread::adapters::internal {
namespace {

struct LogOptions {
  std::string out;
  uint64_t position = 0, old_size = 0, tree_size = 0;
};

std::unique_ptr<store::EventStore> OpenStore(const std::string& data_dir, bool read_only,
                                             int* exit_code) {
  store::StoreOptions options;
  options.read_only = read_only;
  options.create_if_missing = false;
  auto opened = store::EventStore::Open(data_dir, options);
  if (!opened) {
    *exit_code = Fail(opened.error());
    return nullptr;
  }
  return std::move(*opened);
}

// Signs a checkpoint of the log as it stands (kept in the store) and prints it.
int RunCheckpoint(const CliContext& cli) {
  auto signer = LoadLogKey(LogKeyPath(cli));
  if (!signer) return Fail(signer.error());
  int code = 0;
  auto store = OpenStore(cli.data_dir, false, &code);
  if (!store) return code;
  Checkpointer checkpoints(store.get(), *signer);
  auto cp = checkpoints.SignNow();
  if (!cp) return Fail(cp.error());
  std::fputs(cp->note.c_str(), stdout);
  return 0;
}

// The size a proof is for: --tree-size, else the latest kept checkpoint's.
Result<uint64_t> ProofTreeSize(const store::EventStore& store, uint64_t asked) {
  if (asked != 0) return asked;
  auto latest = ReadLatestCheckpoint(store);
  if (!latest) return Unexpected(latest.error());
  if (!*latest) {
    return MakeError(ErrorCode::kFailedPrecondition,
                     "no checkpoint has been signed yet: give --tree-size or run "
                     "`goldthread checkpoint`",
                     "tree_size");
  }
  return (*latest)->checkpoint.size;
}

int RunProof(const CliContext& cli, const LogOptions& o, bool inclusion) {
  int code = 0;
  auto store = OpenStore(cli.data_dir, true, &code);
  if (!store) return code;
  auto size = ProofTreeSize(*store, o.tree_size);
  if (!size) return Fail(size.error());
  auto json = inclusion ? InclusionProofJson(*store, o.position - 1, *size)
                        : ConsistencyProofJson(*store, o.old_size, *size);
  if (!json) return Fail(json.error());
  std::printf("%s\n", json->c_str());
  return 0;
}

int RunExportTiles(const CliContext& cli, const LogOptions& o) {
  auto signer = LoadLogKey(LogKeyPath(cli));
  if (!signer) return Fail(signer.error());
  // Read-only, so it runs beside the server: the checkpoint is signed here, not kept.
  int code = 0;
  auto store = OpenStore(cli.data_dir, true, &code);
  if (!store) return code;
  auto tree = store->Tree();
  if (!tree) return Fail(tree.error());
  auto note = SignTreeCheckpoint(*store, *signer, tree->size);
  if (!note) return Fail(note.error());
  const SignedCheckpoint cp{{signer->name(), tree->size, tree->root}, *note};
  auto stats = ExportTiles(*store, cp, signer->VerifierKey(), o.out);
  if (!stats) return Fail(stats.error());
  std::printf(
      "exported %s at %llu events to %s: %llu hash tiles, %llu entry bundles, %llu bytes; "
      "check it with the checkpoint and verifier-key there (docs/VERIFYING.md)\n",
      signer->name().c_str(), static_cast<unsigned long long>(stats->tree_size), o.out.c_str(),
      static_cast<unsigned long long>(stats->hash_tiles),
      static_cast<unsigned long long>(stats->entry_bundles),
      static_cast<unsigned long long>(stats->bytes));
  return 0;
}

}  // namespace

std::string LogKeyPath(const CliContext& cli) {
  return cli.log_key.empty() ? DefaultLogKeyPath(cli.data_dir) : cli.log_key;
}

void AddLogKeyOption(CLI::App* command, CliContext& cli) {
  command->add_option("--log-key", cli.log_key,
                      "The log's signing key file (default: <data-dir>.log-key; env "
                      "GOLDTHREAD_LOG_KEY)");
}

void AddLogCommands(CLI::App& app, CliContext& cli) {
  auto o = std::make_shared<LogOptions>();
  auto* checkpoint = app.add_subcommand(
      "checkpoint",
      "Sign a checkpoint of the log as it stands (its size and Merkle root, C2SP "
      "tlog-checkpoint), keep it in the store and print it. Keep a copy: `verify "
      "--since-checkpoint` proves the log only grew since. Stop the server first (it signs "
      "its own every minute; GET /log/checkpoint).");
  checkpoint->add_option("--data-dir", cli.data_dir, "Folder holding the store")
      ->capture_default_str();
  AddLogKeyOption(checkpoint, cli);
  cli.commands.emplace_back(checkpoint, [&cli] { return RunCheckpoint(cli); });

  auto* proof = app.add_subcommand("proof", "Print a Merkle proof (RFC 9162) as JSON");
  proof->require_subcommand(1);
  auto* inclusion = proof->add_subcommand(
      "inclusion", "Prove that the event at a position is in the tree of a checkpoint");
  inclusion->add_option("--data-dir", cli.data_dir, "Folder holding the store")
      ->capture_default_str();
  inclusion->add_option("--position", o->position, "The event's log position")
      ->required()
      ->check(CLI::PositiveNumber);
  inclusion->add_option("--tree-size", o->tree_size,
                        "The tree size to prove against (default: the latest checkpoint's)");
  cli.commands.emplace_back(inclusion, [&cli, o] { return RunProof(cli, *o, true); });
  auto* consistency = proof->add_subcommand(
      "consistency", "Prove that the tree of one size is an append-only extension of a smaller");
  consistency->add_option("--data-dir", cli.data_dir, "Folder holding the store")
      ->capture_default_str();
  consistency->add_option("--old-size", o->old_size, "The earlier tree size")->required();
  consistency->add_option("--tree-size", o->tree_size,
                          "The later tree size (default: the latest checkpoint's)");
  cli.commands.emplace_back(consistency, [&cli, o] { return RunProof(cli, *o, false); });

  CLI::App* export_cmd = app.get_subcommand("export");
  auto* tiles = export_cmd->add_subcommand(
      "tiles",
      "Sign a checkpoint of the log as it stands and write it, the log's verifier key and every "
      "tile of its tree (C2SP tlog-tiles) into a new folder, for an auditor or for publishing "
      "as static files. Safe beside a running server.");
  tiles->add_option("--data-dir", cli.data_dir, "Folder holding the store")->capture_default_str();
  tiles->add_option("--out", o->out, "A new or empty folder")->required();
  AddLogKeyOption(tiles, cli);
  cli.commands.emplace_back(tiles, [&cli, o] { return RunExportTiles(cli, *o); });
}

}  // namespace goldthread::adapters::internal
