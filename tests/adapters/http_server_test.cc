#include "adapters/http/http_server.h"

#include <gtest/gtest.h>
#include <spdlog/logger.h>
#include <spdlog/sinks/ostream_sink.h>

#include <atomic>
#include <csignal>
#include <future>
#include <mutex>
#include <sstream>
#include <thread>
#include <vector>

#include "adapters/http/rate_limiter.h"
#include "tests/testing/http_client.h"
#include "tests/testing/prometheus_text.h"

namespace goldthread::adapters {
namespace {

using boost::beast::http::verb;
using goldthread::testing::ClientResponse;
using goldthread::testing::HttpClient;
using goldthread::testing::ParsePrometheusText;
using std::chrono::milliseconds;
using Clock = std::chrono::steady_clock;

// Polls `done` every millisecond for up to two seconds.
template <typename F>
bool WaitFor(F done) {
  const auto deadline = Clock::now() + std::chrono::seconds(2);
  while (!done()) {
    if (Clock::now() > deadline) return false;
    std::this_thread::sleep_for(milliseconds(1));
  }
  return true;
}

class HttpServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    logger_ = std::make_shared<spdlog::logger>(
        "http-test", std::make_shared<spdlog::sinks::ostream_sink_mt>(log_));
    release_ = release_promise_.get_future().share();

    router_.Add(verb::get, "/hello/{name}", "hello", [](HttpRequest&& req, Responder respond) {
      HttpResponse r;
      r.body = "{\"hello\":\"" + JsonEscape(req.params["name"]) + "\",\"q\":\"" +
               JsonEscape(req.query["q"]) + "\"}";
      respond(std::move(r));
    });
    router_.Add(verb::post, "/echo", "echo", [this](HttpRequest&& req, Responder respond) {
      ++echo_calls_;
      HttpResponse r;
      r.body = req.body;
      respond(std::move(r));
    });
    // Responds from another thread after a delay, as a handler that waits for the store does.
    router_.Add(verb::post, "/slow", "slow", [this](HttpRequest&&, Responder respond) {
      ++slow_started_;
      Spawn([respond, this] {
        std::this_thread::sleep_for(milliseconds(300));
        ++slow_answered_;
        HttpResponse r;
        r.body = "{\"done\":true}";
        respond(std::move(r));
      });
    });
    // Responds from another thread once the test releases it.
    router_.Add(verb::post, "/held", "held", [this](HttpRequest&&, Responder respond) {
      ++held_started_;
      Spawn([respond, this] {
        release_.wait();
        ++held_answered_;
        respond(HttpResponse{.body = "{\"held\":true}"});
      });
    });
    // Never responds: keeps the responder for the test.
    router_.Add(verb::get, "/never", "never", [this](HttpRequest&&, Responder respond) {
      std::lock_guard<std::mutex> lock(mu_);
      kept_responder_ = std::move(respond);
    });
    router_.Add(verb::get, "/throws", "throws",
                [](HttpRequest&&, Responder) { throw std::runtime_error("boom"); });
    router_.Add(verb::get, "/bad-status", "bad-status",
                [](HttpRequest&&, Responder respond) { respond(HttpResponse{.status = 42}); });
    router_.Add(verb::get, "/injection", "injection", [](HttpRequest&&, Responder respond) {
      HttpResponse r;
      r.headers.emplace_back("X-Split", "a\r\nSet-Cookie: evil=1");
      r.headers.emplace_back("X-Fine", "yes");
      respond(std::move(r));
    });
    router_.Add(verb::get, "/whoami", "whoami", [](HttpRequest&& req, Responder respond) {
      HttpResponse r;
      r.actor = "alice";
      r.body = "{\"authorization_seen\":" +
               std::string(req.Header("authorization").empty() ? "false" : "true") + "}";
      respond(std::move(r));
    });
    router_.Add(verb::get, "/metrics", "metrics", MetricsHandler(&metrics_));
  }

  void TearDown() override {
    release_promise_.set_value();
    for (auto& t : threads_) t.join();
  }

  std::unique_ptr<HttpServer> Start(HttpServerOptions o = {}) {
    o.port = 0;
    o.logger = logger_;
    auto s = HttpServer::Start(o, &router_, &metrics_);
    EXPECT_TRUE(s) << s.error().ToString();
    return std::move(*s);
  }

  void Spawn(std::function<void()> f) {
    std::lock_guard<std::mutex> lock(mu_);
    threads_.emplace_back(std::move(f));
  }

  // Only once the server has stopped: the sink writes from the I/O threads.
  std::string Log() {
    logger_->flush();
    return log_.str();
  }

  double Metric(const std::string& sample, const std::map<std::string, std::string>& labels) {
    auto parsed = ParsePrometheusText(metrics_.Render());
    EXPECT_TRUE(parsed) << parsed.error().message;
    if (!parsed) return -1;
    return parsed->Value(sample, labels).value_or(-1);
  }

  Router router_;
  Metrics metrics_;
  std::ostringstream log_;
  std::shared_ptr<spdlog::logger> logger_;
  std::atomic<int> echo_calls_{0};
  std::atomic<int> slow_started_{0};
  std::atomic<int> slow_answered_{0};
  std::atomic<int> held_started_{0};
  std::atomic<int> held_answered_{0};
  std::promise<void> release_promise_;
  std::shared_future<void> release_;
  std::mutex mu_;
  std::vector<std::thread> threads_;  // protected by mu_
  Responder kept_responder_;          // protected by mu_
};

TEST_F(HttpServerTest, RoutesWithPathParametersAndDecodedQuery) {
  auto server = Start();
  HttpClient client(server->port());
  auto r = client.Get("/hello/NI-192?q=a%20b");
  EXPECT_EQ(r.status, 200u);
  EXPECT_EQ(r.body, R"({"hello":"NI-192","q":"a b"})");
  // An encoded slash stays inside its parameter.
  r = client.Get("/hello/a%2Fb");
  EXPECT_EQ(r.status, 200u);
  EXPECT_EQ(r.body, R"({"hello":"a/b","q":""})");
}

TEST_F(HttpServerTest, KeepsTheConnectionAliveAcrossRequests) {
  auto server = Start();
  HttpClient client(server->port());
  for (int i = 0; i < 5; ++i) {
    auto r = client.Request("POST", "/echo", "{\"i\":" + std::to_string(i) + "}");
    ASSERT_EQ(r.status, 200u);
    EXPECT_TRUE(r.keep_alive);
    EXPECT_EQ(r.body, "{\"i\":" + std::to_string(i) + "}");
  }
  EXPECT_EQ(client.connections_opened(), 1);
}

TEST_F(HttpServerTest, UnknownPathIs404AndWrongMethodIs405AsProblemDocuments) {
  auto server = Start();
  HttpClient client(server->port());
  auto r = client.Get("/nothing/here");
  EXPECT_EQ(r.status, 404u);
  EXPECT_EQ(r.headers["content-type"], "application/problem+json");
  EXPECT_EQ(r.body, R"({"type":"/problems/not-found","title":"Not found","status":404,)"
                    R"("detail":"there is no resource at /nothing/here","field":"path"})");
  EXPECT_TRUE(r.keep_alive);

  r = client.Request("DELETE", "/echo");
  EXPECT_EQ(r.status, 405u);
  EXPECT_EQ(r.headers["content-type"], "application/problem+json");
  EXPECT_EQ(r.headers["allow"], "POST");
  EXPECT_NE(r.body.find(R"("status":405)"), std::string::npos) << r.body;
  EXPECT_NE(r.body.find(R"("field":"method")"), std::string::npos) << r.body;
  EXPECT_EQ(client.connections_opened(), 1);
}

TEST_F(HttpServerTest, OversizedBodyIs413AndNeverReachesTheHandler) {
  HttpServerOptions o;
  o.max_body_bytes = 1024;
  auto server = Start(o);
  HttpClient client(server->port());
  // Declared in Content-Length: refused on the header.
  auto r = client.Request("POST", "/echo", std::string(4096, 'x'));
  EXPECT_EQ(r.status, 413u);
  EXPECT_EQ(r.headers["content-type"], "application/problem+json");
  EXPECT_NE(r.body.find(R"("field":"body")"), std::string::npos) << r.body;
  EXPECT_FALSE(r.keep_alive);
  // Chunked, so only the parser finds out.
  r = client.Raw("POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n" +
                 std::string("800\r\n") + std::string(2048, 'y') + "\r\n0\r\n\r\n");
  EXPECT_EQ(r.status, 413u);
  // Exactly at the limit is fine.
  r = client.Request("POST", "/echo", std::string(1024, 'z'));
  EXPECT_EQ(r.status, 200u);
  EXPECT_EQ(echo_calls_.load(), 1);
  EXPECT_EQ(Metric("goldthread_http_rejected_total", {{"reason", "body_limit"}}), 2);
}

TEST_F(HttpServerTest, ExpectContinueIsAnsweredOnlyForABodyWithinTheLimit) {
  HttpServerOptions o;
  o.max_body_bytes = 1024;
  auto server = Start(o);
  HttpClient client(server->port());
  ASSERT_TRUE(client.Send(
      "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5000\r\nExpect: 100-continue\r\n\r\n"));
  EXPECT_EQ(client.Read().status, 413u);  // without sending the body

  ASSERT_TRUE(client.Connect());
  ASSERT_TRUE(client.Send(
      "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 7\r\nExpect: 100-continue\r\n\r\n"));
  EXPECT_EQ(client.Read().status, 100u);
  ASSERT_TRUE(client.Send("{\"a\":1}"));
  auto r = client.Read();
  EXPECT_EQ(r.status, 200u);
  EXPECT_EQ(r.body, "{\"a\":1}");
}

TEST_F(HttpServerTest, OversizedHeadersAre431) {
  HttpServerOptions o;
  o.max_header_bytes = 1024;
  auto server = Start(o);
  HttpClient client(server->port());
  auto r = client.Request("GET", "/hello/x", {}, {{"X-Big", std::string(4000, 'a')}});
  EXPECT_EQ(r.status, 431u);
  EXPECT_NE(r.body.find(R"("field":"headers")"), std::string::npos) << r.body;
  EXPECT_EQ(Metric("goldthread_http_rejected_total", {{"reason", "header_limit"}}), 1);
}

TEST_F(HttpServerTest, OverlongUrlIs414EvenWhenItAlsoOverflowsTheHeaderLimit) {
  HttpServerOptions o;
  o.max_url_bytes = 100;
  o.max_header_bytes = 1024;
  auto server = Start(o);
  HttpClient client(server->port());
  auto r = client.Get("/hello/" + std::string(200, 'a'));
  EXPECT_EQ(r.status, 414u);
  EXPECT_NE(r.body.find(R"("field":"url")"), std::string::npos) << r.body;
  r = client.Get("/hello/" + std::string(3000, 'a'));
  EXPECT_EQ(r.status, 414u);
  EXPECT_EQ(client.Get("/hello/" + std::string(90, 'a')).status, 200u);
}

TEST_F(HttpServerTest, MalformedRequestsAre400) {
  auto server = Start();
  HttpClient client(server->port());
  auto r = client.Raw("THIS IS NOT HTTP\r\n\r\n");
  EXPECT_EQ(r.status, 400u);
  EXPECT_EQ(r.headers["content-type"], "application/problem+json");
  r = client.Raw("GET /hello/%zz HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_EQ(r.status, 400u);
  EXPECT_EQ(Metric("goldthread_http_rejected_total", {{"reason", "malformed"}}), 2);
}

TEST_F(HttpServerTest, HandlerExceptionBecomes500AndServerKeepsServing) {
  auto server = Start();
  HttpClient client(server->port());
  auto r = client.Get("/throws");
  EXPECT_EQ(r.status, 500u);
  EXPECT_EQ(r.headers["content-type"], "application/problem+json");
  EXPECT_EQ(r.body.find("boom"), std::string::npos) << "the exception text stays in the log";
  EXPECT_EQ(client.Get("/hello/again").status, 200u);
  server->Stop();
  EXPECT_NE(Log().find("threw: boom"), std::string::npos) << Log();
}

TEST_F(HttpServerTest, InvalidStatusBecomes500AndHeadersWithLineBreaksAreDropped) {
  auto server = Start();
  HttpClient client(server->port());
  EXPECT_EQ(client.Get("/bad-status").status, 500u);
  auto r = client.Get("/injection");
  EXPECT_EQ(r.status, 200u);
  EXPECT_EQ(r.headers.count("x-split"), 0u);
  EXPECT_EQ(r.headers.count("set-cookie"), 0u);
  EXPECT_EQ(r.headers["x-fine"], "yes");
}

TEST_F(HttpServerTest, HandlersRespondFromOtherThreadsConcurrently) {
  auto server = Start();
  std::vector<std::future<unsigned>> answers;
  const auto t0 = Clock::now();
  for (int i = 0; i < 8; ++i) {
    answers.push_back(std::async(std::launch::async, [port = server->port()] {
      HttpClient client(port);
      return client.Request("POST", "/slow", "{}").status;
    }));
  }
  for (auto& a : answers) EXPECT_EQ(a.get(), 200u);
  // Eight 300 ms handlers on two I/O threads: they overlapped, nothing blocked a thread.
  EXPECT_LT(Clock::now() - t0, milliseconds(1500));
  EXPECT_EQ(slow_answered_.load(), 8);
}

TEST_F(HttpServerTest, ReadTimeoutClosesASlowClientAndAnIdleOne) {
  HttpServerOptions o;
  o.read_timeout = milliseconds(200);
  auto server = Start(o);

  HttpClient slow(server->port());
  const auto t0 = Clock::now();
  ASSERT_TRUE(slow.Send("GET /hello/x HTTP/1.1\r\nHost: x\r\n"));  // never finishes
  EXPECT_TRUE(slow.ClosedByServer(milliseconds(3000)));
  EXPECT_GE(Clock::now() - t0, milliseconds(150));

  HttpClient idle(server->port());
  ASSERT_EQ(idle.Get("/hello/x").status, 200u);
  EXPECT_TRUE(idle.ClosedByServer(milliseconds(3000)));

  EXPECT_TRUE(WaitFor([&] {
    return Metric("goldthread_http_rejected_total", {{"reason", "read_timeout"}}) == 1;
  }));
}

TEST_F(HttpServerTest, ConnectionsBeyondTheLimitAre503) {
  HttpServerOptions o;
  o.max_connections = 2;
  auto server = Start(o);
  HttpClient a(server->port()), b(server->port()), c(server->port());
  ASSERT_EQ(a.Get("/hello/a").status, 200u);  // a and b stay open (keep-alive)
  ASSERT_EQ(b.Get("/hello/b").status, 200u);
  auto r = c.Get("/hello/c");
  EXPECT_EQ(r.status, 503u);
  EXPECT_EQ(r.headers["retry-after"], "1");
  EXPECT_EQ(r.headers["content-type"], "application/problem+json");
  EXPECT_EQ(Metric("goldthread_http_rejected_total", {{"reason", "connection_limit"}}), 1);
  EXPECT_EQ(Metric("goldthread_http_connections_open", {}), 2);
  // Once one closes, a new connection is served.
  a.Request("GET", "/hello/a", {}, {{"Connection", "close"}});
  ASSERT_TRUE(WaitFor([&] { return Metric("goldthread_http_connections_open", {}) == 1; }));
  EXPECT_EQ(c.Get("/hello/c").status, 200u);
}

TEST_F(HttpServerTest, AFloodBeyondTheLimitIsCutOffWithoutHoldingMoreSockets) {
  HttpServerOptions o;
  o.max_connections = 1;
  auto server = Start(o);
  HttpClient a(server->port());
  ASSERT_EQ(a.Get("/hello/a").status, 200u);
  // f connects and stays silent: its 503 is written and the server lingers on it.
  HttpClient f(server->port());
  ASSERT_TRUE(f.Connect());
  ASSERT_TRUE(WaitFor([&] {
    return Metric("goldthread_http_rejected_total", {{"reason", "connection_limit"}}) == 1;
  }));
  // With as many 503s in progress as connections allowed, the next is closed unanswered.
  HttpClient d(server->port());
  ASSERT_TRUE(d.Connect());
  EXPECT_TRUE(d.ClosedByServer(milliseconds(2000)));
  EXPECT_EQ(Metric("goldthread_http_rejected_total", {{"reason", "connection_limit"}}), 2);
  EXPECT_EQ(f.Read().status, 503u);
}

TEST_F(HttpServerTest, StopWaitsForInFlightRequestsToBeAnswered) {
  auto server = Start();
  std::vector<std::future<unsigned>> answers;
  for (int i = 0; i < 4; ++i) {
    answers.push_back(std::async(std::launch::async, [port = server->port()] {
      HttpClient client(port);
      return client.Request("POST", "/slow", "{}").status;
    }));
  }
  while (slow_started_.load() < 4) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  server->Stop();  // must not return before the four slow answers are written
  EXPECT_EQ(slow_answered_.load(), 4);
  for (auto& a : answers) EXPECT_EQ(a.get(), 200u);
  // And it no longer accepts.
  HttpClient late(server->port());
  EXPECT_EQ(late.Get("/hello/x").status, 0u);
}

TEST_F(HttpServerTest, StopRefusesNewConnectionsWhileInFlightRequestsFinish) {
  auto server = Start();
  const uint16_t port = server->port();
  std::vector<std::future<ClientResponse>> answers;
  for (int i = 0; i < 4; ++i) {
    answers.push_back(std::async(std::launch::async, [port] {
      HttpClient client(port);
      return client.Request("POST", "/held", "{}");
    }));
  }
  ASSERT_TRUE(WaitFor([&] { return held_started_.load() == 4; }));
  EXPECT_EQ(server->in_flight(), 4u);
  EXPECT_EQ(Metric("goldthread_http_requests_in_flight", {}), 4);

  std::atomic<bool> stopped{false};
  std::thread stopper([&] {
    server->Stop();
    stopped = true;
  });
  // New connections are refused while the four are still being worked on.
  EXPECT_TRUE(WaitFor([&] { return !HttpClient(port).Connect(); }));
  EXPECT_EQ(held_answered_.load(), 0);
  EXPECT_FALSE(stopped.load());

  release_promise_.set_value();
  stopper.join();
  for (auto& a : answers) {
    ClientResponse r = a.get();
    EXPECT_EQ(r.status, 200u);
    EXPECT_EQ(r.body, "{\"held\":true}");
    EXPECT_FALSE(r.keep_alive);  // the server is closing: Connection: close
  }
  release_promise_ = std::promise<void>();  // for TearDown
}

TEST_F(HttpServerTest, StopAnswersARequestThatWasStillArriving) {
  HttpServerOptions o;
  o.drain_timeout = milliseconds(5000);
  auto server = Start(o);
  HttpClient client(server->port());
  ASSERT_TRUE(client.Send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Le"));
  // The server has taken the connection from the kernel's queue (before that, Stop would
  // close it unanswered like any connection not yet accepted).
  ASSERT_TRUE(WaitFor([&] { return Metric("goldthread_http_connections_open", {}) == 1; }));
  std::thread stopper([&] { server->Stop(); });
  // Stop counts the half-received request in flight instead of closing the connection.
  EXPECT_TRUE(WaitFor([&] { return server->in_flight() == 1; }));
  EXPECT_TRUE(client.Send("ngth: 2\r\n\r\n{}"));
  auto r = client.Read();
  stopper.join();
  EXPECT_EQ(r.status, 200u);
  EXPECT_EQ(r.body, "{}");
  EXPECT_FALSE(r.keep_alive);
}

TEST_F(HttpServerTest, StopClosesIdleKeepAliveConnectionsAtOnce) {
  HttpServerOptions o;
  o.drain_timeout = milliseconds(5000);
  auto server = Start(o);
  HttpClient client(server->port());
  ASSERT_EQ(client.Get("/hello/x").status, 200u);
  const auto t0 = Clock::now();
  server->Stop();
  EXPECT_LT(Clock::now() - t0, milliseconds(1000));
  EXPECT_TRUE(client.ClosedByServer(milliseconds(1000)));
}

TEST_F(HttpServerTest, StopGivesUpOnAHandlerThatNeverRespondsAfterTheDrainTimeout) {
  HttpServerOptions o;
  o.drain_timeout = milliseconds(200);
  auto server = Start(o);
  auto answer = std::async(std::launch::async, [port = server->port()] {
    HttpClient client(port);
    return client.Get("/never").status;
  });
  ASSERT_TRUE(WaitFor([&] {
    std::lock_guard<std::mutex> lock(mu_);
    return static_cast<bool>(kept_responder_);
  }));
  const auto t0 = Clock::now();
  server->Stop();
  const auto took = Clock::now() - t0;
  EXPECT_GE(took, milliseconds(150));
  EXPECT_LT(took, milliseconds(2000));
  EXPECT_EQ(answer.get(), 0u);  // closed without a response
  server.reset();
  // A response that comes after the server is gone is dropped, harmlessly.
  std::lock_guard<std::mutex> lock(mu_);
  kept_responder_(HttpResponse{});
  EXPECT_NE(Log().find("1 requests unanswered"), std::string::npos) << Log();
}

TEST_F(HttpServerTest, AccessLogHasOneLinePerRequestAndNoQueryOrCredentials) {
  auto server = Start();
  HttpClient client(server->port());
  auto r = client.Request("GET", "/whoami?api_key=s3cret-in-query", {},
                          {{"Authorization", "Bearer s3cret-in-header"}});
  ASSERT_EQ(r.status, 200u);
  EXPECT_EQ(r.body, R"({"authorization_seen":true})");
  EXPECT_EQ(client.Get("/nothing").status, 404u);
  server->Stop();
  const std::string log = Log();
  EXPECT_EQ(log.find("s3cret"), std::string::npos) << log;
  EXPECT_NE(log.find("method=GET path=/whoami route=whoami status=200 ms="), std::string::npos)
      << log;
  EXPECT_NE(log.find("actor=alice remote=127.0.0.1"), std::string::npos) << log;
  EXPECT_NE(log.find("method=GET path=/nothing route=unmatched status=404"), std::string::npos)
      << log;
  int lines = 0;
  for (size_t p = log.find("http method="); p != std::string::npos;
       p = log.find("http method=", p + 1)) {
    ++lines;
  }
  EXPECT_EQ(lines, 2);
}

TEST_F(HttpServerTest, CountsRequestsByRouteAndStatusInMetrics) {
  auto server = Start();
  HttpClient client(server->port());
  client.Get("/hello/a");
  client.Get("/hello/b");
  client.Get("/missing");
  client.Request("PATCH", "/hello/a");
  // A response is counted when its write completes, which the client may see first.
  ASSERT_TRUE(WaitFor([&] { return server->in_flight() == 0; }));
  const std::string text = metrics_.Render();
  EXPECT_NE(
      text.find(R"(goldthread_http_requests_total{method="GET",route="hello",status="200"} 2)"),
      std::string::npos)
      << text;
  EXPECT_NE(
      text.find(R"(goldthread_http_requests_total{method="GET",route="unmatched",status="404"} 1)"),
      std::string::npos);
  EXPECT_NE(
      text.find(R"(goldthread_http_requests_total{method="PATCH",route="hello",status="405"} 1)"),
      std::string::npos);
  EXPECT_NE(text.find(R"(goldthread_http_request_duration_seconds_count{route="hello"} 3)"),
            std::string::npos);
  EXPECT_EQ(Metric("goldthread_http_connections_open", {}), 1);
  EXPECT_EQ(Metric("goldthread_http_requests_in_flight", {}), 0);
}

TEST_F(HttpServerTest, MetricsEndpointServesTextThatParses) {
  auto server = Start();
  HttpClient client(server->port());
  client.Get("/hello/a");
  client.Get("/nothing");
  auto r = client.Get("/metrics");
  ASSERT_EQ(r.status, 200u);
  EXPECT_EQ(r.headers["content-type"], kPrometheusTextContentType);
  auto parsed = ParsePrometheusText(r.body);
  ASSERT_TRUE(parsed) << parsed.error().message << "\n" << r.body;
  EXPECT_EQ(parsed->Value("goldthread_http_requests_total",
                          {{"route", "hello"}, {"method", "GET"}, {"status", "200"}}),
            1);
  ASSERT_NE(parsed->Family("goldthread_http_request_duration_seconds"), nullptr);
  EXPECT_EQ(parsed->Family("goldthread_http_request_duration_seconds")->type, "histogram");
  EXPECT_EQ(parsed->Value("goldthread_http_requests_in_flight"), 1);  // this request
  for (const char* reason :
       {"connection_limit", "body_limit", "header_limit", "url_limit", "read_timeout"}) {
    EXPECT_EQ(parsed->Value("goldthread_http_rejected_total", {{"reason", reason}}), 0) << reason;
  }
}

TEST_F(HttpServerTest, RateLimitedHandlerAnswers429WithRetryAfter) {
  auto limiter = RateLimiter::Create({.rate_per_second = 0.5, .burst = 2});
  ASSERT_TRUE(limiter);
  router_.Add(verb::get, "/limited", "limited",
              [l = limiter->get()](HttpRequest&& req, Responder respond) {
                const RateLimiter::Decision d = l->Allow(req.Header("x-token-id"));
                if (!d.allowed) return respond(TooManyRequests(d.retry_after_seconds));
                respond(HttpResponse{.body = "{}"});
              });
  auto server = Start();
  HttpClient client(server->port());
  const std::map<std::string, std::string> token = {{"X-Token-Id", "t1"}};
  EXPECT_EQ(client.Request("GET", "/limited", {}, token).status, 200u);
  EXPECT_EQ(client.Request("GET", "/limited", {}, token).status, 200u);
  auto r = client.Request("GET", "/limited", {}, token);
  EXPECT_EQ(r.status, 429u);
  EXPECT_EQ(r.headers["retry-after"], "2");
  EXPECT_EQ(r.headers["content-type"], "application/problem+json");
  EXPECT_EQ(client.Request("GET", "/limited", {}, {{"X-Token-Id", "t2"}}).status, 200u);
}

TEST_F(HttpServerTest, RunUntilStopSignalStopsTheServerOnSigterm) {
  auto server = Start();
  const uint16_t port = server->port();
  HttpClient client(port);
  ASSERT_EQ(client.Get("/hello/x").status, 200u);
  const int received = RunUntilStopSignal(*server, [] { std::raise(SIGTERM); });
  EXPECT_EQ(received, SIGTERM);
  EXPECT_FALSE(HttpClient(port).Connect());
}

TEST_F(HttpServerTest, StartRejectsLimitsAndTimeoutsThatCannotWork) {
  struct Case {
    const char* field;
    std::function<void(HttpServerOptions&)> spoil;
  };
  const Case cases[] = {
      {"io_threads", [](HttpServerOptions& o) { o.io_threads = 0; }},
      {"max_body_bytes", [](HttpServerOptions& o) { o.max_body_bytes = 0; }},
      {"max_header_bytes", [](HttpServerOptions& o) { o.max_header_bytes = 10; }},
      {"max_url_bytes", [](HttpServerOptions& o) { o.max_url_bytes = 0; }},
      {"max_connections", [](HttpServerOptions& o) { o.max_connections = 0; }},
      {"read_timeout", [](HttpServerOptions& o) { o.read_timeout = milliseconds(0); }},
      {"write_timeout", [](HttpServerOptions& o) { o.write_timeout = milliseconds(-1); }},
      {"drain_timeout", [](HttpServerOptions& o) { o.drain_timeout = milliseconds(-1); }},
  };
  for (const Case& c : cases) {
    HttpServerOptions o;
    o.port = 0;
    c.spoil(o);
    auto s = HttpServer::Start(o, &router_, &metrics_);
    ASSERT_FALSE(s) << c.field;
    EXPECT_EQ(s.error().code, ErrorCode::kInvalidArgument) << c.field;
    EXPECT_EQ(s.error().field, c.field);
  }
}

TEST_F(HttpServerTest, StartFailsWithAClearErrorForABadAddressOrABusyPort) {
  auto first = Start();
  HttpServerOptions o;
  o.address = "not-an-ip";
  o.port = 0;
  auto bad = HttpServer::Start(o, &router_, &metrics_);
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(bad.error().field, "address");
  o.address = "127.0.0.1";
  o.port = first->port();
  auto busy = HttpServer::Start(o, &router_, &metrics_);
  ASSERT_FALSE(busy);
  EXPECT_EQ(busy.error().code, ErrorCode::kUnavailable);
  EXPECT_NE(busy.error().message.find(std::to_string(first->port())), std::string::npos);
}

}  // namespace
}  // namespace goldthread::adapters
