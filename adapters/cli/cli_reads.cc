#include "adapters/cli/cli_reads.h"

#include <fmt/format.h>
#include <google/protobuf/util/json_util.h>
#include <google/protobuf/util/time_util.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <memory>

#include <filesystem>

#include "adapters/cli/internal/cli_commands.h"
#include "adapters/verifiable_log/checkpoints.h"
#include "adapters/verifiable_log/log_key.h"
#include "engine/council_engine.h"
#include "engine/read/read_models.h"
#include "engine/read/timetable_deadlines.h"
#include "engine/timetable/workflow_timetables.h"
#include "adapters/formats/trail_export.h"
#include "store/base/clock.h"
#include "store/event_store.h"

namespace goldthread::adapters {
namespace {

namespace pbutil = google::protobuf::util;

constexpr int kExitUsage = 2;
constexpr int kExitCannotRun = 3;
// The log fails verification: nothing was written.
constexpr int kExitLogDamaged = 1;

int Fail(const std::string& message, int code = kExitCannotRun) {
  std::fprintf(stderr, "goldthread: %s\n", message.c_str());
  return code;
}

// The store read-only and the council's read models folded in memory (nothing persisted), under
// the same rules as `serve`.
struct ReadSession {
  std::unique_ptr<store::EventStore> store;
  std::unique_ptr<engine::CouncilEngine> engine;
  engine::ReadModels* reads = nullptr;
};

Result<ReadSession> OpenForReading(const ReadCommandOptions& options) {
  store::StoreOptions store_options;
  store_options.read_only = true;
  auto store = store::EventStore::Open(options.data_dir, store_options);
  if (!store) return Unexpected(store.error());
  ReadSession session{.store = std::move(*store)};
  auto workflows = engine::LoadWorkflows(options.workflows_dir);
  if (!workflows) return Unexpected(workflows.error());
  engine::CouncilOptions council{.tenant = options.tenant,
                                 .workflows = *workflows,
                                 .main_workflow = options.main_workflow,
                                 .open_read_models = true};
  council.runner.persist = false;
  auto engine =
      engine::CouncilEngine::Open(session.store.get(), &SystemClock::Instance(), council);
  if (!engine) return Unexpected(engine.error());
  session.engine = std::move(*engine);
  session.reads = session.engine->reads();
  return session;
}

Result<engine::AsOf> AsOfFrom(const ReadCommandOptions& options) {
  if (!options.as_of.empty() && options.at_position != 0) {
    return MakeError(ErrorCode::kInvalidArgument, "give --as-of or --at-position, not both",
                     "as_of");
  }
  if (options.at_position != 0) return engine::AsOf::Position(options.at_position);
  if (options.as_of.empty()) return engine::AsOf::Head();
  google::protobuf::Timestamp ts;
  if (!pbutil::TimeUtil::FromString(options.as_of, &ts)) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "--as-of wants an RFC 3339 time, e.g. 2011-10-24T09:00:00Z", "as_of");
  }
  return engine::AsOf::Time(
      TimePoint(std::chrono::microseconds(pbutil::TimeUtil::TimestampToMicroseconds(ts))));
}

int PrintJson(const google::protobuf::Message& message) {
  std::string out;
  pbutil::JsonPrintOptions print;
  print.add_whitespace = true;
  print.always_print_primitive_fields = true;
  if (!pbutil::MessageToJsonString(message, &out, print).ok()) {
    return Fail("the answer could not be printed as JSON");
  }
  std::fwrite(out.data(), 1, out.size(), stdout);
  return 0;
}

}  // namespace

int RunRebuild(const std::string& data_dir, const std::string& tenant,
               const std::string& projection, bool from_scratch) {
  if (projection != "read-index") {
    return Fail("--projection: the projections are: read-index", kExitUsage);
  }
  store::StoreOptions store_options;
  store_options.create_if_missing = false;
  auto store = store::EventStore::Open(data_dir, store_options);
  if (!store) return Fail(store.error().message);
  engine::RebuildOptions rebuild;
  rebuild.from_scratch = from_scratch;
  rebuild.progress = [](const engine::RebuildProgress& p) {
    std::fprintf(stderr, "rebuild: %llu of %llu events (%llu this run), %.0f events/s, %.0f s left\n",
                 static_cast<unsigned long long>(p.position),
                 static_cast<unsigned long long>(p.head),
                 static_cast<unsigned long long>(p.events_done), p.events_per_second,
                 p.seconds_remaining);
  };
  auto report = engine::RebuildReadIndex(store->get(), tenant, rebuild);
  if (!report) return Fail(report.error().message);
  std::printf("rebuilt %s to position %llu: %llu events in %.1f s (%.0f events/s)%s; "
              "generation %u is active\n",
              projection.c_str(), static_cast<unsigned long long>(report->position),
              static_cast<unsigned long long>(report->events_applied), report->seconds,
              report->events_per_second,
              report->resumed_from > 0
                  ? (", resumed from position " + std::to_string(report->resumed_from)).c_str()
                  : "",
              report->generation);
  return 0;
}

int RunHistory(const ReadCommandOptions& options, const std::string& indicator_id,
               const std::string& period) {
  auto as_of = AsOfFrom(options);
  if (!as_of) return Fail(as_of.error().message, kExitUsage);
  auto session = OpenForReading(options);
  if (!session) return Fail(session.error().message);
  auto history = session->reads->FigureHistory(indicator_id, period, *as_of);
  if (!history) return Fail(history.error().message);
  return PrintJson(*history);
}

int RunTrail(const ReadCommandOptions& options, const std::string& period,
             const std::string& directorate, const std::string& format) {
  auto as_of = AsOfFrom(options);
  if (!as_of) return Fail(as_of.error().message, kExitUsage);
  auto session = OpenForReading(options);
  if (!session) return Fail(session.error().message);
  auto trail = session->reads->AssuranceTrail(period, directorate, *as_of);
  if (!trail) return Fail(trail.error().message);
  if (!trail->verification().ok()) {
    // A damaged log seals nothing: not a byte of the trail is written, so nothing that looks
    // like a clean trail can be passed on.
    return Fail(fmt::format("the log failed verification at position {} ({}); no assurance "
                            "trail was written. Restore the store from a backup "
                            "(docs/OPERATIONS.md, \"When goldthread verify fails\")",
                            trail->verification().first_bad_position(),
                            trail->verification().problem()),
                kExitLogDamaged);
  }
  // Sealed with a checkpoint signed with the log's key, when this operator holds it.
  if (std::filesystem::exists(options.log_key)) {
    auto signer = LoadLogKey(options.log_key);
    if (!signer) return Fail(signer.error().message);
    auto note = SignTreeCheckpoint(*session->store, *signer, trail->verification().tree_size());
    if (!note) return Fail(note.error().message);
    trail->mutable_verification()->set_checkpoint(*note);
  }
  std::string out;
  if (format == "json") {
    auto json = engine::TrailToJson(*trail);
    if (!json) return Fail(json.error().message);
    out = std::move(*json);
  } else if (format == "csv") {
    out = engine::TrailToCsv(*trail);
  } else {
    out = engine::TrailToHtml(*trail);
  }
  std::fwrite(out.data(), 1, out.size(), stdout);
  return 0;
}

namespace internal {
namespace {

struct ReadCommandState {
  std::string projection = "read-index";
  bool from_scratch = false;
  ReadCommandOptions read_options;
  std::string indicator_id, period, directorate, trail_format = "json";
};

}  // namespace

void AddReadCommands(CLI::App& app, CliContext& cli) {
  std::string& data_dir = cli.data_dir;
  std::string& tenant = cli.tenant;
  auto state = std::make_shared<ReadCommandState>();
  std::string& projection = state->projection;
  bool& from_scratch = state->from_scratch;
  ReadCommandOptions& read_options = state->read_options;
  std::string& indicator_id = state->indicator_id;
  std::string& period = state->period;
  std::string& directorate = state->directorate;
  std::string& trail_format = state->trail_format;
  auto* rebuild = app.add_subcommand(
      "rebuild",
      "Rebuild the read models (scorecards, histories, outstanding work, the assurance trail) "
      "by replaying the whole log from the start, with a progress line. An interrupted rebuild "
      "resumes; the old models stay in use until the new ones have caught up. Stop the server "
      "first.");
  rebuild->add_option("--data-dir", data_dir, "Folder holding the store")->capture_default_str();
  rebuild->add_option("--tenant", tenant, "The council")->capture_default_str();
  rebuild->add_option("--projection", projection, "Which read models (read-index: all of them)")
      ->capture_default_str();
  rebuild->add_flag("--from-scratch", from_scratch,
                    "Discard what an interrupted rebuild left and start again from position 1");

  read_options.workflows_dir = EnvOr("GOLDTHREAD_WORKFLOWS", "");
  auto add_as_of = [&](CLI::App* command) {
    command->add_option("--data-dir", data_dir, "Folder holding the store")->capture_default_str();
    command->add_option("--tenant", tenant, "The council")->capture_default_str();
    auto* as_of = command->add_option(
        "--as-of", read_options.as_of,
        "Show it as it stood at this moment (RFC 3339, e.g. 2011-11-02T17:00:00Z): what the "
        "committee saw on the day");
    command->add_option("--at-position", read_options.at_position,
                        "Show it as it stood at this log position")
        ->excludes(as_of)
        ->check(CLI::PositiveNumber);
    command->add_option("--workflows", read_options.workflows_dir,
                        "Folder of workflow timetables (default: the shipped workflows/)");
    command->add_option("--workflow", read_options.main_workflow,
                        "The council's main timetable (its sign-off levels and deadlines)")
        ->capture_default_str();
  };
  auto* history = app.add_subcommand(
      "history",
      "Print one figure's full history as JSON: every value with who entered it and when, "
      "amendments with reasons, sign-offs and rejections, queries, reminders, escalations, "
      "findings, locks, restatements, publication, and the value each stage and committee saw.");
  add_as_of(history);
  history->add_option("--indicator", indicator_id, "Indicator id, e.g. NI-192")->required();
  history->add_option("--period", period, "Period id, e.g. FY2011-Q2")->required();
  auto* trail = app.add_subcommand(
      "trail",
      "Print the Audit Committee's assurance trail for a period: every figure's sign-off chain, "
      "four-eyes compliance, amendments and restatements, queries, findings, escalations and "
      "timeliness, sealed with the verified log's head hash and a checkpoint signed with the "
      "log's key (when --log-key's file is here). Exits 1 if the log fails "
      "verification.");
  add_as_of(trail);
  trail->add_option("--period", period, "Period id, e.g. FY2011-Q2")->required();
  trail->add_option("--directorate", directorate, "Only this directorate's figures");
  AddLogKeyOption(trail, cli);
  trail->add_option("--format", trail_format, "json, csv (one row per figure) or html (printable)")
      ->capture_default_str()
      ->check(CLI::IsMember({"json", "csv", "html"}));
  cli.commands.emplace_back(rebuild, [&cli, state] {
    return RunRebuild(cli.data_dir, cli.tenant, state->projection, state->from_scratch);
  });
  auto run_read = [&cli, state, history] {
    ReadCommandOptions& read_options = state->read_options;
    read_options.data_dir = cli.data_dir;
    read_options.tenant = cli.tenant;
    read_options.log_key = LogKeyPath(cli);
    if (history->parsed()) return RunHistory(read_options, state->indicator_id, state->period);
    return RunTrail(read_options, state->period, state->directorate, state->trail_format);
  };
  cli.commands.emplace_back(history, run_read);
  cli.commands.emplace_back(trail, run_read);
}

}  // namespace internal

}  // namespace goldthread::adapters
