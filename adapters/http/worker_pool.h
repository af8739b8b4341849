// WorkerPool: the threads that do a route's work off the I/O threads.
//
// An I/O thread must never wait for RocksDB, a lock held across a store read, or an fsync
// (STYLE.md 8). A route registered through Route() does nothing on the I/O thread but post the
// request here: authentication, authority checks, reads and commands all run on a pool thread,
// which answers through the Responder when done. An exception escaping the work is caught on
// the pool thread, logged, and answered as a 500 problem document; it never reaches the pool's
// run loop, so it cannot terminate the process.
//
//   WorkerPool pool(32);
//   router.Add(verb::get, "/api/v1/me", "get_me",
//              pool.Route([&](HttpRequest& request) { return AnswerMe(request); }));
//
// Threading: Post and Route's handlers from any thread; Drain from a controlling thread that
// is not a pool thread (it joins them). After Drain, posted work is not run.
#ifndef GOLDTHREAD_ADAPTERS_HTTP_WORKER_POOL_H_
#define GOLDTHREAD_ADAPTERS_HTTP_WORKER_POOL_H_

#include <boost/asio/thread_pool.hpp>
#include <functional>
#include <memory>

#include "adapters/http/http_types.h"

namespace spdlog {
class logger;
}

namespace goldthread::adapters {

// Runs `work` and returns its answer; an exception from it is logged to `logger` (spdlog's
// default logger when null) and answered as a 500 application/problem+json document.
HttpResponse AnswerOrInternalError(const std::function<HttpResponse()>& work,
                                   spdlog::logger* logger = nullptr);

class WorkerPool {
 public:
  // `threads` below 1 counts as 1. `logger` receives the exceptions caught (default: spdlog's
  // default logger).
  explicit WorkerPool(int threads, std::shared_ptr<spdlog::logger> logger = nullptr);
  // Drains.
  ~WorkerPool();
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  // Runs `work` on a pool thread. An exception from it is logged and dropped.
  void Post(std::function<void()> work);
  // A handler that posts the request to the pool and responds there with what `work` returns
  // (a 500 problem document when it throws).
  Handler Route(std::function<HttpResponse(HttpRequest&)> work);
  // Waits for the work in flight and stops the threads. Idempotent.
  void Drain();

 private:
  std::shared_ptr<spdlog::logger> logger_;
  boost::asio::thread_pool pool_;
};

}  // namespace goldthread::adapters

#endif  // GOLDTHREAD_ADAPTERS_HTTP_WORKER_POOL_H_
