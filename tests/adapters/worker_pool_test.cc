// WorkerPool (adapters/http/worker_pool.h): routes run off the I/O threads, and an exception
// on the pool is a 500 problem document, never the end of the process.
#include "adapters/http/worker_pool.h"

#include <gtest/gtest.h>

#include <atomic>
#include <stdexcept>
#include <thread>

#include "adapters/http/http_server.h"
#include "tests/testing/http_client.h"

namespace goldthread::adapters {
namespace {

using boost::beast::http::verb;
using goldthread::testing::HttpClient;

class WorkerPoolTest : public ::testing::Test {
 protected:
  void Start() {
    HttpServerOptions options;
    options.port = 0;
    options.io_threads = 1;
    auto server = HttpServer::Start(options, &router_, &metrics_);
    ASSERT_TRUE(server) << server.error().ToString();
    server_ = std::move(*server);
  }
  void TearDown() override {
    if (server_) server_->Stop();
    pool_.Drain();
  }

  Metrics metrics_;
  Router router_;
  WorkerPool pool_{2};
  std::unique_ptr<HttpServer> server_;
};

TEST_F(WorkerPoolTest, AnExceptionOnThePoolIsAProblemDocumentAndTheServerGoesOn) {
  router_.Add(verb::get, "/throws", "throws", pool_.Route([](HttpRequest&) -> HttpResponse {
    throw std::runtime_error("a bug in a route");
  }));
  router_.Add(verb::get, "/ok", "ok", pool_.Route([](HttpRequest&) {
    HttpResponse r;
    r.body = R"({"ok":true})";
    return r;
  }));
  Start();
  auto thrown = HttpClient(server_->port()).Get("/throws");
  EXPECT_EQ(thrown.status, 500u) << thrown.body;
  EXPECT_EQ(thrown.headers.at("content-type"), "application/problem+json");
  EXPECT_NE(thrown.body.find("/problems/internal"), std::string::npos) << thrown.body;
  EXPECT_EQ(thrown.body.find("a bug in a route"), std::string::npos) << "leaks the exception";
  // The process, the pool and the server carry on.
  EXPECT_EQ(HttpClient(server_->port()).Get("/ok").status, 200u);
  EXPECT_EQ(HttpClient(server_->port()).Get("/throws").status, 500u);
  EXPECT_EQ(HttpClient(server_->port()).Get("/ok").status, 200u);
}

TEST_F(WorkerPoolTest, RouteWorkRunsOffTheIoThread) {
  std::atomic<bool> on_io{true};
  std::thread::id io_thread;
  router_.Add(verb::get, "/where", "where", [&](HttpRequest&& request, Responder respond) {
    io_thread = std::this_thread::get_id();
    pool_.Route([&](HttpRequest&) {
      on_io = std::this_thread::get_id() == io_thread;
      return HttpResponse{};
    })(std::move(request), std::move(respond));
  });
  Start();
  EXPECT_EQ(HttpClient(server_->port()).Get("/where").status, 200u);
  EXPECT_FALSE(on_io);
}

TEST_F(WorkerPoolTest, PostedWorkThatThrowsDoesNotEndTheProcess) {
  std::atomic<int> ran{0};
  pool_.Post([] { throw std::runtime_error("posted bug"); });
  pool_.Post([] { throw 7; });
  pool_.Post([&] { ++ran; });
  pool_.Drain();
  EXPECT_EQ(ran, 1);
}

TEST(AnswerOrInternalErrorTest, PassesAnAnswerThroughAndTurnsAnExceptionInto500) {
  HttpResponse fine;
  fine.status = 201;
  EXPECT_EQ(AnswerOrInternalError([&] { return fine; }).status, 201u);
  HttpResponse failed =
      AnswerOrInternalError([]() -> HttpResponse { throw std::logic_error("x"); });
  EXPECT_EQ(failed.status, 500u);
  EXPECT_EQ(failed.content_type, "application/problem+json");
}

}  // namespace
}  // namespace goldthread::adapters
