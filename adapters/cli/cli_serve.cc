// `goldthread serve`'s options and flags; RunServe (serve.cc) does the serving.
#include <CLI/CLI.hpp>
#include <cstdlib>
#include <memory>
#include <string>

#include "adapters/cli/internal/cli_commands.h"
#include "adapters/cli/serve.h"

namespace goldthread::adapters::internal {
namespace {

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

void AddServeCommand(CLI::App& app, CliContext& cli) {
  std::string& tenant = cli.tenant;
  auto serve_options_owner = std::make_shared<ServeOptions>();
  ServeOptions& serve_options = *serve_options_owner;
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
  serve->add_option("--max-connections", serve_options.max_connections,
                    "Connections served at once (the last 16 only for /healthz, /readyz and "
                    "/metrics)")
      ->capture_default_str();
  serve->add_option("--max-connections-per-address", serve_options.max_connections_per_address,
                    "Connections served at once from one client address (0: no limit)")
      ->capture_default_str();
  serve_options.workflows_dir = EnvOr("GOLDTHREAD_WORKFLOWS", "");
  serve->add_option("--workflows", serve_options.workflows_dir,
                    "Folder of workflow timetables, with the bank holidays in its calendars/ "
                    "(default: the shipped workflows/)");
  serve
      ->add_option("--workflow", serve_options.main_workflow,
                   "The council's main timetable: its sign-off levels and finding escalation "
                   "apply to every figure")
      ->capture_default_str();
  serve_options.openapi_path = EnvOr("GOLDTHREAD_OPENAPI", "");
  serve->add_option("--openapi", serve_options.openapi_path,
                    "The API description served at /api/v1/openapi.json (default: the source "
                    "tree's docs/openapi.json)");
  serve_options.web_dir = EnvOr("GOLDTHREAD_WEB_DIR", "");
  serve->add_option("--web-dir", serve_options.web_dir,
                    "The web interface's templates/ and static/ (default: share/goldthread/web "
                    "beside the executable's bin/)");
  serve->add_flag("--simulate", serve_options.simulate,
                  "Simulated time: the clock moves only through POST /api/v1/clock, firing "
                  "whatever falls due on the way (for rehearsals and training)");
  if (const char* rate = std::getenv("GOLDTHREAD_RATE_LIMIT"); rate != nullptr && *rate != '\0') {
    serve_options.rate_limit = std::atof(rate);
  }
  serve
      ->add_option("--rate-limit", serve_options.rate_limit,
                   "Requests per second allowed per API token (bursts of twice that); 0 turns "
                   "the limit off")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 1e9));
  serve->add_option("--simulate-start", serve_options.simulate_start,
                    "Where simulated time starts (RFC 3339); default now");
  AddLogKeyOption(serve, cli);
  serve_options.log_origin = EnvOr("GOLDTHREAD_LOG_ORIGIN", "");
  serve->add_option("--log-origin", serve_options.log_origin,
                    "The log's name, used only when serve makes the signing key because none "
                    "exists (default: goldthread.invalid/<tenant>)");
  if (const char* v = std::getenv("GOLDTHREAD_CHECKPOINT_EVERY"); v != nullptr && *v != '\0') {
    serve_options.checkpoint_every_seconds = std::atoi(v);
  }
  if (const char* v = std::getenv("GOLDTHREAD_CHECKPOINT_EVERY_EVENTS"); v != nullptr && *v != '\0') {
    serve_options.checkpoint_every_events = std::strtoull(v, nullptr, 10);
  }
  serve
      ->add_option("--checkpoint-every", serve_options.checkpoint_every_seconds,
                   "Sign a checkpoint of the log at most this many seconds after it grew")
      ->capture_default_str()
      ->check(CLI::Range(1, 86400));
  serve
      ->add_option("--checkpoint-every-events", serve_options.checkpoint_every_events,
                   "...or at once when it has grown by this many events")
      ->capture_default_str()
      ->check(CLI::Range(1, 100000000));
  serve_options.private_log = std::string(EnvOr("GOLDTHREAD_PRIVATE_LOG", "")) == "1";
  serve->add_flag("--private-log", serve_options.private_log,
                  "Keep the log's checkpoint and tiles (/log/) behind the auditor's authority "
                  "instead of publishing them to anyone");
  AddNotificationFlags(serve, &serve_options.notifications);
  cli.commands.emplace_back(serve, [&cli, serve_options_owner] {
    ServeOptions& serve_options = *serve_options_owner;
    serve_options.tenant = cli.tenant;
    serve_options.log_key = cli.log_key;  // empty: <--data-dir>.log-key (serve.cc)
    return RunServe(serve_options);
  });
}

}  // namespace goldthread::adapters::internal
