#include "adapters/cli.h"

#include <CLI/CLI.hpp>
#include <cstdlib>
#include <cstdio>
#include <iostream>
#include <string>

#include "adapters/serve.h"
#include "engine/command_handler.h"
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
  std::unique_ptr<engine::CommandHandler> handler;
};
Result<OperatorSession> OpenForOperator(const std::string& data_dir, const std::string& tenant) {
  auto opened = store::EventStore::Open(data_dir, store::StoreOptions{});
  if (!opened) return Unexpected(opened.error());
  OperatorSession s{.store = std::move(*opened)};
  s.handler = std::make_unique<engine::CommandHandler>(s.store.get(), &SystemClock::Instance(),
                                                       engine::HandlerOptions{.tenant = tenant});
  return s;
}

int RunInit(const std::string& data_dir, const std::string& tenant, const std::string& council_id,
            const std::string& council_name, const std::string& admin_id,
            const std::string& admin_name) {
  auto session = OpenForOperator(data_dir, tenant);
  if (!session) return Fail(session.error());
  auto r = session->handler->Bootstrap(council_id, council_name, admin_id, admin_name, "init");
  if (!r) return Fail(r.error());
  std::printf("started tenant %s: council %s, administrator %s\n", tenant.c_str(),
              council_id.c_str(), admin_id.c_str());
  return 0;
}

int RunTokenCreate(const std::string& data_dir, const std::string& tenant,
                   const std::string& person, const std::string& label, unsigned days) {
  auto session = OpenForOperator(data_dir, tenant);
  if (!session) return Fail(session.error());
  auto r = session->handler->IssueTokenAsOperator(person, label, days);
  if (!r) return Fail(r.error());
  std::printf("%s\n", r->secret().c_str());
  std::fprintf(stderr, "token %s for %s, valid %u days. It is shown only now: keep it safe.\n",
               r->created_id().c_str(), person.c_str(), days);
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
  std::string data_dir = "var/goldthread";

  auto* verify = app.add_subcommand(
      "verify",
      "Check that the log has not been altered: recompute every record's hash chain and report "
      "the head hash, or the first position that does not match. Safe beside a running server.");
  verify->add_option("--data-dir", data_dir, "Folder holding the store")->capture_default_str();

  std::string backup_dir;
  auto* backup = app.add_subcommand(
      "backup",
      "Take a consistent backup of the store (incremental into an existing folder). "
      "Stop the server first, or use the API's backup route while it runs.");
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
                    "Folder of workflow timetables (default: the shipped workflows/)");
  serve->add_option("--workflow", serve_options.main_workflow,
                    "The council's main timetable: its sign-off levels and finding escalation "
                    "apply to every figure")
      ->capture_default_str();
  serve->add_flag("--simulate", serve_options.simulate,
                  "Simulated time: the clock moves only through POST /api/v1/clock, firing "
                  "whatever falls due on the way (for rehearsals and training)");
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

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  if (serve->parsed()) {
    serve_options.tenant = tenant;
    return RunServe(serve_options);
  }
  if (init->parsed()) {
    return RunInit(data_dir, tenant, council_id, council_name, admin_id, admin_name);
  }
  if (token_create->parsed()) {
    return RunTokenCreate(data_dir, tenant, token_person, token_label, token_days);
  }
  if (verify->parsed()) return RunVerify(data_dir);
  if (backup->parsed()) return RunBackup(data_dir, backup_dir);
  if (restore->parsed()) return RunRestore(backup_dir, data_dir);
  return 2;
}

}  // namespace goldthread::adapters
