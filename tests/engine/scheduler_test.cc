// The scheduler against a hand-written timetable: reminders, escalations, stage outcomes,
// restarts and two engines on one store.
#include "engine/scheduler/scheduler.h"

#include <date/date.h>
#include <gtest/gtest.h>

#include <thread>

#include "engine/model/local_date.h"
#include "tests/testing/council_fixture.h"
#include "tests/testing/forwarding_store.h"
#include "tests/testing/temp_dir.h"
#include "tests/testing/year_simulation.h"

namespace goldthread::engine {
namespace {

namespace v1 = goldthread::v1;
using goldthread::testing::CouncilFixture;
using namespace date;

TimePoint London(LocalDay day, int hour) {
  // 09:00 London on a day in BST is 08:00 UTC; the tests pick days in October 2011 (BST until
  // the 30th) and say which offset they mean.
  return EndOfLondonDay(day - days(1)) + std::chrono::microseconds(1) + std::chrono::hours(hour);
}

CycleTimetable TestTimetable() {
  CycleTimetable t;
  t.workflow_id = "test-quarterly";
  t.period = "FY2011-Q2";
  t.figure_periods = {"FY2011-Q2", "FY2011-M06"};
  TimedStage collation{.id = "collation",
                       .title = "Collation",
                       .opens_at = London(sys_days(2011_y / October / 1), 0),
                       .due_at = EndOfLondonDay(sys_days(2011_y / October / 21)),
                       .completion = StageCompletion::kAllFiguresSubmitted,
                       .responsible = {v1::ROLE_DATA_ENTRY}};
  collation.reminders = {{"5wd", "5 working days before", London(sys_days(2011_y / October / 14), 9)},
                         {"1wd", "1 working day before", London(sys_days(2011_y / October / 20), 9)}};
  collation.ladder = {{1, London(sys_days(2011_y / October / 24), 9), {v1::ROLE_SERVICE_MANAGER}},
                      {2, London(sys_days(2011_y / October / 26), 9), {v1::ROLE_DIRECTOR}}};
  TimedStage signoff{.id = "service-signoff",
                     .title = "Service sign-off",
                     .opens_at = London(sys_days(2011_y / October / 22), 0),
                     .due_at = EndOfLondonDay(sys_days(2011_y / October / 28)),
                     .completion = StageCompletion::kAllFiguresSignedOff,
                     .level = v1::SIGN_OFF_LEVEL_SERVICE,
                     .responsible = {v1::ROLE_SERVICE_MANAGER}};
  signoff.ladder = {{1, London(sys_days(2011_y / October / 31), 9), {v1::ROLE_DIRECTOR}}};
  TimedStage review{.id = "corporate-review",
                    .title = "Corporate review",
                    .opens_at = London(sys_days(2011_y / October / 29), 0),
                    .due_at = EndOfLondonDay(sys_days(2011_y / November / 4)),
                    .completion = StageCompletion::kMeetingRecorded,
                    .responsible = {v1::ROLE_PERFORMANCE_TEAM}};
  t.stages = {collation, signoff, review};
  t.red_periods_for_clinic = 3;
  return t;
}

class SchedulerTest : public CouncilFixture {
 protected:
  void SetUp() override {
    CouncilFixture::SetUp();
    provider_ = [](std::string_view workflow, std::string_view period) -> Result<CycleTimetable> {
      if (workflow != "test-quarterly") {
        return MakeError(ErrorCode::kNotFound, "no such workflow", "workflow_id");
      }
      CycleTimetable t = TestTimetable();
      if (period != t.period) return InvalidField("period", "only FY2011-Q2 in this test");
      return t;
    };
    cycles_ = std::make_unique<CommandHandler>(
        store_.get(), clock_.get(), HandlerOptions{.tenant = kTenant, .timetables = provider_});
    v1::Command open;
    open.mutable_open_cycle()->set_workflow_id("test-quarterly");
    open.mutable_open_cycle()->set_period("FY2011-Q2");
    auto r = cycles_->Execute({.actor = "p-perf", .command_id = "open"}, open);
    ASSERT_TRUE(r) << r.error().ToString();
  }

  std::unique_ptr<Scheduler> NewScheduler() {
    return std::make_unique<Scheduler>(store_.get(), clock_.get(),
                                       SchedulerOptions{.tenant = kTenant, .timetables = provider_});
  }

  std::vector<Recorded> Of(const std::string& stream, v1::Event::BodyCase kind) {
    std::vector<Recorded> out;
    for (auto& r : ReadStream(stream)) {
      if (r.event.body_case() == kind) out.push_back(r);
    }
    return out;
  }
  std::string Figure() const { return FigureStream(kTenant, "NI-192", "FY2011-Q2"); }
  std::string Cycle() const { return CycleStream(kTenant, "test-quarterly", "FY2011-Q2"); }

  TimetableProvider provider_;
  std::unique_ptr<CommandHandler> cycles_;
};

TEST_F(SchedulerTest, RemindsTheDataEntryOfficersOfAMissingFigure) {
  auto scheduler = NewScheduler();
  ASSERT_TRUE(scheduler->AdvanceTo(clock_.get(), London(sys_days(2011_y / October / 15), 0)));
  auto reminders = Of(Figure(), v1::Event::kReminderIssued);
  ASSERT_EQ(reminders.size(), 1u);
  const auto& r = reminders[0].event.reminder_issued();
  EXPECT_EQ(r.reminder_id(), "5wd");
  EXPECT_EQ(r.outstanding(), "not submitted");
  EXPECT_EQ(r.deadline().stage_id(), "collation");
  EXPECT_EQ(std::vector<std::string>(r.recipient_person_ids().begin(),
                                     r.recipient_person_ids().end()),
            (std::vector<std::string>{"p-entry", "p-entry2"}));
  EXPECT_EQ(reminders[0].envelope.actor(), "system/scheduler");
  EXPECT_EQ(RecordedAt(reminders[0].envelope), London(sys_days(2011_y / October / 14), 9));
  EXPECT_EQ(r.late_by_seconds(), 0);
  // The stage opened at the start of October and is not complete.
  EXPECT_EQ(Of(Cycle(), v1::Event::kStageOpened).size(), 1u);
  EXPECT_TRUE(Of(Cycle(), v1::Event::kStageCompleted).empty());
}

TEST_F(SchedulerTest, EscalationsClimbWhileOutstandingAndStopWhenDone) {
  auto scheduler = NewScheduler();
  ASSERT_TRUE(scheduler->AdvanceTo(clock_.get(), London(sys_days(2011_y / October / 25), 0)));
  auto escalations = Of(Figure(), v1::Event::kEscalationRaised);
  ASSERT_EQ(escalations.size(), 1u);
  const auto& e = escalations[0].event.escalation_raised();
  EXPECT_EQ(e.rung(), 1u);
  EXPECT_EQ(std::vector<std::string>(e.recipient_person_ids().begin(),
                                     e.recipient_person_ids().end()),
            (std::vector<std::string>{"p-sm", "p-sm2"}));
  EXPECT_GT(e.overdue_by_seconds(), 0);
  EXPECT_EQ(Of(Cycle(), v1::Event::kStageFellDue).size(), 1u);
  // Both reminders went out before the deadline.
  EXPECT_EQ(Of(Figure(), v1::Event::kReminderIssued).size(), 2u);

  MustRun("p-entry", Submit("NI-192", "FY2011-Q2", 61.2));
  ASSERT_TRUE(scheduler->AdvanceTo(clock_.get(), London(sys_days(2011_y / October / 27), 0)));
  EXPECT_EQ(Of(Figure(), v1::Event::kEscalationRaised).size(), 1u) << "rung 2 after submission";
  auto completed = Of(Cycle(), v1::Event::kStageCompleted);
  ASSERT_EQ(completed.size(), 1u);
  EXPECT_EQ(completed[0].event.stage_completed().stage_id(), "collation");
  EXPECT_FALSE(completed[0].event.stage_completed().on_time());
  // Submitted at the start of 25 October: three days and a microsecond after the deadline.
  EXPECT_EQ(completed[0].event.stage_completed().late_by_seconds(), 3 * 24 * 3600);
}

TEST_F(SchedulerTest, StageCompletesAtTheMomentTheLastFigureArrives) {
  auto scheduler = NewScheduler();
  ASSERT_TRUE(scheduler->AdvanceTo(clock_.get(), London(sys_days(2011_y / October / 18), 12)));
  MustRun("p-entry", Submit("NI-192", "FY2011-Q2", 61.2));
  ASSERT_TRUE(scheduler->AdvanceTo(clock_.get(), London(sys_days(2011_y / October / 19), 0)));
  auto completed = Of(Cycle(), v1::Event::kStageCompleted);
  ASSERT_EQ(completed.size(), 1u);
  EXPECT_TRUE(completed[0].event.stage_completed().on_time());
  EXPECT_EQ(completed[0].event.stage_completed().late_by_seconds(), 0);
  // No reminder after the figure arrived, no escalation ever.
  EXPECT_EQ(Of(Figure(), v1::Event::kReminderIssued).size(), 1u);
  ASSERT_TRUE(scheduler->AdvanceTo(clock_.get(), London(sys_days(2011_y / October / 30), 0)));
  EXPECT_TRUE(Of(Figure(), v1::Event::kEscalationRaised).empty());
  // The next stage (service sign-off) escalated to the director instead.
  ASSERT_TRUE(scheduler->AdvanceTo(clock_.get(), London(sys_days(2011_y / November / 1), 0)));
  auto signoff = Of(Figure(), v1::Event::kEscalationRaised);
  ASSERT_EQ(signoff.size(), 1u);
  EXPECT_EQ(signoff[0].event.escalation_raised().deadline().stage_id(), "service-signoff");
  EXPECT_EQ(signoff[0].event.escalation_raised().recipient_person_ids(0), "p-dir");
}

TEST_F(SchedulerTest, ReminderDueWhileStoppedFiresOnceAtStartMarkedLate) {
  {
    auto scheduler = NewScheduler();
    ASSERT_TRUE(scheduler->AdvanceTo(clock_.get(), London(sys_days(2011_y / October / 13), 0)));
  }
  // Stopped over both reminder times.
  clock_->Set(London(sys_days(2011_y / October / 20), 15));
  auto restarted = NewScheduler();
  auto fired = restarted->RunDue();
  ASSERT_TRUE(fired) << fired.error().ToString();
  auto reminders = Of(Figure(), v1::Event::kReminderIssued);
  ASSERT_EQ(reminders.size(), 2u);
  EXPECT_EQ(reminders[0].event.reminder_issued().late_by_seconds(), 6 * 24 * 3600 + 6 * 3600);
  EXPECT_EQ(reminders[1].event.reminder_issued().late_by_seconds(), 6 * 3600);
  const uint64_t head = Head();
  ASSERT_TRUE(restarted->RunDue());
  ASSERT_TRUE(NewScheduler()->RunDue());
  EXPECT_EQ(Head(), head) << "a restart issued something twice";
}

TEST_F(SchedulerTest, TwoEnginesOnOneStoreIssueEachReminderOnce) {
  auto a = NewScheduler();
  auto b = NewScheduler();
  clock_->Set(London(sys_days(2011_y / October / 27), 10));
  std::thread ta([&] { EXPECT_TRUE(a->RunDue()); });
  std::thread tb([&] { EXPECT_TRUE(b->RunDue()); });
  ta.join();
  tb.join();
  EXPECT_EQ(Of(Figure(), v1::Event::kReminderIssued).size(), 2u);
  EXPECT_EQ(Of(Figure(), v1::Event::kEscalationRaised).size(), 2u);
  EXPECT_EQ(Of(Cycle(), v1::Event::kStageOpened).size(), 2u);  // collation and service sign-off
  EXPECT_EQ(Of(Cycle(), v1::Event::kStageFellDue).size(), 1u);
}

// Regression (issue 12): the scheduler appends each action expecting the stream at the version
// it decided on. A figure submitted between the decision and the append makes the reminder
// stale: it is refused as a conflict, decided again, and not written (with ExpectedVersion::Any
// it was written after the submission).
TEST_F(SchedulerTest, AReminderDecidedBeforeTheFigureArrivedIsNotWrittenAfterIt) {
  goldthread::testing::ForwardingStore racing(store_.get());
  bool raced = false;
  racing.before_append_all = [&](const std::vector<store::AppendRequest>& batch) {
    for (const auto& request : batch) {
      if (request.stream == Figure() && !raced) {
        raced = true;  // another request lands first
        MustRun("p-entry", Submit("NI-192", "FY2011-Q2", 61.2));
      }
    }
  };
  Scheduler scheduler(&racing, clock_.get(), {.tenant = kTenant, .timetables = provider_});
  clock_->Set(London(sys_days(2011_y / October / 14), 10));  // the 5-day reminder is due
  auto fired = scheduler.RunDue();
  ASSERT_TRUE(fired) << fired.error().ToString();
  ASSERT_TRUE(raced);
  EXPECT_TRUE(Of(Figure(), v1::Event::kReminderIssued).empty());
  EXPECT_EQ(Of(Figure(), v1::Event::kFigureSubmitted).size(), 1u);
  // The rest of the batch was decided again and written: the stage opened once.
  EXPECT_EQ(Of(Cycle(), v1::Event::kStageOpened).size(), 1u);
}

TEST_F(SchedulerTest, MeetingStageCompletesWhenTheMeetingIsRecorded) {
  auto scheduler = NewScheduler();
  ASSERT_TRUE(scheduler->AdvanceTo(clock_.get(), London(sys_days(2011_y / November / 2), 12)));
  v1::Command meeting;
  auto* m = meeting.mutable_record_review_meeting();
  m->set_workflow_id("test-quarterly");
  m->set_period("FY2011-Q2");
  m->set_stage_id("corporate-review");
  m->mutable_held_on()->set_iso("2011-11-02");
  m->set_minutes_ref("CPR minutes 2 Nov 2011, item 4");
  ASSERT_TRUE(cycles_->Execute({.actor = "p-perf", .command_id = "meet"}, meeting));
  ASSERT_TRUE(scheduler->RunDue());
  bool review_completed = false;
  for (const auto& r : Of(Cycle(), v1::Event::kStageCompleted)) {
    if (r.event.stage_completed().stage_id() == "corporate-review") {
      review_completed = true;
      EXPECT_TRUE(r.event.stage_completed().on_time());
    }
  }
  EXPECT_TRUE(review_completed);
  // Refusals: unknown stage, wrong kind of stage, twice, wrong role — nothing written.
  const uint64_t head = Head();
  m->set_stage_id("nope");
  EXPECT_EQ(cycles_->Execute({.actor = "p-perf", .command_id = "m2"}, meeting).error().code,
            ErrorCode::kNotFound);
  m->set_stage_id("collation");
  EXPECT_EQ(cycles_->Execute({.actor = "p-perf", .command_id = "m3"}, meeting).error().code,
            ErrorCode::kFailedPrecondition);
  m->set_stage_id("corporate-review");
  EXPECT_EQ(cycles_->Execute({.actor = "p-perf", .command_id = "m4"}, meeting).error().code,
            ErrorCode::kFailedPrecondition);
  EXPECT_EQ(cycles_->Execute({.actor = "p-entry", .command_id = "m5"}, meeting).error().code,
            ErrorCode::kPermissionDenied);
  EXPECT_EQ(Head(), head);
}

TEST_F(SchedulerTest, PartnershipRatingStageWaitsForTheBoardsPriorities) {
  auto priority = [&](const std::string& id, const std::string& owner) {
    v1::Command c;
    c.mutable_define_priority()->set_priority_id(id);
    c.mutable_define_priority()->set_title("Priority " + id);
    c.mutable_define_priority()->set_owner_unit_id(owner);
    MustRun("p-perf", c);
  };
  priority("health-gap", "board-health");
  priority("clean-streets", "dir-place");  // not a partnership priority: not waited for
  provider_ = [](std::string_view, std::string_view period) -> Result<CycleTimetable> {
    CycleTimetable t = TestTimetable();
    t.period = std::string(period);
    TimedStage rating{.id = "partnership-rating",
                      .opens_at = London(sys_days(2011_y / October / 1), 0),
                      .due_at = EndOfLondonDay(sys_days(2011_y / October / 28)),
                      .completion = StageCompletion::kPriorityRatingsRecorded,
                      .responsible = {v1::ROLE_PARTNERSHIP_BOARD}};
    rating.reminders = {{"2d", "2 days before", London(sys_days(2011_y / October / 26), 9), {}}};
    t.stages = {rating};
    return t;
  };
  auto scheduler = NewScheduler();
  ASSERT_TRUE(scheduler->AdvanceTo(clock_.get(), London(sys_days(2011_y / October / 27), 0)));
  const std::string stream = PriorityStream(kTenant, "health-gap");
  auto reminders = Of(stream, v1::Event::kReminderIssued);
  ASSERT_EQ(reminders.size(), 1u);
  EXPECT_EQ(reminders[0].event.reminder_issued().recipient_person_ids(0), "p-board");
  EXPECT_TRUE(Of(PriorityStream(kTenant, "clean-streets"), v1::Event::kReminderIssued).empty());
  v1::Command progress;
  auto* p = progress.mutable_record_priority_progress();
  p->set_priority_id("health-gap");
  p->set_period("FY2011-Q2");
  p->set_summary("Gap narrowing in two wards");
  p->set_overall_rating(v1::RAG_AMBER);
  MustRun("p-board", progress);
  ASSERT_TRUE(scheduler->RunDue());
  auto completed = Of(Cycle(), v1::Event::kStageCompleted);
  ASSERT_EQ(completed.size(), 1u);
  EXPECT_EQ(completed[0].event.stage_completed().stage_id(), "partnership-rating");
  EXPECT_TRUE(completed[0].event.stage_completed().on_time());
}

TEST_F(SchedulerTest, OpeningCyclesIsCheckedAndWritesNothingWhenRefused) {
  const uint64_t head = Head();
  v1::Command open;
  open.mutable_open_cycle()->set_workflow_id("test-quarterly");
  open.mutable_open_cycle()->set_period("FY2011-Q2");
  EXPECT_EQ(cycles_->Execute({.actor = "p-perf", .command_id = "again"}, open).error().code,
            ErrorCode::kAlreadyExists);
  open.mutable_open_cycle()->set_period("FY2011-Q3");
  EXPECT_EQ(cycles_->Execute({.actor = "p-perf", .command_id = "q3"}, open).error().code,
            ErrorCode::kInvalidArgument);
  open.mutable_open_cycle()->set_workflow_id("nope");
  EXPECT_EQ(cycles_->Execute({.actor = "p-perf", .command_id = "nope"}, open).error().code,
            ErrorCode::kNotFound);
  open.mutable_open_cycle()->set_workflow_id("test-quarterly");
  open.mutable_open_cycle()->set_period("FY2011-Q2");
  EXPECT_EQ(cycles_->Execute({.actor = "p-sm", .command_id = "sm"}, open).error().code,
            ErrorCode::kPermissionDenied);
  EXPECT_EQ(Head(), head);
}

TEST_F(SchedulerTest, OverdueFindingEscalatesToTheOwnersManagerThenTheirs) {
  auto accountable = [&](const std::string& unit, const std::string& person) {
    v1::Command c;
    c.mutable_change_accountable_person()->set_unit_id(unit);
    c.mutable_change_accountable_person()->set_person_id(person);
    MustRun("admin", c);
  };
  accountable("svc-homes", "p-sm");
  accountable("dir-place", "p-dir");
  v1::Command raise;
  auto* r = raise.mutable_raise_challenge_finding();
  r->set_stage(v1::CHALLENGE_STAGE_CORPORATE_REVIEW);
  r->mutable_subject()->set_indicator_id("NI-192");
  r->set_severity(v1::SEVERITY_MEDIUM);
  r->set_finding("Recycling rate trails the target");
  r->set_action_required("Explain the August dip");
  r->set_owner_person_id("p-entry");
  r->mutable_due()->set_iso("2011-10-12");
  const auto raised = MustRun("p-perf", raise);
  const std::string stream = FindingStream(kTenant, raised.created_id());
  auto scheduler = NewScheduler();
  ASSERT_TRUE(scheduler->AdvanceTo(clock_.get(), London(sys_days(2011_y / October / 13), 12)));
  auto first = Of(stream, v1::Event::kEscalationRaised);
  ASSERT_EQ(first.size(), 1u);
  EXPECT_EQ(first[0].event.escalation_raised().recipient_person_ids(0), "p-sm");
  ASSERT_TRUE(scheduler->AdvanceTo(clock_.get(), London(sys_days(2011_y / October / 20), 12)));
  auto both = Of(stream, v1::Event::kEscalationRaised);
  ASSERT_EQ(both.size(), 2u);
  EXPECT_EQ(both[1].event.escalation_raised().recipient_person_ids(0), "p-dir");
  EXPECT_EQ(both[1].event.escalation_raised().rung(), 2u);

  // The manager acknowledges; someone it was not sent to cannot.
  v1::Command ack;
  ack.mutable_acknowledge_escalation()->set_finding_id(raised.created_id());
  ack.mutable_acknowledge_escalation()->set_escalation_id(
      first[0].event.escalation_raised().escalation_id());
  ExpectRefused("p-dir", ack, ErrorCode::kPermissionDenied, "was not sent to p-dir");
  MustRun("p-sm", ack);
  ExpectRefused("p-sm", ack, ErrorCode::kFailedPrecondition, "already acknowledged");
}

TEST_F(SchedulerTest, RedForThreeConsecutivePeriodsRaisesAPerformanceClinic) {
  for (const char* period : {"FY2010-Q4", "FY2011-Q1"}) {
    v1::Command target;
    target.mutable_set_target()->set_indicator_id("NI-192");
    target.mutable_set_target()->set_period(period);
    target.mutable_set_target()->set_target(60);
    target.mutable_set_target()->set_reason("plan");
    MustRun("p-perf", target);
    MustRun("p-entry", Submit("NI-192", period, 40.0, "crews short"));
  }
  auto scheduler = NewScheduler();
  ASSERT_TRUE(scheduler->RunDue());
  const uint64_t before = Head();
  MustRun("p-entry", Submit("NI-192", "FY2011-Q2", 41.0, "still short"));
  ASSERT_TRUE(scheduler->RunDue());
  std::vector<v1::ChallengeFindingRaised> clinics;
  auto page = store_->ReadAll(before + 1, store::Direction::kForward, 100);
  ASSERT_TRUE(page);
  for (const auto& env : page->events) {
    auto e = DecodeEvent(env);
    if (e && e->has_challenge_finding_raised()) clinics.push_back(e->challenge_finding_raised());
  }
  ASSERT_EQ(clinics.size(), 1u);
  EXPECT_EQ(clinics[0].stage(), v1::CHALLENGE_STAGE_PERFORMANCE_CLINIC);
  EXPECT_EQ(clinics[0].subject().figure().period(), "FY2011-Q2");
  ASSERT_TRUE(scheduler->RunDue());
  ASSERT_TRUE(NewScheduler()->RunDue());
  size_t count = 0;
  page = store_->ReadAll(before + 1, store::Direction::kForward, 1000);
  for (const auto& env : page->events) count += env.type() == "goldthread.v1.ChallengeFindingRaised";
  EXPECT_EQ(count, 1u) << "the clinic was raised twice";
}

}  // namespace
}  // namespace goldthread::engine

namespace goldthread::engine {
namespace {

// The year-simulation harness on the hand-written timetable: a whole council's quarter, with
// the scripted late, missing and amended figures.
TEST(SchedulerSimulationTest, ScriptedQuarterRemindsAndEscalatesOnlyWhatIsOutstanding) {
  goldthread::testing::TempDir dir;
  auto transcript = goldthread::testing::RunYearSimulation(
      {.workflow_id = "test-quarterly",
       .periods = {"FY2011-Q2"},
       .timetables = [](std::string_view, std::string_view period) -> Result<CycleTimetable> {
         if (period != "FY2011-Q2") return InvalidField("period", "only FY2011-Q2");
         return TestTimetable();
       },
       .data_dir = dir.Sub("store")});
  ASSERT_TRUE(transcript) << transcript.error().ToString();
  const std::string& t = *transcript;
  if (std::getenv("GOLDTHREAD_PRINT_TRANSCRIPT")) std::printf("%s", t.c_str());
  // I-27 is never submitted: both reminders, then both rungs.
  EXPECT_NE(t.find("figure/I-27/FY2011-Q2  REMINDER 5wd for collation: not submitted -> entry-3"),
            std::string::npos)
      << t;
  EXPECT_NE(t.find("figure/I-27/FY2011-Q2  ESCALATION rung 2 for collation: not submitted -> "
                   "director-3"),
            std::string::npos);
  // I-25 is submitted late, on Sunday the 23rd: reminded twice, but in before the first rung on
  // the 24th, so never escalated.
  EXPECT_NE(t.find("figure/I-25/FY2011-Q2  REMINDER 1wd for collation"), std::string::npos);
  EXPECT_EQ(t.find("figure/I-25/FY2011-Q2  ESCALATION"), std::string::npos);
  // I-01 was on time: never reminded.
  EXPECT_EQ(t.find("figure/I-01/"), std::string::npos);
  // The collation stage never completes (I-27 is missing): it closes incomplete when the cycle
  // ends; the corporate review completes.
  EXPECT_EQ(t.find("collation completed"), std::string::npos);
  EXPECT_NE(t.find("2011-11-04 Fri 23:59 GMT  cycle/test-quarterly/FY2011-Q2  collation closed "
                   "incomplete, 1 outstanding"),
            std::string::npos);
  EXPECT_NE(t.find("corporate-review completed on time"), std::string::npos);
  // The unanswered finding escalated to its owner's manager, then theirs.
  EXPECT_NE(t.find("ESCALATION rung 1 for finding-response: finding not answered by its due date "
                   "-> manager-5"),
            std::string::npos);
  EXPECT_NE(t.find("ESCALATION rung 2 for finding-response: finding not answered by its due date "
                   "-> director-2"),
            std::string::npos);
}

}  // namespace
}  // namespace goldthread::engine
