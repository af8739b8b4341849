// Tests of store/live_subscription.cc: catch-up then live delivery, exactly once and in order,
// under concurrent writers, across a buffer overflow, and cancellation.
#include "store/internal/live_subscription.h"

#include <gtest/gtest.h>

#include <atomic>
#include <future>
#include <thread>

#include "tests/store/store_test_util.h"
#include "tests/testing/temp_dir.h"

namespace goldthread::store {
namespace {

using goldthread::testing::TempDir;
using testing::OpenOrFail;
using testing::Request;
using namespace std::chrono_literals;

// Polls until `count` events arrived or `deadline` passed; fails on any error.
std::vector<uint64_t> Collect(Subscription& sub, uint64_t count, size_t max_per_poll,
                              std::chrono::seconds deadline = 30s,
                              std::chrono::milliseconds pause = 0ms) {
  std::vector<uint64_t> positions;
  const auto end = std::chrono::steady_clock::now() + deadline;
  while (positions.size() < count && std::chrono::steady_clock::now() < end) {
    auto events = sub.Poll(max_per_poll, 100ms);
    EXPECT_TRUE(events) << events.error().ToString();
    if (!events) break;
    EXPECT_LE(events->size(), max_per_poll);
    for (const Envelope& e : *events) positions.push_back(e.position());
    if (pause.count() > 0) std::this_thread::sleep_for(pause);
  }
  return positions;
}

// Checks positions are exactly first, first+1, ..., last.
void ExpectExactlyOnceInOrder(const std::vector<uint64_t>& positions, uint64_t first,
                              uint64_t last) {
  ASSERT_EQ(positions.size(), last - first + 1);
  for (size_t i = 0; i < positions.size(); ++i) {
    ASSERT_EQ(positions[i], first + i) << "at index " << i;
  }
}

TEST(SubscriptionTest, CatchesUpThenGoesLive) {
  TempDir dir;
  auto store = OpenOrFail(dir.Sub("db"));
  ASSERT_TRUE(store);
  ASSERT_TRUE(store->Append(Request("s/a", ExpectedVersion::Any(), 25)));
  auto sub = store->Subscribe(1, SubscribeOptions{});
  EXPECT_FALSE(sub->is_live());
  auto positions = Collect(*sub, 25, 10);
  ExpectExactlyOnceInOrder(positions, 1, 25);
  // Nothing more: a poll times out empty and leaves it live.
  auto empty = sub->Poll(10, 10ms);
  ASSERT_TRUE(empty);
  EXPECT_TRUE(empty->empty());
  EXPECT_TRUE(sub->is_live());
  EXPECT_EQ(sub->next_position(), 26u);
  ASSERT_TRUE(store->Append(Request("s/b", ExpectedVersion::Any(), 3)));
  auto live = sub->Poll(10, 1s);
  ASSERT_TRUE(live);
  ASSERT_EQ(live->size(), 3u);
  EXPECT_EQ((*live)[0].position(), 26u);
  EXPECT_EQ((*live)[0].stream(), "s/b");
  EXPECT_EQ((*live)[2].position(), 28u);
}

TEST(SubscriptionTest, StartsAtTheGivenPosition) {
  TempDir dir;
  auto store = OpenOrFail(dir.Sub("db"));
  ASSERT_TRUE(store);
  ASSERT_TRUE(store->Append(Request("s/a", ExpectedVersion::Any(), 10)));
  auto sub = store->Subscribe(7, SubscribeOptions{});
  EXPECT_EQ(sub->next_position(), 7u);
  ExpectExactlyOnceInOrder(Collect(*sub, 4, 100), 7, 10);
  // A start beyond the head waits for that position.
  auto ahead = store->Subscribe(13, SubscribeOptions{});
  auto none = ahead->Poll(10, 10ms);
  ASSERT_TRUE(none);
  EXPECT_TRUE(none->empty());
  ASSERT_TRUE(store->Append(Request("s/a", ExpectedVersion::Any(), 5)));
  ExpectExactlyOnceInOrder(Collect(*ahead, 3, 100), 13, 15);
}

// A subscriber started at 0 or 1 while 4 writers append receives every event exactly once, in
// order, across the switch from catching up to live.
TEST(SubscriptionTest, SeesEveryEventOnceWhileFourWritersAppend) {
  for (uint64_t start : {0u, 1u}) {
    TempDir dir;
    auto store = OpenOrFail(dir.Sub("db"));
    ASSERT_TRUE(store);
    ASSERT_TRUE(store->Append(Request("s/before", ExpectedVersion::Any(), 50)));
    constexpr int kWriters = 4;
    constexpr int kAppends = 250;
    auto sub = store->Subscribe(start, SubscribeOptions{});
    std::vector<std::thread> writers;
    for (int w = 0; w < kWriters; ++w) {
      writers.emplace_back([&, w] {
        for (int i = 0; i < kAppends; ++i) {
          ASSERT_TRUE(
              store->Append(Request("s/w" + std::to_string(w), ExpectedVersion::Any(), 1 + i % 3)));
        }
      });
    }
    // Events per writer: sum over i of 1 + i % 3.
    uint64_t per_writer = 0;
    for (int i = 0; i < kAppends; ++i) per_writer += 1 + i % 3;
    const uint64_t total = 50 + kWriters * per_writer;
    auto positions = Collect(*sub, total, 37);
    for (auto& w : writers) w.join();
    ExpectExactlyOnceInOrder(positions, 1, total);
    EXPECT_EQ(store->Head().position, total);
  }
}

// A subscriber slower than the writers overflows its live buffer, falls back to reading from
// RocksDB, and still sees every event once, in order.
TEST(SubscriptionTest, SlowSubscriberFallsBackToCatchUpAndMissesNothing) {
  TempDir dir;
  auto store = OpenOrFail(dir.Sub("db"));
  ASSERT_TRUE(store);
  SubscribeOptions options;
  options.live_buffer_events = 8;
  auto sub = store->Subscribe(1, options);
  constexpr int kWriters = 2;
  constexpr int kAppends = 200;
  std::vector<std::thread> writers;
  for (int w = 0; w < kWriters; ++w) {
    writers.emplace_back([&, w] {
      for (int i = 0; i < kAppends; ++i) {
        ASSERT_TRUE(store->Append(Request("s/w" + std::to_string(w), ExpectedVersion::Any(), 2)));
        if (i % 20 == 0) std::this_thread::sleep_for(1ms);
      }
    });
  }
  const uint64_t total = kWriters * kAppends * 2;
  auto positions = Collect(*sub, total, 3, 60s, 1ms);
  for (auto& w : writers) w.join();
  ExpectExactlyOnceInOrder(positions, 1, total);
}

// The overflow itself, deterministically: live, then more appends than the buffer holds before
// the next poll.
TEST(SubscriptionTest, OverflowDropsToCatchUpWithoutLosingEvents) {
  TempDir dir;
  auto store = OpenOrFail(dir.Sub("db"));
  ASSERT_TRUE(store);
  SubscribeOptions options;
  options.live_buffer_events = 5;
  auto sub = store->Subscribe(1, options);
  auto first = sub->Poll(10, 10ms);
  ASSERT_TRUE(first);
  EXPECT_TRUE(first->empty());
  ASSERT_TRUE(sub->is_live());
  ASSERT_TRUE(store->Append(Request("s/a", ExpectedVersion::Any(), 3)));
  EXPECT_TRUE(sub->is_live()) << "3 events fit in a buffer of 5";
  ASSERT_TRUE(store->Append(Request("s/a", ExpectedVersion::Any(), 3)));
  EXPECT_FALSE(sub->is_live()) << "6 do not: dropped back to catching up";
  ASSERT_TRUE(store->Append(Request("s/a", ExpectedVersion::Any(), 4)));
  ExpectExactlyOnceInOrder(Collect(*sub, 10, 4), 1, 10);
  // And it goes live again once caught up.
  auto empty = sub->Poll(4, 10ms);
  ASSERT_TRUE(empty);
  EXPECT_TRUE(empty->empty());
  EXPECT_TRUE(sub->is_live());
  ASSERT_TRUE(store->Append(Request("s/a", ExpectedVersion::Any(), 1)));
  ExpectExactlyOnceInOrder(Collect(*sub, 1, 4), 11, 11);
}

// One append larger than the whole live buffer is still delivered, from RocksDB.
TEST(SubscriptionTest, AnAppendLargerThanTheBufferIsDelivered) {
  TempDir dir;
  auto store = OpenOrFail(dir.Sub("db"));
  ASSERT_TRUE(store);
  SubscribeOptions options;
  options.live_buffer_events = 4;
  auto sub = store->Subscribe(1, options);
  ASSERT_TRUE(sub->Poll(1, 1ms));
  ASSERT_TRUE(store->Append(Request("s/a", ExpectedVersion::Any(), 50)));
  ExpectExactlyOnceInOrder(Collect(*sub, 50, 7), 1, 50);
}

TEST(SubscriptionTest, CancelWakesABlockedPoll) {
  TempDir dir;
  auto store = OpenOrFail(dir.Sub("db"));
  ASSERT_TRUE(store);
  auto sub = store->Subscribe(1, SubscribeOptions{});
  auto polled = std::async(std::launch::async, [&] {
    const auto start = std::chrono::steady_clock::now();
    auto r = sub->Poll(10, 30s);
    return std::make_pair(std::move(r), std::chrono::steady_clock::now() - start);
  });
  std::this_thread::sleep_for(50ms);
  ASSERT_EQ(polled.wait_for(0s), std::future_status::timeout) << "Poll returned before Cancel";
  sub->Cancel();
  ASSERT_EQ(polled.wait_for(10s), std::future_status::ready) << "Cancel did not wake Poll";
  auto [result, elapsed] = polled.get();
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().code, ErrorCode::kCancelled);
  EXPECT_LT(elapsed, 10s);
  // Later polls keep saying so, and appends still work.
  auto again = sub->Poll(10, 1ms);
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code, ErrorCode::kCancelled);
  EXPECT_TRUE(store->Append(Request("s/a", ExpectedVersion::Any())));
}

TEST(SubscriptionTest, DestroyingASubscriptionUnregistersIt) {
  TempDir dir;
  auto store = OpenOrFail(dir.Sub("db"));
  ASSERT_TRUE(store);
  for (int i = 0; i < 20; ++i) {
    auto sub = store->Subscribe(1, SubscribeOptions{});
    ASSERT_TRUE(sub->Poll(1, 1ms));
    ASSERT_TRUE(sub->is_live());
  }
  // Publishing to a destroyed subscriber would be a use after free (caught by ASan).
  EXPECT_TRUE(store->Append(Request("s/a", ExpectedVersion::Any(), 3)));
}

}  // namespace
}  // namespace goldthread::store
