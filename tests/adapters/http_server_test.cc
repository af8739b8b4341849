#include "adapters/http_server.h"

#include <gtest/gtest.h>

#include <atomic>
#include <future>
#include <thread>

#include "tests/testing/http_client.h"

namespace goldthread::adapters {
namespace {

using boost::beast::http::verb;
using goldthread::testing::HttpClient;

class HttpServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    router_.Add(verb::get, "/hello/{name}", "hello", [](HttpRequest&& req, Responder respond) {
      HttpResponse r;
      r.body = "{\"hello\":\"" + JsonEscape(req.params["name"]) + "\",\"q\":\"" +
               JsonEscape(req.query["q"]) + "\"}";
      respond(std::move(r));
    });
    router_.Add(verb::post, "/echo", "echo", [](HttpRequest&& req, Responder respond) {
      HttpResponse r;
      r.body = req.body;
      respond(std::move(r));
    });
    // Responds from another thread after a delay, as a handler that waits for the store does.
    router_.Add(verb::post, "/slow", "slow", [this](HttpRequest&&, Responder respond) {
      ++slow_started_;
      std::thread([respond, this] {
        std::this_thread::sleep_for(std::chrono::milliseconds(300));
        ++slow_answered_;
        HttpResponse r;
        r.body = "{\"done\":true}";
        respond(std::move(r));
      }).detach();
    });
    router_.Add(verb::get, "/throws", "throws",
                [](HttpRequest&&, Responder) { throw std::runtime_error("boom"); });
  }

  std::unique_ptr<HttpServer> Start(HttpServerOptions o = {}) {
    o.port = 0;
    auto s = HttpServer::Start(o, &router_, &metrics_);
    EXPECT_TRUE(s) << s.error().ToString();
    return std::move(*s);
  }

  Router router_;
  Metrics metrics_;
  std::atomic<int> slow_started_{0};
  std::atomic<int> slow_answered_{0};
};

TEST_F(HttpServerTest, RoutesWithPathParametersAndDecodedQuery) {
  auto server = Start();
  HttpClient client(server->port());
  auto r = client.Get("/hello/NI-192?q=a%20b");
  EXPECT_EQ(r.status, 200u);
  EXPECT_EQ(r.body, R"({"hello":"NI-192","q":"a b"})");
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
}

TEST_F(HttpServerTest, UnknownPathIs404AndWrongMethodIs405AsProblemDocuments) {
  auto server = Start();
  HttpClient client(server->port());
  auto r = client.Get("/nothing/here");
  EXPECT_EQ(r.status, 404u);
  EXPECT_EQ(r.headers["content-type"], "application/problem+json");
  EXPECT_NE(r.body.find("\"status\":404"), std::string::npos);
  r = client.Request("DELETE", "/echo");
  EXPECT_EQ(r.status, 405u);
  EXPECT_EQ(r.headers["content-type"], "application/problem+json");
}

TEST_F(HttpServerTest, OversizedBodyIs413) {
  HttpServerOptions o;
  o.max_body_bytes = 1024;
  auto server = Start(o);
  HttpClient client(server->port());
  auto r = client.Request("POST", "/echo", std::string(4096, 'x'));
  EXPECT_EQ(r.status, 413u);
  EXPECT_EQ(r.headers["content-type"], "application/problem+json");
}

TEST_F(HttpServerTest, OversizedHeadersAre431) {
  HttpServerOptions o;
  o.max_header_bytes = 1024;
  auto server = Start(o);
  HttpClient client(server->port());
  auto r = client.Request("GET", "/hello/x", {}, {{"X-Big", std::string(4000, 'a')}});
  EXPECT_EQ(r.status, 431u);
}

TEST_F(HttpServerTest, OverlongUrlIs414) {
  HttpServerOptions o;
  o.max_url_bytes = 100;
  auto server = Start(o);
  HttpClient client(server->port());
  auto r = client.Get("/hello/" + std::string(200, 'a'));
  EXPECT_EQ(r.status, 414u);
}

TEST_F(HttpServerTest, MalformedRequestLineIs400) {
  auto server = Start();
  HttpClient client(server->port());
  auto r = client.Raw("THIS IS NOT HTTP\r\n\r\n");
  EXPECT_EQ(r.status, 400u);
  r = client.Raw("GET /hello/%zz HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_EQ(r.status, 400u);
}

TEST_F(HttpServerTest, HandlerExceptionBecomes500AndServerKeepsServing) {
  auto server = Start();
  HttpClient client(server->port());
  EXPECT_EQ(client.Get("/throws").status, 500u);
  EXPECT_EQ(client.Get("/hello/again").status, 200u);
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

TEST_F(HttpServerTest, ConnectionsBeyondTheLimitAre503) {
  HttpServerOptions o;
  o.max_connections = 2;
  auto server = Start(o);
  HttpClient a(server->port()), b(server->port()), c(server->port());
  ASSERT_EQ(a.Get("/hello/a").status, 200u);  // a and b stay open (keep-alive)
  ASSERT_EQ(b.Get("/hello/b").status, 200u);
  EXPECT_EQ(c.Get("/hello/c").status, 503u);
}

TEST_F(HttpServerTest, CountsRequestsByRouteAndStatusInMetrics) {
  auto server = Start();
  HttpClient client(server->port());
  client.Get("/hello/a");
  client.Get("/hello/b");
  client.Get("/missing");
  const std::string text = metrics_.Render();
  EXPECT_NE(text.find(R"(goldthread_http_requests_total{route="hello",method="GET",status="200"} 2)"),
            std::string::npos)
      << text;
  EXPECT_NE(
      text.find(R"(goldthread_http_requests_total{route="unmatched",method="GET",status="404"} 1)"),
      std::string::npos);
  EXPECT_NE(text.find(R"(goldthread_http_request_duration_seconds_count{route="hello"} 2)"),
            std::string::npos);
}

}  // namespace
}  // namespace goldthread::adapters
