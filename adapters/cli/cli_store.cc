// `goldthread verify`, `backup` and `restore`: the store itself, no engine.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <memory>
#include <string>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "adapters/cli/internal/cli_commands.h"
#include "adapters/verifiable_log/checkpoints.h"
#include "adapters/verifiable_log/log_key.h"
#include "adapters/verifiable_log/proofs.h"
#include "store/base/atomic_file.h"
#include "store/event_store.h"
#include "store/tlog/checkpoint.h"

namespace goldthread::adapters::internal {
namespace {

// Exit codes: 0 success, 1 the check failed (verify found a bad record), 2 usage,
// 3 the operation could not run (store missing, locked, unreadable).
constexpr int kExitCheckFailed = 1;

struct VerifyOptions {
  std::string since_checkpoint, save_checkpoint, verifier_key;
};

Result<std::string> ReadWholeFile(const std::string& path, std::string_view field) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  if (!in) return MakeError(ErrorCode::kNotFound, "cannot read " + path, std::string(field));
  return text.str();
}

// The log's public key: --verifier-key's file, else derived from the signing key file.
Result<tlog::NoteVerifier> LoadVerifier(const CliContext& cli, const VerifyOptions& o) {
  if (!o.verifier_key.empty()) {
    auto text = ReadWholeFile(o.verifier_key, "verifier_key");
    if (!text) return Unexpected(text.error());
    return tlog::NoteVerifier::FromVerifierKey(*text);
  }
  auto signer = LoadLogKey(LogKeyPath(cli));
  if (!signer) return Unexpected(signer.error());
  return tlog::NoteVerifier::FromVerifierKey(signer->VerifierKey());
}

// After the records verified: the log extends the earlier checkpoint, and the checkpoint the
// server kept last is signed by the log's key and matches the log. Prints what it found.
int VerifyCheckpoints(const CliContext& cli, const VerifyOptions& o, const store::EventStore& store) {
  const bool first_run = !o.since_checkpoint.empty() && !o.save_checkpoint.empty() &&
                         o.since_checkpoint == o.save_checkpoint &&
                         !std::filesystem::exists(o.since_checkpoint);
  auto verifier = LoadVerifier(cli, o);
  if (!verifier) return Fail(verifier.error());
  if (!o.since_checkpoint.empty() && !first_run) {
    auto note = ReadWholeFile(o.since_checkpoint, "since_checkpoint");
    if (!note) return Fail(note.error());
    auto report = CheckSinceCheckpoint(store, *verifier, *note);
    if (!report) return Fail(report.error());
    if (!report->ok) {
      std::printf("FAILED against the checkpoint in %s: %s\n", o.since_checkpoint.c_str(),
                  report->problem.c_str());
      return kExitCheckFailed;
    }
    std::printf("OK: the log (%llu events) is an append-only extension of the checkpoint of "
                "%llu events in %s\n",
                static_cast<unsigned long long>(report->tree_size),
                static_cast<unsigned long long>(report->checkpoint_size),
                o.since_checkpoint.c_str());
  } else if (first_run) {
    std::printf("no earlier checkpoint at %s yet: keeping this one for the next run\n",
                o.since_checkpoint.c_str());
  }
  auto latest = ReadLatestCheckpoint(store);
  if (!latest) return Fail(latest.error());
  if (!*latest) {
    std::printf("no checkpoint has been signed yet (serve signs them; `goldthread checkpoint` "
                "signs one now)\n");
    return 0;
  }
  auto opened = tlog::OpenCheckpoint((*latest)->note, *verifier);
  auto root = store.TreeRoot((*latest)->checkpoint.size);
  if (!opened || !root || *root != opened->root) {
    std::printf("FAILED: the last checkpoint kept in the store (%llu events) %s\n",
                static_cast<unsigned long long>((*latest)->checkpoint.size),
                !opened ? ("does not verify: " + opened.error().message).c_str()
                        : "does not match the log's Merkle tree");
    return kExitCheckFailed;
  }
  std::printf("OK: the last signed checkpoint (%llu events) matches the log\n",
              static_cast<unsigned long long>(opened->size));
  if (!o.save_checkpoint.empty()) {
    if (auto s = WriteFileAtomically(o.save_checkpoint, (*latest)->note); !s) return Fail(s.error());
    std::printf("kept it in %s\n", o.save_checkpoint.c_str());
  }
  return 0;
}

int RunVerify(const CliContext& cli, const VerifyOptions& o) {
  const std::string& data_dir = cli.data_dir;
  store::StoreOptions options;
  options.read_only = true;
  auto opened = store::EventStore::Open(data_dir, options);
  if (!opened) return Fail(opened.error());
  auto report = (*opened)->Verify(1, 0);
  if (!report) return Fail(report.error());
  if (!report->ok) {
    std::printf("FAILED at position %llu: %s\n",
                static_cast<unsigned long long>(report->first_bad_position),
                report->problem.c_str());
    std::printf("checked %llu events before it; recorded head %llu\n",
                static_cast<unsigned long long>(report->events_checked),
                static_cast<unsigned long long>(report->head_position));
    return kExitCheckFailed;
  }
  std::printf("OK: %llu events verified; head position %llu, head hash %s",
              static_cast<unsigned long long>(report->events_checked),
              static_cast<unsigned long long>(report->head_position),
              report->head_hash_hex.c_str());
  if (report->redacted_payloads > 0) {
    std::printf("; %llu payloads redacted",
                static_cast<unsigned long long>(report->redacted_payloads));
  }
  std::printf("\n");
  const bool checkpoints = !o.since_checkpoint.empty() || !o.save_checkpoint.empty() ||
                           !o.verifier_key.empty() || !cli.log_key.empty() ||
                           std::filesystem::exists(LogKeyPath(cli));
  return checkpoints ? VerifyCheckpoints(cli, o, **opened) : 0;
}

int RunBackup(const std::string& data_dir, const std::string& backup_dir) {
  store::StoreOptions options;
  options.create_if_missing = false;
  auto opened = store::EventStore::Open(data_dir, options);
  if (!opened) return Fail(opened.error());
  if (auto s = (*opened)->CreateBackup(backup_dir); !s) return Fail(s.error());
  const auto head = (*opened)->Head();
  std::printf("backed up %s to %s at head position %llu\n", data_dir.c_str(), backup_dir.c_str(),
              static_cast<unsigned long long>(head.position));
  return 0;
}

int RunRestore(const std::string& backup_dir, const std::string& data_dir) {
  if (auto s = store::EventStore::RestoreLatestBackup(backup_dir, data_dir); !s) {
    return Fail(s.error());
  }
  std::printf("restored the latest backup from %s into %s; run `goldthread verify --data-dir %s`\n",
              backup_dir.c_str(), data_dir.c_str(), data_dir.c_str());
  return 0;
}

}  // namespace

void AddStoreCommands(CLI::App& app, CliContext& cli) {
  std::string& data_dir = cli.data_dir;
  auto* verify = app.add_subcommand(
      "verify",
      "Check that the log has not been altered: recompute every record's hash chain and the "
      "Merkle tree and report the head hash, or the first position that does not match; check "
      "the last signed checkpoint and, with --since-checkpoint, that the log only grew since an "
      "earlier one. Safe beside a running server.");
  verify->add_option("--data-dir", data_dir, "Folder holding the store")->capture_default_str();
  auto verify_options = std::make_shared<VerifyOptions>();
  verify->add_option("--since-checkpoint", verify_options->since_checkpoint,
                     "A checkpoint signed earlier: check the log only grew since (catches "
                     "rewritten or removed events)");
  verify->add_option("--save-checkpoint", verify_options->save_checkpoint,
                     "When all holds, keep the latest signed checkpoint in this file (the daily "
                     "timer passes the same file as --since-checkpoint)");
  verify->add_option("--verifier-key", verify_options->verifier_key,
                     "File holding the log's public (verifier) key; default: derived from "
                     "--log-key");
  AddLogKeyOption(verify, cli);
  cli.commands.emplace_back(verify,
                            [&cli, verify_options] { return RunVerify(cli, *verify_options); });

  auto backup_dir = std::make_shared<std::string>();
  auto* backup = app.add_subcommand(
      "backup",
      "Take a consistent backup of the store (incremental into an existing folder). "
      "Stop the server first: the store has one writer (deploy/goldthread-backup.service does).");
  backup->add_option("--data-dir", data_dir, "Folder holding the store")->capture_default_str();
  backup->add_option("--to", *backup_dir, "Folder to keep backups in")->required();
  cli.commands.emplace_back(backup,
                            [&cli, backup_dir] { return RunBackup(cli.data_dir, *backup_dir); });

  auto* restore = app.add_subcommand(
      "restore", "Restore the latest backup into an empty folder; verify it afterwards.");
  restore->add_option("--from", *backup_dir, "Folder holding backups")->required();
  restore->add_option("--data-dir", data_dir, "Empty folder to restore into")->required();
  cli.commands.emplace_back(restore,
                            [&cli, backup_dir] { return RunRestore(*backup_dir, cli.data_dir); });
}

}  // namespace goldthread::adapters::internal
