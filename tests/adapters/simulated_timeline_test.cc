// SimulatedTimeline: planned actions run in time order on the simulated clock, the scheduler
// advancing to each; what fails stops the run with the action named.
#include "adapters/demo/simulated_timeline.h"

#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "engine/scheduler/scheduler.h"
#include "store/event_store.h"
#include "tests/testing/temp_dir.h"

namespace goldthread::adapters {
namespace {

using std::chrono::hours;

class SimulatedTimelineTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store::StoreOptions so;
    so.clock = &clock_;
    auto opened = store::EventStore::Open(dir_.Sub("store"), so);
    ASSERT_TRUE(opened) << opened.error().message;
    store_ = std::move(*opened);
    scheduler_ = std::make_unique<engine::Scheduler>(
        store_.get(), &clock_,
        engine::SchedulerOptions{
            .tenant = "t",
            .timetables = [](std::string_view, std::string_view) -> Result<engine::CycleTimetable> {
              return MakeError(ErrorCode::kNotFound, "no timetables in this test");
            }});
  }

  // An action that records its name and the clock's time when it runs.
  std::function<Status()> Record(std::string name) {
    return [this, name] {
      ran_.push_back(name);
      seen_at_.push_back(clock_.Now());
      return OkStatus();
    };
  }

  const TimePoint start_ = TimePoint(std::chrono::seconds(1'700'000'000));
  testing::TempDir dir_;
  SimulatedClock clock_{start_};
  std::unique_ptr<store::EventStore> store_;
  std::unique_ptr<engine::Scheduler> scheduler_;
  std::vector<std::string> ran_;
  std::vector<TimePoint> seen_at_;
};

std::string Never(TimePoint) { return "at some time"; }

TEST_F(SimulatedTimelineTest, RunsActionsInTimeOrderAndSameInstantOnesInPlanOrder) {
  SimulatedTimeline timeline;
  timeline.Plan(start_ + hours(3), "c", Record("c"));
  timeline.Plan(start_ + hours(1), "a", Record("a"));
  timeline.Plan(start_ + hours(3), "d", Record("d"));
  timeline.Plan(start_ + hours(2), "b", Record("b"));
  ASSERT_EQ(timeline.size(), 4u);
  ASSERT_TRUE(timeline.Run(*scheduler_, clock_, start_ + hours(10), Never));
  EXPECT_EQ(ran_, (std::vector<std::string>{"a", "b", "c", "d"}));
  // Each ran with the clock at its own instant, and the clock ends at `end`.
  EXPECT_EQ(seen_at_, (std::vector<TimePoint>{start_ + hours(1), start_ + hours(2),
                                              start_ + hours(3), start_ + hours(3)}));
  EXPECT_EQ(clock_.Now(), start_ + hours(10));
}

TEST_F(SimulatedTimelineTest, ActionsAfterTheEndAreNotRun) {
  SimulatedTimeline timeline;
  timeline.Plan(start_ + hours(1), "in", Record("in"));
  timeline.Plan(start_ + hours(6), "after", Record("after"));
  ASSERT_TRUE(timeline.Run(*scheduler_, clock_, start_ + hours(5), Never));
  EXPECT_EQ(ran_, std::vector<std::string>{"in"});
  EXPECT_EQ(clock_.Now(), start_ + hours(5));
}

TEST_F(SimulatedTimelineTest, AFailingActionStopsTheRunNamedWithItsTime) {
  SimulatedTimeline timeline;
  timeline.Plan(start_ + hours(1), "submit X",
                [] { return MakeError(ErrorCode::kFailedPrecondition, "the cycle is not open"); });
  timeline.Plan(start_ + hours(2), "later", Record("later"));
  auto s = timeline.Run(*scheduler_, clock_, start_ + hours(5),
                        [](TimePoint) { return std::string("on Monday"); });
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().code, ErrorCode::kFailedPrecondition);
  EXPECT_EQ(s.error().message, "submit X on Monday: the cycle is not open");
  EXPECT_TRUE(ran_.empty());
  EXPECT_EQ(clock_.Now(), start_ + hours(1));
}

}  // namespace
}  // namespace goldthread::adapters
