// HttpServer: goldthread's HTTP/1.1 server on Boost.Beast, in the shape of Beast's advanced
// server example.
//
// Lifecycle: Start binds, listens and runs `io_threads` threads on one io_context. The listener
// and each session own themselves through shared_from_this; each connection runs on its own
// strand, in do_read/on_read pairs. A request's header is read first: an over-long URL (414),
// a declared body over the limit (413) or an over-large header block (431) is refused before
// any body is read, and "Expect: 100-continue" is answered only when the body will be
// accepted. The header, then the body, must each arrive within `read_timeout`. At most
// `max_connections` connections are served at once, and at most `max_connections_per_address`
// from one client address; beyond that a new connection is answered 503 and closed. The last
// `reserved_connections` of them serve only /healthz, /readyz and /metrics, and under pressure
// idle keep-alive connections are closed after `idle_timeout_under_pressure`.
// Every refusal is a problem document, and every response that closes the connection is
// followed by a short lingering read, so that a client still sending gets the answer rather
// than a reset.
//
// Handlers run on an I/O thread and must not block on RocksDB or fsync: post such work
// elsewhere (the store's AppendAsync) and call the Responder when it completes, from any
// thread. While a handler holds a request, the server keeps its connection alive and its
// I/O threads running. A handler's exception becomes a 500 problem document.
//
// Stop is graceful: it stops accepting (new connections are refused), closes idle keep-alive
// connections, lets requests already begun finish (their handlers respond, with
// "Connection: close") for up to `drain_timeout`, then stops the io_context, joins its
// threads and closes whatever is left. A Responder called after that does nothing.
//
// Every request produces one access-log line (see HttpServerOptions::logger) and updates the
// goldthread_http_* metrics described in adapters/README.md.
//
// Threading: Start, Stop and the destructor from one controlling thread, never from an I/O
// thread (Stop joins them); port() and in_flight() from any thread.
#ifndef GOLDTHREAD_ADAPTERS_HTTP_HTTP_SERVER_H_
#define GOLDTHREAD_ADAPTERS_HTTP_HTTP_SERVER_H_

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "adapters/http/http_types.h"
#include "adapters/http/metrics.h"
#include "store/base/errors.h"

namespace spdlog {
class logger;
}

namespace goldthread::adapters {

struct HttpServerOptions {
  // Address to listen on. Default: 127.0.0.1 (loopback only; put a TLS proxy in front).
  std::string address = "127.0.0.1";
  // Port; 0 picks a free one (see port()). Default: 8080.
  uint16_t port = 8080;
  // Threads running the io_context. Default: 2.
  int io_threads = 2;
  // Largest request body; larger is answered 413 (before reading it when the length is
  // declared). Default: 1 MiB.
  size_t max_body_bytes = 1 << 20;
  // Largest request header block, request line included; larger is answered 431 (or 414 when
  // it is the request line that is too long). Default: 16 KiB.
  size_t max_header_bytes = 16 << 10;
  // Longest request target (path and query); longer is answered 414. Default: 4096.
  size_t max_url_bytes = 4096;
  // Time allowed for a request's header to arrive (which includes sitting idle between
  // keep-alive requests), and then again for its body; past it the connection is closed
  // without an answer (a half-received request counts as a read timeout in the metrics).
  // Default: 30 s.
  std::chrono::milliseconds read_timeout{30'000};
  // Time allowed to write a response to a client that is slow to read it. Default: 30 s.
  std::chrono::milliseconds write_timeout{30'000};
  // Connections served at once; one more is answered 503 and closed. While as many 503s
  // are still in progress, further connections are closed unanswered. Default: 1024.
  size_t max_connections = 1024;
  // Connections from one client address served at once; one more is answered 503 and closed,
  // so one client's idle connections cannot lock everyone out. 0: no limit. Default: 64.
  size_t max_connections_per_address = 64;
  // Of max_connections, those kept for /healthz, /readyz and /metrics (at most a quarter of
  // max_connections): once only these are left, a new connection is served for those paths
  // only (503 for any other). Default: 16.
  size_t reserved_connections = 16;
  // Under pressure (more than three quarters of max_connections open), the time an idle
  // keep-alive connection may wait for its next request, instead of read_timeout, so that
  // idle connections make room sooner. Default: 2 s.
  std::chrono::milliseconds idle_timeout_under_pressure{2'000};
  // How long Stop waits for requests already begun. Default: 10 s.
  std::chrono::milliseconds drain_timeout{10'000};
  // Where the access log and server errors go; one info line per request:
  //   http method=GET path=/api/v1/x route=x status=200 ms=0.42 actor=alice remote=127.0.0.1
  // The path is logged without its query, and no header is ever logged (no Authorization, no
  // token). Default (null): spdlog's default logger.
  std::shared_ptr<spdlog::logger> logger;
};

class HttpServer {
 public:
  // Binds and starts serving. `router` and `metrics` are not owned and must outlive the
  // server. Fails with kInvalidArgument naming the option for an address that is not an IP
  // or a limit or timeout that is zero or negative, or kUnavailable when the port cannot be
  // bound.
  static Result<std::unique_ptr<HttpServer>> Start(HttpServerOptions options, const Router* router,
                                                   Metrics* metrics);
  // Stops (see Stop) if still running.
  virtual ~HttpServer() = default;
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // The port actually bound.
  virtual uint16_t port() const = 0;
  // Graceful stop (see above). Idempotent.
  virtual void Stop() = 0;
  // Requests begun whose response has not been written yet.
  virtual size_t in_flight() const = 0;

 protected:
  HttpServer() = default;
};

// Blocks the calling thread until SIGTERM or SIGINT arrives (through an asio signal_set on a
// private io_context), then stops `server` gracefully and returns the signal's number. Both
// signals go back to their default action when it returns. `on_waiting`, when given, runs
// once the signal handlers are installed (tests raise the signal from it). For
// `goldthread serve`; call from the main thread, never from an I/O thread.
int RunUntilStopSignal(HttpServer& server, const std::function<void()>& on_waiting = {});

// A handler answering GET /metrics with `metrics` rendered in the Prometheus text format.
// `metrics` must outlive the router.
Handler MetricsHandler(const Metrics* metrics);

}  // namespace goldthread::adapters

#endif  // GOLDTHREAD_ADAPTERS_HTTP_HTTP_SERVER_H_
