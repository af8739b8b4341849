#include "adapters/cli/serve.h"

#include <google/protobuf/util/time_util.h>
#include <spdlog/spdlog.h>

#include <atomic>
#include <condition_variable>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <thread>

#include "adapters/api/api.h"
#include "adapters/cli/internal/private_files.h"
#include "adapters/notify/secret_file.h"
#include "adapters/http/http_server.h"
#include "adapters/verifiable_log/checkpoints.h"
#include "adapters/verifiable_log/log_key.h"
#include "adapters/web/web_app.h"
#include "store/base/data_dir.h"
#include "engine/council_engine.h"
#include "engine/scheduler/timer_loop.h"
#include "store/event_store.h"

namespace goldthread::adapters {


int RunServe(const ServeOptions& options) {
  const size_t colon = options.listen.rfind(':');
  if (colon == std::string::npos) {
    std::fprintf(stderr, "goldthread: --listen wants host:port, e.g. 127.0.0.1:8080\n");
    return 2;
  }
  HttpServerOptions http;
  http.address = options.listen.substr(0, colon);
  http.max_connections = options.max_connections;
  http.max_connections_per_address = options.max_connections_per_address;
  http.reserved_connections = 16;  // at most a quarter of max_connections (http_server.h)
  try {
    http.port = static_cast<uint16_t>(std::stoul(options.listen.substr(colon + 1)));
  } catch (const std::exception&) {
    std::fprintf(stderr, "goldthread: --listen port must be a number\n");
    return 2;
  }

  if (!options.openapi_path.empty() && !std::ifstream(options.openapi_path)) {
    std::fprintf(stderr, "goldthread: --openapi %s cannot be read\n", options.openapi_path.c_str());
    return 2;
  }

  // Secret files passed by flag are the owner's only, or serve does not start.
  for (const auto& [path, flag] :
       {std::pair{options.notifications.webhook_secret_file, "webhook-secret-file"},
        std::pair{options.notifications.smtp_password_file, "smtp-password-file"}}) {
    if (path.empty()) continue;
    if (Status s = CheckSecretFileIsPrivate(path, flag); !s) {
      std::fprintf(stderr, "goldthread: %s\n", s.error().message.c_str());
      return 2;
    }
  }
  // What serve creates in the data folder (RocksDB's files included) is the owner's only.
  RestrictNewFiles();

  // ---- notifications (outbox: adapters/notifications.h) -- checked before anything is written
  NotificationOptions notify_options = options.notifications;
  if (notify_options.public_base_url.empty()) {
    notify_options.public_base_url = "http://" + options.listen;
  }
  auto notifications = Notifications::Configure(notify_options);
  if (!notifications) {
    std::fprintf(stderr, "goldthread: %s\n", notifications.error().message.c_str());
    return 2;
  }
  // ---- end notifications (started below, after the server)

  std::unique_ptr<SimulatedClock> simulated;
  const Clock* clock = &SystemClock::Instance();
  if (options.simulate) {
    TimePoint start = SystemClock::Instance().Now();
    if (!options.simulate_start.empty()) {
      google::protobuf::Timestamp ts;
      if (!google::protobuf::util::TimeUtil::FromString(options.simulate_start, &ts)) {
        std::fprintf(stderr, "goldthread: --simulate-start wants an RFC 3339 time\n");
        return 2;
      }
      start = TimePoint(std::chrono::microseconds(
          google::protobuf::util::TimeUtil::TimestampToMicroseconds(ts)));
    }
    simulated = std::make_unique<SimulatedClock>(start);
    clock = simulated.get();
  }

  Metrics metrics;
  // The store reports each group commit: the write with its fsync, and each append's wait.
  MetricFamily& fsync_seconds = metrics.Histogram(
      "goldthread_store_commit_seconds", "RocksDB write and fsync of one group commit");
  MetricFamily& append_seconds = metrics.Histogram(
      "goldthread_store_append_seconds", "From an append being queued to it being durable");
  MetricFamily& batch_appends = metrics.Histogram(
      "goldthread_store_batch_appends", "Appends sharing one group commit",
      {1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024});
  // The real-time timer loop (below), told of every commit: a new event may move the next due
  // instant. Null until it starts.
  std::atomic<engine::TimerLoop*> timer_loop{nullptr};
  store::StoreOptions store_options;
  store_options.clock = clock;
  store_options.on_commit = [&](const store::CommitStats& stats) {
    if (engine::TimerLoop* loop = timer_loop.load()) loop->Poke();
    fsync_seconds.Observe({}, std::chrono::duration<double>(stats.write).count());
    batch_appends.Observe({}, static_cast<double>(stats.appends));
    for (auto latency : stats.append_latencies) {
      append_seconds.Observe({}, std::chrono::duration<double>(latency).count());
    }
  };
  auto store = store::EventStore::Open(options.data_dir, store_options);
  if (!store) {
    std::fprintf(stderr, "goldthread: %s\n", store.error().message.c_str());
    return 3;
  }
  MakePrivate(options.data_dir);
  // The log's signing key: a store made before its log was signed gets one now.
  bool key_created = false;
  const std::string key_path =
      options.log_key.empty() ? DefaultLogKeyPath(options.data_dir) : options.log_key;
  auto signer = LoadOrCreateLogKey(
      key_path, options.log_origin.empty() ? DefaultLogOrigin(options.tenant) : options.log_origin,
      &key_created);
  if (!signer) {
    std::fprintf(stderr, "goldthread: %s\n", signer.error().message.c_str());
    return signer.error().code == ErrorCode::kInvalidArgument ? 2 : 3;
  }
  if (key_created) spdlog::info("made the log's signing key in {}", key_path);
  spdlog::info("the log is signed as {}; its verifier key: {}", signer->name(),
               signer->VerifierKey());
  Checkpointer checkpoints(store->get(), *signer,
                           {.every = std::chrono::seconds(options.checkpoint_every_seconds),
                            .every_events = options.checkpoint_every_events});
  auto workflows = engine::LoadWorkflows(options.workflows_dir, options.calendar_path);
  if (!workflows) {
    std::fprintf(stderr, "goldthread: %s\n", workflows.error().message.c_str());
    return 3;
  }
  // One engine from the council's rules; its read models resume from their checkpoint and catch
  // up with the log before the server starts, then follow it.
  auto engine = engine::CouncilEngine::Open(store->get(), clock,
                                            {.tenant = options.tenant,
                                             .workflows = *workflows,
                                             .main_workflow = options.main_workflow,
                                             .open_read_models = true});
  if (!engine) {
    std::fprintf(stderr, "goldthread: %s\n", engine.error().message.c_str());
    return engine.error().field == "workflow" ? 2 : 3;
  }
  engine::CommandHandler& handler = (*engine)->commands();
  engine::Scheduler& scheduler = (*engine)->scheduler();
  engine::ReadModels* reads = (*engine)->reads();
  reads->runner().StartFollowing();
  metrics.Callback("goldthread_projection_lag_events",
                   "Events in the log the read models have not applied yet", [&] {
                     const uint64_t head = (*store)->Head().position;
                     const uint64_t applied = reads->runner().position();
                     return static_cast<double>(head > applied ? head - applied : 0);
                   });
  metrics.Callback("goldthread_events_total", "Events in the log",
                   [&] { return static_cast<double>((*store)->Head().position); });
  metrics.Callback("goldthread_timers_pending", "Reminders, escalations and stage changes not yet due",
                   [&] { return static_cast<double>(scheduler.pending()); });
  metrics.Callback("goldthread_timer_lateness_seconds",
                   "How late the last timer fired against its due instant",
                   [&] { return scheduler.last_lateness_seconds(); });
  Api api(&handler, &scheduler, &metrics,
          {.requests_per_second = options.rate_limit,
           .burst = 2 * options.rate_limit,
           // --rate-limit 0 (a load test, or a proxy that limits) turns the public limit off too.
           .public_requests_per_second = options.rate_limit > 0 ? 20.0 : 0.0,
           .simulated_clock = simulated.get(),
           .openapi_path = options.openapi_path,
           .read_models = reads,
           .checkpointer = &checkpoints,
           .public_log = !options.private_log});
  auto web = web::WebApp::Create(&handler, reads,
                                 {.web_dir = options.web_dir.empty() ? DataPath("web")
                                                                     : options.web_dir,
                                  .timetables = handler.options().timetables,
                                  .simulated_clock = options.simulate,
                                  .sign_checkpoint = [&checkpoints](uint64_t size)
                                      -> Result<std::string> {
                                    auto cp = checkpoints.SignAt(size);
                                    if (!cp) return Unexpected(cp.error());
                                    return cp->note;
                                  }});
  if (!web) {
    std::fprintf(stderr, "goldthread: %s\n", web.error().message.c_str());
    return 3;
  }
  Router router;
  api.Register(&router);
  (*web)->Register(&router);
  auto server = HttpServer::Start(http, &router, &metrics);
  if (!server) {
    std::fprintf(stderr, "goldthread: %s\n", server.error().message.c_str());
    return 3;
  }
  spdlog::info("goldthread serving tenant {} from {} on http://{}:{}/ ({})", options.tenant,
               options.data_dir, http.address, (*server)->port(),
               options.simulate ? "simulated time" : "real time");

  // ---- notifications: the outbox delivers what the scheduler records (simulated time too)
  if (*notifications) {
    if (auto started = (*notifications)->Start(store->get(), clock, options.tenant, &metrics);
        !started) {
      std::fprintf(stderr, "goldthread: %s\n", started.error().message.c_str());
      return 3;
    }
    spdlog::info("notifications: {}", (*notifications)->Describe());
  }
  // ---- end notifications

  // In real time the scheduler fires what falls due, sleeping until the next due instant or
  // until a commit may have moved it (engine/scheduler/timer_loop.h). In simulated time the
  // clock moves only through POST /api/v1/clock, which fires on the way.
  std::unique_ptr<engine::TimerLoop> timers;
  if (!options.simulate) {
    timers = std::make_unique<engine::TimerLoop>(engine::TimerLoopOptions{
        .run_due = [&] { return scheduler.RunDue(); },
        .next_due = [&] { return scheduler.NextDue(); },
        .clock = clock,
        .on_error = [](const Error& e) { spdlog::error("scheduler: {}", e.message); }});
    timers->Start();
    timer_loop.store(timers.get());
  }
  // Checkpoints: signed once a second at most, when the policy says the tree grew enough.
  std::mutex checkpoint_mu;
  std::condition_variable checkpoint_cv;
  bool checkpoint_stop = false;
  std::thread checkpoint_thread([&] {
    std::unique_lock lock(checkpoint_mu);
    while (!checkpoint_stop) {
      lock.unlock();
      if (auto r = checkpoints.MaybeSign(); !r) {
        spdlog::error("signing a checkpoint: {}", r.error().message);
      }
      lock.lock();
      checkpoint_cv.wait_for(lock, std::chrono::seconds(1), [&] { return checkpoint_stop; });
    }
  });
  const int signal = RunUntilStopSignal(**server);
  {
    std::lock_guard lock(checkpoint_mu);
    checkpoint_stop = true;
  }
  checkpoint_cv.notify_all();
  checkpoint_thread.join();
  timer_loop.store(nullptr);
  if (timers) timers->Stop();
  if (*notifications) (*notifications)->Stop();  // notifications: before the store closes
  (*web)->Drain();
  api.Drain();
  reads->runner().StopFollowing();
  spdlog::info("goldthread stopped on signal {}", signal);
  return 0;
}

}  // namespace goldthread::adapters
