#include "adapters/cli/serve.h"

#include <google/protobuf/util/time_util.h>
#include <spdlog/spdlog.h>

#include <atomic>
#include <condition_variable>
#include <fstream>
#include <thread>

#include "adapters/api/api.h"
#include "adapters/http/http_server.h"
#include "engine/read/read_models.h"
#include "engine/scheduler/scheduler.h"
#include "engine/read/timetable_deadlines.h"
#include "engine/timetable/workflow_timetables.h"
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
  store::StoreOptions store_options;
  store_options.clock = clock;
  store_options.on_commit = [&](const store::CommitStats& stats) {
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
  auto workflows = engine::WorkflowSet::Load(
      options.workflows_dir.empty() ? engine::DefaultWorkflowsDir() : options.workflows_dir,
      !options.calendar_path.empty()  ? options.calendar_path
      : options.workflows_dir.empty() ? engine::DefaultBankHolidaysPath()
                                      : engine::BankHolidaysPathIn(options.workflows_dir));
  if (!workflows) {
    std::fprintf(stderr, "goldthread: %s\n", workflows.error().message.c_str());
    return 3;
  }
  const engine::Workflow* main_workflow = (*workflows)->catalogue.Find(options.main_workflow);
  if (main_workflow == nullptr) {
    std::fprintf(stderr, "goldthread: --workflow %s is not among the loaded workflows\n",
                 options.main_workflow.c_str());
    return 2;
  }
  engine::CommandHandler handler(
      store->get(), clock,
      {.tenant = options.tenant,
       .distinct_people_across_levels =
           main_workflow->definition().distinct_signers_across_levels(),
       .sign_off_levels = engine::SignOffLevelsOf(*main_workflow),
       .timetables = engine::TimetablesFrom(*workflows)});
  engine::Scheduler scheduler(
      store->get(), clock,
      {.tenant = options.tenant,
       .timetables = engine::TimetablesFrom(*workflows),
       .finding_escalation = engine::FindingEscalationsFrom(*workflows, options.main_workflow)});
  // The read models resume from their checkpoint, catch up with the log, then follow it.
  engine::TimetableDeadlines deadlines(options.main_workflow, engine::TimetablesFrom(*workflows));
  auto reads = engine::ReadModels::Open(
      store->get(), clock,
      {.tenant = options.tenant,
       .deadlines = &deadlines,
       .sign_off_levels = engine::SignOffLevelsOf(*main_workflow)});
  if (!reads) {
    std::fprintf(stderr, "goldthread: %s\n", reads.error().message.c_str());
    return 3;
  }
  if (auto caught_up = (*reads)->runner().CatchUp(); !caught_up) {
    std::fprintf(stderr, "goldthread: bringing the read models up to date: %s\n",
                 caught_up.error().message.c_str());
    return 3;
  }
  (*reads)->runner().StartFollowing();
  metrics.Callback("goldthread_projection_lag_events",
                   "Events in the log the read models have not applied yet", [&] {
                     const uint64_t head = (*store)->Head().position;
                     const uint64_t applied = (*reads)->runner().position();
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
           .simulated_clock = simulated.get(),
           .openapi_path = options.openapi_path,
           .read_models = reads->get()});
  Router router;
  api.Register(&router);
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

  // In real time the scheduler fires what falls due, waking at least once a second.
  std::atomic<bool> stopping{false};
  std::mutex mu;
  std::condition_variable wake;
  std::thread timers;
  if (!options.simulate) {
    timers = std::thread([&] {
      while (!stopping.load()) {
        if (auto r = scheduler.RunDue(); !r) {
          spdlog::error("scheduler: {}", r.error().message);
        }
        std::unique_lock lock(mu);
        wake.wait_for(lock, std::chrono::seconds(1), [&] { return stopping.load(); });
      }
    });
  }
  const int signal = RunUntilStopSignal(**server);
  stopping.store(true);
  wake.notify_all();
  if (timers.joinable()) timers.join();
  if (*notifications) (*notifications)->Stop();  // notifications: before the store closes
  api.Drain();
  (*reads)->runner().StopFollowing();
  spdlog::info("goldthread stopped on signal {}", signal);
  return 0;
}

}  // namespace goldthread::adapters
