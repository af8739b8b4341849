// ResponseCache: answers of read models that are a pure function of a log position, kept so
// that repeated reads of the same thing at the same position cost a lookup instead of a fold.
//
// A figure's history, a scorecard or a performance report at position N never changes (the log
// is append-only), so an entry keyed by (route, parameters, N) is never stale; a read "at the
// head" resolves the head to its position first, and misses as soon as anything is appended.
// Answers that depend on the clock as well (outstanding work, late returns, the trail's
// overdue findings) are not cached. Bounded by total body bytes, least recently used first.
//
// Threading: thread-safe (one mutex; lookups copy the body out).
#ifndef GOLDTHREAD_ADAPTERS_HTTP_RESPONSE_CACHE_H_
#define GOLDTHREAD_ADAPTERS_HTTP_RESPONSE_CACHE_H_

#include <cstddef>
#include <list>
#include <optional>
#include <string>
#include <unordered_map>

#include "adapters/http/http_types.h"
#include "store/base/mutex.h"
#include "store/base/thread_annotations.h"

namespace goldthread::adapters {

class ResponseCache {
 public:
  explicit ResponseCache(size_t max_bytes) : max_bytes_(max_bytes) {}

  std::optional<HttpResponse> Find(const std::string& key);
  // Keeps a 200 answer (others are not cached); an answer larger than a quarter of the bound
  // is not kept.
  void Put(const std::string& key, const HttpResponse& response);

  size_t bytes() const;
  uint64_t hits() const;
  uint64_t misses() const;

 private:
  struct Entry {
    std::string key;
    HttpResponse response;
  };
  const size_t max_bytes_;
  mutable Mutex mu_;
  std::list<Entry> lru_ GUARDED_BY(mu_);  // most recent first
  std::unordered_map<std::string, std::list<Entry>::iterator> index_ GUARDED_BY(mu_);
  size_t bytes_ GUARDED_BY(mu_) = 0;
  uint64_t hits_ GUARDED_BY(mu_) = 0;
  uint64_t misses_ GUARDED_BY(mu_) = 0;
};

}  // namespace goldthread::adapters

#endif  // GOLDTHREAD_ADAPTERS_HTTP_RESPONSE_CACHE_H_
