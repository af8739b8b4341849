#include "adapters/cli/cli.h"

#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdlib>
#include <cstdio>
#include <iostream>
#include <string>

#include "adapters/cli/cli_import_export.h"
#include "adapters/cli/cli_reads.h"
#include "adapters/demo/demo_council.h"
#include "adapters/cli/serve.h"
#include "engine/command/command_handler.h"
#include "engine/council_engine.h"
#include "engine/model/local_date.h"
#include "store/event_store.h"

namespace goldthread::adapters {
namespace {

// Exit codes: 0 success, 1 the check failed (verify found a bad record), 2 usage,
// 3 the operation could not run (store missing, locked, unreadable).
constexpr int kExitCheckFailed = 1;
constexpr int kExitCannotRun = 3;

int Fail(const Error& error) {
  std::fprintf(stderr, "goldthread: %s\n", error.message.c_str());
  return kExitCannotRun;
}

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

// Opens the store and a command handler for the operator's own commands (init, token).
struct OperatorSession {
  std::unique_ptr<store::EventStore> store;
  std::unique_ptr<engine::CouncilEngine> engine;
};
Result<OperatorSession> OpenForOperator(const std::string& data_dir, const std::string& tenant) {
  auto opened = store::EventStore::Open(data_dir, store::StoreOptions{});
  if (!opened) return Unexpected(opened.error());
  OperatorSession s{.store = std::move(*opened)};
  // Starting a council and issuing tokens are decided by no workflow rule: no timetables needed.
  auto engine =
      engine::CouncilEngine::Open(s.store.get(), &SystemClock::Instance(), {.tenant = tenant});
  if (!engine) return Unexpected(engine.error());
  s.engine = std::move(*engine);
  return s;
}

int RunInit(const std::string& data_dir, const std::string& tenant, const std::string& council_id,
            const std::string& council_name, const std::string& admin_id,
            const std::string& admin_name) {
  auto session = OpenForOperator(data_dir, tenant);
  if (!session) return Fail(session.error());
  auto r = session->engine->commands().Bootstrap(council_id, council_name, admin_id, admin_name, "init");
  if (!r) return Fail(r.error());
  std::printf("started tenant %s: council %s, administrator %s\n", tenant.c_str(),
              council_id.c_str(), admin_id.c_str());
  return 0;
}

int RunTokenCreate(const std::string& data_dir, const std::string& tenant,
                   const std::string& person, const std::string& label, unsigned days) {
  auto session = OpenForOperator(data_dir, tenant);
  if (!session) return Fail(session.error());
  auto r = session->engine->commands().IssueTokenAsOperator(person, label, days);
  if (!r) return Fail(r.error());
  std::printf("%s\n", r->secret().c_str());
  std::fprintf(stderr, "token %s for %s, valid %u days. It is shown only now: keep it safe.\n",
               r->created_id().c_str(), person.c_str(), days);
  return 0;
}

int RunDemo(DemoOptions options, const std::string& today) {
  const TimePoint now = SystemClock::Instance().Now();
  const engine::LocalDay real_today = engine::LondonDayOf(now);
  if (today.empty()) {
    options.today = real_today;
  } else {
    auto day = engine::ParseLocalDay(today, "today");
    if (!day) {
      std::fprintf(stderr, "goldthread: --today wants a date as YYYY-MM-DD, e.g. 2026-11-23\n");
      return 2;
    }
    options.today = *day;
  }
  // On the real date the simulation stops at the real now, so `serve` carries on from there.
  if (options.today == real_today) options.now = now;
  const auto started = std::chrono::steady_clock::now();
  auto report = CreateDemoCouncil(options);
  if (!report) return Fail(report.error());
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  std::printf("Created %s in %s: %s to %s, %zu quarterly cycles, %llu events (%.1f s).\n",
              report->council_name.c_str(), options.data_dir.c_str(),
              report->periods.front().c_str(), report->periods.back().c_str(),
              report->periods.size(), static_cast<unsigned long long>(report->events), seconds);
  std::printf("The current cycle is %s, as of %s; %d of its figures are not yet submitted.\n\n",
              report->current_period.c_str(), engine::FormatLocalDay(options.today).c_str(),
              report->figures_not_submitted);
  std::printf("Demo users (API tokens valid %u days, shown only now):\n\n", options.token_days);
  for (const DemoUser& u : report->users) {
    std::printf("  %s, %s (%s), %s\n    may: %s\n    token: %s\n\n", u.role.c_str(), u.name.c_str(),
                u.person_id.c_str(), u.scope.c_str(), u.may.c_str(), u.token.c_str());
  }
  std::printf("Start it:  goldthread serve --data-dir %s --tenant %s\n", options.data_dir.c_str(),
              options.tenant.c_str());
  std::printf(
      "Then:      curl -H 'Authorization: Bearer <token>' "
      "http://127.0.0.1:8080/api/v1/me  (the whole API: docs/openapi.json)\n");
  return 0;
}

const char* EnvOr(const char* name, const char* fallback) {
  const char* v = std::getenv(name);
  return v != nullptr && *v != '\0' ? v : fallback;
}

// `serve`'s notification options: each a flag and an environment variable (the flag wins).
void AddNotificationFlags(CLI::App* serve, NotificationOptions* n) {
  const char* group = "Notifications (reminders and escalations by e-mail and webhook)";
  auto add = [&](const char* flag, auto* value, const char* env, const char* help) {
    serve->add_option(flag, *value, help)->envname(env)->group(group)->capture_default_str();
  };
  add("--smtp-url", &n->smtp_url, "GOLDTHREAD_SMTP_URL",
      "Mail server, smtp://host or smtps://host; e-mail is off when unset");
  add("--smtp-port", &n->smtp_port, "GOLDTHREAD_SMTP_PORT",
      "Mail server port (0: the URL's, else 25 for smtp://, 465 for smtps://)");
  add("--smtp-require-starttls", &n->smtp_require_starttls, "GOLDTHREAD_SMTP_REQUIRE_STARTTLS",
      "For smtp://: refuse to send unless the server switches to TLS (false: use TLS when "
      "offered)");
  add("--smtp-user", &n->smtp_user, "GOLDTHREAD_SMTP_USER",
      "User to log in to the mail server as (none: no login)");
  add("--smtp-password-file", &n->smtp_password_file, "GOLDTHREAD_SMTP_PASSWORD_FILE",
      "File holding that user's password");
  add("--smtp-from", &n->smtp_from, "GOLDTHREAD_SMTP_FROM",
      "From address of the e-mails, e.g. \"Performance team <performance@council.example>\"");
  add("--smtp-timeout", &n->smtp_timeout_seconds, "GOLDTHREAD_SMTP_TIMEOUT",
      "Seconds one e-mail may take before it counts as failed");
  add("--webhook-url", &n->webhook_url, "GOLDTHREAD_WEBHOOK_URL",
      "URL to POST each reminder and escalation to as JSON; webhooks are off when unset");
  add("--webhook-secret-file", &n->webhook_secret_file, "GOLDTHREAD_WEBHOOK_SECRET_FILE",
      "File holding the secret that signs webhook bodies (X-Goldthread-Signature)");
  add("--webhook-timeout", &n->webhook_timeout_seconds, "GOLDTHREAD_WEBHOOK_TIMEOUT",
      "Seconds one webhook call may take before it counts as failed");
  add("--public-url", &n->public_base_url, "GOLDTHREAD_PUBLIC_URL",
      "Address people reach goldthread at, for the links in messages (default: http://LISTEN)");
  add("--notify-max-attempts", &n->max_attempts, "GOLDTHREAD_NOTIFY_MAX_ATTEMPTS",
      "Attempts per message before it is given up and reported");
  add("--notify-backoff", &n->initial_backoff_seconds, "GOLDTHREAD_NOTIFY_BACKOFF",
      "Seconds before the first retry; doubled after each failure");
  add("--notify-backoff-cap", &n->max_backoff_seconds, "GOLDTHREAD_NOTIFY_BACKOFF_CAP",
      "Longest wait between retries, in seconds");
  add("--notify-max-pending", &n->max_pending, "GOLDTHREAD_NOTIFY_MAX_PENDING",
      "Messages held for delivery at once; beyond it later ones wait in the log");
  add("--notify-max-age-hours", &n->max_source_age_hours, "GOLDTHREAD_NOTIFY_MAX_AGE_HOURS",
      "Reminders and escalations older than this when first read are not sent");
}

}  // namespace

int RunCli(int argc, char** argv) {
  CLI::App app{
      "goldthread: performance review cycles for councils, kept as a tamper-evident event log"};
  app.require_subcommand(1);
  // Every command's --data-dir defaults to GOLDTHREAD_DATA_DIR, as serve's does.
  std::string data_dir = EnvOr("GOLDTHREAD_DATA_DIR", "var/goldthread");

  auto* verify = app.add_subcommand(
      "verify",
      "Check that the log has not been altered: recompute every record's hash chain and report "
      "the head hash, or the first position that does not match. Safe beside a running server.");
  verify->add_option("--data-dir", data_dir, "Folder holding the store")->capture_default_str();

  std::string backup_dir;
  auto* backup = app.add_subcommand(
      "backup",
      "Take a consistent backup of the store (incremental into an existing folder). "
      "Stop the server first: the store has one writer (deploy/goldthread-backup.service does).");
  backup->add_option("--data-dir", data_dir, "Folder holding the store")->capture_default_str();
  backup->add_option("--to", backup_dir, "Folder to keep backups in")->required();

  auto* restore = app.add_subcommand(
      "restore", "Restore the latest backup into an empty folder; verify it afterwards.");
  restore->add_option("--from", backup_dir, "Folder holding backups")->required();
  restore->add_option("--data-dir", data_dir, "Empty folder to restore into")->required();

  std::string tenant = EnvOr("GOLDTHREAD_TENANT", "demo");
  ServeOptions serve_options;
  serve_options.data_dir = EnvOr("GOLDTHREAD_DATA_DIR", "var/goldthread");
  serve_options.listen = EnvOr("GOLDTHREAD_LISTEN", "127.0.0.1:8080");
  auto* serve = app.add_subcommand(
      "serve",
      "Run goldthread: the API for services, managers, the performance team and auditors, and "
      "the scheduler that sends reminders and escalations as deadlines pass.");
  serve->add_option("--data-dir", serve_options.data_dir, "Folder holding the store")
      ->capture_default_str();
  serve->add_option("--listen", serve_options.listen, "Address and port to listen on")
      ->capture_default_str();
  serve->add_option("--tenant", tenant, "The council served")->capture_default_str();
  serve_options.workflows_dir = EnvOr("GOLDTHREAD_WORKFLOWS", "");
  serve->add_option("--workflows", serve_options.workflows_dir,
                    "Folder of workflow timetables, with the bank holidays in its calendars/ "
                    "(default: the shipped workflows/)");
  serve->add_option("--workflow", serve_options.main_workflow,
                    "The council's main timetable: its sign-off levels and finding escalation "
                    "apply to every figure")
      ->capture_default_str();
  serve_options.openapi_path = EnvOr("GOLDTHREAD_OPENAPI", "");
  serve->add_option("--openapi", serve_options.openapi_path,
                    "The API description served at /api/v1/openapi.json (default: the source "
                    "tree's docs/openapi.json)");
  serve->add_flag("--simulate", serve_options.simulate,
                  "Simulated time: the clock moves only through POST /api/v1/clock, firing "
                  "whatever falls due on the way (for rehearsals and training)");
  if (const char* rate = std::getenv("GOLDTHREAD_RATE_LIMIT"); rate != nullptr && *rate != '\0') {
    serve_options.rate_limit = std::atof(rate);
  }
  serve->add_option("--rate-limit", serve_options.rate_limit,
                    "Requests per second allowed per API token (bursts of twice that); 0 turns "
                    "the limit off")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 1e9));
  serve->add_option("--simulate-start", serve_options.simulate_start,
                    "Where simulated time starts (RFC 3339); default now");
  AddNotificationFlags(serve, &serve_options.notifications);

  std::string council_id = "council", council_name, admin_id = "admin", admin_name;
  auto* init = app.add_subcommand(
      "init", "Start a council in an empty store: its top org unit and first administrator.");
  init->add_option("--data-dir", data_dir, "Folder holding the store")->capture_default_str();
  init->add_option("--tenant", tenant, "The council's tenant id")->capture_default_str();
  init->add_option("--council-id", council_id, "Id of the council's org unit")
      ->capture_default_str();
  init->add_option("--council-name", council_name, "The council's name")->required();
  init->add_option("--admin-id", admin_id, "Person id of the first administrator")
      ->capture_default_str();
  init->add_option("--admin-name", admin_name, "The first administrator's name")->required();

  DemoOptions demo_options;
  std::string demo_today;
  auto* demo = app.add_subcommand(
      "demo",
      "Create a demo council to try goldthread on: Ashcombe Borough Council, with 4 "
      "directorates, 12 services, a Health and Wellbeing Board and 60 indicators across the four "
      "balanced-scorecard perspectives, and years of quarterly performance cycles run through "
      "the real workflow (figures submitted, signed off, sent back, amended, challenged, "
      "published; reminders and escalations for the late ones). The current quarter's cycle is "
      "in progress as of today, with some returns late. Prints a token for one person in each "
      "role. Refuses a folder that already holds anything.");
  demo->add_option("--data-dir", data_dir, "New (or empty) folder to create the store in")
      ->capture_default_str();
  demo->add_option("--tenant", tenant, "The council's tenant id (serve it with the same)")
      ->capture_default_str();
  demo->add_option("--today", demo_today,
                   "The day the demo stands at, YYYY-MM-DD (default: today's date)");
  demo->add_option("--years", demo_options.years, "Years of history before the current quarter")
      ->capture_default_str()
      ->check(CLI::Range(1, 10));
  demo->add_option("--seed", demo_options.seed,
                   "Seed of every random choice: the same seed and date give the same council")
      ->capture_default_str();
  demo->add_option("--workflow", demo_options.workflow_id, "The council's quarterly timetable")
      ->capture_default_str();

  auto* token = app.add_subcommand("token", "API tokens for people");
  token->require_subcommand(1);
  std::string token_person, token_label = "created on the command line";
  unsigned token_days = 90;
  auto* token_create = token->add_subcommand(
      "create",
      "Issue an API token for a registered person and print it (shown only once; only its "
      "hash is kept). For the operator who holds the data folder.");
  token_create->add_option("--data-dir", data_dir, "Folder holding the store")
      ->capture_default_str();
  token_create->add_option("--tenant", tenant, "The council")->capture_default_str();
  token_create->add_option("--person", token_person, "Person id the token acts as")->required();
  token_create->add_option("--label", token_label, "What the token is for")
      ->capture_default_str();
  token_create->add_option("--days", token_days, "Days until it expires (1-366)")
      ->capture_default_str()
      ->check(CLI::Range(1, 366));

  std::string projection = "read-index";
  bool from_scratch = false;
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

  ReadCommandOptions read_options;
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
  std::string indicator_id, period, directorate, trail_format = "json";
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
      "timeliness, sealed with the verified log's head hash. Exits 1 if the log fails "
      "verification.");
  add_as_of(trail);
  trail->add_option("--period", period, "Period id, e.g. FY2011-Q2")->required();
  trail->add_option("--directorate", directorate, "Only this directorate's figures");
  trail->add_option("--format", trail_format, "json, csv (one row per figure) or html (printable)")
      ->capture_default_str()
      ->check(CLI::IsMember({"json", "csv", "html"}));

  ImportExportCli import_export;
  import_export.Register(app, &data_dir, &tenant);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // --help prints and succeeds; every usage error exits 2, whatever CLI11's own code.
    return app.exit(e) == 0 ? 0 : 2;
  }
  if (serve->parsed()) {
    serve_options.tenant = tenant;
    return RunServe(serve_options);
  }
  if (init->parsed()) {
    return RunInit(data_dir, tenant, council_id, council_name, admin_id, admin_name);
  }
  if (demo->parsed()) {
    demo_options.data_dir = data_dir;
    demo_options.tenant = tenant;
    demo_options.workflows_dir = EnvOr("GOLDTHREAD_WORKFLOWS", "");
    return RunDemo(demo_options, demo_today);
  }
  if (token_create->parsed()) {
    return RunTokenCreate(data_dir, tenant, token_person, token_label, token_days);
  }
  if (rebuild->parsed()) return RunRebuild(data_dir, tenant, projection, from_scratch);
  if (history->parsed() || trail->parsed()) {
    read_options.data_dir = data_dir;
    read_options.tenant = tenant;
    if (history->parsed()) return RunHistory(read_options, indicator_id, period);
    return RunTrail(read_options, period, directorate, trail_format);
  }
  if (import_export.Chosen()) return import_export.Run();
  if (verify->parsed()) return RunVerify(data_dir);
  if (backup->parsed()) return RunBackup(data_dir, backup_dir);
  if (restore->parsed()) return RunRestore(backup_dir, data_dir);
  return 2;
}

}  // namespace goldthread::adapters
