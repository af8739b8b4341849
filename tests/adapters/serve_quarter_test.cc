// The real `goldthread serve` over HTTP on loopback: a quarter of chesterfield-service-first
// driven entirely through the API in --simulate mode (the council set up, the cycle opened,
// figures submitted and signed off by different people, the clock moved, reminders and
// escalations seen on the right figures' histories and in the outstanding lists), and a
// graceful shutdown under load that loses no acknowledged command.
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <signal.h>

#include <atomic>
#include <mutex>
#include <thread>

#include "engine/model/event_codec.h"
#include "engine/model/local_date.h"
#include "engine/model/period.h"
#include "store/base/clock.h"
#include "store/event_store.h"
#include "tests/testing/child_process.h"
#include "tests/testing/http_client.h"
#include "tests/testing/prometheus_text.h"
#include "tests/testing/temp_dir.h"

namespace goldthread::adapters {
namespace {

using goldthread::testing::ChildProcess;
using goldthread::testing::ClientResponse;
using goldthread::testing::GoldthreadBinary;
using goldthread::testing::HttpClient;
using goldthread::testing::RunToCompletion;
using goldthread::testing::TempDir;

constexpr char kTenant[] = "borough";

std::string Rfc3339(TimePoint t) {
  return date::format("%FT%TZ", date::floor<std::chrono::seconds>(t));
}

size_t Count(const std::string& haystack, const std::string& needle) {
  size_t n = 0;
  for (size_t at = haystack.find(needle); at != std::string::npos;
       at = haystack.find(needle, at + needle.size())) {
    ++n;
  }
  return n;
}

class ServeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    data_dir_ = dir_.Sub("store");
    auto init = RunToCompletion({GoldthreadBinary(), "init", "--data-dir", data_dir_, "--tenant",
                                 kTenant, "--council-name", "Test Borough Council",
                                 "--admin-name", "Ada Admin"});
    ASSERT_EQ(init.exit_code, 0) << init.err;
    auto token = RunToCompletion({GoldthreadBinary(), "token", "create", "--data-dir", data_dir_,
                                  "--tenant", kTenant, "--person", "admin", "--days", "366"});
    ASSERT_EQ(token.exit_code, 0) << token.err;
    tokens_["admin"] = token.out.substr(0, token.out.find('\n'));
  }

  void StartServer(bool simulate) {
    port_ = goldthread::testing::FreeLoopbackPort();
    std::vector<std::string> args = {GoldthreadBinary(), "serve",   "--data-dir", data_dir_,
                                     "--tenant",         kTenant,   "--listen",
                                     fmt::format("127.0.0.1:{}", port_)};
    if (simulate) args.push_back("--simulate");
    server_ = std::make_unique<ChildProcess>(args);
    ASSERT_TRUE(server_->WaitForOutput("serving tenant", std::chrono::seconds(30)))
        << server_->Output();
  }

  ClientResponse Call(const std::string& who, const std::string& method, const std::string& path,
                      const std::string& body = "") {
    HttpClient client(port_, std::chrono::seconds(30));
    std::map<std::string, std::string> headers;
    if (!who.empty()) headers["Authorization"] = "Bearer " + tokens_.at(who);
    return client.Request(method, path, body, headers);
  }

  void Must(const std::string& who, const std::string& path, const std::string& body) {
    auto r = Call(who, "POST", path, body);
    ASSERT_TRUE(r.status == 200 || r.status == 201) << who << " POST " << path << " " << body
                                                    << " -> " << r.status << " " << r.body;
  }

  // Registers a person with one role and gives them a token.
  void Person(const std::string& id, const std::string& role, const std::string& scope) {
    Must("admin", "/api/v1/people",
         fmt::format(R"({{"personId":"{}","name":"Person {}","email":"{}@borough.example",)"
                     R"("homeUnitId":"{}"}})",
                     id, id, id, scope));
    Must("admin", "/api/v1/people/" + id + "/roles",
         fmt::format(R"({{"role":"{}","scopeUnitId":"{}"}})", role, scope));
    auto token = Call("admin", "POST", "/api/v1/tokens",
                      fmt::format(R"({{"personId":"{}","expiresInDays":366}})", id));
    ASSERT_EQ(token.status, 201u) << token.body;
    const std::string key = "\"secret\":\"";
    const size_t at = token.body.find(key);
    ASSERT_NE(at, std::string::npos) << token.body;
    tokens_[id] = token.body.substr(at + key.size(),
                                    token.body.find('"', at + key.size()) - at - key.size());
  }

  void Indicator(const std::string& id, const std::string& period, double target) {
    Must("p-perf", "/api/v1/indicators",
         fmt::format(R"({{"indicatorId":"{}","definition":{{"title":"Indicator {}",)"
                     R"("definition":"Percentage of cases done on time","methodOfCalculation":)"
                     R"("done on time / all x 100","unit":"%","decimalPlaces":1,"validMin":0,)"
                     R"("validMax":100,"polarity":"POLARITY_HIGHER_IS_BETTER",)"
                     R"("frequency":"FREQUENCY_QUARTERLY","owningUnitId":"svc-homes",)"
                     R"("dataSource":"case system","perspective":"PERSPECTIVE_CUSTOMER",)"
                     R"("amberTolerance":{{"percent":5}}}}}})",
                     id, id));
    Must("p-perf", "/api/v1/indicators/" + id + "/targets",
         fmt::format(R"({{"period":"{}","target":{},"reason":"service plan"}})", period, target));
  }

  void AdvanceTo(TimePoint t) {
    auto r = Call("p-perf", "POST", "/api/v1/clock",
                  fmt::format(R"({{"advanceTo":"{}"}})", Rfc3339(t)));
    ASSERT_EQ(r.status, 200u) << r.body;
  }

  TempDir dir_;
  std::string data_dir_;
  uint16_t port_ = 0;
  std::unique_ptr<ChildProcess> server_;
  std::map<std::string, std::string> tokens_;
};

TEST_F(ServeTest, AChesterfieldQuarterDrivenOverHttpInSimulatedTime) {
  ASSERT_NO_FATAL_FAILURE(StartServer(/*simulate=*/true));
  // The quarter in progress today: its cycle runs after it ends, in simulated time.
  const engine::Period quarter = engine::Period::Containing(
      v1::FREQUENCY_QUARTERLY, date::year_month_day(engine::LondonDayOf(SystemClock::Instance().Now())));
  const std::string q = quarter.id();

  Must("admin", "/api/v1/org-units",
       R"({"unitId":"dir-place","kind":"ORG_UNIT_KIND_DIRECTORATE","name":"Place","parentUnitId":"council"})");
  Must("admin", "/api/v1/org-units",
       R"({"unitId":"svc-homes","kind":"ORG_UNIT_KIND_SERVICE","name":"Housing","parentUnitId":"dir-place"})");
  ASSERT_NO_FATAL_FAILURE(Person("p-entry", "ROLE_DATA_ENTRY", "svc-homes"));
  ASSERT_NO_FATAL_FAILURE(Person("p-sm", "ROLE_SERVICE_MANAGER", "svc-homes"));
  ASSERT_NO_FATAL_FAILURE(Person("p-dir", "ROLE_DIRECTOR", "dir-place"));
  ASSERT_NO_FATAL_FAILURE(Person("p-perf", "ROLE_PERFORMANCE_TEAM", "council"));
  ASSERT_NO_FATAL_FAILURE(Person("p-audit", "ROLE_AUDITOR", "council"));
  ASSERT_NO_FATAL_FAILURE(Indicator("HS-1", q, 80));
  ASSERT_NO_FATAL_FAILURE(Indicator("HS-2", q, 90));
  Must("p-perf", "/api/v1/cycles",
       fmt::format(R"({{"workflowId":"chesterfield-service-first","period":"{}"}})", q));

  // The first working morning after the quarter: collation is open.
  AdvanceTo(engine::EndOfLondonDay(date::sys_days(quarter.end())) + std::chrono::hours(33));
  Must("p-entry", "/api/v1/figures/HS-1/" + q,
       R"({"value":{"value":84.5},"commentary":"ahead of target"})");
  // Four eyes: the person who entered it cannot sign it off.
  const auto refused = Call("p-entry", "POST", "/api/v1/figures/HS-1/" + q + "/sign-offs",
                            R"({"level":"SIGN_OFF_LEVEL_SERVICE","figureVersion":1})");
  EXPECT_EQ(refused.status, 403u) << refused.body;
  Must("p-sm", "/api/v1/figures/HS-1/" + q + "/sign-offs",
       R"({"level":"SIGN_OFF_LEVEL_SERVICE","figureVersion":1})");

  auto cycle = Call("p-entry", "GET", "/api/v1/cycles/chesterfield-service-first/" + q);
  ASSERT_EQ(cycle.status, 200u) << cycle.body;
  EXPECT_NE(cycle.body.find(R"("stageId":"collation")"), std::string::npos) << cycle.body;
  EXPECT_NE(cycle.body.find(R"("status":"open")"), std::string::npos) << cycle.body;

  // Read before anything is chased: nothing yet (and the answer is now cached at this position).
  auto early = Call("p-sm", "GET", "/api/v1/figures/HS-2/" + q + "/history");
  ASSERT_EQ(early.status, 200u) << early.body;
  EXPECT_EQ(Count(early.body, R"("eventType":"ReminderIssued")"), 0u) << early.body;

  // The day before collation falls due (three weeks after the quarter), and a week after it.
  const TimePoint before_due =
      engine::EndOfLondonDay(date::sys_days(quarter.end()) + date::days(20)) -
      std::chrono::hours(12);
  AdvanceTo(before_due);
  AdvanceTo(before_due + date::days(8));

  // HS-2 was never submitted: reminders, then escalations, on its history.
  auto late = Call("p-sm", "GET", "/api/v1/figures/HS-2/" + q + "/history");
  ASSERT_EQ(late.status, 200u) << late.body;
  EXPECT_GE(Count(late.body, R"("eventType":"ReminderIssued")"), 1u) << late.body;
  EXPECT_GE(Count(late.body, R"("eventType":"EscalationRaised")"), 1u) << late.body;
  // HS-1 was in on time: submitted by one person, signed off by another, nothing chased.
  auto on_time = Call("p-sm", "GET", "/api/v1/figures/HS-1/" + q + "/history");
  ASSERT_EQ(on_time.status, 200u) << on_time.body;
  EXPECT_NE(on_time.body.find(R"("actor":"p-entry")"), std::string::npos) << on_time.body;
  EXPECT_NE(on_time.body.find(R"("actor":"p-sm")"), std::string::npos) << on_time.body;
  EXPECT_EQ(Count(on_time.body, R"("eventType":"EscalationRaised")"), 0u) << on_time.body;

  // As of the day before the deadline, HS-2 had been reminded but not escalated.
  auto then = Call("p-sm", "GET",
                   "/api/v1/figures/HS-2/" + q + "/history?as_of=" + Rfc3339(before_due));
  ASSERT_EQ(then.status, 200u) << then.body;
  EXPECT_GE(Count(then.body, R"("eventType":"ReminderIssued")"), 1u) << then.body;
  EXPECT_EQ(Count(then.body, R"("eventType":"EscalationRaised")"), 0u) << then.body;

  // The outstanding lists: the data entry officer owes HS-2, late; the performance team sees it.
  auto mine = Call("p-entry", "GET", "/api/v1/me/outstanding-work");
  ASSERT_EQ(mine.status, 200u) << mine.body;
  EXPECT_NE(mine.body.find(R"("indicatorId":"HS-2")"), std::string::npos) << mine.body;
  EXPECT_NE(mine.body.find(R"("late":true)"), std::string::npos) << mine.body;
  EXPECT_EQ(mine.body.find(R"("indicatorId":"HS-1")"), std::string::npos) << mine.body;
  auto late_returns = Call("p-perf", "GET", "/api/v1/late-returns");
  ASSERT_EQ(late_returns.status, 200u) << late_returns.body;
  EXPECT_NE(late_returns.body.find(R"("indicatorId":"HS-2")"), std::string::npos);
  auto escalations = Call("p-perf", "GET", "/api/v1/escalations?period=" + q + "&status=open");
  ASSERT_EQ(escalations.status, 200u) << escalations.body;
  EXPECT_NE(escalations.body.find(R"("indicatorId":"HS-2")"), std::string::npos)
      << escalations.body;

  // The trail: one CSV row per figure, for the auditor; not for the data entry officer.
  auto trail = Call("p-audit", "GET", "/api/v1/trails/" + q + "?format=csv");
  ASSERT_EQ(trail.status, 200u) << trail.body;
  EXPECT_EQ(trail.headers.at("content-type"), "text/csv; charset=utf-8");
  EXPECT_NE(trail.body.find("HS-1"), std::string::npos) << trail.body;
  EXPECT_NE(trail.body.find("HS-2"), std::string::npos) << trail.body;
  auto html = Call("p-audit", "GET", "/api/v1/trails/" + q + "?format=html");
  EXPECT_EQ(html.status, 200u);
  EXPECT_NE(html.body.find("<html"), std::string::npos);
  EXPECT_EQ(Call("p-entry", "GET", "/api/v1/trails/" + q).status, 403u);
  EXPECT_EQ(Call("", "GET", "/api/v1/trails/" + q).status, 401u);
  EXPECT_EQ(Call("p-audit", "GET", "/api/v1/trails/" + q + "?format=pdf").status, 400u);
  EXPECT_EQ(Call("p-audit", "GET", "/api/v1/trails/" + q + "?as_of=yesterday").status, 400u);

  // The published scorecard needs no token and shows only what was published (nothing yet).
  auto published = Call("", "GET", "/api/v1/public/scorecards/svc-homes/" + q);
  ASSERT_EQ(published.status, 200u) << published.body;
  EXPECT_EQ(published.body.find("HS-1"), std::string::npos) << published.body;
  auto internal = Call("p-dir", "GET", "/api/v1/scorecards/svc-homes/" + q);
  ASSERT_EQ(internal.status, 200u) << internal.body;
  EXPECT_NE(internal.body.find("HS-1"), std::string::npos) << internal.body;
  EXPECT_NE(internal.body.find("RAG_GREEN"), std::string::npos) << internal.body;
  // The council's workflow has no directorate level: the scorecard waits for what it does have.
  EXPECT_NE(internal.body.find("awaiting corporate verification sign-off"), std::string::npos)
      << internal.body;
  EXPECT_EQ(internal.body.find("directorate sign-off"), std::string::npos) << internal.body;

  // The operator's view: the store's commits, the read models' lag, the timers.
  auto metrics = Call("", "GET", "/metrics");
  ASSERT_EQ(metrics.status, 200u);
  auto parsed = goldthread::testing::ParsePrometheusText(metrics.body);
  ASSERT_TRUE(parsed) << parsed.error().message;
  EXPECT_GT(parsed->Value("goldthread_store_commit_seconds_count").value_or(0), 10);
  EXPECT_GT(parsed->Value("goldthread_store_append_seconds_count").value_or(0), 10);
  EXPECT_GT(parsed->Value("goldthread_events_total").value_or(0), 10);
  EXPECT_TRUE(parsed->Value("goldthread_projection_lag_events").has_value());
  EXPECT_TRUE(parsed->Value("goldthread_timers_pending").has_value());
  EXPECT_GE(parsed->Value("goldthread_auth_failures_total").value_or(0), 1);
  auto ready = Call("", "GET", "/readyz");
  EXPECT_EQ(ready.status, 200u) << ready.body;

  server_->Signal(SIGTERM);
  EXPECT_EQ(server_->Wait(std::chrono::seconds(20)), 0) << server_->Output();
  auto verify = RunToCompletion({GoldthreadBinary(), "verify", "--data-dir", data_dir_});
  EXPECT_EQ(verify.exit_code, 0) << verify.out << verify.err;

  // The same answers on the command line, for auditors who prefer a terminal.
  const std::string bin = GoldthreadBinary();
  auto history = RunToCompletion({bin, "history", "--data-dir", data_dir_, "--tenant", kTenant,
                                  "--indicator", "HS-2", "--period", q});
  EXPECT_EQ(history.exit_code, 0) << history.err;
  EXPECT_NE(history.out.find("EscalationRaised"), std::string::npos) << history.out;
  auto history_then = RunToCompletion({bin, "history", "--data-dir", data_dir_, "--tenant",
                                       kTenant, "--indicator", "HS-2", "--period", q,
                                       "--as-of", Rfc3339(before_due)});
  EXPECT_EQ(history_then.exit_code, 0) << history_then.err;
  EXPECT_EQ(history_then.out.find("EscalationRaised"), std::string::npos) << history_then.out;
  auto csv = RunToCompletion({bin, "trail", "--data-dir", data_dir_, "--tenant", kTenant,
                              "--period", q, "--format", "csv"});
  EXPECT_EQ(csv.exit_code, 0) << csv.err;
  EXPECT_EQ(csv.out, trail.body) << "the CLI and the API disagree";
  // Refusals: one line on stderr, non-zero exit.
  auto no_period = RunToCompletion({bin, "history", "--data-dir", data_dir_, "--indicator", "HS-2"});
  EXPECT_EQ(no_period.exit_code, 2);
  auto bad_time = RunToCompletion({bin, "history", "--data-dir", data_dir_, "--tenant", kTenant,
                                   "--indicator", "HS-2", "--period", q, "--as-of", "tuesday"});
  EXPECT_EQ(bad_time.exit_code, 2);
  EXPECT_NE(bad_time.err.find("RFC 3339"), std::string::npos) << bad_time.err;
  auto unknown = RunToCompletion({bin, "history", "--data-dir", data_dir_, "--tenant", kTenant,
                                  "--indicator", "NOPE", "--period", q});
  EXPECT_EQ(unknown.exit_code, 3) << unknown.out;
  auto bad_format = RunToCompletion({bin, "trail", "--data-dir", data_dir_, "--period", q,
                                     "--format", "pdf"});
  EXPECT_EQ(bad_format.exit_code, 2);

  // A rebuild replays the log into the read models and leaves the log as it was.
  auto rebuilt = RunToCompletion({bin, "rebuild", "--data-dir", data_dir_, "--tenant", kTenant});
  EXPECT_EQ(rebuilt.exit_code, 0) << rebuilt.err;
  EXPECT_NE(rebuilt.out.find("rebuilt read-index"), std::string::npos) << rebuilt.out;
  auto verify_after = RunToCompletion({bin, "verify", "--data-dir", data_dir_});
  EXPECT_EQ(verify_after.out, verify.out);
  EXPECT_EQ(RunToCompletion({bin, "rebuild", "--data-dir", data_dir_, "--projection", "nope"})
                .exit_code,
            2);
}

TEST_F(ServeTest, GracefulShutdownUnderLoadLosesNoAcknowledgedCommand) {
  ASSERT_NO_FATAL_FAILURE(StartServer(/*simulate=*/false));
  std::mutex mu;
  std::vector<std::string> acknowledged;
  std::atomic<bool> stop{false};
  std::atomic<int> answered{0};
  std::vector<std::thread> clients;
  for (int c = 0; c < 8; ++c) {
    clients.emplace_back([&, c] {
      for (int i = 0; !stop.load(); ++i) {
        const std::string id = fmt::format("load-{}-{}", c, i);
        HttpClient client(port_, std::chrono::seconds(10));
        auto r = client.Request(
            "POST", "/api/v1/people",
            fmt::format(R"({{"personId":"{}","name":"Load {}","homeUnitId":"council"}})", id, id),
            {{"Authorization", "Bearer " + tokens_.at("admin")}, {"Idempotency-Key", id}});
        if (r.status == 201) {
          std::lock_guard lock(mu);
          acknowledged.push_back(id);
          ++answered;
        } else if (r.status == 0) {
          return;  // the server has gone: stop this client
        }
      }
    });
  }
  while (answered.load() < 50) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  server_->Signal(SIGTERM);
  const auto exit_code = server_->Wait(std::chrono::seconds(30));
  stop = true;
  for (auto& t : clients) t.join();
  ASSERT_EQ(exit_code, 0) << server_->Output();
  ASSERT_GE(acknowledged.size(), 50u);

  store::StoreOptions options;
  options.read_only = true;
  auto store = store::EventStore::Open(data_dir_, options);
  ASSERT_TRUE(store) << store.error().ToString();
  for (const std::string& id : acknowledged) {
    auto page = (*store)->ReadStream(engine::PersonStream(kTenant, id), 1,
                                     store::Direction::kForward, 10);
    ASSERT_TRUE(page) << page.error().ToString();
    EXPECT_EQ(page->events.size(), 1u) << "acknowledged but not in the log: " << id;
  }
  auto verified = (*store)->Verify(1, 0);
  ASSERT_TRUE(verified);
  EXPECT_TRUE(verified->ok) << verified->problem;
}

}  // namespace
}  // namespace goldthread::adapters
