// Issue 12's restart test: the real `goldthread serve --simulate` on the demo council, moved
// through a simulated year by POST /api/v1/clock, killed with SIGKILL in the middle of it,
// restarted on the same folder and run to the end of the year, writes the same log as a run of
// the same year that was never interrupted — the same events, none doubled, none lost — and
// delivers every reminder and escalation by webhook exactly once (one DELIVERED attempt in the
// log for each).
//
// What "the same events" means. Both runs start from one copy of one demo folder and are driven
// through the same steps (open a quarter's cycle at the first step in it; move the clock a week),
// so everything the scheduler and the commands write is decided at the same simulated instants:
// its stream, stream version, type, actor, recorded_at (the store records the simulated clock)
// and payload bytes must be equal, in the same order, and so must the scheduler's command ids
// (derived from what each action is). Left out, because they differ between any two runs:
// event ids (random UUIDs), log positions and hashes (the outbox's events interleave with the
// rest as its thread happens to run), and the command ids of commands sent over HTTP (random
// when the request carries no Idempotency-Key). The outbox's own events (<tenant>/delivery/...)
// are compared by what they deliver: each delivery is named by its source event's stream and
// stream version, its channel and recipient, since the delivery id hashes the source's random
// event id; their recorded_at is whatever the simulated clock said when the outbox thread got
// to them.
#include <date/date.h>
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <signal.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "adapters/demo/demo_council.h"
#include "engine/model/cycle_state.h"
#include "engine/model/event_codec.h"
#include "engine/model/local_date.h"
#include "engine/model/period.h"
#include "store/base/hex.h"
#include "store/event_store.h"
#include "tests/testing/child_process.h"
#include "tests/testing/http_client.h"
#include "tests/testing/loopback_receivers.h"
#include "tests/testing/temp_dir.h"

namespace goldthread::adapters {
namespace {

namespace v1 = goldthread::v1;
using goldthread::testing::ChildProcess;
using goldthread::testing::HttpClient;
using goldthread::testing::TempDir;
using goldthread::testing::WebhookReceiver;

constexpr char kTenant[] = "demo";
constexpr char kWorkflow[] = "chesterfield-service-first";
constexpr char kSecret[] = "webhook-secret-for-the-restart-test";
constexpr int kWeeks = 52;
// A Monday in week 8 after the end of FY2026-Q2 (the demo's current cycle).
const engine::LocalDay kToday = date::year{2026} / date::November / 23;

TimePoint Noon(engine::LocalDay day) {
  return engine::EndOfLondonDay(day - date::days(1)) + std::chrono::microseconds(1) +
         std::chrono::hours(12);
}

std::string Rfc3339(TimePoint t) {
  return date::format("%FT%TZ", date::floor<std::chrono::seconds>(t));
}

// One step of the year: open a cycle (when the step starts in a quarter not yet opened), then
// move the clock to `until`.
struct Step {
  TimePoint from;
  TimePoint until;
  std::string open_period;  // empty: no cycle opened
};

std::vector<Step> YearOfSteps(TimePoint start, const std::string& already_open) {
  std::vector<Step> steps;
  std::set<std::string> opened = {already_open};
  TimePoint at = start;
  for (int week = 0; week < kWeeks; ++week) {
    Step step{.from = at, .until = at + date::days(7)};
    const engine::Period quarter = engine::Period::Containing(
        v1::FREQUENCY_QUARTERLY, date::year_month_day(engine::LondonDayOf(at)));
    if (opened.insert(quarter.id()).second) step.open_period = quarter.id();
    steps.push_back(step);
    at = step.until;
  }
  return steps;
}

std::vector<store::Envelope> ReadLog(const std::string& data_dir) {
  store::StoreOptions options;
  options.read_only = true;
  auto store = store::EventStore::Open(data_dir, options);
  EXPECT_TRUE(store) << store.error().ToString();
  std::vector<store::Envelope> out;
  if (!store) return out;
  store::ReadPage page;
  uint64_t from = 1;
  while ((*store)->ReadAllInto(from, store::Direction::kForward, 1000, &page) &&
         !page.events.empty()) {
    out.insert(out.end(), page.events.begin(), page.events.end());
    if (page.next == 0) break;
    from = page.next;
  }
  return out;
}

bool IsDelivery(const store::Envelope& e) {
  return e.stream().starts_with(std::string(kTenant) + "/delivery/");
}

bool IsSource(const store::Envelope& e) {
  return e.type() == "goldthread.v1.ReminderIssued" || e.type() == "goldthread.v1.EscalationRaised";
}

// What must be equal between the two runs, one line per event (see the file comment).
std::vector<std::string> DecidedEvents(const std::vector<store::Envelope>& log) {
  std::vector<std::string> out;
  for (const store::Envelope& e : log) {
    // The clock's moves (issue 16) record who moved it: the killed step's move is sent again
    // after the restart, so the restarted log may hold it twice.
    if (IsDelivery(e) || e.stream() == std::string(kTenant) + "/clock") continue;
    const bool system = e.actor().starts_with("system/");
    out.push_back(fmt::format("{} v{} {} by {} at {} {}{}", e.stream(), e.stream_version(),
                              e.type(), e.actor(), e.recorded_at().ShortDebugString(),
                              system ? "id " + e.command_id() + " " : "", HexEncode(e.payload())));
  }
  return out;
}

// Each DELIVERED attempt, named by its source (stream and version), channel and recipient.
std::map<std::string, int> Delivered(const std::vector<store::Envelope>& log) {
  std::map<std::string, std::string> source_by_event_id;
  for (const store::Envelope& e : log) {
    if (IsSource(e)) {
      source_by_event_id[e.event_id()] = fmt::format("{} v{}", e.stream(), e.stream_version());
    }
  }
  std::map<std::string, int> out;
  for (const store::Envelope& e : log) {
    if (!IsDelivery(e) || e.type() != "goldthread.v1.NotificationAttempted") continue;
    auto event = engine::DecodeEvent(e);
    EXPECT_TRUE(event);
    if (!event) continue;
    const auto& a = event->notification_attempted();
    if (a.outcome() != v1::NOTIFICATION_OUTCOME_DELIVERED) continue;
    auto source = source_by_event_id.find(a.source_event_id());
    const std::string name =
        source == source_by_event_id.end() ? "unknown " + a.source_event_id() : source->second;
    ++out[fmt::format("{} {} {}", name, v1::NotificationChannel_Name(a.channel()), a.recipient())];
  }
  return out;
}

size_t CountSources(const std::vector<store::Envelope>& log) {
  return std::count_if(log.begin(), log.end(), IsSource);
}

// `goldthread serve --simulate` on `data_dir`, its clock starting at `start`, delivering by
// webhook to `hook`.
class Server {
 public:
  Server(const std::string& data_dir, TimePoint start, const WebhookReceiver& hook,
         const std::string& secret_file)
      : port_(goldthread::testing::FreeLoopbackPort()),
        process_({goldthread::testing::GoldthreadBinary(), "serve", "--data-dir", data_dir,
                  "--tenant", kTenant, "--workflow", kWorkflow, "--listen",
                  fmt::format("127.0.0.1:{}", port_), "--simulate", "--simulate-start",
                  Rfc3339(start), "--webhook-url", hook.url(), "--webhook-secret-file", secret_file,
                  // Deliver everything, however far the clock has moved past it by the time
                  // the outbox reads it: skipping old sources depends on that timing.
                  "--notify-max-age-hours", "1000000"}) {}

  bool WaitUntilServing() {
    return process_.WaitForOutput("serving tenant", std::chrono::seconds(60));
  }
  std::string Output() const { return process_.Output(); }
  uint16_t port() const { return port_; }
  ChildProcess& process() { return process_; }

 private:
  uint16_t port_;
  ChildProcess process_;
};

goldthread::testing::ClientResponse Post(uint16_t port, const std::string& token,
                                         const std::string& path, const std::string& body) {
  HttpClient client(port, std::chrono::seconds(120));
  return client.Request("POST", path, body, {{"Authorization", "Bearer " + token}});
}

// Runs `step` against the server; fails the test unless every request succeeds.
void RunStep(uint16_t port, const std::string& token, const Step& step) {
  if (!step.open_period.empty()) {
    auto r =
        Post(port, token, "/api/v1/cycles",
             fmt::format(R"({{"workflowId":"{}","period":"{}"}})", kWorkflow, step.open_period));
    ASSERT_TRUE(r.status == 200 || r.status == 201) << r.status << " " << r.body;
  }
  auto r = Post(port, token, "/api/v1/clock",
                fmt::format(R"({{"advanceTo":"{}"}})", Rfc3339(step.until)));
  ASSERT_EQ(r.status, 200u) << r.body;
}

// Waits until every reminder and escalation in the log has a DELIVERED attempt.
bool WaitForDeliveries(const std::string& data_dir, std::chrono::seconds within) {
  const auto deadline = std::chrono::steady_clock::now() + within;
  while (true) {
    const auto log = ReadLog(data_dir);
    if (Delivered(log).size() >= CountSources(log)) return true;
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
  }
}

// Scheduler events recorded after `after` and no later than `until`.
size_t SchedulerEventsBetween(const std::vector<store::Envelope>& log, TimePoint after,
                              TimePoint until) {
  size_t n = 0;
  for (const store::Envelope& e : log) {
    const TimePoint at = engine::RecordedAt(e);
    n += e.actor() == "system/scheduler" && at > after && at <= until;
  }
  return n;
}

TEST(ServeRestartTest, KilledMidYearAndRestartedWritesTheLogOfAnUninterruptedYear) {
  TempDir dir;
  const std::string secret_file = dir.Sub("secret");
  std::ofstream(secret_file) << kSecret << "\n";
  std::filesystem::permissions(secret_file, std::filesystem::perms::owner_read |
                                              std::filesystem::perms::owner_write);

  // One demo council, copied for each run.
  DemoOptions demo;
  demo.data_dir = dir.Sub("demo");
  demo.tenant = kTenant;
  demo.today = kToday;
  demo.now = Noon(kToday);
  demo.years = 1;
  demo.seed = 7;
  demo.workflow_id = kWorkflow;
  demo.token_days = 366;
  auto made = CreateDemoCouncil(demo);
  ASSERT_TRUE(made) << made.error().message;
  std::string token;
  for (const DemoUser& u : made->users) {
    if (u.person_id == "perf-shah") token = u.token;
  }
  ASSERT_FALSE(token.empty()) << "the demo has no performance-team user";
  const std::string uninterrupted = dir.Sub("uninterrupted");
  const std::string restarted = dir.Sub("restarted");
  std::filesystem::copy(demo.data_dir, uninterrupted, std::filesystem::copy_options::recursive);
  std::filesystem::copy(demo.data_dir, restarted, std::filesystem::copy_options::recursive);
  const std::vector<Step> steps = YearOfSteps(*demo.now, made->current_period);

  // The uninterrupted year, timing each step to choose where to kill the other run.
  std::vector<std::chrono::steady_clock::duration> took;
  {
    WebhookReceiver hook(kSecret);
    ASSERT_TRUE(hook.Start());
    Server server(uninterrupted, steps.front().from, hook, secret_file);
    ASSERT_TRUE(server.WaitUntilServing()) << server.Output();
    for (const Step& step : steps) {
      const auto begun = std::chrono::steady_clock::now();
      ASSERT_NO_FATAL_FAILURE(RunStep(server.port(), token, step));
      took.push_back(std::chrono::steady_clock::now() - begun);
    }
    ASSERT_TRUE(WaitForDeliveries(uninterrupted, std::chrono::seconds(300)))
        << "the uninterrupted run did not deliver everything\n"
        << server.Output();
    server.process().Signal(SIGTERM);
    EXPECT_EQ(server.process().Wait(std::chrono::seconds(30)), 0) << server.Output();
  }
  const auto full_log = ReadLog(uninterrupted);

  // Kill in the step of the year's middle third that writes the most scheduler events and opens
  // no cycle (so that, after the restart, the step is simply run again), a third of the way
  // through its time in the first run: usually in the middle of the advance, and always with
  // deliveries outstanding (the outbox lags behind the scheduler).
  size_t kill_step = 0;
  size_t most = 0;
  for (size_t i = kWeeks / 3; i < 2 * kWeeks / 3; ++i) {
    const size_t events = SchedulerEventsBetween(full_log, steps[i].from, steps[i].until);
    if (steps[i].open_period.empty() && (kill_step == 0 || events > most)) {
      kill_step = i;
      most = events;
    }
  }
  ASSERT_TRUE(steps[kill_step].open_period.empty());
  const Step& killed = steps[kill_step];

  size_t written_before_kill = 0;
  {
    WebhookReceiver hook(kSecret);
    ASSERT_TRUE(hook.Start());
    {
      Server server(restarted, steps.front().from, hook, secret_file);
      ASSERT_TRUE(server.WaitUntilServing()) << server.Output();
      for (size_t i = 0; i < kill_step; ++i) {
        ASSERT_NO_FATAL_FAILURE(RunStep(server.port(), token, steps[i]));
      }
      std::thread advance([&] {
        Post(server.port(), token, "/api/v1/clock",
             fmt::format(R"({{"advanceTo":"{}"}})", Rfc3339(killed.until)));
      });
      std::this_thread::sleep_for(took[kill_step] / 3);
      server.process().Signal(SIGKILL);
      EXPECT_EQ(server.process().Wait(std::chrono::seconds(30)), 128 + SIGKILL);
      advance.join();
    }
    const auto at_kill = ReadLog(restarted);
    written_before_kill = SchedulerEventsBetween(at_kill, killed.from, killed.until);
    const size_t deliveries_at_kill = Delivered(at_kill).size();
    std::printf(
        "killed in week %zu, %.0f ms into an advance that took %.0f ms: %zu of its %zu scheduler "
        "events written, %zu of %zu reminders and escalations delivered\n",
        kill_step + 1, std::chrono::duration<double, std::milli>(took[kill_step] / 3).count(),
        std::chrono::duration<double, std::milli>(took[kill_step]).count(), written_before_kill,
        SchedulerEventsBetween(full_log, killed.from, killed.until), deliveries_at_kill,
        CountSources(at_kill));
    EXPECT_LT(deliveries_at_kill, CountSources(at_kill))
        << "everything was delivered before the kill: the outbox's restart is not tested";

    // The restart: the clock where the killed step began, that step run again, then the rest.
    Server server(restarted, killed.from, hook, secret_file);
    ASSERT_TRUE(server.WaitUntilServing()) << server.Output();
    for (size_t i = kill_step; i < steps.size(); ++i) {
      ASSERT_NO_FATAL_FAILURE(RunStep(server.port(), token, steps[i]));
    }
    ASSERT_TRUE(WaitForDeliveries(restarted, std::chrono::seconds(300)))
        << "the restarted run did not deliver everything\n"
        << server.Output();
    server.process().Signal(SIGTERM);
    EXPECT_EQ(server.process().Wait(std::chrono::seconds(30)), 0) << server.Output();
  }
  const auto resumed_log = ReadLog(restarted);

  // The same events, in the same order.
  const auto want = DecidedEvents(full_log);
  const auto got = DecidedEvents(resumed_log);
  ASSERT_GT(CountSources(full_log), CountSources(ReadLog(demo.data_dir)))
      << "the year reminded and escalated nothing: the test proves nothing";
  EXPECT_EQ(got.size(), want.size());
  for (size_t i = 0; i < std::min(got.size(), want.size()); ++i) {
    ASSERT_EQ(got[i], want[i]) << "the logs part at event " << i << " (not counting deliveries)";
  }
  // No scheduler action twice (the comparison implies it for the restarted run).
  std::set<std::string> keys;
  for (const store::Envelope& e : full_log) {
    if (e.actor() == "system/scheduler") {
      EXPECT_TRUE(keys.insert(e.command_id()).second) << "written twice: " << e.command_id();
    }
  }
  // Every reminder and escalation delivered, once, in both runs.
  const auto delivered_full = Delivered(full_log);
  const auto delivered_resumed = Delivered(resumed_log);
  EXPECT_EQ(delivered_full.size(), CountSources(full_log));
  EXPECT_EQ(delivered_resumed, delivered_full);
  for (const auto& [delivery, times] : delivered_resumed) {
    EXPECT_EQ(times, 1) << delivery << " recorded as delivered " << times << " times";
  }
}

}  // namespace
}  // namespace goldthread::adapters
