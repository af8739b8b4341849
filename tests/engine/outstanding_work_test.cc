// Outstanding work read back from the log: who owes each submission, sign-off, answer and
// finding, four eyes respected, deadlines from findings and from the deadline seam, lateness,
// and the performance team's list of who is late.
#include "engine/read/outstanding_work.h"

#include <gtest/gtest.h>

#include "engine/model/event_summary.h"
#include "engine/model/local_date.h"
#include "engine/read/read_models.h"
#include "tests/testing/council_fixture.h"
#include "tests/testing/scheduler_events.h"

namespace goldthread::engine {
namespace {

namespace v1 = goldthread::v1;
using goldthread::testing::CouncilFixture;

constexpr auto kService = v1::SIGN_OFF_LEVEL_SERVICE;
constexpr auto kDirectorate = v1::SIGN_OFF_LEVEL_DIRECTORATE;
constexpr auto kCorporate = v1::SIGN_OFF_LEVEL_CORPORATE_VERIFICATION;

// Every figure is due for submission by the end of 10 October 2011, and sign-offs a week later.
class FixedDeadlines final : public DeadlineProvider {
 public:
  std::optional<TimePoint> FigureDeadline(std::string_view, std::string_view, v1::WorkKind kind,
                                          v1::SignOffLevel) const override {
    const LocalDay day =
        *ParseLocalDay(kind == v1::WORK_KIND_SIGN_OFF_FIGURE ? "2011-10-17" : "2011-10-10", "day");
    return EndOfLondonDay(day);
  }
};

class OutstandingWorkTest : public CouncilFixture {
 protected:
  void SetUp() override {
    CouncilFixture::SetUp();
    auto reads =
        ReadModels::Open(store_.get(), clock_.get(), {.tenant = kTenant, .deadlines = &deadlines_});
    ASSERT_TRUE(reads) << reads.error().ToString();
    reads_ = std::move(*reads);
  }

  std::vector<v1::WorkItem> Due(const std::string& person) {
    auto work = reads_->OutstandingWork(person);
    EXPECT_TRUE(work) << work.error().ToString();
    if (!work) return {};
    return {work->items().begin(), work->items().end()};
  }
  static std::vector<std::string> Who(const v1::WorkItem& item) {
    return {item.responsible_person_ids().begin(), item.responsible_person_ids().end()};
  }
  void SetClock(const std::string& day, int hour) {
    clock_->Set(EndOfLondonDay(*ParseLocalDay(day, "day") - date::days(1)) +
                std::chrono::hours(hour));
  }

  FixedDeadlines deadlines_;
  std::unique_ptr<ReadModels> reads_;
};

TEST_F(OutstandingWorkTest, AFigureNotYetSubmittedIsOwedByTheServicesDataEntryAndManagers) {
  const auto due = Due("p-entry");
  ASSERT_EQ(due.size(), 1u);
  EXPECT_EQ(due[0].kind(), v1::WORK_KIND_SUBMIT_FIGURE);
  EXPECT_EQ(due[0].indicator_id(), "NI-192");
  EXPECT_EQ(due[0].period(), "FY2011-Q2") << "the latest quarter that has ended";
  EXPECT_EQ(Who(due[0]), (std::vector<std::string>{"p-entry", "p-entry2", "p-sm", "p-sm2"}));
  EXPECT_EQ(due[0].description(), "submit NI-192 for FY2011-Q2");
  EXPECT_FALSE(due[0].late()) << "due by 10 October; it is the 5th";
  EXPECT_TRUE(due[0].has_deadline());
  EXPECT_TRUE(Due("p-dir").empty());
  EXPECT_TRUE(Due("p-care").empty());
}

TEST_F(OutstandingWorkTest, EachSignOffLevelIsOwedInTurnAndNeverByTheVersionsAuthor) {
  MustRun("p-sm", Submit("NI-192", "FY2011-Q2", 61.0));
  auto due = Due("p-sm2");
  ASSERT_EQ(due.size(), 1u);
  EXPECT_EQ(due[0].kind(), v1::WORK_KIND_SIGN_OFF_FIGURE);
  EXPECT_EQ(due[0].level(), kService);
  EXPECT_EQ(Who(due[0]), (std::vector<std::string>{"p-sm2"})) << "p-sm entered it: four eyes";
  EXPECT_TRUE(Due("p-sm").empty());
  EXPECT_TRUE(Due("p-entry").empty());

  MustRun("p-sm2", SignOff("NI-192", "FY2011-Q2", kService, 1));
  due = Due("p-dir");
  ASSERT_EQ(due.size(), 1u);
  EXPECT_EQ(due[0].level(), kDirectorate);
  MustRun("p-dir", SignOff("NI-192", "FY2011-Q2", kDirectorate, 1));
  due = Due("p-perf2");
  ASSERT_EQ(due.size(), 1u);
  EXPECT_EQ(due[0].level(), kCorporate);
  EXPECT_EQ(Who(due[0]), (std::vector<std::string>{"p-perf", "p-perf2"}));
  MustRun("p-perf", SignOff("NI-192", "FY2011-Q2", kCorporate, 1));
  due = Due("p-board");
  ASSERT_EQ(due.size(), 1u);
  EXPECT_EQ(due[0].level(), v1::SIGN_OFF_LEVEL_PARTNERSHIP);
  EXPECT_EQ(due[0].unit_id(), "board-health");
  EXPECT_TRUE(Due("p-perf2").empty());
}

TEST_F(OutstandingWorkTest, ASentBackFigureAndAnOpenQueryAreOwedByTheService) {
  MustRun("p-entry", Submit("NI-192", "FY2011-Q2", 61.0));
  v1::Command query;
  query.mutable_raise_data_quality_query()->set_indicator_id("NI-192");
  query.mutable_raise_data_quality_query()->set_period("FY2011-Q2");
  query.mutable_raise_data_quality_query()->set_question("Which extract?");
  const std::string query_id = MustRun("p-perf", query).created_id();
  v1::Command reject;
  reject.mutable_reject_figure()->set_indicator_id("NI-192");
  reject.mutable_reject_figure()->set_period("FY2011-Q2");
  reject.mutable_reject_figure()->set_level(kService);
  reject.mutable_reject_figure()->set_reason("wrong quarter's tonnage");
  MustRun("p-sm", reject);
  const auto due = Due("p-entry2");
  ASSERT_EQ(due.size(), 2u);
  EXPECT_EQ(due[0].kind(), v1::WORK_KIND_AMEND_FIGURE);
  EXPECT_NE(due[0].description().find("wrong quarter's tonnage"), std::string::npos);
  EXPECT_EQ(due[1].kind(), v1::WORK_KIND_ANSWER_QUERY);
  EXPECT_EQ(due[1].query_id(), query_id);
}

TEST_F(OutstandingWorkTest, FindingsAreOwedByTheirOwnerThenByTheirRaiserWithTheirDueDate) {
  v1::Command raise;
  auto* f = raise.mutable_raise_challenge_finding();
  f->set_stage(v1::CHALLENGE_STAGE_CORPORATE_REVIEW);
  f->mutable_subject()->set_indicator_id("NI-192");
  f->set_severity(v1::SEVERITY_MEDIUM);
  f->set_finding("Targets are not stretching");
  f->set_action_required("Review the targets");
  f->set_owner_person_id("p-sm");
  f->mutable_due()->set_iso("2011-10-10");
  const std::string id = MustRun("p-perf", raise).created_id();

  auto due = Due("p-sm");
  ASSERT_EQ(due.size(), 2u) << "the finding and the submission";
  const v1::WorkItem& finding = due[0].finding_id() == id ? due[0] : due[1];
  EXPECT_EQ(finding.kind(), v1::WORK_KIND_RESPOND_TO_FINDING);
  EXPECT_EQ(Who(finding), (std::vector<std::string>{"p-sm"}));
  EXPECT_EQ(ToTimePoint(finding.deadline()), EndOfLondonDay(*ParseLocalDay("2011-10-10", "d")));
  EXPECT_FALSE(finding.late());

  SetClock("2011-10-12", 9);
  due = Due("p-sm");
  ASSERT_FALSE(due.empty());
  EXPECT_TRUE(due[0].late()) << "late items come first";
  EXPECT_GT(due[0].overdue_seconds(), 0);

  v1::Command respond;
  respond.mutable_respond_to_challenge_finding()->set_finding_id(id);
  respond.mutable_respond_to_challenge_finding()->set_response("Targets reviewed at CMT");
  MustRun("p-sm", respond);
  bool judged = false;
  for (const auto& item : Due("p-perf")) {
    if (item.finding_id() == id) {
      judged = true;
      EXPECT_EQ(item.kind(), v1::WORK_KIND_JUDGE_FINDING);
    }
  }
  EXPECT_TRUE(judged);
}

TEST_F(OutstandingWorkTest, ThePerformanceTeamSeesWhoIsLateAcrossTheCouncil) {
  SetClock("2011-10-12", 9);
  auto late = reads_->LateReturns();
  ASSERT_TRUE(late) << late.error().ToString();
  ASSERT_EQ(late->items_size(), 1);
  EXPECT_EQ(late->items(0).kind(), v1::WORK_KIND_SUBMIT_FIGURE);
  EXPECT_TRUE(late->items(0).late());
  EXPECT_EQ(late->items(0).overdue_seconds(), 33 * 3600)
      << "midnight on the 10th to 9am on the 12th";
  ASSERT_EQ(late->by_person_size(), 4);
  EXPECT_EQ(late->by_person(0).person_id(), "p-entry");
  EXPECT_EQ(late->by_person(0).person_name(), "Person p-entry");
  EXPECT_EQ(late->by_person(0).late_items(), 1u);
  ASSERT_EQ(late->by_unit_size(), 1);
  EXPECT_EQ(late->by_unit(0).unit_id(), "svc-homes");

  MustRun("p-entry", Submit("NI-192", "FY2011-Q2", 61.0));
  late = reads_->LateReturns();
  ASSERT_TRUE(late);
  EXPECT_EQ(late->items_size(), 0) << "sign-offs are due by the 17th";
}

TEST_F(OutstandingWorkTest, WithoutADeadlineAnEscalationMakesAnItemLate) {
  auto reads = ReadModels::Open(store_.get(), clock_.get(), {.tenant = kTenant});
  ASSERT_TRUE(reads);
  auto work = (*reads)->OutstandingWork("p-entry");
  ASSERT_TRUE(work);
  ASSERT_EQ(work->items_size(), 1);
  EXPECT_FALSE(work->items(0).has_deadline());
  EXPECT_FALSE(work->items(0).late());
  goldthread::testing::AppendAsScheduler(
      *store_, FigureStream(kTenant, "NI-192", "FY2011-Q2"),
      goldthread::testing::Escalation("E-1", 1, "not submitted", "collation",
                                      clock_->Now() - std::chrono::hours(5), clock_->Now(),
                                      {"p-sm"}));
  work = (*reads)->OutstandingWork("p-entry");
  ASSERT_TRUE(work);
  ASSERT_EQ(work->items_size(), 1);
  EXPECT_EQ(work->items(0).escalations(), 1u);
  EXPECT_TRUE(work->items(0).late());
}

TEST_F(OutstandingWorkTest, ALockedFigureOwesNothingAndAnUnknownPersonIsRefused) {
  MustRun("p-entry", Submit("NI-192", "FY2011-Q2", 61.0));
  MustRun("p-sm", SignOff("NI-192", "FY2011-Q2", kService, 1));
  MustRun("p-dir", SignOff("NI-192", "FY2011-Q2", kDirectorate, 1));
  MustRun("p-perf", SignOff("NI-192", "FY2011-Q2", kCorporate, 1));
  v1::Command lock;
  lock.mutable_lock_figure()->set_indicator_id("NI-192");
  lock.mutable_lock_figure()->set_period("FY2011-Q2");
  lock.mutable_lock_figure()->set_reported_to("Cabinet");
  MustRun("p-perf", lock);
  EXPECT_TRUE(Due("p-board").empty()) << "reported: the partnership sign-off is no longer chased";
  auto unknown = reads_->OutstandingWork("p-nobody");
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().code, ErrorCode::kNotFound);
  EXPECT_EQ(unknown.error().field, "person_id");
}

}  // namespace
}  // namespace goldthread::engine
