#include "adapters/http/worker_pool.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <boost/asio/post.hpp>

namespace goldthread::adapters {

HttpResponse AnswerOrInternalError(const std::function<HttpResponse()>& work,
                                   spdlog::logger* logger) {
  spdlog::logger& log = logger != nullptr ? *logger : *spdlog::default_logger();
  try {
    return work();
  } catch (const std::exception& e) {
    log.error("http: work on the worker pool threw: {}", e.what());
  } catch (...) {
    log.error("http: work on the worker pool threw a non-exception");
  }
  return Problem(500, "/problems/internal", "Internal error",
                 "the server failed while handling this request; it has been logged");
}

WorkerPool::WorkerPool(int threads, std::shared_ptr<spdlog::logger> logger)
    : logger_(logger ? std::move(logger) : spdlog::default_logger()),
      pool_(static_cast<size_t>(std::max(1, threads))) {}

WorkerPool::~WorkerPool() { Drain(); }

void WorkerPool::Drain() { pool_.join(); }

void WorkerPool::Post(std::function<void()> work) {
  boost::asio::post(pool_, [logger = logger_, work = std::move(work)] {
    try {
      work();
    } catch (const std::exception& e) {
      logger->error("http: work on the worker pool threw: {}", e.what());
    } catch (...) {
      logger->error("http: work on the worker pool threw a non-exception");
    }
  });
}

Handler WorkerPool::Route(std::function<HttpResponse(HttpRequest&)> work) {
  auto shared = std::make_shared<std::function<HttpResponse(HttpRequest&)>>(std::move(work));
  return [this, shared](HttpRequest&& request, Responder respond) {
    boost::asio::post(pool_, [this, shared, request = std::move(request),
                              respond = std::move(respond)]() mutable {
      // Nothing may escape to the pool's run loop (it would end the process): the work's
      // exception is a 500, and one from answering is logged.
      try {
        respond(AnswerOrInternalError([&] { return (*shared)(request); }, logger_.get()));
      } catch (const std::exception& e) {
        logger_->error("http: answering from the worker pool threw: {}", e.what());
      } catch (...) {
        logger_->error("http: answering from the worker pool threw a non-exception");
      }
    });
  };
}

}  // namespace goldthread::adapters
