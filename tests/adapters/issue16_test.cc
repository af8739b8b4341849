// Issue 16 (reliability and security): one regression test per defect an outside review found,
// each named after it. Every refusal also checks that nothing was written (the log head).
#include <fmt/format.h>
#include <google/protobuf/util/time_util.h>
#include <gtest/gtest.h>

#include <atomic>
#include <map>
#include <stdexcept>
#include <vector>
#include <string>

#include "adapters/api/api.h"
#include "adapters/http/http_server.h"
#include "engine/read/read_models.h"
#include "tests/testing/council_fixture.h"
#include "tests/testing/forwarding_store.h"
#include "tests/testing/http_client.h"

namespace goldthread::adapters {
namespace {

using goldthread::testing::ClientResponse;
using goldthread::testing::CouncilFixture;
using goldthread::testing::HttpClient;

class Issue16Test : public CouncilFixture {
 protected:
  void SetUp() override {
    CouncilFixture::SetUp();
    scheduler_ = std::make_unique<engine::Scheduler>(
        store_.get(), clock_.get(), engine::SchedulerOptions{.tenant = kTenant, .timetables = {}});
    api_ = std::make_unique<Api>(handler_.get(), scheduler_.get(), &metrics_, MakeOptions());
    api_->Register(&router_);
    HttpServerOptions options;
    options.port = 0;
    auto server = HttpServer::Start(options, &router_, &metrics_);
    ASSERT_TRUE(server) << server.error().ToString();
    server_ = std::move(*server);
    for (const char* person : {"p-entry", "p-sm", "p-dir", "p-care", "p-audit", "admin", "p-perf",
                               "p-scrutiny"}) {
      auto token = handler_->IssueTokenAsOperator(person, "test", 30);
      ASSERT_TRUE(token) << token.error().ToString();
      tokens_[person] = token->secret();
    }
  }
  void TearDown() override {
    server_->Stop();
    api_->Drain();
  }
  virtual ApiOptions MakeOptions() {
    return ApiOptions{.worker_threads = 2, .simulated_clock = clock_.get()};
  }

  ClientResponse Call(const std::string& who, const std::string& method, const std::string& path,
                      const std::string& body = "",
                      std::map<std::string, std::string> headers = {}) {
    HttpClient client(server_->port());
    if (!who.empty()) headers["Authorization"] = "Bearer " + tokens_.at(who);
    return client.Request(method, path, body, headers);
  }

  // `r` is a problem document with `status` (naming `field` when given) and nothing was
  // written (the head is still `head`).
  void ExpectProblem(const ClientResponse& r, unsigned status, uint64_t head,
                     const std::string& field = "") {
    EXPECT_EQ(r.status, status) << r.body;
    EXPECT_EQ(r.headers.count("content-type") ? r.headers.at("content-type") : "",
              "application/problem+json")
        << r.body;
    if (!field.empty()) {
      EXPECT_NE(r.body.find("\"field\":\"" + field + "\""), std::string::npos) << r.body;
    }
    EXPECT_EQ(Head(), head) << "a refused request wrote events: " << r.body;
  }

  Metrics metrics_;
  Router router_;
  std::unique_ptr<engine::Scheduler> scheduler_;
  std::unique_ptr<Api> api_;
  std::unique_ptr<HttpServer> server_;
  std::map<std::string, std::string> tokens_;
};

// Defect 1: any role moved the shared simulated clock.
TEST_F(Issue16Test, AnyRoleMovesTheSharedSimulatedClock) {
  const uint64_t head = Head();
  const TimePoint before = clock_->Now();
  const std::string body = R"({"advanceTo":"2011-10-06T00:00:00Z"})";
  for (const char* who : {"p-entry", "p-audit", "p-sm", "p-dir", "p-scrutiny"}) {
    ExpectProblem(Call(who, "POST", "/api/v1/clock", body), 403, head);
    EXPECT_EQ(clock_->Now(), before) << who << " moved the clock";
  }
  // A refused caller is refused before the body is looked at.
  ExpectProblem(Call("p-entry", "POST", "/api/v1/clock", "{"), 403, head);

  auto moved = Call("p-perf", "POST", "/api/v1/clock", body);
  ASSERT_EQ(moved.status, 200u) << moved.body;
  auto moves = ReadStream(engine::ClockStream(kTenant));
  ASSERT_EQ(moves.size(), 1u);
  EXPECT_EQ(moves[0].envelope.actor(), "p-perf");
  ASSERT_TRUE(moves[0].event.has_simulated_clock_moved());
  EXPECT_EQ(google::protobuf::util::TimeUtil::ToString(moves[0].event.simulated_clock_moved().from()),
            "2011-10-05T10:00:00Z");
  EXPECT_EQ(google::protobuf::util::TimeUtil::ToString(moves[0].event.simulated_clock_moved().to()),
            "2011-10-06T00:00:00Z");

  ASSERT_EQ(Call("admin", "POST", "/api/v1/clock", R"({"advanceTo":"2011-10-07T00:00:00Z"})")
                .status,
            200u);
  moves = ReadStream(engine::ClockStream(kTenant));
  ASSERT_EQ(moves.size(), 2u);
  EXPECT_EQ(moves[1].envelope.actor(), "admin");
  // Backwards is refused by the performance team too, writing nothing.
  const uint64_t after = Head();
  ExpectProblem(Call("p-perf", "POST", "/api/v1/clock", R"({"advanceTo":"2011-10-06T00:00:00Z"})"),
                400, after, "advanceTo");
}


// Defect 2: duplicate JSON keys and raw control characters were accepted.
TEST_F(Issue16Test, DuplicateJsonKeysAndRawControlCharactersAreAccepted) {
  const uint64_t head = Head();
  const std::string rename = "/api/v1/org-units/svc-homes/rename";
  ExpectProblem(Call("admin", "POST", rename, R"({"name":"A","name":"B"})"), 400, head, "name");
  // The same key spelt with an escape is the same key.
  ExpectProblem(Call("admin", "POST", rename, R"({"name":"A","n\u0061me":"B"})"), 400, head,
                "name");
  ExpectProblem(Call("admin", "POST", rename, std::string("{\"name\":\"A") + '\0' + "B\"}"), 400,
                head, "name");
  ExpectProblem(Call("admin", "POST", rename, "{\"name\":\"A\x1b[2JB\"}"), 400, head, "name");
  // Escaped, they are valid JSON, and refused by the engine in a single-line text.
  ExpectProblem(Call("admin", "POST", rename, R"({"name":"A\u0000B"})"), 400, head, "name");
  ExpectProblem(Call("admin", "POST", rename, R"({"name":"Two\nlines"})"), 400, head, "name");
  ExpectProblem(Call("admin", "POST", rename, R"({"name":"A\u007fB"})"), 400, head, "name");
  // Nested: the path names the field.
  const std::string figure = "/api/v1/figures/NI-192/FY2011-Q2";
  ExpectProblem(Call("p-entry", "POST", figure, R"({"value":{"value":61,"value":62}})"), 400, head,
                "value.value");
  // A multi-line text may hold line breaks and tabs, and nothing else below U+0020.
  ExpectProblem(Call("p-entry", "POST", figure, R"({"value":{"value":61},"commentary":"a\u0007b"})"),
                400, head, "commentary");
  auto ok = Call("p-entry", "POST", figure,
                 R"({"value":{"value":61},"commentary":"Line one\r\nLine two\n\tindented"})");
  EXPECT_EQ(ok.status, 201u) << ok.body;
  // The clock's body goes through the same decoder.
  const uint64_t after = Head();
  ExpectProblem(Call("admin", "POST", "/api/v1/clock",
                     R"({"advanceTo":"2011-10-06T00:00:00Z","advanceTo":"2011-10-07T00:00:00Z"})"),
                400, after, "advanceTo");
}

// A store whose verification fails, as a tampered log's would.
class TamperedStore : public goldthread::testing::ForwardingStore {
 public:
  using ForwardingStore::ForwardingStore;
  Result<store::VerifyReport> Verify(uint64_t from, uint64_t to) const override {
    auto report = ForwardingStore::Verify(from, to);
    if (report) {
      report->ok = false;
      report->first_bad_position = 3;
      report->problem = "payload digest does not match payload";
    }
    return report;
  }
};

class Issue16TamperedLogTest : public Issue16Test {
 protected:
  ApiOptions MakeOptions() override {
    tampered_ = std::make_unique<TamperedStore>(store_.get());
    auto reads = engine::ReadModels::Open(tampered_.get(), clock_.get(), {.tenant = kTenant});
    EXPECT_TRUE(reads) << reads.error().ToString();
    if (reads) reads_ = std::move(*reads);
    return ApiOptions{.worker_threads = 2, .read_models = reads_.get()};
  }
  std::unique_ptr<TamperedStore> tampered_;
  std::unique_ptr<engine::ReadModels> reads_;
};

// Defect 3: a damaged log still answered the trail with 200.
TEST_F(Issue16TamperedLogTest, ADamagedLogStillAnswersTheTrailWith200) {
  const uint64_t head = Head();
  for (const char* format : {"", "?format=csv", "?format=html"}) {
    auto r = Call("p-audit", "GET", std::string("/api/v1/trails/FY2011-Q2") + format);
    ExpectProblem(r, 503, head);
    EXPECT_NE(r.body.find("position 3"), std::string::npos) << r.body;
    EXPECT_NE(r.body.find(R"("firstBadPosition":3)"), std::string::npos) << r.body;
    EXPECT_EQ(r.headers.count("content-disposition"), 0u);
  }
  // Defect 7, with read models: no phantom history for a period that is not one.
  ExpectProblem(Call("p-audit", "GET", "/api/v1/figures/NI-192/garbage/history"), 400, head,
                "period");
  EXPECT_EQ(Call("p-audit", "GET", "/api/v1/figures/NI-192/FY2011-Q2/history").status, 200u);
}

// Defect 4: /api/v1/log?stream= with another tenant's stream answered 200 (an empty page).
// Another council shares the store; its ids are answered exactly as unknown ones, route family
// by route family.
TEST_F(Issue16Test, AnotherTenantsStreamIdAnswers200) {
  engine::CommandHandler other(store_.get(), clock_.get(), engine::HandlerOptions{.tenant = "u"});
  ASSERT_TRUE(other.Bootstrap("u-council", "Other Council", "u-admin", "Other Admin", "boot"));
  ASSERT_GT(ReadStream("u/org").size(), 0u);
  const uint64_t head = Head();
  struct Case {
    std::string foreign, unknown;
  };
  const std::vector<Case> cases = {
      {"/api/v1/log?stream=u/org", "/api/v1/log?stream=t/no-such-stream"},
      {"/api/v1/log?stream=u/person/u-admin", "/api/v1/log?stream=t/person/nobody"},
      {"/api/v1/org-units/u-council", "/api/v1/org-units/no-such-unit"},
      {"/api/v1/people/u-admin", "/api/v1/people/nobody"},
      {"/api/v1/people/u-admin/outstanding-work", "/api/v1/people/nobody/outstanding-work"},
      {"/api/v1/scorecards/u-council/FY2011-Q2", "/api/v1/scorecards/no-such-unit/FY2011-Q2"},
      {"/api/v1/indicators/U-1", "/api/v1/indicators/NO-SUCH"},
      {"/api/v1/figures/U-1/FY2011-Q2", "/api/v1/figures/NO-SUCH/FY2011-Q2"},
      {"/api/v1/findings/u-finding", "/api/v1/findings/no-such-finding"},
  };
  for (const Case& c : cases) {
    auto foreign = Call("p-audit", "GET", c.foreign);
    auto unknown = Call("p-audit", "GET", c.unknown);
    EXPECT_EQ(foreign.status, unknown.status) << c.foreign << ": " << foreign.body;
    EXPECT_GE(foreign.status, 400u) << c.foreign << " answered " << foreign.body;
  }
  ExpectProblem(Call("p-audit", "GET", "/api/v1/log?stream=u/org"), 404, head, "stream");
  ExpectProblem(Call("p-audit", "GET", "/api/v1/log?stream=t/nothing"), 404, head, "stream");
  // This council's own streams still read.
  EXPECT_EQ(Call("p-audit", "GET", "/api/v1/log?stream=t/org").status, 200u);
  // Commands naming the other council's ids are refused as unknown ones, writing nothing.
  ExpectProblem(Call("admin", "POST", "/api/v1/org-units/u-council/rename", R"({"name":"X"})"),
                Call("admin", "POST", "/api/v1/org-units/no-such-unit/rename", R"({"name":"X"})")
                    .status,
                head);
}

// A store that fails every read of the whole log once `reads_allowed` reads have been let
// through (the model's catch-up reads the log; the head is reported one past the real one so
// that every catch-up reads).
class FailingStore : public goldthread::testing::ForwardingStore {
 public:
  using ForwardingStore::ForwardingStore;
  mutable std::atomic<int> reads_allowed{1 << 30};
  std::atomic<bool> bump_head{false};
  Status ReadAllInto(uint64_t from, store::Direction direction, size_t max_count,
                     store::ReadPage* page) const override {
    if (reads_allowed.fetch_sub(1) <= 0) {
      return MakeError(ErrorCode::kInternal, "injected: the disk failed");
    }
    return ForwardingStore::ReadAllInto(from, direction, max_count, page);
  }
  store::HeadInfo Head() const override {
    store::HeadInfo head = ForwardingStore::Head();
    if (bump_head) head.position += 1;
    return head;
  }
};

class Issue16StoreFailureTest : public CouncilFixture {
 protected:
  void SetUp() override {
    CouncilFixture::SetUp();
    for (const char* person : {"p-audit", "p-entry"}) {
      auto token = handler_->IssueTokenAsOperator(person, "test", 30);
      ASSERT_TRUE(token) << token.error().ToString();
      tokens_[person] = token->secret();
    }
    failing_ = std::make_unique<FailingStore>(store_.get());
    failing_handler_ = std::make_unique<engine::CommandHandler>(
        failing_.get(), clock_.get(), engine::HandlerOptions{.tenant = kTenant});
    scheduler_ = std::make_unique<engine::Scheduler>(
        failing_.get(), clock_.get(), engine::SchedulerOptions{.tenant = kTenant, .timetables = {}});
    auto reads = engine::ReadModels::Open(store_.get(), clock_.get(), {.tenant = kTenant});
    ASSERT_TRUE(reads) << reads.error().ToString();
    reads_ = std::move(*reads);
    ApiOptions options{.worker_threads = 2, .read_models = reads_.get()};
    options.before_work = [](const HttpRequest& request) {
      if (request.Header("x-test-throw") == "yes") throw std::runtime_error("injected failure");
    };
    api_ = std::make_unique<Api>(failing_handler_.get(), scheduler_.get(), &metrics_,
                                 std::move(options));
    api_->Register(&router_);
    HttpServerOptions server_options;
    server_options.port = 0;
    auto server = HttpServer::Start(server_options, &router_, &metrics_);
    ASSERT_TRUE(server) << server.error().ToString();
    server_ = std::move(*server);
  }
  void TearDown() override {
    server_->Stop();
    api_->Drain();
  }
  ClientResponse Call(const std::string& who, const std::string& path,
                      std::map<std::string, std::string> headers = {}) {
    HttpClient client(server_->port());
    headers["Authorization"] = "Bearer " + tokens_.at(who);
    return client.Request("GET", path, "", headers);
  }

  Metrics metrics_;
  Router router_;
  std::map<std::string, std::string> tokens_;
  std::unique_ptr<FailingStore> failing_;
  std::unique_ptr<engine::CommandHandler> failing_handler_;
  std::unique_ptr<engine::Scheduler> scheduler_;
  std::unique_ptr<engine::ReadModels> reads_;
  std::unique_ptr<Api> api_;
  std::unique_ptr<HttpServer> server_;
};

// Defect 5: store failures were answered as 404 or 403, and an exception on the worker pool
// was outside the handler's boundary.
TEST_F(Issue16StoreFailureTest, StoreFailuresAnsweredAs404Or403) {
  ASSERT_EQ(Call("p-audit", "/api/v1/me").status, 200u);  // the model caught up
  const uint64_t head = Head();
  failing_->bump_head = true;
  for (const char* path :
       {"/api/v1/figures/NI-192/FY2011-Q2", "/api/v1/figures/NI-192/FY2011-Q2/history",
        "/api/v1/me", "/api/v1/log", "/api/v1/log/verification", "/api/v1/late-returns",
        "/api/v1/trails/FY2011-Q2", "/api/v1/escalations?period=FY2011-Q2",
        "/api/v1/me/outstanding-work", "/api/v1/indicators", "/api/v1/cycles/w/FY2011-Q2"}) {
    failing_->reads_allowed = 1;  // authentication's catch-up reads; the route's fails
    auto r = Call("p-audit", path);
    EXPECT_EQ(r.status, 503u) << path << ": " << r.body;
    EXPECT_EQ(r.headers.count("content-type") ? r.headers.at("content-type") : "",
              "application/problem+json")
        << path;
  }
  failing_->bump_head = false;
  failing_->reads_allowed = 1 << 30;
  EXPECT_EQ(Head(), head);
  // An exception on the pool answers 500, and the server goes on serving.
  auto thrown = Call("p-audit", "/api/v1/me", {{"X-Test-Throw", "yes"}});
  EXPECT_EQ(thrown.status, 500u) << thrown.body;
  EXPECT_EQ(Call("p-audit", "/api/v1/me").status, 200u);
  EXPECT_EQ(Head(), head);
}

// Defect 7: smaller HTTP defects.
TEST_F(Issue16Test, SmallerHttpDefects) {
  const uint64_t head = Head();
  {
    // A 20,000-byte header is a header too large (431), not a URL too long (414).
    HttpClient raw(server_->port());
    auto r = raw.Raw("GET /api/v1/me HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(20000, 'a') +
                     "\r\n\r\n");
    EXPECT_EQ(r.status, 431u) << r.body;
  }
  {
    HttpClient raw(server_->port());
    EXPECT_EQ(raw.Raw("GET /healthz HTTP/1.1\r\n\r\n").status, 400u) << "no Host";
  }
  {
    HttpClient raw(server_->port());
    EXPECT_EQ(raw.Raw("GET /healthz HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n").status, 400u)
        << "two Hosts";
  }
  {
    HttpClient raw(server_->port());
    EXPECT_EQ(raw.Raw("GET /healthz HTTP/1.1\r\nHost: a\r\n\r\n").status, 200u);
  }
  // No phantom figure for a period that is not one.
  ExpectProblem(Call("p-audit", "GET", "/api/v1/figures/NI-192/garbage"), 400, head, "period");
  // An unmatched path under the calendar feed does not show its secret in the access log.
  const std::string logged = router_.PathForLog("/api/v1/calendars/SECRET-feed-token.ics/extra");
  EXPECT_EQ(logged.find("SECRET"), std::string::npos) << logged;
  EXPECT_EQ(router_.PathForLog("/api/v1/calendars/SECRET-feed-token.ics").find("SECRET"),
            std::string::npos);
  EXPECT_EQ(router_.PathForLog("/api/v1/me"), "/api/v1/me");
  // Public reads are limited per client address.
  bool limited = false;
  for (int i = 0; i < 100 && !limited; ++i) {
    auto r = Call("", "GET", "/api/v1/public/scorecards/svc-homes/FY2011-Q2");
    if (r.status == 429) {
      limited = true;
      EXPECT_EQ(r.headers.count("retry-after"), 1u);
    }
  }
  EXPECT_TRUE(limited) << "100 public reads at once were never limited";
  // So are guesses at calendar feed tokens (the token is the only credential).
  limited = false;
  for (int i = 0; i < 100 && !limited; ++i) {
    limited = Call("", "GET", "/api/v1/calendars/guess-" + std::to_string(i) + ".ics").status == 429;
  }
  EXPECT_TRUE(limited) << "100 calendar feed guesses at once were never limited";
  EXPECT_EQ(Head(), head);
}

// Defect 8: every role could verify the whole log on demand, each call on the shared pool.
TEST_F(Issue16Test, FullLogVerificationOnDemandForEveryRole) {
  const uint64_t head = Head();
  for (const char* who : {"p-entry", "p-sm", "p-dir", "p-scrutiny"}) {
    ExpectProblem(Call(who, "GET", "/api/v1/log/verification"), 403, head);
  }
  auto first = Call("p-perf", "GET", "/api/v1/log/verification");
  ASSERT_EQ(first.status, 200u) << first.body;
  EXPECT_NE(first.body.find(R"("cached":false)"), std::string::npos) << first.body;
  EXPECT_NE(first.body.find(R"("verifiedAt":"2011-10-05T10:00:00Z")"), std::string::npos)
      << first.body;
  EXPECT_NE(first.body.find(fmt::format(R"("headPosition":"{}")", head)), std::string::npos);
  // Something is written; the next answer is the last result, with its time and head.
  ASSERT_EQ(Call("p-entry", "POST", "/api/v1/figures/NI-192/FY2011-Q2", R"({"value":{"value":61}})")
                .status,
            201u);
  const uint64_t after = Head();
  auto cached = Call("p-audit", "GET", "/api/v1/log/verification");
  ASSERT_EQ(cached.status, 200u) << cached.body;
  EXPECT_NE(cached.body.find(R"("cached":true)"), std::string::npos) << cached.body;
  EXPECT_NE(cached.body.find(fmt::format(R"("headPosition":"{}")", head)), std::string::npos);
  // A fresh one only for those who may.
  ExpectProblem(Call("p-perf", "GET", "/api/v1/log/verification?fresh=true"), 403, after);
  ExpectProblem(Call("p-audit", "GET", "/api/v1/log/verification?fresh=maybe"), 400, after,
                "fresh");
  auto fresh = Call("p-audit", "GET", "/api/v1/log/verification?fresh=true");
  ASSERT_EQ(fresh.status, 200u) << fresh.body;
  EXPECT_NE(fresh.body.find(R"("cached":false)"), std::string::npos) << fresh.body;
  EXPECT_NE(fresh.body.find(fmt::format(R"("headPosition":"{}")", after)), std::string::npos)
      << fresh.body;
  EXPECT_EQ(Head(), after);
}

}  // namespace
}  // namespace goldthread::adapters
