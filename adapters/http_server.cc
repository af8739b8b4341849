#include "adapters/http_server.h"

#include <spdlog/spdlog.h>

#include <atomic>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <optional>
#include <thread>
#include <vector>

namespace goldthread::adapters {
namespace {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;
using SteadyClock = std::chrono::steady_clock;

class ServerImpl;

// One connection. Owns itself through shared_from_this; all its steps run on its strand.
class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket&& socket, ServerImpl* server, bool reject);
  ~Session();
  void Run();

 private:
  void DoRead();
  void OnRead(beast::error_code ec, size_t bytes);
  void Dispatch();
  // Writes `r` (posted onto the strand by the responder), then reads the next request or
  // closes.
  void Write(HttpResponse r, bool keep_alive);
  void OnWrite(bool keep_alive, beast::error_code ec);
  void DoClose();

  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  ServerImpl* const server_;
  const bool reject_;
  // Of the request being served.
  SteadyClock::time_point started_;
  std::string route_ = "unmatched";
  std::string method_;
  std::string path_;
  unsigned version_ = 11;
  bool counted_ = false;  // whether this request is counted in flight
};

class Listener : public std::enable_shared_from_this<Listener> {
 public:
  Listener(net::io_context& ioc, tcp::acceptor acceptor, ServerImpl* server)
      : ioc_(ioc), acceptor_(std::move(acceptor)), server_(server) {}
  void DoAccept() {
    acceptor_.async_accept(net::make_strand(ioc_),
                           beast::bind_front_handler(&Listener::OnAccept, shared_from_this()));
  }
  void Close() {
    net::post(acceptor_.get_executor(), [self = shared_from_this()] {
      beast::error_code ignored;
      self->acceptor_.close(ignored);
    });
  }

 private:
  void OnAccept(beast::error_code ec, tcp::socket socket);

  net::io_context& ioc_;
  tcp::acceptor acceptor_;
  ServerImpl* const server_;
};

class ServerImpl final : public HttpServer {
 public:
  ServerImpl(HttpServerOptions options, const Router* router, Metrics* metrics)
      : options_(std::move(options)),
        router_(router),
        requests_(metrics->Counter("goldthread_http_requests_total",
                                   "HTTP requests answered, by route, method and status")),
        latency_(metrics->Histogram("goldthread_http_request_duration_seconds",
                                    "Time from a request's last byte to its response's last byte")),
        rejected_(metrics->Counter("goldthread_http_connections_rejected_total",
                                   "Connections refused because max_connections were open")),
        ioc_(options_.io_threads) {
    metrics->Callback("goldthread_http_connections_open", "Open HTTP connections",
                      [this] { return static_cast<double>(connections_.load()); });
  }
  ~ServerImpl() override { Stop(); }

  Status Listen() {
    beast::error_code ec;
    const auto address = net::ip::make_address(options_.address, ec);
    if (ec) {
      return InvalidField("listen", fmt::format("'{}' is not an IP address", options_.address));
    }
    tcp::endpoint endpoint(address, options_.port);
    tcp::acceptor acceptor(net::make_strand(ioc_));
    acceptor.open(endpoint.protocol(), ec);
    if (!ec) acceptor.set_option(net::socket_base::reuse_address(true), ec);
    if (!ec) acceptor.bind(endpoint, ec);
    if (!ec) acceptor.listen(net::socket_base::max_listen_connections, ec);
    if (ec) {
      return MakeError(ErrorCode::kUnavailable,
                       fmt::format("cannot listen on {}:{}: {}", options_.address, options_.port,
                                   ec.message()),
                       "listen");
    }
    port_ = acceptor.local_endpoint().port();
    listener_ = std::make_shared<Listener>(ioc_, std::move(acceptor), this);
    listener_->DoAccept();
    for (int i = 0; i < std::max(1, options_.io_threads); ++i) {
      threads_.emplace_back([this] { ioc_.run(); });
    }
    return OkStatus();
  }

  uint16_t port() const override { return port_; }
  size_t in_flight() const override { return in_flight_.load(); }

  void Stop() override {
    if (stopped_.exchange(true)) return;
    stopping_ = true;
    if (listener_) listener_->Close();
    const auto deadline = SteadyClock::now() + options_.drain_timeout;
    while (in_flight_.load() > 0 && SteadyClock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    if (in_flight_.load() > 0) {
      spdlog::warn("http: stopping with {} requests still in flight after the drain timeout",
                   in_flight_.load());
    }
    ioc_.stop();
    for (auto& t : threads_)
      if (t.joinable()) t.join();
  }

  // Used by sessions.
  const HttpServerOptions& options() const { return options_; }
  const Router& router() const { return *router_; }
  bool stopping() const { return stopping_.load(); }
  std::atomic<size_t>& connections() { return connections_; }
  void BeginRequest() { ++in_flight_; }
  void EndRequest() { --in_flight_; }
  void Record(const std::string& route, const std::string& method, unsigned status,
              double seconds) {
    requests_.Add({{"route", route}, {"method", method}, {"status", std::to_string(status)}});
    latency_.Observe({{"route", route}}, seconds);
  }
  void CountRejected() { rejected_.Add({}); }

 private:
  const HttpServerOptions options_;
  const Router* const router_;
  MetricFamily& requests_;
  MetricFamily& latency_;
  MetricFamily& rejected_;
  // Declared before ioc_ so that sessions destroyed with the io_context can still use them.
  std::atomic<size_t> connections_{0};
  std::atomic<size_t> in_flight_{0};
  std::atomic<bool> stopping_{false};
  std::atomic<bool> stopped_{false};
  uint16_t port_ = 0;
  net::io_context ioc_;
  net::executor_work_guard<net::io_context::executor_type> work_{ioc_.get_executor()};
  std::shared_ptr<Listener> listener_;
  std::vector<std::thread> threads_;
};

void Listener::OnAccept(beast::error_code ec, tcp::socket socket) {
  if (ec) {
    if (ec != net::error::operation_aborted) {
      spdlog::warn("http: accept failed: {}", ec.message());
      if (!server_->stopping()) DoAccept();
    }
    return;
  }
  if (server_->stopping()) return;
  const bool reject = server_->connections().load() >= server_->options().max_connections;
  if (reject) server_->CountRejected();
  std::make_shared<Session>(std::move(socket), server_, reject)->Run();
  DoAccept();
}

Session::Session(tcp::socket&& socket, ServerImpl* server, bool reject)
    : stream_(std::move(socket)), server_(server), reject_(reject) {
  ++server_->connections();
}

Session::~Session() {
  if (counted_) server_->EndRequest();
  --server_->connections();
}

void Session::Run() {
  net::dispatch(stream_.get_executor(),
                beast::bind_front_handler(&Session::DoRead, shared_from_this()));
}

void Session::DoRead() {
  if (reject_) {
    started_ = SteadyClock::now();
    return Write(Problem(503, "/problems/unavailable", "Too many connections",
                         "the server is serving as many connections as it allows; retry shortly"),
                 false);
  }
  if (server_->stopping()) return DoClose();
  parser_.emplace();
  parser_->body_limit(server_->options().max_body_bytes);
  parser_->header_limit(static_cast<uint32_t>(server_->options().max_header_bytes));
  stream_.expires_after(server_->options().read_timeout);
  http::async_read(stream_, buffer_, *parser_,
                   beast::bind_front_handler(&Session::OnRead, shared_from_this()));
}

void Session::OnRead(beast::error_code ec, size_t) {
  started_ = SteadyClock::now();
  route_ = "unmatched";
  method_ = "-";
  path_ = "-";
  if (ec == http::error::end_of_stream || ec == net::error::eof ||
      ec == net::error::connection_reset || ec == net::error::operation_aborted) {
    return DoClose();
  }
  if (ec == beast::error::timeout) return DoClose();  // idle or too slow: nothing to answer
  if (ec) {
    // From here on the request could not be read whole; answer once and close.
    counted_ = true;
    server_->BeginRequest();
    if (ec == http::error::body_limit) {
      return Write(Problem(413, "/problems/body-too-large", "Request body too large",
                           fmt::format("the body is limited to {} bytes",
                                       server_->options().max_body_bytes)),
                   false);
    }
    if (ec == http::error::header_limit) {
      return Write(Problem(431, "/problems/headers-too-large", "Request headers too large",
                           fmt::format("headers are limited to {} bytes",
                                       server_->options().max_header_bytes)),
                   false);
    }
    return Write(Problem(400, "/problems/malformed-request", "Malformed HTTP request",
                         ec.message()),
                 false);
  }
  counted_ = true;
  server_->BeginRequest();
  Dispatch();
}

void Session::Dispatch() {
  http::request<http::string_body> raw = parser_->release();
  version_ = raw.version();
  method_ = std::string(raw.method_string());
  const bool keep_alive = raw.keep_alive();
  if (raw.target().size() > server_->options().max_url_bytes) {
    return Write(Problem(414, "/problems/uri-too-long", "URL too long",
                         fmt::format("the path and query are limited to {} bytes",
                                     server_->options().max_url_bytes)),
                 false);
  }
  HttpRequest req;
  req.method = raw.method();
  req.target = std::string(raw.target());
  if (!ParseTarget(req.target, &req.path, &req.query)) {
    return Write(Problem(400, "/problems/malformed-request", "Malformed URL",
                         "the URL has a malformed percent-escape"),
                 keep_alive);
  }
  path_ = req.path;
  for (const auto& field : raw) {
    std::string name(field.name_string());
    for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    req.headers[name] = std::string(field.value());
  }
  req.body = std::move(raw.body());
  beast::error_code ignored;
  req.remote = stream_.socket().remote_endpoint(ignored).address().to_string();

  Router::Match match = server_->router().Find(req.method, req.path);
  route_ = match.name;
  if (!match.handler) {
    if (match.path_matched) {
      return Write(Problem(405, "/problems/method-not-allowed", "Method not allowed",
                           fmt::format("{} is not supported on {}", method_, req.path)),
                   keep_alive);
    }
    return Write(Problem(404, "/problems/not-found", "Not found",
                         fmt::format("there is no resource at {}", req.path)),
                 keep_alive);
  }
  req.params = std::move(match.params);
  auto self = shared_from_this();
  auto responded = std::make_shared<std::atomic<bool>>(false);
  Responder respond = [self, keep_alive, responded](HttpResponse r) {
    if (responded->exchange(true)) return;  // a handler bug must not write twice
    net::post(self->stream_.get_executor(), [self, keep_alive, r = std::move(r)]() mutable {
      self->Write(std::move(r), keep_alive);
    });
  };
  try {
    (*match.handler)(std::move(req), respond);
  } catch (const std::exception& e) {
    spdlog::error("http: handler for {} threw: {}", route_, e.what());
    respond(Problem(500, "/problems/internal", "Internal error",
                    "the server failed while handling this request; it has been logged"));
  }
}

void Session::Write(HttpResponse r, bool keep_alive) {
  keep_alive = keep_alive && !server_->stopping();
  auto res = std::make_shared<http::response<http::string_body>>(
      static_cast<http::status>(r.status), version_);
  res->set(http::field::server, "goldthread");
  res->set(http::field::content_type, r.content_type);
  for (const auto& [k, v] : r.headers) res->set(k, v);
  res->keep_alive(keep_alive);
  res->body() = std::move(r.body);
  res->prepare_payload();
  const double seconds = std::chrono::duration<double>(SteadyClock::now() - started_).count();
  server_->Record(route_, method_, r.status, seconds);
  spdlog::info("http {} {} {} {:.2f}ms actor={}", method_, path_, r.status, seconds * 1000,
               r.actor.empty() ? "-" : r.actor);
  http::async_write(stream_, *res,
                    [self = shared_from_this(), res, keep_alive](beast::error_code ec, size_t) {
                      self->OnWrite(keep_alive, ec);
                    });
}

void Session::OnWrite(bool keep_alive, beast::error_code ec) {
  if (counted_) {
    counted_ = false;
    server_->EndRequest();
  }
  if (ec || !keep_alive) return DoClose();
  DoRead();
}

void Session::DoClose() {
  beast::error_code ignored;
  stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
}

}  // namespace

Result<std::unique_ptr<HttpServer>> HttpServer::Start(HttpServerOptions options,
                                                      const Router* router, Metrics* metrics) {
  auto server = std::make_unique<ServerImpl>(std::move(options), router, metrics);
  if (Status s = server->Listen(); !s) return Unexpected(std::move(s.error()));
  return std::unique_ptr<HttpServer>(std::move(server));
}

}  // namespace goldthread::adapters
