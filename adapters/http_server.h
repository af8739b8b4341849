// HttpServer: goldthread's HTTP/1.1 server on Boost.Beast, in the shape of Beast's advanced
// server example.
//
// Lifecycle: Start binds, listens and runs `io_threads` threads on one io_context. The listener
// and each session own themselves through shared_from_this; each connection runs on its own
// strand. Every read has a timeout and the parser enforces body and header limits; the URL
// length is checked before routing. At most `max_connections` connections are served at once;
// beyond that a new connection is answered 503 and closed.
//
// Stop is graceful: it stops accepting, lets requests already read finish (their handlers
// respond) for up to `drain_timeout`, then stops the io_context and joins its threads. Idle
// keep-alive connections are closed without a response; nothing they sent was acknowledged.
//
// Handlers run on an I/O thread and must not block on RocksDB or fsync: post such work
// elsewhere (the store's AppendAsync) and call the Responder when it completes.
//
// Threading: Start/Stop from one controlling thread; port() from any.
#ifndef GOLDTHREAD_ADAPTERS_HTTP_SERVER_H_
#define GOLDTHREAD_ADAPTERS_HTTP_SERVER_H_

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include "adapters/http_types.h"
#include "adapters/metrics.h"
#include "store/errors.h"

namespace goldthread::adapters {

struct HttpServerOptions {
  // Address to listen on. Default: 127.0.0.1 (loopback only; put a TLS proxy in front).
  std::string address = "127.0.0.1";
  // Port; 0 picks a free one (see port()). Default: 8080.
  uint16_t port = 8080;
  // Threads running the io_context. Default: 2.
  int io_threads = 2;
  // Largest request body; larger is answered 413. Default: 1 MiB.
  size_t max_body_bytes = 1 << 20;
  // Largest request header block; larger is answered 431. Default: 16 KiB.
  size_t max_header_bytes = 16 << 10;
  // Longest request target (path and query); longer is answered 414. Default: 4096.
  size_t max_url_bytes = 4096;
  // Time allowed to receive a whole request, and to sit idle between keep-alive requests.
  // Default: 30 s.
  std::chrono::milliseconds read_timeout{30'000};
  // Connections served at once. Default: 1024.
  size_t max_connections = 1024;
  // How long Stop waits for in-flight requests. Default: 10 s.
  std::chrono::milliseconds drain_timeout{10'000};
};

class HttpServer {
 public:
  // `router` and `metrics` are not owned and must outlive the server.
  static Result<std::unique_ptr<HttpServer>> Start(HttpServerOptions options,
                                                   const Router* router, Metrics* metrics);
  virtual ~HttpServer() = default;
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // The port actually bound.
  virtual uint16_t port() const = 0;
  // Graceful stop (see above). Idempotent.
  virtual void Stop() = 0;
  // Requests read whose response has not been written yet.
  virtual size_t in_flight() const = 0;

 protected:
  HttpServer() = default;
};

}  // namespace goldthread::adapters

#endif  // GOLDTHREAD_ADAPTERS_HTTP_SERVER_H_
