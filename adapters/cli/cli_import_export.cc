#include "adapters/cli/cli_import_export.h"

#include <fmt/format.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>

#include "adapters/formats/cloudevents_export.h"
#include "adapters/formats/csv.h"
#include "adapters/formats/csv_import.h"
#include "adapters/formats/ical.h"
#include "adapters/formats/spreadsheet_export.h"
#include "engine/timetable/calendar.h"
#include "engine/command/calendar_feed_tokens.h"
#include "engine/command/command_handler.h"
#include "engine/council_engine.h"
#include "engine/read/read_models.h"
#include "engine/read/timetable_deadlines.h"
#include "adapters/formats/trail_export.h"
#include "engine/timetable/workflow.h"
#include "engine/timetable/workflow_timetables.h"
#include "store/base/atomic_file.h"
#include "store/base/clock.h"
#include "store/event_store.h"

namespace goldthread::adapters {
namespace {

constexpr int kExitRefused = 1;
constexpr int kExitCannotRun = 3;

int Fail(const std::string& message, int code = kExitCannotRun) {
  std::fprintf(stderr, "goldthread: %s\n", message.c_str());
  return code;
}

Result<std::string> ReadWholeFile(const std::string& path) {
  std::error_code ec;
  const auto size = std::filesystem::file_size(path, ec);
  if (ec) {
    return MakeError(ErrorCode::kNotFound, fmt::format("cannot read {}: {}", path, ec.message()),
                     "file");
  }
  if (size > kMaxCsvBytes) {
    return MakeError(
        ErrorCode::kResourceExhausted,
        fmt::format("{} is {} bytes; an import takes at most {}", path, size, kMaxCsvBytes),
        "file");
  }
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  if (!in && !in.eof()) {
    return MakeError(ErrorCode::kUnavailable, fmt::format("cannot read {}", path), "file");
  }
  return text.str();
}

int RunImport(const std::string& data_dir, const std::string& tenant,
              const std::string& workflows_dir, const std::string& main_workflow, ImportKind kind,
              const std::string& file, bool dry_run) {
  auto text = ReadWholeFile(file);
  if (!text) return Fail(text.error().message);
  store::StoreOptions options;
  options.create_if_missing = false;
  auto store = store::EventStore::Open(data_dir, options);
  if (!store) return Fail(store.error().message);
  // Every row is decided under the council's rules, as `serve` decides the same command.
  auto workflows = engine::LoadWorkflows(workflows_dir);
  if (!workflows) return Fail(workflows.error().message);
  auto engine = engine::CouncilEngine::Open(
      store->get(), &SystemClock::Instance(),
      {.tenant = tenant, .workflows = *workflows, .main_workflow = main_workflow});
  if (!engine) return Fail(engine.error().message);
  auto report = ImportCsv((*engine)->commands(), kind, *text,
                          dry_run ? engine::BatchMode::kDryRun : engine::BatchMode::kApply);
  if (!report) return Fail(fmt::format("{}: {}", file, report.error().message));
  for (const ImportProblem& p : report->problems) {
    std::printf("%s:%zu: %s\n", file.c_str(), p.line, p.message.c_str());
  }
  const std::string already =
      report->already_applied > 0
          ? fmt::format(" ({} of its commands were imported before)", report->already_applied)
          : "";
  if (!report->problems.empty()) {
    return Fail(fmt::format("{} of {} rows refused; {}", report->problems.size(), report->rows,
                            dry_run ? "dry run, nothing written" : "nothing was imported"),
                kExitRefused);
  }
  if (dry_run) {
    std::printf("dry run: all %zu rows of %s would be imported%s; nothing written\n", report->rows,
                file.c_str(), already.c_str());
  } else {
    std::printf("imported %zu rows of %s%s", report->rows, file.c_str(), already.c_str());
    if (report->first_position != 0) {
      std::printf(": log positions %llu-%llu",
                  static_cast<unsigned long long>(report->first_position),
                  static_cast<unsigned long long>(report->last_position));
    }
    std::printf("\n");
  }
  return 0;
}

// The store read-only and the council's read models folded in memory (nothing persisted), under
// the same rules as `serve`: the main workflow's sign-off levels and figure deadlines.
struct ReadSession {
  std::unique_ptr<store::EventStore> store;
  std::unique_ptr<engine::CouncilEngine> engine;
  engine::ReadModels* reads = nullptr;
};

Result<ReadSession> OpenForReading(const std::string& data_dir, const std::string& tenant,
                                   const std::string& workflows_dir,
                                   const std::string& main_workflow) {
  store::StoreOptions options;
  options.read_only = true;
  options.create_if_missing = false;
  auto store = store::EventStore::Open(data_dir, options);
  if (!store) return Unexpected(store.error());
  ReadSession session{.store = std::move(*store)};
  auto workflows = engine::LoadWorkflows(workflows_dir);
  if (!workflows) return Unexpected(workflows.error());
  engine::CouncilOptions council{.tenant = tenant,
                                 .workflows = *workflows,
                                 .main_workflow = main_workflow,
                                 .open_read_models = true};
  council.runner.persist = false;
  auto engine =
      engine::CouncilEngine::Open(session.store.get(), &SystemClock::Instance(), council);
  if (!engine) return Unexpected(engine.error());
  session.engine = std::move(*engine);
  session.reads = session.engine->reads();
  return session;
}

int WriteSheet(const Sheet& sheet, const std::string& format, const std::string& out,
               const std::string& csv_text) {
  auto xlsx = [&](const std::string& temp) { return WriteXlsx(sheet, temp); };
  Status s = format == "xlsx" ? WriteFileAtomicallyWith(out, xlsx)
                              : WriteFileAtomically(out, csv_text);
  if (!s) return Fail(s.error().message);
  std::printf("wrote %s: %zu rows\n", out.c_str(), sheet.rows.size());
  return 0;
}

int RunExportScorecard(const std::string& data_dir, const std::string& tenant,
                       const std::string& workflows_dir, const std::string& workflow,
                       const std::string& unit, const std::string& period,
                       const std::string& format, const std::string& out) {
  auto session = OpenForReading(data_dir, tenant, workflows_dir, workflow);
  if (!session) return Fail(session.error().message);
  auto scorecard = session->reads->Scorecard(unit, period);
  if (!scorecard) return Fail(scorecard.error().message);
  const Sheet sheet = ScorecardSheet(*scorecard);
  return WriteSheet(sheet, format, out, format == "csv" ? SheetToCsv(sheet) : "");
}

int RunExportTrail(const std::string& data_dir, const std::string& tenant,
                   const std::string& workflows_dir, const std::string& workflow,
                   const std::string& period, const std::string& directorate,
                   const std::string& format, const std::string& out) {
  auto session = OpenForReading(data_dir, tenant, workflows_dir, workflow);
  if (!session) return Fail(session.error().message);
  auto trail = session->reads->AssuranceTrail(period, directorate);
  if (!trail) return Fail(trail.error().message);
  if (!trail->verification().ok()) {
    // Nothing is written to --out: a file there would look like a clean trail.
    return Fail(fmt::format("the log failed verification at position {} ({}); no trail was "
                            "written to {}. Restore the store from a backup "
                            "(docs/OPERATIONS.md)",
                            trail->verification().first_bad_position(),
                            trail->verification().problem(), out),
                kExitRefused);
  }
  auto sheet = TrailSheet(*trail);
  if (!sheet) return Fail(sheet.error().message);
  // CSV is exactly what `goldthread trail --format csv` and the API give.
  return WriteSheet(*sheet, format, out, format == "csv" ? engine::TrailToCsv(*trail) : "");
}

int RunExportLog(const std::string& data_dir, const std::string& source, const std::string& out) {
  store::StoreOptions options;
  options.read_only = true;
  options.create_if_missing = false;
  auto store = store::EventStore::Open(data_dir, options);
  if (!store) return Fail(store.error().message);
  uint64_t events = 0;
  Status s = WriteFileAtomicallyWith(out, [&](const std::string& temp) -> Status {
    std::FILE* f = std::fopen(temp.c_str(), "wb");
    if (f == nullptr) {
      return MakeError(ErrorCode::kUnavailable, fmt::format("cannot create {}", temp), "out");
    }
    auto n = ExportLogAsCloudEvents(**store, source, [f](std::string_view line) -> Status {
      if (std::fwrite(line.data(), 1, line.size(), f) != line.size()) {
        return MakeError(ErrorCode::kUnavailable, "writing the export failed", "out");
      }
      return OkStatus();
    });
    const bool closed = std::fclose(f) == 0;  // WriteFileAtomicallyWith syncs the file
    if (!n) return Unexpected(n.error());
    if (!closed) {
      return MakeError(ErrorCode::kUnavailable, "writing the export failed", "out");
    }
    events = *n;
    return OkStatus();
  });
  if (!s) return Fail(s.error().message);
  std::printf("wrote %s: %llu events as CloudEvents JSON lines\n", out.c_str(),
              static_cast<unsigned long long>(events));
  return 0;
}

int RunExportCalendar(const std::string& data_dir, const std::string& tenant,
                      const std::string& workflows_dir, const std::string& person, const std::string& workflow,
                      const std::string& out) {
  auto session = OpenForReading(data_dir, tenant, workflows_dir, workflow);
  if (!session) return Fail(session.error().message);
  auto work = session->reads->OutstandingWork(person);
  if (!work) return Fail(work.error().message);
  const std::string ics = DeadlinesCalendar(*work, tenant);
  Status s = WriteFileAtomically(out, ics);
  if (!s) return Fail(s.error().message);
  int deadlines = 0;
  for (const auto& item : work->items()) deadlines += item.has_deadline();
  std::printf("wrote %s: %d deadlines (%d outstanding items)\n", out.c_str(), deadlines,
              work->items_size());
  return 0;
}

int RunCalendarFeedIssue(const std::string& data_dir, const std::string& tenant,
                         const std::string& person, unsigned days) {
  store::StoreOptions options;
  options.create_if_missing = false;
  auto store = store::EventStore::Open(data_dir, options);
  if (!store) return Fail(store.error().message);
  // Tokens are decided by no workflow rule: the engine needs no timetables for them.
  auto engine =
      engine::CouncilEngine::Open(store->get(), &SystemClock::Instance(), {.tenant = tenant});
  if (!engine) return Fail(engine.error().message);
  auto r = engine::IssueCalendarFeedAsOperator((*engine)->commands(), person, days);
  if (!r) return Fail(r.error().message);
  std::printf("/api/v1/calendars/%s.ics\n", r->secret().c_str());
  std::fprintf(stderr,
               "calendar feed %s for %s, valid %u days. The link is shown only now: it is the "
               "only key to the calendar, so give it to %s alone. Revoke it with "
               "`goldthread calendar-feed revoke --token-id %s`.\n",
               r->created_id().c_str(), person.c_str(), days, person.c_str(),
               r->created_id().c_str());
  return 0;
}

int RunCalendarFeedRevoke(const std::string& data_dir, const std::string& tenant,
                          const std::string& token_id) {
  store::StoreOptions options;
  options.create_if_missing = false;
  auto store = store::EventStore::Open(data_dir, options);
  if (!store) return Fail(store.error().message);
  auto engine =
      engine::CouncilEngine::Open(store->get(), &SystemClock::Instance(), {.tenant = tenant});
  if (!engine) return Fail(engine.error().message);
  if (auto s = engine::RevokeCalendarFeedAsOperator((*engine)->commands(), token_id,
                                                    "revoked by the operator");
      !s) {
    return Fail(s.error().message);
  }
  std::printf("revoked %s\n", token_id.c_str());
  return 0;
}

}  // namespace

void ImportExportCli::Register(CLI::App& app, std::string* data_dir, const std::string* tenant) {
  data_dir_ = data_dir;
  tenant_ = tenant;
  auto* import = app.add_subcommand(
      "import",
      "Load figures, or indicator definitions and targets, from a CSV file (a spreadsheet's "
      "'Save as CSV'). Every row is checked as if entered by hand; if any row is refused, "
      "nothing is loaded and each refused row is named with its line. Stop the server first.");
  import->require_subcommand(1);
  auto add_import = [&](CLI::App* cmd) {
    cmd->add_option("--data-dir", *data_dir, "Folder holding the store")->capture_default_str();
    cmd->add_option("--file", file_, "The CSV file, with a header row")->required();
    cmd->add_flag("--dry-run", dry_run_,
                  "Check every row and report each problem with its line; write nothing");
    cmd->add_option("--workflows", workflows_dir_,
                    "Folder of workflow timetables, as serve's --workflows (default: "
                    "$GOLDTHREAD_WORKFLOWS, else the shipped workflows/)");
    cmd->add_option("--workflow", workflow_,
                    "The council's main timetable, as serve's --workflow: rows are judged under "
                    "its sign-off rules")
        ->capture_default_str();
  };
  import_figures_ = import->add_subcommand(
      "figures",
      "Submit figures: one row per indicator and period, with columns indicator_id, period, "
      "value, entered_by (the person entering it, whose authority is checked) and optionally "
      "commentary, evidence_note, not_available_reason.");
  add_import(import_figures_);
  import_indicators_ = import->add_subcommand(
      "indicators",
      "Define indicators and set their targets: columns indicator_id, entered_by, and the "
      "definition (title, unit, polarity, frequency, owning_unit_id, perspective, "
      "amber_tolerance, ...) and/or target_period, target, target_reason.");
  add_import(import_indicators_);

  auto* export_cmd = app.add_subcommand(
      "export",
      "Write a scorecard or the assurance trail as a spreadsheet (CSV or .xlsx), the whole log "
      "as CloudEvents for other systems or as signed tiles for an auditor, or a person's "
      "deadlines as a calendar file. Safe beside a running server. The file appears only when "
      "complete.");
  export_cmd->require_subcommand(1);
  auto add_common = [&](CLI::App* cmd) {
    cmd->add_option("--data-dir", *data_dir, "Folder holding the store")->capture_default_str();
    cmd->add_option("--out", out_, "File to write (replaced when it exists)")->required();
  };
  export_scorecard_ = export_cmd->add_subcommand(
      "scorecard",
      "A unit's scorecard for a period: one row per indicator with value, target, RAG, trends, "
      "sign-off state and commentary.");
  add_common(export_scorecard_);
  export_scorecard_->add_option("--unit", unit_, "Org unit id (the council for everything)")
      ->required();
  export_scorecard_->add_option("--period", period_, "Period id, e.g. FY2011-Q2")->required();
  export_scorecard_->add_option("--format", format_, "csv or xlsx")
      ->required()
      ->check(CLI::IsMember({"csv", "xlsx"}));
  export_trail_ = export_cmd->add_subcommand(
      "trail",
      "The Audit Committee's assurance trail for a period, one row per figure (the columns of "
      "`goldthread trail --format csv`). Exits 1 if the log fails verification.");
  add_common(export_trail_);
  export_trail_->add_option("--period", period_, "Period id, e.g. FY2011-Q2")->required();
  export_trail_->add_option("--directorate", directorate_, "Only this directorate's figures");
  export_trail_->add_option("--format", format_, "csv or xlsx")
      ->required()
      ->check(CLI::IsMember({"csv", "xlsx"}));
  export_log_ = export_cmd->add_subcommand(
      "log",
      "Every event of the log, in order, as CloudEvents 1.0 JSON lines (one event per line), "
      "with its position and hash.");
  add_common(export_log_);
  export_log_->add_option("--format", format_, "cloudevents")
      ->required()
      ->check(CLI::IsMember({"cloudevents"}));
  export_log_->add_option("--source", source_, "The CloudEvents source attribute")
      ->capture_default_str();
  export_calendar_ = export_cmd->add_subcommand(
      "calendar",
      "A person's outstanding deadlines as an iCalendar (.ics) file to import into Outlook or "
      "any calendar (for a live subscription use `goldthread calendar-feed issue`).");
  add_common(export_calendar_);
  export_calendar_->add_option("--person", person_, "Person id")->required();
  // The reads are made under the council's rules, as serve makes them.
  for (CLI::App* cmd : {export_scorecard_, export_trail_, export_calendar_}) {
    cmd->add_option("--workflows", workflows_dir_,
                    "Folder of workflow timetables, as serve's --workflows (default: "
                    "$GOLDTHREAD_WORKFLOWS, else the shipped workflows/)");
    cmd->add_option("--workflow", workflow_,
                    "The council's main timetable, whose sign-off levels and stage deadlines "
                    "apply (as `serve --workflow`)")
        ->capture_default_str();
  }

  auto* feed = app.add_subcommand(
      "calendar-feed",
      "Private calendar links (GET /api/v1/calendars/<token>.ics) through which a person's "
      "deadlines appear in their calendar. Stop the server first.");
  feed->require_subcommand(1);
  feed_issue_ = feed->add_subcommand("issue", "Issue a link for a person; it is printed once");
  feed_issue_->add_option("--data-dir", *data_dir, "Folder holding the store")
      ->capture_default_str();
  feed_issue_->add_option("--person", person_, "Person id")->required();
  feed_issue_->add_option("--days", days_, "Days the link works (1-366)")
      ->capture_default_str()
      ->check(CLI::Range(1, 366));
  feed_revoke_ = feed->add_subcommand("revoke", "Revoke a link by its token id");
  feed_revoke_->add_option("--data-dir", *data_dir, "Folder holding the store")
      ->capture_default_str();
  feed_revoke_->add_option("--token-id", token_id_, "The token id printed at issue")->required();
}

bool ImportExportCli::Chosen() const {
  for (const CLI::App* c : {import_figures_, import_indicators_, export_scorecard_, export_trail_,
                            export_log_, export_calendar_, feed_issue_, feed_revoke_}) {
    if (c != nullptr && c->parsed()) return true;
  }
  return false;
}

int ImportExportCli::Run() {
  if (import_figures_->parsed()) {
    return RunImport(*data_dir_, *tenant_, workflows_dir_, workflow_, ImportKind::kFigures, file_,
                     dry_run_);
  }
  if (import_indicators_->parsed()) {
    return RunImport(*data_dir_, *tenant_, workflows_dir_, workflow_, ImportKind::kIndicators,
                     file_, dry_run_);
  }
  if (export_scorecard_->parsed()) {
    return RunExportScorecard(*data_dir_, *tenant_, workflows_dir_, workflow_, unit_, period_, format_, out_);
  }
  if (export_trail_->parsed()) {
    return RunExportTrail(*data_dir_, *tenant_, workflows_dir_, workflow_, period_, directorate_, format_, out_);
  }
  if (export_log_->parsed()) return RunExportLog(*data_dir_, source_, out_);
  if (export_calendar_->parsed())
    return RunExportCalendar(*data_dir_, *tenant_, workflows_dir_, person_, workflow_, out_);
  if (feed_issue_->parsed()) return RunCalendarFeedIssue(*data_dir_, *tenant_, person_, days_);
  if (feed_revoke_->parsed()) return RunCalendarFeedRevoke(*data_dir_, *tenant_, token_id_);
  return 2;
}

}  // namespace goldthread::adapters
