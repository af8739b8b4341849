#include "adapters/http/response_cache.h"

#include <gtest/gtest.h>

namespace goldthread::adapters {
namespace {

HttpResponse Ok(std::string body) {
  HttpResponse r;
  r.body = std::move(body);
  return r;
}

TEST(ResponseCacheTest, ReturnsWhatWasPutUnderTheSameKeyOnly) {
  ResponseCache cache(1 << 20);
  EXPECT_FALSE(cache.Find("history\nNI-192\nFY2011-Q2@7"));
  cache.Put("history\nNI-192\nFY2011-Q2@7", Ok("seven"));
  auto hit = cache.Find("history\nNI-192\nFY2011-Q2@7");
  ASSERT_TRUE(hit);
  EXPECT_EQ(hit->body, "seven");
  EXPECT_FALSE(cache.Find("history\nNI-192\nFY2011-Q2@8"));
  EXPECT_EQ(cache.hits(), 1u);
  EXPECT_EQ(cache.misses(), 2u);
}

TEST(ResponseCacheTest, KeepsOnlySuccessfulAnswers) {
  ResponseCache cache(1 << 20);
  HttpResponse refused = Ok("{}");
  refused.status = 403;
  cache.Put("k@1", refused);
  EXPECT_FALSE(cache.Find("k@1"));
}

TEST(ResponseCacheTest, StaysWithinItsBoundDroppingTheLeastRecentlyUsed) {
  ResponseCache cache(4000);
  cache.Put("a", Ok(std::string(900, 'a')));
  cache.Put("b", Ok(std::string(900, 'b')));
  cache.Put("c", Ok(std::string(900, 'c')));
  ASSERT_TRUE(cache.Find("a"));  // a is now the most recent
  cache.Put("d", Ok(std::string(900, 'd')));
  cache.Put("e", Ok(std::string(900, 'e')));
  EXPECT_LE(cache.bytes(), 4000u);
  EXPECT_TRUE(cache.Find("a"));
  EXPECT_FALSE(cache.Find("b"));
  EXPECT_TRUE(cache.Find("e"));
  // An answer larger than a quarter of the bound is never kept.
  cache.Put("huge", Ok(std::string(2000, 'h')));
  EXPECT_FALSE(cache.Find("huge"));
}

}  // namespace
}  // namespace goldthread::adapters
