// RateLimiter: a token bucket per key (a bearer token's id), for answering 429 with a
// Retry-After header.
//
// Each key may make `burst` requests at once and `rate_per_second` on average. Memory is
// bounded: a key idle long enough for its bucket to refill is forgotten (it would start
// again exactly where a new key starts), and past `max_keys` live keys the least recently
// seen is forgotten too (which only ever makes the limiter more lenient for that key).
//
//   auto limiter = RateLimiter::Create({.rate_per_second = 5, .burst = 10});
//   RateLimiter::Decision d = (*limiter)->Allow(token_id);
//   if (!d.allowed) return respond(TooManyRequests(d.retry_after_seconds));
//
// Threading: thread-safe; one mutex, held for a hash lookup and a few arithmetic steps.
#ifndef GOLDTHREAD_ADAPTERS_HTTP_RATE_LIMITER_H_
#define GOLDTHREAD_ADAPTERS_HTTP_RATE_LIMITER_H_

#include <chrono>
#include <cstddef>
#include <list>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>

#include "store/base/errors.h"
#include "store/base/mutex.h"
#include "store/base/thread_annotations.h"

namespace goldthread::adapters {

struct RateLimiterOptions {
  // Average requests per second allowed per key; > 0. Default: 10.
  double rate_per_second = 10;
  // Requests a key may make at once after being idle; >= 1. Default: 20.
  double burst = 20;
  // Keys remembered at once; >= 1. About 100 bytes each plus the key. Default: 100000.
  size_t max_keys = 100'000;
};

class RateLimiter {
 public:
  using Clock = std::chrono::steady_clock;

  // Fails with kInvalidArgument naming the option that is out of range.
  static Result<std::unique_ptr<RateLimiter>> Create(RateLimiterOptions options);
  RateLimiter(const RateLimiter&) = delete;
  RateLimiter& operator=(const RateLimiter&) = delete;

  struct Decision {
    bool allowed = true;
    // When refused: whole seconds until a request would be allowed (at least 1). 0 when
    // allowed.
    int retry_after_seconds = 0;
  };
  // Takes one token from `key`'s bucket if it has one.
  Decision Allow(std::string_view key) { return Allow(key, Clock::now()); }
  // The same at a given instant (tests drive time through this). Instants earlier than the
  // key's last one count as no time passing.
  Decision Allow(std::string_view key, Clock::time_point now);

  // Keys remembered now.
  size_t tracked_keys() const;

 private:
  explicit RateLimiter(RateLimiterOptions options);
  struct Bucket {
    std::string key;
    double tokens;
    Clock::time_point last;  // when `tokens` was computed
  };
  using Lru = std::list<Bucket>;  // most recently seen first

  // Forgets buckets, least recently seen first, that are full again by `now`.
  void ForgetRefilledLocked(Clock::time_point now) REQUIRES(mu_);

  const RateLimiterOptions options_;
  const Clock::duration refill_time_;  // from empty to full

  mutable Mutex mu_;
  Lru lru_ GUARDED_BY(mu_);
  std::unordered_map<std::string, Lru::iterator> index_ GUARDED_BY(mu_);
};

}  // namespace goldthread::adapters

#endif  // GOLDTHREAD_ADAPTERS_HTTP_RATE_LIMITER_H_
