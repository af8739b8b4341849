// TimerLoop: sleeps until the next due instant instead of polling, runs again soon after a
// poke, and stops promptly.
#include "engine/scheduler/timer_loop.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

namespace goldthread::engine {
namespace {

using std::chrono::milliseconds;

struct Counting {
  std::atomic<int> runs{0};
  std::atomic<long long> next_in_ms{3'600'000};
  TimerLoopOptions Options() {
    return {.run_due =
                [this]() -> Result<size_t> {
                  ++runs;
                  return size_t{0};
                },
            .next_due =
                [this]() -> Result<std::optional<TimePoint>> {
                  return std::optional<TimePoint>(SystemClock::Instance().Now() +
                                                  milliseconds(next_in_ms.load()));
                },
            .settle = milliseconds(50)};
  }
};

TEST(TimerLoopTest, SleepsUntilTheNextDueInstantInsteadOfPolling) {
  Counting c;  // nothing due for an hour
  TimerLoop loop(c.Options());
  loop.Start();
  std::this_thread::sleep_for(milliseconds(1500));
  loop.Stop();
  EXPECT_EQ(c.runs.load(), 1) << "ran again although nothing fell due and nothing was appended";
}

TEST(TimerLoopTest, RunsWhenTheNextInstantFallsDue) {
  Counting c;
  c.next_in_ms = 300;
  TimerLoop loop(c.Options());
  loop.Start();
  std::this_thread::sleep_for(milliseconds(1000));
  loop.Stop();
  // At 0, ~300, ~600, ~900 ms: each run finds the next instant 300 ms on.
  EXPECT_GE(c.runs.load(), 3);
  EXPECT_LE(c.runs.load(), 5);
}

TEST(TimerLoopTest, APokeRunsItAgainAfterTheSettlingTime) {
  Counting c;
  TimerLoop loop(c.Options());
  loop.Start();
  std::this_thread::sleep_for(milliseconds(200));
  ASSERT_EQ(c.runs.load(), 1);
  for (int i = 0; i < 20; ++i) loop.Poke();  // a burst of commits: one more run, not twenty
  std::this_thread::sleep_for(milliseconds(400));
  EXPECT_EQ(c.runs.load(), 2);
  loop.Stop();
}

TEST(TimerLoopTest, AFailureIsReportedAndRetried) {
  std::atomic<int> runs{0}, errors{0};
  TimerLoop loop({.run_due = [&]() -> Result<size_t> {
                    ++runs;
                    return MakeError(ErrorCode::kUnavailable, "store closing");
                  },
                  .next_due = []() -> Result<std::optional<TimePoint>> { return std::nullopt; },
                  .retry = milliseconds(100),
                  .on_error = [&](const Error& e) {
                    EXPECT_EQ(e.message, "store closing");
                    ++errors;
                  }});
  loop.Start();
  std::this_thread::sleep_for(milliseconds(450));
  loop.Stop();
  EXPECT_GE(runs.load(), 3);
  EXPECT_EQ(errors.load(), runs.load());
}

TEST(TimerLoopTest, StopsPromptlyWhileSleeping) {
  Counting c;
  TimerLoop loop(c.Options());
  loop.Start();
  std::this_thread::sleep_for(milliseconds(50));
  const auto before = std::chrono::steady_clock::now();
  loop.Stop();
  EXPECT_LT(std::chrono::steady_clock::now() - before, milliseconds(500));
}

}  // namespace
}  // namespace goldthread::engine
