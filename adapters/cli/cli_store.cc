// `goldthread verify`, `backup` and `restore`: the store itself, no engine.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <memory>
#include <string>

#include "adapters/cli/internal/cli_commands.h"
#include "store/event_store.h"

namespace goldthread::adapters::internal {
namespace {

// Exit codes: 0 success, 1 the check failed (verify found a bad record), 2 usage,
// 3 the operation could not run (store missing, locked, unreadable).
constexpr int kExitCheckFailed = 1;

int RunVerify(const std::string& data_dir) {
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
  return 0;
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
      "Check that the log has not been altered: recompute every record's hash chain and report "
      "the head hash, or the first position that does not match. Safe beside a running server.");
  verify->add_option("--data-dir", data_dir, "Folder holding the store")->capture_default_str();
  cli.commands.emplace_back(verify, [&cli] { return RunVerify(cli.data_dir); });

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
