#include "adapters/http/http_server.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <cctype>
#include <map>
#include <csignal>
#include <optional>
#include <thread>
#include <unordered_map>
#include <vector>

#include "store/base/mutex.h"
#include "store/base/thread_annotations.h"

namespace goldthread::adapters {
namespace {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;
using SteadyClock = std::chrono::steady_clock;

// After a response that closes the connection, what the client is still sending is read and
// dropped for at most this long (and this much), so that closing a socket with unread input
// does not reset the connection before the client has read its answer.
constexpr std::chrono::milliseconds kLingerTime{1000};
constexpr size_t kLingerMaxBytes = 1 << 20;
// After a failed accept (out of file descriptors, say), wait this long before the next.
constexpr std::chrono::milliseconds kAcceptRetry{50};

// Why a connection or request was refused before reaching a handler: the `reason` label of
// goldthread_http_rejected_total.
enum class Rejection {
  kConnectionLimit,
  kBodyLimit,
  kHeaderLimit,
  kUrlLimit,
  kReadTimeout,
  kMalformed
};
constexpr Rejection kAllRejections[] = {Rejection::kConnectionLimit, Rejection::kBodyLimit,
                                        Rejection::kHeaderLimit,     Rejection::kUrlLimit,
                                        Rejection::kReadTimeout,     Rejection::kMalformed};

const char* RejectionName(Rejection r) {
  switch (r) {
    case Rejection::kConnectionLimit:
      return "connection_limit";
    case Rejection::kBodyLimit:
      return "body_limit";
    case Rejection::kHeaderLimit:
      return "header_limit";
    case Rejection::kUrlLimit:
      return "url_limit";
    case Rejection::kReadTimeout:
      return "read_timeout";
    case Rejection::kMalformed:
      return "malformed";
  }
  return "unknown";
}

// The method as a metrics label: a client can send any token as a method, and each distinct
// label value is a new series, so unknown methods share one.
std::string MethodLabel(http::verb v) {
  return v == http::verb::unknown ? "other" : std::string(http::to_string(v));
}

// A value for a key=value log line: bare when it is a plain word, otherwise quoted with
// quotes, backslashes and control characters escaped, so that input cannot forge a line.
std::string LogValue(std::string_view v) {
  if (v.empty()) return "-";
  bool plain = true;
  for (unsigned char c : v) {
    if (c <= 0x20 || c == '"' || c == '\\' || c == '=' || c >= 0x7f) plain = false;
  }
  if (plain) return std::string(v);
  std::string out = "\"";
  for (unsigned char c : v) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c < 0x20 || c == 0x7f) {
      out += fmt::format("\\x{:02x}", c);
    } else {
      out += static_cast<char>(c);
    }
  }
  return out + "\"";
}

// RFC 9110 token characters, for header names a handler sets.
bool IsToken(std::string_view s) {
  if (s.empty()) return false;
  for (unsigned char c : s) {
    const bool ok =
        std::isalnum(c) ||
        std::string_view("!#$%&'*+-.^_`|~").find(static_cast<char>(c)) != std::string_view::npos;
    if (!ok) return false;
  }
  return true;
}

bool IsFieldValue(std::string_view s) {
  return s.find_first_of(std::string_view("\r\n\0", 3)) == std::string_view::npos;
}

// Shared by the server and every Responder. A responder runs on a handler's thread, possibly
// after the server is gone; it may touch the io_context only while `open`, and the server
// closes the gate before it stops the io_context.
struct Gate {
  Mutex mu;
  bool open GUARDED_BY(mu) = true;
};

class ServerImpl;

// One connection. Owns itself through shared_from_this: the pending asynchronous operation
// holds it, or, while a handler holds its request, its own `awaiting_handler_`. Everything
// but the constructor, the destructor and CloseNow runs on the connection's strand.
class Session : public std::enable_shared_from_this<Session> {
 public:
  // `reject`: the server is full; answer 503 and close. `reserve_only`: only the reserve is
  // left; serve /healthz, /readyz and /metrics, 503 for anything else.
  Session(tcp::socket&& socket, ServerImpl* server, bool reject, bool reserve_only,
          std::string remote);
  ~Session();
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  void Run();
  // Posted by Stop: closes the connection when it is idle; a request whose header has begun
  // to arrive is counted in flight, so that Stop waits for it to be read and answered.
  void OnServerStopping();
  // Posted when the server comes under pressure: an idle connection (waiting for a request,
  // none arriving) gets idle_timeout_under_pressure left.
  void OnPressure();
  // Closes the socket and drops the handler's hold. Only when no I/O thread runs.
  void CloseNow();
  net::any_io_executor executor() { return stream_.get_executor(); }

 private:
  enum class Phase { kStarting, kReading, kServing, kWriting, kLingering };

  // True when bytes of a request have been received (buffered here or in the kernel).
  bool RequestArriving();
  void DoRead();
  void OnReadHeader(beast::error_code ec, size_t bytes);
  void OnContinueWritten(beast::error_code ec, size_t bytes);
  void DoReadBody();
  void OnReadBody(beast::error_code ec, size_t bytes);
  void OnReadFailed(beast::error_code ec);
  void Serve();
  // Counts the refusal, answers `problem` and closes.
  void Refuse(Rejection why, HttpResponse problem);
  void DoWrite(HttpResponse r, bool keep_alive);
  void OnWrite(unsigned status, std::string actor, beast::error_code ec, size_t bytes);
  void DoLinger();
  void OnLinger(beast::error_code ec, size_t bytes);
  void BeginRequest();
  void EndRequest();

  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  std::optional<http::response<http::empty_body>> continue_;
  std::optional<http::response<http::string_body>> response_;
  ServerImpl* const server_;
  const bool reject_;
  const bool reserve_only_;
  std::string remote_;
  // Under pressure: ends an idle wait for a request early (OnPressure).
  net::steady_timer pressure_timer_{stream_.get_executor()};
  bool pressure_armed_ = false;
  Phase phase_ = Phase::kStarting;
  bool opened_ = false;   // counted in the server's open connections
  bool counted_ = false;  // this session holds one unit of the server's in-flight count
  // This session, while a handler holds its request: keeps it alive with no asio operation
  // pending. Cleared when the response is written, or by CloseNow.
  std::shared_ptr<Session> awaiting_handler_;
  size_t lingered_bytes_ = 0;
  std::array<char, 4096> discard_;

  // Of the request being served, for the access log and metrics.
  SteadyClock::time_point started_;
  std::string route_ = "unmatched";
  std::string method_ = "-";        // as sent, for the log
  std::string method_label_ = "-";  // bounded, for metrics
  std::string path_ = "-";          // as sent, without the query
  std::string log_path_ = "-";      // path_, or the route's pattern when the path holds a secret
  unsigned version_ = 11;
  bool keep_alive_ = false;
};

class Listener : public std::enable_shared_from_this<Listener> {
 public:
  Listener(net::io_context& ioc, tcp::acceptor acceptor, ServerImpl* server)
      : ioc_(ioc),
        acceptor_(std::move(acceptor)),
        retry_(acceptor_.get_executor()),
        server_(server) {}

  void DoAccept() {
    acceptor_.async_accept(net::make_strand(ioc_),
                           beast::bind_front_handler(&Listener::OnAccept, shared_from_this()));
  }
  // Closes the acceptor on its strand: from then on connections are refused.
  void Close() {
    net::post(acceptor_.get_executor(), [self = shared_from_this()] { self->CloseNow(); });
  }
  // Closes it from the calling thread; only when no I/O thread runs.
  void CloseNow() {
    beast::error_code ignored;
    acceptor_.close(ignored);
    retry_.cancel();
  }

 private:
  void OnAccept(beast::error_code ec, tcp::socket socket);

  net::io_context& ioc_;
  tcp::acceptor acceptor_;
  net::steady_timer retry_;
  ServerImpl* const server_;
};

class ServerImpl final : public HttpServer {
 public:
  ServerImpl(HttpServerOptions options, const Router* router, Metrics* metrics)
      : options_(std::move(options)),
        router_(router),
        logger_(options_.logger ? options_.logger : spdlog::default_logger()),
        requests_(metrics->Counter("goldthread_http_requests_total",
                                   "HTTP responses written, by route, method and status")),
        latency_(metrics->Histogram(
            "goldthread_http_request_duration_seconds",
            "Time from a request's header arriving to its response's last byte, by route")),
        in_flight_gauge_(metrics->Gauge("goldthread_http_requests_in_flight",
                                        "Requests begun whose response is not yet written")),
        connections_gauge_(
            metrics->Gauge("goldthread_http_connections_open", "Open HTTP connections")),
        rejected_(metrics->Counter(
            "goldthread_http_rejected_total",
            "Connections and requests refused before a handler: limits, timeouts, bad input")),
        ioc_(std::max(1, options_.io_threads)),
        work_(ioc_.get_executor()) {
    in_flight_gauge_.Add({}, 0);
    connections_gauge_.Add({}, 0);
    for (Rejection r : kAllRejections) rejected_.Add({{"reason", RejectionName(r)}}, 0);
  }
  ~ServerImpl() override { Stop(); }

  Status Listen() {
    beast::error_code ec;
    const auto address = net::ip::make_address(options_.address, ec);
    if (ec) {
      return InvalidField("address", fmt::format("'{}' is not an IP address", options_.address));
    }
    tcp::endpoint endpoint(address, options_.port);
    tcp::acceptor acceptor(net::make_strand(ioc_));
    acceptor.open(endpoint.protocol(), ec);
    if (!ec) acceptor.set_option(net::socket_base::reuse_address(true), ec);
    if (!ec) acceptor.bind(endpoint, ec);
    if (!ec) acceptor.listen(net::socket_base::max_listen_connections, ec);
    if (ec) {
      return MakeError(
          ErrorCode::kUnavailable,
          fmt::format("cannot listen on {}:{}: {}", options_.address, options_.port, ec.message()),
          "address");
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
    if (stopped_) return;
    stopped_ = true;
    const auto deadline = SteadyClock::now() + options_.drain_timeout;
    stopping_ = true;
    if (listener_) listener_->Close();
    // Every session hears about the stop on its own strand. The notices count as in flight
    // until handled, so that a request found half-received is counted before the drain
    // below could see zero.
    std::vector<std::shared_ptr<Session>> live = LiveSessions();
    stop_notices_ += live.size();
    for (auto& s : live) net::post(s->executor(), [s] { s->OnServerStopping(); });
    live.clear();  // each posted notice holds its own reference
    {
      MutexLock lock(drain_mu_);
      while (in_flight_.load() != 0 || stop_notices_.load() != 0) {
        if (!drain_cv_.WaitUntil(drain_mu_, deadline)) break;
      }
    }
    if (in_flight_.load() > 0) {
      logger_->warn("http: stopping with {} requests unanswered after the {} ms drain timeout",
                    in_flight_.load(), options_.drain_timeout.count());
    }
    {
      MutexLock lock(gate_->mu);
      gate_->open = false;
    }
    ioc_.stop();
    for (auto& t : threads_)
      if (t.joinable()) t.join();
    // No I/O thread runs now, so what is left can be closed from here; handlers still queued
    // in the io_context are destroyed with it.
    if (listener_) listener_->CloseNow();
    for (auto& s : LiveSessions()) s->CloseNow();
  }

  // Used by sessions and the listener.
  const HttpServerOptions& options() const { return options_; }
  const Router& router() const { return *router_; }
  spdlog::logger& logger() { return *logger_; }
  const std::shared_ptr<Gate>& gate() const { return gate_; }
  bool stopping() const { return stopping_.load(); }
  size_t connections() const { return connections_.load(); }
  // Whether so many connections are open that idle ones should make room.
  bool UnderPressure() const { return connections_.load() * 4 >= options_.max_connections * 3; }
  // Tells every idle connection to make room soon; at most once every half second.
  void ShortenIdleConnections() {
    const int64_t now = SteadyClock::now().time_since_epoch().count();
    int64_t last = last_shortened_.load();
    const int64_t gap = std::chrono::duration_cast<SteadyClock::duration>(
                            std::chrono::milliseconds(500))
                            .count();
    if (now - last < gap || !last_shortened_.compare_exchange_strong(last, now)) return;
    for (auto& s : LiveSessions()) net::post(s->executor(), [s] { s->OnPressure(); });
  }
  // Open connections from `address`; AddressOpened/AddressClosed keep the count.
  size_t ConnectionsFrom(const std::string& address) {
    MutexLock lock(addresses_mu_);
    auto it = per_address_.find(address);
    return it == per_address_.end() ? 0 : it->second;
  }
  void AddressOpened(const std::string& address) {
    MutexLock lock(addresses_mu_);
    ++per_address_[address];
  }
  void AddressClosed(const std::string& address) {
    MutexLock lock(addresses_mu_);
    auto it = per_address_.find(address);
    if (it != per_address_.end() && --it->second == 0) per_address_.erase(it);
  }
  // Sessions answering 503 (writing it or lingering after it).
  size_t refusing() const { return refusing_.load(); }
  void RefusalBegun() { ++refusing_; }
  void RefusalEnded() { --refusing_; }

  void Register(Session* s, std::weak_ptr<Session> weak) {
    MutexLock lock(sessions_mu_);
    sessions_[s] = std::move(weak);
  }
  void Unregister(Session* s) {
    MutexLock lock(sessions_mu_);
    sessions_.erase(s);
  }
  void ConnectionOpened() {
    ++connections_;
    connections_gauge_.Add({}, 1);
  }
  void ConnectionClosed() {
    --connections_;
    connections_gauge_.Add({}, -1);
  }
  void BeginRequest() {
    ++in_flight_;
    in_flight_gauge_.Add({}, 1);
  }
  void EndRequest() {
    in_flight_gauge_.Add({}, -1);
    if (--in_flight_ == 0) NotifyDrain();
  }
  void StopNoticeHandled() {
    if (--stop_notices_ == 0) NotifyDrain();
  }
  void CountRejected(Rejection why) { rejected_.Add({{"reason", RejectionName(why)}}); }
  void Record(const std::string& route, const std::string& method, unsigned status,
              double seconds) {
    requests_.Add({{"route", route}, {"method", method}, {"status", std::to_string(status)}});
    latency_.Observe({{"route", route}}, seconds);
  }

 private:
  std::vector<std::shared_ptr<Session>> LiveSessions() {
    std::vector<std::shared_ptr<Session>> out;
    MutexLock lock(sessions_mu_);
    for (auto& [ptr, weak] : sessions_)
      if (auto s = weak.lock()) out.push_back(std::move(s));
    return out;
  }
  void NotifyDrain() {
    MutexLock lock(drain_mu_);  // so that Stop cannot miss the wake-up
    drain_cv_.SignalAll();
  }

  // Constant after construction.
  const HttpServerOptions options_;
  const Router* const router_;
  const std::shared_ptr<spdlog::logger> logger_;
  MetricFamily& requests_;
  MetricFamily& latency_;
  MetricFamily& in_flight_gauge_;
  MetricFamily& connections_gauge_;
  MetricFamily& rejected_;
  const std::shared_ptr<Gate> gate_ = std::make_shared<Gate>();

  // Everything from here to ioc_ is declared before it because sessions destroyed with the
  // io_context (their handlers still queued) use it in their destructors.
  std::atomic<size_t> connections_{0};
  std::atomic<int64_t> last_shortened_{0};
  Mutex addresses_mu_;
  std::map<std::string, size_t> per_address_ GUARDED_BY(addresses_mu_);
  std::atomic<size_t> refusing_{0};
  std::atomic<size_t> in_flight_{0};
  std::atomic<size_t> stop_notices_{0};
  std::atomic<bool> stopping_{false};
  Mutex drain_mu_;
  CondVar drain_cv_;
  Mutex sessions_mu_;
  std::unordered_map<Session*, std::weak_ptr<Session>> sessions_ GUARDED_BY(sessions_mu_);

  // Controlling thread only.
  bool stopped_ = false;
  uint16_t port_ = 0;

  net::io_context ioc_;
  // Keeps run() from returning while a handler holds a request and no asio operation is
  // pending (otherwise the I/O threads exit and its response is never written); Stop ends it
  // with ioc_.stop().
  net::executor_work_guard<net::io_context::executor_type> work_;
  std::shared_ptr<Listener> listener_;
  std::vector<std::thread> threads_;
};

void Listener::OnAccept(beast::error_code ec, tcp::socket socket) {
  if (ec) {
    if (ec == net::error::operation_aborted || server_->stopping()) return;
    server_->logger().warn("http: accept failed: {}", ec.message());
    retry_.expires_after(kAcceptRetry);
    retry_.async_wait([self = shared_from_this()](beast::error_code ec) {
      if (!ec && !self->server_->stopping()) self->DoAccept();
    });
    return;
  }
  if (server_->stopping()) return;  // the socket closes here
  // Accepts run one at a time on the acceptor's strand, so these checks cannot race another.
  const HttpServerOptions& o = server_->options();
  const size_t limit = o.max_connections;
  beast::error_code endpoint_ec;
  const auto endpoint = socket.remote_endpoint(endpoint_ec);
  std::string remote = endpoint_ec ? "-" : endpoint.address().to_string();
  const size_t open = server_->connections();
  const bool reject = open >= limit || (o.max_connections_per_address > 0 &&
                                        server_->ConnectionsFrom(remote) >=
                                            o.max_connections_per_address);
  // The reserve is at most a quarter of the connections (none for a tiny server).
  const size_t reserved = std::min(o.reserved_connections, limit / 4);
  const bool reserve_only = !reject && reserved > 0 && open + reserved >= limit;
  if (server_->UnderPressure()) server_->ShortenIdleConnections();
  if (reject && server_->refusing() >= limit) {
    // As many 503s are already being written or lingering: a flood. Close this one unanswered
    // rather than hold yet another socket for it.
    server_->CountRejected(Rejection::kConnectionLimit);
    beast::error_code ignored;
    socket.close(ignored);
    return DoAccept();
  }
  std::make_shared<Session>(std::move(socket), server_, reject, reserve_only, std::move(remote))
      ->Run();
  DoAccept();
}

Session::Session(tcp::socket&& socket, ServerImpl* server, bool reject, bool reserve_only,
                 std::string remote)
    : stream_(std::move(socket)),
      server_(server),
      reject_(reject),
      reserve_only_(reserve_only),
      remote_(std::move(remote)) {}

Session::~Session() {
  if (counted_) server_->EndRequest();
  if (opened_) {
    server_->ConnectionClosed();
    server_->AddressClosed(remote_);
  }
  if (reject_) server_->RefusalEnded();
  server_->Unregister(this);
}

void Session::Run() {
  // Registered before it is counted open, so that whoever sees it in the gauge can rely on
  // Stop telling it.
  server_->Register(this, weak_from_this());
  if (reject_) {
    server_->RefusalBegun();
  } else {
    opened_ = true;
    server_->ConnectionOpened();
    server_->AddressOpened(remote_);
  }
  net::dispatch(stream_.get_executor(), [self = shared_from_this()] {
    if (self->reject_) {
      self->started_ = SteadyClock::now();
      HttpResponse r = Problem(503, "/problems/unavailable", "Too many connections",
                               "the server is serving as many connections as it allows; "
                               "retry shortly");
      r.headers.emplace_back("Retry-After", "1");
      return self->Refuse(Rejection::kConnectionLimit, std::move(r));
    }
    self->DoRead();
  });
}

void Session::OnServerStopping() {
  if (phase_ == Phase::kReading && !counted_) {
    if (RequestArriving()) {
      BeginRequest();  // a request is arriving: read and answer it
    } else {
      beast::error_code ignored;
      stream_.socket().cancel(ignored);  // idle: the read ends with operation_aborted
    }
  }
  // Otherwise the session is serving, writing or lingering, and closes after its response.
  server_->StopNoticeHandled();
}

void Session::OnPressure() {
  if (phase_ != Phase::kReading || counted_ || RequestArriving() || pressure_armed_) return;
  // The pending read keeps its own deadline; this timer ends it sooner if the connection is
  // still idle then (changing the stream's expiry would not reach a read already pending).
  pressure_armed_ = true;
  pressure_timer_.expires_after(
      std::min(server_->options().read_timeout, server_->options().idle_timeout_under_pressure));
  // A weak hold: a connection that closes meanwhile is not kept open by its timer.
  pressure_timer_.async_wait([weak = weak_from_this()](beast::error_code ec) {
    std::shared_ptr<Session> self = weak.lock();
    if (!self) return;
    self->pressure_armed_ = false;
    if (ec || self->phase_ != Phase::kReading || self->counted_ || self->RequestArriving()) return;
    beast::error_code ignored;
    self->stream_.socket().cancel(ignored);  // the read ends with operation_aborted: closed
  });
}

void Session::CloseNow() {
  beast::error_code ignored;
  stream_.socket().close(ignored);
  awaiting_handler_.reset();
}

void Session::BeginRequest() {
  if (counted_) return;
  counted_ = true;
  server_->BeginRequest();
}

void Session::EndRequest() {
  if (!counted_) return;
  counted_ = false;
  server_->EndRequest();
}

bool Session::RequestArriving() {
  beast::error_code ec;
  return (parser_ && parser_->got_some()) || buffer_.size() > 0 ||
         stream_.socket().available(ec) > 0;
}

void Session::DoRead() {
  if (server_->stopping()) {
    // A connection accepted as Stop began: serve the request it has already sent, if any
    // (counted, so that Stop waits for it); otherwise close.
    if (!RequestArriving()) return;
    BeginRequest();
  }
  phase_ = Phase::kReading;
  route_ = "unmatched";
  method_ = method_label_ = path_ = log_path_ = "-";
  parser_.emplace();
  parser_->body_limit(server_->options().max_body_bytes);
  parser_->header_limit(static_cast<uint32_t>(server_->options().max_header_bytes));
  // An idle keep-alive connection makes room sooner when the server is under pressure (a
  // fresh one too: many connections that send nothing are what pressure looks like).
  // A reserve connection is for a health check that sends its request at once.
  const bool pressed = server_->UnderPressure() || reserve_only_;
  stream_.expires_after(pressed ? std::min(server_->options().read_timeout,
                                           server_->options().idle_timeout_under_pressure)
                                : server_->options().read_timeout);
  http::async_read_header(stream_, buffer_, *parser_,
                          beast::bind_front_handler(&Session::OnReadHeader, shared_from_this()));
}

void Session::OnReadHeader(beast::error_code ec, size_t) {
  if (ec) return OnReadFailed(ec);
  started_ = SteadyClock::now();
  BeginRequest();
  const auto& header = parser_->get();
  version_ = header.version();
  method_ = std::string(header.method_string());
  method_label_ = MethodLabel(header.method());
  const std::string_view target = header.target();
  path_ = std::string(target.substr(0, target.find('?')));
  log_path_ = server_->router().PathForLog(path_);
  keep_alive_ = header.keep_alive();

  const HttpServerOptions& o = server_->options();
  // RFC 9112 section 3.2: an HTTP/1.1 request has exactly one Host field; any request with
  // more than one is refused.
  const auto hosts = std::distance(header.equal_range(http::field::host).first,
                                   header.equal_range(http::field::host).second);
  if ((version_ >= 11 && hosts != 1) || hosts > 1) {
    return Refuse(Rejection::kMalformed,
                  Problem(400, "/problems/malformed-request", "Bad Host header",
                          hosts == 0 ? "an HTTP/1.1 request needs a Host header"
                                     : "a request may have only one Host header",
                          "Host"));
  }
  if (target.size() > o.max_url_bytes) {
    return Refuse(
        Rejection::kUrlLimit,
        Problem(414, "/problems/uri-too-long", "URL too long",
                fmt::format("the path and query are limited to {} bytes", o.max_url_bytes), "url"));
  }
  if (const auto length = parser_->content_length(); length && *length > o.max_body_bytes) {
    return Refuse(Rejection::kBodyLimit,
                  Problem(413, "/problems/body-too-large", "Request body too large",
                          fmt::format("the body is limited to {} bytes; this one declares {}",
                                      o.max_body_bytes, *length),
                          "body"));
  }
  if (!parser_->is_done() && version_ >= 11 &&
      beast::iequals(header[http::field::expect], "100-continue")) {
    // The client waits for this before sending the body; it is sent only now that the body
    // is known to be acceptable.
    continue_.emplace(http::status::continue_, version_);
    return http::async_write(
        stream_, *continue_,
        beast::bind_front_handler(&Session::OnContinueWritten, shared_from_this()));
  }
  DoReadBody();
}

void Session::OnContinueWritten(beast::error_code ec, size_t) {
  continue_.reset();
  if (ec) return EndRequest();  // the connection is gone; the session closes
  DoReadBody();
}

void Session::DoReadBody() {
  if (parser_->is_done()) return Serve();
  // The body gets its own read_timeout, counted from the end of the header.
  stream_.expires_after(server_->options().read_timeout);
  http::async_read(stream_, buffer_, *parser_,
                   beast::bind_front_handler(&Session::OnReadBody, shared_from_this()));
}

void Session::OnReadBody(beast::error_code ec, size_t) {
  if (ec) return OnReadFailed(ec);
  Serve();
}

void Session::OnReadFailed(beast::error_code ec) {
  const HttpServerOptions& o = server_->options();
  const bool request_begun = counted_ || (parser_ && parser_->got_some());
  if (ec == beast::error::timeout) {
    // The stream has closed the socket, so there is no answering: count it and go.
    if (request_begun) {
      server_->CountRejected(Rejection::kReadTimeout);
      server_->logger().info("http read-timeout method={} path={} remote={}", LogValue(method_),
                             LogValue(log_path_), remote_);
    }
    return EndRequest();
  }
  if (ec == http::error::end_of_stream || ec == net::error::eof ||
      ec == net::error::connection_reset || ec == net::error::operation_aborted ||
      ec == http::error::partial_message) {
    return EndRequest();  // the client left, or Stop closed an idle connection
  }
  if (!counted_) started_ = SteadyClock::now();
  if (ec == http::error::body_limit) {
    return Refuse(
        Rejection::kBodyLimit,
        Problem(413, "/problems/body-too-large", "Request body too large",
                fmt::format("the body is limited to {} bytes", o.max_body_bytes), "body"));
  }
  if (ec == http::error::header_limit) {
    // The header block includes the request line: if that line alone is past the URL limit,
    // the URL is what is too long.
    // Once the request line is parsed its target is known (and the parser has consumed it from
    // the buffer, which then holds header fields, not the request line); before that, the
    // line still being received is what is too long.
    std::string_view parsed_target;
    if (parser_) {
      const auto t = parser_->get().target();
      parsed_target = std::string_view(t.data(), t.size());
    }
    bool url_too_long = parsed_target.size() > o.max_url_bytes;
    if (parsed_target.empty()) {
      const std::string_view received(static_cast<const char*>(buffer_.data().data()),
                                      buffer_.size());
      const size_t line_end = received.find("\r\n");
      const size_t line = line_end == std::string_view::npos ? received.size() : line_end;
      url_too_long = line > o.max_url_bytes;
    }
    if (url_too_long) {
      return Refuse(
          Rejection::kUrlLimit,
          Problem(414, "/problems/uri-too-long", "URL too long",
                  fmt::format("the path and query are limited to {} bytes", o.max_url_bytes),
                  "url"));
    }
    return Refuse(
        Rejection::kHeaderLimit,
        Problem(431, "/problems/headers-too-large", "Request headers too large",
                fmt::format("the header block is limited to {} bytes", o.max_header_bytes),
                "headers"));
  }
  Refuse(Rejection::kMalformed,
         Problem(400, "/problems/malformed-request", "Malformed HTTP request", ec.message()));
}

void Session::Refuse(Rejection why, HttpResponse problem) {
  server_->CountRejected(why);
  BeginRequest();
  DoWrite(std::move(problem), false);
}

void Session::Serve() {
  phase_ = Phase::kServing;
  http::request<http::string_body> raw = parser_->release();
  parser_.reset();
  HttpRequest req;
  req.method = raw.method();
  req.target = std::string(raw.target());
  Router::Match match = server_->router().Find(req.method, path_);
  route_ = match.name;
  if (reserve_only_ && path_ != "/healthz" && path_ != "/readyz" && path_ != "/metrics") {
    server_->CountRejected(Rejection::kConnectionLimit);
    HttpResponse r = Problem(503, "/problems/unavailable", "Too many connections",
                             "the server is serving as many connections as it allows; only "
                             "/healthz, /readyz and /metrics answer now; retry shortly");
    r.headers.emplace_back("Retry-After", "1");
    return DoWrite(std::move(r), false);
  }
  if (!match.well_formed || !ParseTarget(req.target, &req.path, &req.query)) {
    server_->CountRejected(Rejection::kMalformed);
    return DoWrite(Problem(400, "/problems/malformed-request", "Malformed URL",
                           "the URL has a malformed percent-escape", "url"),
                   keep_alive_);
  }
  if (!match.handler) {
    if (match.path_matched) {
      HttpResponse r = Problem(405, "/problems/method-not-allowed", "Method not allowed",
                               fmt::format("{} is not supported on {}; use {}", method_, req.path,
                                           AllowHeader(match.allowed)),
                               "method");
      r.headers.emplace_back("Allow", AllowHeader(match.allowed));
      return DoWrite(std::move(r), keep_alive_);
    }
    return DoWrite(Problem(404, "/problems/not-found", "Not found",
                           fmt::format("there is no resource at {}", req.path), "path"),
                   keep_alive_);
  }
  for (const auto& field : raw) {
    std::string name(field.name_string());
    for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    auto [it, inserted] = req.headers.emplace(std::move(name), std::string(field.value()));
    if (!inserted) it->second += ", " + std::string(field.value());  // RFC 9110 5.3
  }
  req.params = std::move(match.params);
  req.body = std::move(raw.body());
  req.remote = remote_;

  awaiting_handler_ = shared_from_this();
  auto responded = std::make_shared<std::atomic<bool>>(false);
  Responder respond = [gate = server_->gate(), weak = weak_from_this(), keep_alive = keep_alive_,
                       responded](HttpResponse r) {
    if (responded->exchange(true)) return;  // a handler bug must not write twice
    MutexLock lock(gate->mu);
    if (!gate->open) return;  // the server has stopped: nobody is left to answer
    std::shared_ptr<Session> self = weak.lock();
    if (!self) return;
    net::post(self->stream_.get_executor(), [self, keep_alive, r = std::move(r)]() mutable {
      self->DoWrite(std::move(r), keep_alive);
    });
  };
  const Handler& handler = *match.handler;
  try {
    handler(std::move(req), respond);
  } catch (const std::exception& e) {
    server_->logger().error("http: handler for route {} threw: {}", route_, e.what());
    respond(Problem(500, "/problems/internal", "Internal error",
                    "the server failed while handling this request; it has been logged"));
  } catch (...) {
    server_->logger().error("http: handler for route {} threw a non-exception", route_);
    respond(Problem(500, "/problems/internal", "Internal error",
                    "the server failed while handling this request; it has been logged"));
  }
}

void Session::DoWrite(HttpResponse r, bool keep_alive) {
  awaiting_handler_.reset();  // the caller holds a reference
  if (r.status < 200 || r.status > 599) {
    server_->logger().error("http: handler for route {} answered status {}", route_, r.status);
    r = Problem(500, "/problems/internal", "Internal error",
                "the server produced an invalid response; it has been logged");
  }
  phase_ = Phase::kWriting;
  response_.emplace(static_cast<http::status>(r.status), version_);
  response_->set(http::field::server, "goldthread");
  if (IsFieldValue(r.content_type)) response_->set(http::field::content_type, r.content_type);
  for (const auto& [name, value] : r.headers) {
    if (!IsToken(name) || !IsFieldValue(value)) {
      server_->logger().error("http: route {} set an invalid header '{}'; dropped", route_,
                              LogValue(name));
      continue;
    }
    response_->set(name, value);
  }
  if (r.status == 204 || r.status == 304) r.body.clear();  // these carry no body (RFC 9110)
  response_->body() = std::move(r.body);
  response_->keep_alive(keep_alive && !server_->stopping());
  response_->prepare_payload();
  stream_.expires_after(server_->options().write_timeout);
  http::async_write(stream_, *response_,
                    beast::bind_front_handler(&Session::OnWrite, shared_from_this(), r.status,
                                              std::move(r.actor)));
}

void Session::OnWrite(unsigned status, std::string actor, beast::error_code ec, size_t) {
  const double seconds = std::chrono::duration<double>(SteadyClock::now() - started_).count();
  server_->Record(route_, method_label_, status, seconds);
  server_->logger().info("http method={} path={} route={} status={} ms={:.3f} actor={} remote={}{}",
                         LogValue(method_), LogValue(log_path_), route_, status, seconds * 1000,
                         LogValue(actor), remote_,
                         ec ? " write_error=" + LogValue(ec.message()) : std::string());
  const bool keep_alive = response_->keep_alive();
  response_.reset();
  EndRequest();
  if (ec) return;  // the connection is broken: the session closes
  if (!keep_alive) return DoLinger();
  DoRead();
}

void Session::DoLinger() {
  phase_ = Phase::kLingering;
  beast::error_code ignored;
  stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
  stream_.expires_after(
      std::min<std::chrono::milliseconds>(kLingerTime, server_->options().read_timeout));
  lingered_bytes_ = 0;
  stream_.async_read_some(net::buffer(discard_),
                          beast::bind_front_handler(&Session::OnLinger, shared_from_this()));
}

void Session::OnLinger(beast::error_code ec, size_t bytes) {
  lingered_bytes_ += bytes;
  if (ec || lingered_bytes_ > kLingerMaxBytes) return;  // the session closes
  stream_.async_read_some(net::buffer(discard_),
                          beast::bind_front_handler(&Session::OnLinger, shared_from_this()));
}

}  // namespace

namespace {

// Options from configuration: a zero or negative limit is a mistake, not a wish.
Status CheckOptions(const HttpServerOptions& o) {
  if (o.io_threads < 1) return InvalidField("io_threads", "must be at least 1");
  if (o.max_body_bytes < 1) return InvalidField("max_body_bytes", "must be at least 1");
  if (o.max_header_bytes < 256 || o.max_header_bytes > (1u << 30)) {
    return InvalidField("max_header_bytes", "must be between 256 bytes and 1 GiB");
  }
  if (o.max_url_bytes < 16) return InvalidField("max_url_bytes", "must be at least 16");
  if (o.max_connections < 1) return InvalidField("max_connections", "must be at least 1");
  if (o.read_timeout.count() <= 0) return InvalidField("read_timeout", "must be positive");
  if (o.write_timeout.count() <= 0) return InvalidField("write_timeout", "must be positive");
  if (o.drain_timeout.count() < 0) return InvalidField("drain_timeout", "must not be negative");
  return OkStatus();
}

}  // namespace

Result<std::unique_ptr<HttpServer>> HttpServer::Start(HttpServerOptions options,
                                                      const Router* router, Metrics* metrics) {
  if (Status s = CheckOptions(options); !s) return Unexpected(std::move(s.error()));
  auto server = std::make_unique<ServerImpl>(std::move(options), router, metrics);
  if (Status s = server->Listen(); !s) return Unexpected(std::move(s.error()));
  return std::unique_ptr<HttpServer>(std::move(server));
}

int RunUntilStopSignal(HttpServer& server, const std::function<void()>& on_waiting) {
  net::io_context ioc(1);
  net::signal_set signals(ioc, SIGINT, SIGTERM);
  int received = 0;
  signals.async_wait([&received](const beast::error_code& ec, int signal_number) {
    if (!ec) received = signal_number;
  });
  if (on_waiting) on_waiting();
  ioc.run();
  spdlog::info("http: received signal {}; stopping", received);
  server.Stop();
  return received;
}

Handler MetricsHandler(const Metrics* metrics) {
  return [metrics](HttpRequest&&, Responder respond) {
    HttpResponse r;
    r.content_type = kPrometheusTextContentType;
    r.body = metrics->Render();
    respond(std::move(r));
  };
}

}  // namespace goldthread::adapters
