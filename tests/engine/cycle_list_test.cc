// Cycles read back from the log (engine/read/cycle_list.h): each stage's status from its events
// and the time given, the cycle open until every stage is settled, newest period first, and a
// cycle whose timetable is gone listed as "unknown".
#include "engine/read/cycle_list.h"

#include <google/protobuf/util/time_util.h>
#include <gtest/gtest.h>

#include "engine/model/event_summary.h"
#include "engine/read/read_models.h"
#include "tests/testing/council_fixture.h"

namespace goldthread::engine {
namespace {

namespace v1 = goldthread::v1;
using goldthread::testing::CouncilFixture;

TimePoint At(const char* iso) {
  google::protobuf::Timestamp ts;
  EXPECT_TRUE(google::protobuf::util::TimeUtil::FromString(iso, &ts)) << iso;
  return ToTimePoint(ts);
}

CycleTimetable TwoStages(std::string_view period) {
  CycleTimetable t;
  t.workflow_id = "test-quarterly";
  t.period = std::string(period);
  t.figure_periods = {t.period};
  t.stages = {TimedStage{.id = "collation",
                         .title = "Collation",
                         .opens_at = At("2011-10-01T00:00:00Z"),
                         .due_at = At("2011-10-21T22:59:59Z")},
              TimedStage{.id = "review",
                         .title = "Review",
                         .opens_at = At("2011-10-22T00:00:00Z"),
                         .due_at = At("2011-11-04T23:59:59Z")}};
  t.stages[0].reminders = {{"5wd", "5 working days before", At("2011-10-14T08:00:00Z"), {}}};
  return t;
}

TEST(CycleViewTest, StagesArePendingOpenOverdueOrSettled) {
  CycleState state;
  state.stream_version = 1;
  state.workflow_id = "test-quarterly";
  state.period = "FY2011-Q2";
  const CycleTimetable t = TwoStages("FY2011-Q2");
  v1::CycleView view = CycleViewOf(state, t, At("2011-10-05T00:00:00Z"));
  ASSERT_EQ(view.stages_size(), 2);
  EXPECT_EQ(view.stages(0).status(), "pending");
  EXPECT_EQ(view.stages(0).reminders_at_size(), 1);
  EXPECT_EQ(view.status(), "open");
  state.stages["collation"].opened = true;
  EXPECT_EQ(CycleViewOf(state, t, At("2011-10-05T00:00:00Z")).stages(0).status(), "open");
  EXPECT_EQ(CycleViewOf(state, t, At("2011-10-22T00:00:00Z")).stages(0).status(), "overdue");
  state.stages["collation"].completed = true;
  state.stages["collation"].on_time = true;
  state.stages["review"].closed_incomplete = true;
  view = CycleViewOf(state, t, At("2011-12-01T00:00:00Z"));
  EXPECT_EQ(view.stages(0).status(), "completed on time");
  EXPECT_EQ(view.stages(1).status(), "closed incomplete");
  EXPECT_EQ(view.status(), "closed");
}

class CycleListTest : public CouncilFixture {
 protected:
  void SetUp() override {
    CouncilFixture::SetUp();
    provider_ = [](std::string_view workflow, std::string_view period) -> Result<CycleTimetable> {
      if (workflow != "test-quarterly") {
        return MakeError(ErrorCode::kNotFound, "no such workflow", "workflow_id");
      }
      return TwoStages(period);
    };
    cycles_ = std::make_unique<CommandHandler>(
        store_.get(), clock_.get(), HandlerOptions{.tenant = kTenant, .timetables = provider_});
    auto reads = ReadModels::Open(store_.get(), clock_.get(), {.tenant = kTenant});
    ASSERT_TRUE(reads) << reads.error().ToString();
    reads_ = std::move(*reads);
  }
  void Open(const std::string& period) {
    v1::Command open;
    open.mutable_open_cycle()->set_workflow_id("test-quarterly");
    open.mutable_open_cycle()->set_period(period);
    auto r = cycles_->Execute({.actor = "p-perf", .command_id = "open-" + period}, open);
    ASSERT_TRUE(r) << r.error().ToString();
  }

  TimetableProvider provider_;
  std::unique_ptr<CommandHandler> cycles_;
  std::unique_ptr<ReadModels> reads_;
};

TEST_F(CycleListTest, EveryCycleOpenedNewestPeriodFirst) {
  Open("FY2011-Q1");
  const uint64_t after_first = Head();
  Open("FY2011-Q2");
  auto list = reads_->Cycles(provider_);
  ASSERT_TRUE(list) << list.error().ToString();
  ASSERT_EQ(list->cycles_size(), 2);
  EXPECT_EQ(list->cycles(0).period(), "FY2011-Q2");
  EXPECT_EQ(list->cycles(1).period(), "FY2011-Q1");
  EXPECT_EQ(list->cycles(0).workflow_id(), "test-quarterly");
  EXPECT_EQ(list->cycles(0).stages_size(), 2);
  EXPECT_TRUE(list->cycles(0).has_opened_at());
  EXPECT_EQ(list->as_of().position(), Head());
  auto then = reads_->Cycles(provider_, AsOf::Position(after_first));
  ASSERT_TRUE(then);
  ASSERT_EQ(then->cycles_size(), 1);
  EXPECT_EQ(then->cycles(0).period(), "FY2011-Q1");
}

TEST_F(CycleListTest, ACycleWhoseTimetableIsGoneIsListedAsUnknown) {
  Open("FY2011-Q2");
  auto list = reads_->Cycles([](std::string_view, std::string_view) -> Result<CycleTimetable> {
    return MakeError(ErrorCode::kNotFound, "no such workflow", "workflow_id");
  });
  ASSERT_TRUE(list) << list.error().ToString();
  ASSERT_EQ(list->cycles_size(), 1);
  EXPECT_EQ(list->cycles(0).status(), "unknown");
  EXPECT_EQ(list->cycles(0).period(), "FY2011-Q2");
  EXPECT_EQ(list->cycles(0).stages_size(), 0);
}

}  // namespace
}  // namespace goldthread::engine
