// `goldthread serve`: the store, the engine, the scheduler and the HTTP API in one process.
//
// Threading: RunServe blocks the calling (main) thread until SIGTERM or SIGINT; the scheduler
// runs on its own thread (in real time), the API's engine work on the API's pool, and the
// notification outbox (when configured) on a thread of its own, in real and simulated time.
#ifndef GOLDTHREAD_ADAPTERS_CLI_SERVE_H_
#define GOLDTHREAD_ADAPTERS_CLI_SERVE_H_

#include <string>

#include "adapters/notify/notifications.h"
#include "engine/command/command_handler.h"

namespace goldthread::adapters {

struct ServeOptions {
  // Folder holding the store (created when missing). Env: GOLDTHREAD_DATA_DIR (which is every
  // command's default --data-dir).
  std::string data_dir = "var/goldthread";
  // host:port to listen on. Env: GOLDTHREAD_LISTEN. Default: 127.0.0.1:8080.
  std::string listen = "127.0.0.1:8080";
  // The tenant served. Env: GOLDTHREAD_TENANT. Default: "demo".
  std::string tenant = "demo";
  // Simulated time: starts at `simulate_start` (RFC 3339; default: now) and moves only through
  // POST /api/v1/clock.
  bool simulate = false;
  std::string simulate_start;
  // The folder of workflow files and the bank-holiday file. Env: GOLDTHREAD_WORKFLOWS.
  // Default: the source tree's workflows/ and its calendar.
  std::string workflows_dir;
  // The bank holidays. Default: calendars/england-and-wales-bank-holidays.txt in workflows_dir
  // when that is set (a deployment keeps its own copy of both), else the source tree's.
  std::string calendar_path;
  // docs/openapi.json, served at /api/v1/openapi.json. Env: GOLDTHREAD_OPENAPI. Default: the
  // source tree's. A path that cannot be read stops serve with exit 2.
  std::string openapi_path;
  // The web interface's templates/ and static/. Env: GOLDTHREAD_WEB_DIR. Default:
  // DataPath("web") (store/base/data_dir.h): share/goldthread/web beside the executable's
  // bin/, in the build tree and in an installation alike.
  std::string web_dir;
  // The council's main timetable: its sign-off levels and finding escalation apply to every
  // figure and finding. Default: chesterfield-service-first.
  std::string main_workflow = "chesterfield-service-first";
  // Requests per second allowed per API token (bursts of twice that); 0 turns the limit off.
  // Env: GOLDTHREAD_RATE_LIMIT. Default: 200.
  double rate_limit = 200;
  // Connections served at once (--max-connections), and from one client address
  // (--max-connections-per-address; 0: no limit). Defaults: 1024 and 64.
  size_t max_connections = 1024;
  size_t max_connections_per_address = 64;
  // Delivery of reminders and escalations by e-mail and webhook (off unless a URL is set);
  // every field has a flag and an environment variable (adapters/README.md).
  NotificationOptions notifications;
  // The verifiable log (docs/VERIFYING.md): the signing key file (made when missing, named
  // `log_origin` or goldthread.invalid/<tenant>), how often checkpoints are signed, and
  // whether /log/ needs the auditor's authority. Env: GOLDTHREAD_LOG_KEY, GOLDTHREAD_LOG_ORIGIN,
  // GOLDTHREAD_PRIVATE_LOG=1.
  std::string log_key;
  std::string log_origin;
  int checkpoint_every_seconds = 60;
  uint64_t checkpoint_every_events = 1000;
  bool private_log = false;
};

// Serves until a stop signal; returns the process exit code. Errors print one line on stderr.
int RunServe(const ServeOptions& options);

}  // namespace goldthread::adapters

#endif  // GOLDTHREAD_ADAPTERS_CLI_SERVE_H_
