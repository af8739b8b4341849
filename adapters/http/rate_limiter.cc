#include "adapters/http/rate_limiter.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace goldthread::adapters {

Result<std::unique_ptr<RateLimiter>> RateLimiter::Create(RateLimiterOptions options) {
  if (!(options.rate_per_second > 0) || !std::isfinite(options.rate_per_second)) {
    return InvalidField("rate_per_second",
                        fmt::format("must be a positive number, not {}", options.rate_per_second));
  }
  if (!(options.burst >= 1) || !std::isfinite(options.burst)) {
    return InvalidField("burst", fmt::format("must be at least 1, not {}", options.burst));
  }
  if (options.max_keys < 1) return InvalidField("max_keys", "must be at least 1");
  return std::unique_ptr<RateLimiter>(new RateLimiter(options));
}

RateLimiter::RateLimiter(RateLimiterOptions options)
    : options_(options),
      refill_time_(std::chrono::duration_cast<Clock::duration>(
          std::chrono::duration<double>(options.burst / options.rate_per_second))) {}

void RateLimiter::ForgetRefilledLocked(Clock::time_point now) {
  // The list is in order of last use, so the buckets that have been idle longest are at the
  // back; stop at the first that is not yet full.
  while (!lru_.empty() && now - lru_.back().last >= refill_time_) {
    index_.erase(lru_.back().key);
    lru_.pop_back();
  }
}

RateLimiter::Decision RateLimiter::Allow(std::string_view key, Clock::time_point now) {
  MutexLock lock(mu_);
  ForgetRefilledLocked(now);
  Bucket* bucket;
  if (auto it = index_.find(std::string(key)); it != index_.end()) {
    lru_.splice(lru_.begin(), lru_, it->second);
    bucket = &lru_.front();
    const double elapsed = std::max(0.0, std::chrono::duration<double>(now - bucket->last).count());
    bucket->tokens = std::min(options_.burst, bucket->tokens + elapsed * options_.rate_per_second);
    bucket->last = std::max(bucket->last, now);
  } else {
    if (index_.size() >= options_.max_keys) {
      index_.erase(lru_.back().key);
      lru_.pop_back();
    }
    lru_.push_front(Bucket{std::string(key), options_.burst, now});
    index_.emplace(lru_.front().key, lru_.begin());
    bucket = &lru_.front();
  }
  if (bucket->tokens >= 1) {
    bucket->tokens -= 1;
    return Decision{true, 0};
  }
  const double wait = (1 - bucket->tokens) / options_.rate_per_second;
  return Decision{false, std::max(1, static_cast<int>(std::ceil(wait)))};
}

size_t RateLimiter::tracked_keys() const {
  MutexLock lock(mu_);
  return index_.size();
}

}  // namespace goldthread::adapters
