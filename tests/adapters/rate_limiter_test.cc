#include "adapters/http/rate_limiter.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

namespace goldthread::adapters {
namespace {

using Clock = RateLimiter::Clock;
using std::chrono::milliseconds;

std::unique_ptr<RateLimiter> Make(RateLimiterOptions o) {
  auto l = RateLimiter::Create(o);
  EXPECT_TRUE(l) << l.error().ToString();
  return std::move(*l);
}

TEST(RateLimiterTest, AllowsTheBurstThenRefusesWithRetryAfter) {
  auto limiter = Make({.rate_per_second = 2, .burst = 3});
  const Clock::time_point t0{};
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(limiter->Allow("token-a", t0).allowed) << i;
  RateLimiter::Decision d = limiter->Allow("token-a", t0);
  EXPECT_FALSE(d.allowed);
  EXPECT_EQ(d.retry_after_seconds, 1);  // one token takes 0.5 s; rounded up to whole seconds
  // Slow refill: at 0.1 token/s an empty bucket needs 10 s.
  auto slow = Make({.rate_per_second = 0.1, .burst = 1});
  EXPECT_TRUE(slow->Allow("k", t0).allowed);
  EXPECT_EQ(slow->Allow("k", t0).retry_after_seconds, 10);
  EXPECT_EQ(slow->Allow("k", t0 + milliseconds(2500)).retry_after_seconds, 8);
}

TEST(RateLimiterTest, RefillsAtTheRateUpToTheBurst) {
  auto limiter = Make({.rate_per_second = 2, .burst = 3});
  const Clock::time_point t0{};
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(limiter->Allow("k", t0).allowed);
  EXPECT_FALSE(limiter->Allow("k", t0 + milliseconds(400)).allowed);
  EXPECT_TRUE(limiter->Allow("k", t0 + milliseconds(500)).allowed);  // 0.5 s = one token
  EXPECT_FALSE(limiter->Allow("k", t0 + milliseconds(500)).allowed);
  // A long pause refills only up to the burst.
  const Clock::time_point t1 = t0 + std::chrono::hours(1);
  int allowed = 0;
  for (int i = 0; i < 10; ++i) allowed += limiter->Allow("k", t1).allowed;
  EXPECT_EQ(allowed, 3);
}

TEST(RateLimiterTest, KeysHaveSeparateBuckets) {
  auto limiter = Make({.rate_per_second = 1, .burst = 1});
  const Clock::time_point t0{};
  EXPECT_TRUE(limiter->Allow("a", t0).allowed);
  EXPECT_FALSE(limiter->Allow("a", t0).allowed);
  EXPECT_TRUE(limiter->Allow("b", t0).allowed);
}

TEST(RateLimiterTest, ForgetsKeysOnceTheirBucketIsFullAgain) {
  auto limiter = Make({.rate_per_second = 10, .burst = 5});  // empty to full in 0.5 s
  const Clock::time_point t0{};
  for (int i = 0; i < 100; ++i) limiter->Allow("key-" + std::to_string(i), t0);
  EXPECT_EQ(limiter->tracked_keys(), 100u);
  limiter->Allow("key-0", t0 + milliseconds(400));
  EXPECT_EQ(limiter->tracked_keys(), 100u);  // not yet full
  limiter->Allow("other", t0 + milliseconds(500));
  EXPECT_EQ(limiter->tracked_keys(), 2u);  // key-0 (used at 400 ms) and other
}

TEST(RateLimiterTest, NeverRemembersMoreThanMaxKeys) {
  auto limiter = Make({.rate_per_second = 1, .burst = 1, .max_keys = 10});
  const Clock::time_point t0{};
  for (int i = 0; i < 1000; ++i) {
    limiter->Allow("key-" + std::to_string(i), t0);
    ASSERT_LE(limiter->tracked_keys(), 10u);
  }
  // The most recent keys are the ones kept: key-999 is still empty.
  EXPECT_FALSE(limiter->Allow("key-999", t0).allowed);
}

TEST(RateLimiterTest, ConcurrentCallersShareOneBucketExactly) {
  auto limiter = Make({.rate_per_second = 1, .burst = 100});
  const Clock::time_point t0{};  // time stands still: exactly the burst is allowed
  std::atomic<int> allowed{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 1000; ++i) allowed += limiter->Allow("shared", t0).allowed;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(allowed.load(), 100);
}

TEST(RateLimiterTest, RejectsOptionsOutOfRangeNamingTheOption) {
  auto bad_rate = RateLimiter::Create({.rate_per_second = 0});
  ASSERT_FALSE(bad_rate);
  EXPECT_EQ(bad_rate.error().field, "rate_per_second");
  auto bad_burst = RateLimiter::Create({.burst = 0.5});
  ASSERT_FALSE(bad_burst);
  EXPECT_EQ(bad_burst.error().field, "burst");
  auto bad_keys = RateLimiter::Create({.max_keys = 0});
  ASSERT_FALSE(bad_keys);
  EXPECT_EQ(bad_keys.error().field, "max_keys");
}

}  // namespace
}  // namespace goldthread::adapters
