// The /api/v1 surface over real HTTP on loopback: commands as different people, and every kind
// of bad input answered with the right status and a problem document, writing nothing.
#include "adapters/api/api.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <future>
#include <thread>

#include "adapters/http/http_server.h"
#include "tests/testing/council_fixture.h"
#include "tests/testing/http_client.h"
#include "tests/testing/prometheus_text.h"
#include "tests/testing/slow_event_store.h"

namespace goldthread::adapters {
namespace {

using goldthread::testing::ClientResponse;
using goldthread::testing::CouncilFixture;
using goldthread::testing::HttpClient;

class ApiTest : public CouncilFixture {
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
    for (const char* person :
         {"p-entry", "p-sm", "p-sm2", "p-dir", "p-care", "p-audit", "admin", "p-perf"}) {
      auto token = handler_->IssueTokenAsOperator(person, "test", 30);
      ASSERT_TRUE(token) << token.error().ToString();
      tokens_[person] = token->secret();
    }
  }
  void TearDown() override {
    server_->Stop();
    api_->Drain();
  }
  virtual ApiOptions MakeOptions() { return ApiOptions{.worker_threads = 4}; }

  ClientResponse Call(const std::string& who, const std::string& method, const std::string& path,
                      const std::string& body = "",
                      std::map<std::string, std::string> headers = {}) {
    HttpClient client(server_->port());
    if (!who.empty()) headers["Authorization"] = "Bearer " + tokens_.at(who);
    return client.Request(method, path, body, headers);
  }

  // Expects `response` to be a problem document with `status` (and `field` when given), and
  // the log head to be `head`.
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

  static constexpr char kFigure[] = "/api/v1/figures/NI-192/FY2011-Q2";

  Metrics metrics_;
  Router router_;
  std::unique_ptr<engine::Scheduler> scheduler_;
  std::unique_ptr<Api> api_;
  std::unique_ptr<HttpServer> server_;
  std::map<std::string, std::string> tokens_;
};

TEST_F(ApiTest, SubmitAndSignOffAsDifferentPeople) {
  auto submitted =
      Call("p-entry", "POST", kFigure, R"({"value":{"value":61.2}})", {{"Idempotency-Key", "k1"}});
  ASSERT_EQ(submitted.status, 201u) << submitted.body;
  EXPECT_EQ(submitted.headers.at("etag"), "\"1\"");
  auto signed_off = Call("p-sm", "POST", std::string(kFigure) + "/sign-offs",
                         R"({"level":"SIGN_OFF_LEVEL_SERVICE","figureVersion":1})");
  ASSERT_EQ(signed_off.status, 201u) << signed_off.body;
  auto figure = Call("p-dir", "GET", kFigure);
  ASSERT_EQ(figure.status, 200u) << figure.body;
  EXPECT_NE(figure.body.find(R"("level":"SIGN_OFF_LEVEL_SERVICE","by":"p-sm")"), std::string::npos)
      << figure.body;
  EXPECT_NE(figure.body.find(R"("enteredBy":"p-entry")"), std::string::npos);
  EXPECT_EQ(figure.headers.at("etag"), "\"2\"");
  auto me = Call("p-sm", "GET", "/api/v1/me");
  EXPECT_NE(me.body.find("ROLE_SERVICE_MANAGER"), std::string::npos) << me.body;
}

TEST_F(ApiTest, RetryWithTheSameKeyGivesOneSetOfEvents) {
  const std::string body = R"({"value":{"value":61.2}})";
  auto first = Call("p-entry", "POST", kFigure, body, {{"Idempotency-Key", "retry-1"}});
  ASSERT_EQ(first.status, 201u) << first.body;
  const uint64_t head = Head();
  auto second = Call("p-entry", "POST", kFigure, body, {{"Idempotency-Key", "retry-1"}});
  EXPECT_EQ(second.status, 200u) << second.body;
  EXPECT_EQ(second.headers.at("idempotent-replayed"), "true");
  EXPECT_EQ(Head(), head);
  EXPECT_EQ(ReadStream(engine::FigureStream(kTenant, "NI-192", "FY2011-Q2")).size(), 1u);
  // The same key with another body.
  ExpectProblem(Call("p-entry", "POST", kFigure, R"({"value":{"value":62.0}})",
                     {{"Idempotency-Key", "retry-1"}}),
                422, head, "Idempotency-Key");
}

TEST_F(ApiTest, BadInputIsRefusedWithAProblemAndWritesNothing) {
  ASSERT_EQ(Call("p-sm", "POST", kFigure, R"({"value":{"value":61.2}})").status, 201u);
  const uint64_t head = Head();
  const std::string sign = std::string(kFigure) + "/sign-offs";
  ExpectProblem(Call("p-entry", "POST", "/api/v1/figures/NI-192/FY2011-Q1", "{"), 400, head,
                "body");
  ExpectProblem(
      Call("p-entry", "POST", "/api/v1/figures/NI-192/FY2011-Q1", R"({"value":{"value":"sixty"}})"),
      400, head, "body");
  ExpectProblem(Call("p-entry", "POST", "/api/v1/figures/NI-192/FY2011-Q1",
                     R"({"value":{"value":61},"colour":"red"})"),
                400, head, "body");
  ExpectProblem(
      Call("p-entry", "POST", "/api/v1/figures/NI-999/FY2011-Q1", R"({"value":{"value":61}})"), 404,
      head, "indicator_id");
  ExpectProblem(
      Call("p-entry", "POST", "/api/v1/figures/NI-192/FY2011-X1", R"({"value":{"value":61}})"), 400,
      head, "period");
  ExpectProblem(
      Call("p-entry", "POST", "/api/v1/figures/NI-192/FY2011-Q1", R"({"value":{"value":101}})"),
      400, head, "value");
  ExpectProblem(Call("p-entry", "POST", "/api/v1/figures/NI-192/FY2011-Q1",
                     std::string(40, '[') + std::string(40, ']')),
                400, head, "body");
  ExpectProblem(
      Call("p-entry", "POST", "/api/v1/figures/NI-192/FY2011-Q1", "{\"commentary\":\"\xff\xfe\"}"),
      400, head, "body");
  {
    // A body over the 1 MiB limit, refused on its declared length before it is read.
    HttpClient raw(server_->port());
    ExpectProblem(raw.Raw("POST /api/v1/figures/NI-192/FY2011-Q1 HTTP/1.1\r\nHost: x\r\n"
                          "Authorization: Bearer " +
                          tokens_["p-entry"] +
                          "\r\nContent-Type: application/json\r\nContent-Length: 2097152"
                          "\r\n\r\n{"),
                  413, head, "body");
  }
  // Authentication.
  ExpectProblem(Call("", "POST", sign, R"({"level":"SIGN_OFF_LEVEL_SERVICE","figureVersion":1})"),
                401, head);
  tokens_["garbage"] = "gt_T-0000000000_" + std::string(64, 'f');
  ExpectProblem(
      Call("garbage", "POST", sign, R"({"level":"SIGN_OFF_LEVEL_SERVICE","figureVersion":1})"), 401,
      head);
  // Authority: wrong role, wrong scope, four eyes.
  ExpectProblem(
      Call("p-audit", "POST", "/api/v1/figures/NI-192/FY2011-Q1", R"({"value":{"value":61}})"), 403,
      head);
  ExpectProblem(
      Call("p-care", "POST", sign, R"({"level":"SIGN_OFF_LEVEL_SERVICE","figureVersion":1})"), 403,
      head);
  ExpectProblem(
      Call("p-sm", "POST", sign, R"({"level":"SIGN_OFF_LEVEL_SERVICE","figureVersion":1})"), 403,
      head);
  // A stale or malformed If-Match.
  ExpectProblem(Call("p-sm", "POST", std::string(kFigure) + "/amendments",
                     R"({"value":{"value":61.5},"reason":"recount"})", {{"If-Match", "\"7\""}}),
                412, head, "If-Match");
  ExpectProblem(Call("p-sm", "POST", std::string(kFigure) + "/amendments",
                     R"({"value":{"value":61.5},"reason":"recount"})", {{"If-Match", "seven"}}),
                400, head, "If-Match");
  // The clock moves only in simulate mode.
  ExpectProblem(Call("admin", "POST", "/api/v1/clock", R"({"advanceTo":"2011-11-01T00:00:00Z"})"),
                404, head);
  // The log is for auditors.
  EXPECT_EQ(Call("p-entry", "GET", "/api/v1/log").status, 403u);
  EXPECT_EQ(Call("p-audit", "GET", "/api/v1/log?limit=0").status, 400u);
}

TEST_F(ApiTest, RevokedAndExpiredTokensAreRefused) {
  const uint64_t head = Head();
  const std::string body = R"({"value":{"value":61.2}})";
  auto token = handler_->IssueTokenAsOperator("p-entry", "short", 1);
  ASSERT_TRUE(token);
  tokens_["short"] = token->secret();
  clock_->Advance(std::chrono::hours(49));
  const uint64_t after_issue = Head();
  ExpectProblem(Call("short", "POST", kFigure, body), 401, after_issue);
  EXPECT_GT(after_issue, head);
  auto revoke = Call("admin", "POST", "/api/v1/tokens/" + token->created_id() + "/revoke",
                     R"({"reason":"left"})");
  EXPECT_EQ(revoke.status, 201u) << revoke.body;
  auto revoked_other = handler_->IssueTokenAsOperator("p-entry", "x", 30);
  ASSERT_TRUE(revoked_other);
  tokens_["other"] = revoked_other->secret();
  ASSERT_EQ(Call("admin", "POST", "/api/v1/tokens/" + revoked_other->created_id() + "/revoke",
                 R"({"reason":"lost"})")
                .status,
            201u);
  ExpectProblem(Call("other", "POST", kFigure, body), 401, Head());
}

TEST_F(ApiTest, AuditorsReadTheLogAndItsVerification) {
  ASSERT_EQ(Call("p-sm", "POST", kFigure, R"({"value":{"value":61.2}})").status, 201u);
  auto log = Call("p-audit", "GET", "/api/v1/log?stream=t/figure/NI-192/FY2011-Q2");
  ASSERT_EQ(log.status, 200u) << log.body;
  EXPECT_NE(log.body.find("figureSubmitted"), std::string::npos) << log.body;
  auto verify = Call("p-audit", "GET", "/api/v1/log/verification");
  ASSERT_EQ(verify.status, 200u);
  EXPECT_NE(verify.body.find(R"("ok":true)"), std::string::npos) << verify.body;
}

TEST_F(ApiTest, HealthReadinessAndMetrics) {
  EXPECT_EQ(Call("", "GET", "/healthz").status, 200u);
  EXPECT_EQ(Call("", "GET", "/readyz").status, 200u);
  Call("", "POST", kFigure, "{}");  // one refused authentication, counted
  auto metrics = Call("", "GET", "/metrics");
  ASSERT_EQ(metrics.status, 200u);
  auto parsed = goldthread::testing::ParsePrometheusText(metrics.body);
  ASSERT_TRUE(parsed) << parsed.error().message << "\n" << metrics.body;
  EXPECT_GE(parsed->Value("goldthread_auth_failures_total", {}).value_or(0), 1);
}

TEST_F(ApiTest, FigureMeAndVerificationAnswerInTheProtobufJsonMapping) {
  ASSERT_EQ(Call("p-entry", "POST", kFigure, R"({"value":{"value":61.2}})").status, 201u);
  auto figure = Call("p-sm", "GET", kFigure);
  ASSERT_EQ(figure.status, 200u) << figure.body;
  for (const char* field :
       {R"("indicatorId":"NI-192")", R"("figureVersion":1)", R"("value":{"value":61.2})",
        R"("openQueries":0)", R"("publishedVersion":0)", R"("signOffs":[])"}) {
    EXPECT_NE(figure.body.find(field), std::string::npos) << field << " in " << figure.body;
  }
  auto me = Call("p-dir", "GET", "/api/v1/me");
  ASSERT_EQ(me.status, 200u) << me.body;
  EXPECT_NE(me.body.find(R"("personId":"p-dir")"), std::string::npos) << me.body;
  EXPECT_NE(me.body.find(R"({"role":"ROLE_DIRECTOR","scope":"dir-place"})"), std::string::npos)
      << me.body;
  // 64-bit counts are JSON strings, as in every other answer.
  auto verify = Call("p-audit", "GET", "/api/v1/log/verification?fresh=true");
  ASSERT_EQ(verify.status, 200u) << verify.body;
  EXPECT_NE(verify.body.find(fmt::format(R"("headPosition":"{}")", Head())), std::string::npos)
      << verify.body;
  EXPECT_NE(verify.body.find(R"("eventsChecked":")"), std::string::npos) << verify.body;
  auto log = Call("p-audit", "GET", "/api/v1/log?limit=2");
  ASSERT_EQ(log.status, 200u) << log.body;
  EXPECT_NE(log.body.find(R"("next":"3")"), std::string::npos) << log.body;
}

TEST_F(ApiTest, ReadRoutesRefuseAMissingTokenAndAMissingRoleAndWriteNothing) {
  const uint64_t head = Head();
  for (const char* path :
       {kFigure, "/api/v1/me", "/api/v1/log", "/api/v1/log/verification",
        "/api/v1/figures/NI-192/FY2011-Q2/history", "/api/v1/scorecards/svc-homes/FY2011-Q2",
        "/api/v1/late-returns", "/api/v1/cycles/w/FY2011-Q2"}) {
    ExpectProblem(Call("", "GET", path), 401, head);
  }
  ExpectProblem(Call("", "POST", "/api/v1/clock", R"({"advanceTo":"2011-11-01T00:00:00Z"})"), 404,
                head);
  // p-care manages another directorate's service: the authority table refuses the figure.
  ExpectProblem(Call("p-care", "GET", kFigure), 403, head);
  ExpectProblem(Call("p-entry", "GET", "/api/v1/log"), 403, head);
  ExpectProblem(Call("p-audit", "GET", "/api/v1/log?limit=x"), 400, head, "limit");
  ExpectProblem(Call("p-audit", "GET", "/api/v1/figures/NI-999/FY2011-Q2"), 404, head,
                "indicator_id");
}

class ApiSimulatedClockTest : public ApiTest {
 protected:
  ApiOptions MakeOptions() override {
    return ApiOptions{.worker_threads = 2, .simulated_clock = clock_.get()};
  }
};

TEST_F(ApiSimulatedClockTest, TheClockMovesForwardAndRefusesBadBodiesWritingNothing) {
  const uint64_t head = Head();
  ExpectProblem(Call("", "POST", "/api/v1/clock", R"({"advanceTo":"2011-11-01T00:00:00Z"})"), 401,
                head);
  ExpectProblem(Call("admin", "POST", "/api/v1/clock", "{"), 400, head);
  ExpectProblem(Call("admin", "POST", "/api/v1/clock", R"({"advanceTo":"soon"})"), 400, head,
                "advanceTo");
  ExpectProblem(Call("admin", "POST", "/api/v1/clock", R"({"until":"2011-11-01T00:00:00Z"})"), 400,
                head, "advanceTo");
  ExpectProblem(Call("admin", "POST", "/api/v1/clock", R"({"advanceTo":"2001-01-01T00:00:00Z"})"),
                400, head, "advanceTo");
  auto moved = Call("admin", "POST", "/api/v1/clock", R"({"advanceTo":"2011-10-06T00:00:00Z"})");
  ASSERT_EQ(moved.status, 200u) << moved.body;
  EXPECT_NE(moved.body.find(R"("now":"2011-10-06T00:00:00Z")"), std::string::npos) << moved.body;
  EXPECT_NE(moved.body.find(R"("eventsWritten":"0")"), std::string::npos) << moved.body;
}

// Issue 12, section 4: a read route waiting on a slow store (authentication included) must
// not hold up the I/O thread that answers /healthz.
class ApiSlowStoreTest : public CouncilFixture {
 protected:
  void SetUp() override {
    CouncilFixture::SetUp();
    auto token = handler_->IssueTokenAsOperator("p-sm", "test", 30);
    ASSERT_TRUE(token) << token.error().ToString();
    token_ = token->secret();
    slow_ = std::make_unique<goldthread::testing::SlowEventStore>(store_.get());
    slow_handler_ = std::make_unique<engine::CommandHandler>(
        slow_.get(), clock_.get(), engine::HandlerOptions{.tenant = kTenant});
    scheduler_ = std::make_unique<engine::Scheduler>(
        slow_.get(), clock_.get(), engine::SchedulerOptions{.tenant = kTenant, .timetables = {}});
    api_ = std::make_unique<Api>(slow_handler_.get(), scheduler_.get(), &metrics_,
                                 ApiOptions{.worker_threads = 2});
    api_->Register(&router_);
    HttpServerOptions options;
    options.port = 0;
    options.io_threads = 1;  // one I/O thread: were it blocked, nothing else would answer
    auto server = HttpServer::Start(options, &router_, &metrics_);
    ASSERT_TRUE(server) << server.error().ToString();
    server_ = std::move(*server);
  }
  void TearDown() override {
    server_->Stop();
    api_->Drain();
  }

  Metrics metrics_;
  Router router_;
  std::string token_;
  std::unique_ptr<goldthread::testing::SlowEventStore> slow_;
  std::unique_ptr<engine::CommandHandler> slow_handler_;
  std::unique_ptr<engine::Scheduler> scheduler_;
  std::unique_ptr<Api> api_;
  std::unique_ptr<HttpServer> server_;
};

TEST_F(ApiSlowStoreTest, HealthzAnswersPromptlyWhileAReadWaitsOnTheStore) {
  constexpr auto kDelay = std::chrono::milliseconds(1500);
  slow_->set_read_delay(kDelay);
  const uint16_t port = server_->port();
  auto figure = std::async(std::launch::async, [&] {
    HttpClient client(port, std::chrono::seconds(30));
    return client.Request("GET", "/api/v1/figures/NI-192/FY2011-Q2", "",
                          {{"Authorization", "Bearer " + token_}});
  });
  // Let the read reach the server and start waiting on the store.
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  const auto start = std::chrono::steady_clock::now();
  auto health = HttpClient(port).Get("/healthz");
  const auto took = std::chrono::steady_clock::now() - start;
  EXPECT_EQ(health.status, 200u);
  EXPECT_LT(took, std::chrono::milliseconds(500))
      << "healthz waited " << std::chrono::duration_cast<std::chrono::milliseconds>(took).count()
      << " ms";
  auto read = figure.get();
  EXPECT_EQ(read.status, 200u) << read.body;
  EXPECT_GT(slow_->slow_reads(), 0u);
}

}  // namespace
}  // namespace goldthread::adapters
