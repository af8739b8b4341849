// A figure's history read back from the log: every step of its life, in order, with actor, time
// and reason; the findings about it joined from their own streams; the value each stage and
// committee saw; and the history as it stood at a past position or time.
#include "engine/read/figure_history.h"

#include <gtest/gtest.h>

#include "engine/model/event_summary.h"
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

class FigureHistoryTest : public CouncilFixture {
 protected:
  void SetUp() override {
    CouncilFixture::SetUp();
    auto reads = ReadModels::Open(store_.get(), clock_.get(), {.tenant = kTenant});
    ASSERT_TRUE(reads) << reads.error().ToString();
    reads_ = std::move(*reads);
  }

  std::string Stream() const { return FigureStream(kTenant, "NI-192", "FY2011-Q2"); }
  // Moves the clock on an hour, so every step has its own time.
  void Later() { clock_->Advance(std::chrono::hours(1)); }

  static v1::Command Reject(const std::string& reason) {
    v1::Command c;
    auto* r = c.mutable_reject_figure();
    r->set_indicator_id("NI-192");
    r->set_period("FY2011-Q2");
    r->set_level(kService);
    r->set_reason(reason);
    return c;
  }
  static v1::Command Lock() {
    v1::Command c;
    c.mutable_lock_figure()->set_indicator_id("NI-192");
    c.mutable_lock_figure()->set_period("FY2011-Q2");
    c.mutable_lock_figure()->set_reported_to("Cabinet 15 November 2011");
    return c;
  }
  static v1::Command Restate(double value, const std::string& reason) {
    v1::Command c;
    auto* r = c.mutable_restate_figure();
    r->set_indicator_id("NI-192");
    r->set_period("FY2011-Q2");
    r->mutable_value()->set_value(value);
    r->set_commentary("restated");
    r->set_reason(reason);
    return c;
  }

  // The whole life of NI-192 for FY2011-Q2. Returns the log position just after the lock.
  uint64_t LiveTheWholeLife() {
    const TimePoint collation_due = clock_->Now() + std::chrono::hours(30);
    goldthread::testing::AppendAsScheduler(
        *store_, Stream(),
        goldthread::testing::Reminder("not submitted", "collation", collation_due,
                                      {"p-entry", "p-entry2"}));
    clock_->Set(collation_due + std::chrono::hours(2));
    goldthread::testing::AppendAsScheduler(
        *store_, Stream(),
        goldthread::testing::Escalation("E-1", 1, "not submitted", "collation", collation_due,
                                        clock_->Now(), {"p-sm"}));
    Later();
    MustRun("p-entry", Submit("NI-192", "FY2011-Q2", 58.0, "bring sites closed in August"));
    Later();
    MustRun("p-sm", Reject("tonnage excludes the bring sites"));
    Later();
    MustRun("p-entry", Amend("NI-192", "FY2011-Q2", 61.2, "bring-site tonnage added"));
    Later();
    v1::Command ack;
    ack.mutable_acknowledge_escalation()->mutable_figure()->set_indicator_id("NI-192");
    ack.mutable_acknowledge_escalation()->mutable_figure()->set_period("FY2011-Q2");
    ack.mutable_acknowledge_escalation()->set_escalation_id("E-1");
    ack.mutable_acknowledge_escalation()->set_comment("chased the waste team");
    MustRun("p-sm", ack);
    Later();
    MustRun("p-sm", SignOff("NI-192", "FY2011-Q2", kService, 2));
    Later();
    MustRun("p-dir", SignOff("NI-192", "FY2011-Q2", kDirectorate, 2));
    Later();
    v1::Command finding;
    auto* f = finding.mutable_raise_challenge_finding();
    f->set_stage(v1::CHALLENGE_STAGE_CORPORATE_REVIEW);
    f->mutable_subject()->mutable_figure()->set_indicator_id("NI-192");
    f->mutable_subject()->mutable_figure()->set_period("FY2011-Q2");
    f->set_severity(v1::SEVERITY_MEDIUM);
    f->set_finding("The August dip is not explained");
    f->set_action_required("Explain the bring-site closures");
    f->set_owner_person_id("p-sm");
    f->mutable_due()->set_iso("2011-10-20");
    finding_id_ = MustRun("p-perf", finding).created_id();
    Later();
    v1::Command respond;
    respond.mutable_respond_to_challenge_finding()->set_finding_id(finding_id_);
    respond.mutable_respond_to_challenge_finding()->set_response("Sites closed for resurfacing");
    MustRun("p-sm", respond);
    Later();
    MustRun("p-perf", SignOff("NI-192", "FY2011-Q2", kCorporate, 2));
    Later();
    MustRun("p-perf", Lock());
    const uint64_t after_lock = Head();
    Later();
    MustRun("p-sm", Restate(62.0, "late tonnage from the reprocessor"));
    Later();
    MustRun("p-sm2", SignOff("NI-192", "FY2011-Q2", kService, 3));
    return after_lock;
  }

  std::unique_ptr<ReadModels> reads_;
  std::string finding_id_;
};

TEST_F(FigureHistoryTest, ListsEveryStepOfTheFullLifeInOrderWithActorTimeAndReason) {
  LiveTheWholeLife();
  auto history = reads_->FigureHistory("NI-192", "FY2011-Q2");
  ASSERT_TRUE(history) << history.error().ToString();

  struct Step {
    std::string type;
    std::string actor;
    std::string reason;
    bool on_finding;
  };
  const std::vector<Step> expected = {
      {"ReminderIssued", "system/scheduler", "", false},
      {"EscalationRaised", "system/scheduler", "", false},
      {"FigureSubmitted", "p-entry", "bring sites closed in August", false},
      {"FigureRejected", "p-sm", "tonnage excludes the bring sites", false},
      {"FigureAmended", "p-entry", "bring-site tonnage added", false},
      {"EscalationAcknowledged", "p-sm", "chased the waste team", false},
      {"FigureSignedOff", "p-sm", "", false},
      {"FigureSignedOff", "p-dir", "", false},
      {"ChallengeFindingRaised", "p-perf",
       "The August dip is not explained Action required: Explain the bring-site closures", true},
      {"ChallengeFindingResponded", "p-sm", "Sites closed for resurfacing", true},
      {"FigureSignedOff", "p-perf", "", false},
      {"FigureLocked", "p-perf", "", false},
      {"FigureRestated", "p-sm", "late tonnage from the reprocessor", false},
      {"FigureSignedOff", "p-sm2", "", false},
  };
  ASSERT_EQ(history->entries_size(), static_cast<int>(expected.size()));
  uint64_t last_position = 0;
  TimePoint last_time;
  for (size_t i = 0; i < expected.size(); ++i) {
    const v1::FigureHistoryEntry& entry = history->entries(static_cast<int>(i));
    SCOPED_TRACE(entry.summary());
    EXPECT_EQ(entry.event_type(), expected[i].type) << i;
    EXPECT_EQ(entry.actor(), expected[i].actor) << i;
    EXPECT_EQ(entry.reason(), expected[i].reason) << i;
    EXPECT_EQ(!entry.finding_id().empty(), expected[i].on_finding) << i;
    EXPECT_GT(entry.position(), last_position) << "entries are in log order";
    EXPECT_GT(ToTimePoint(entry.recorded_at()), last_time) << "each step has its own time";
    last_position = entry.position();
    last_time = ToTimePoint(entry.recorded_at());
  }
  EXPECT_EQ(history->entries(2).actor_name(), "Person p-entry");
  EXPECT_EQ(history->entries(0).actor_name(), "");
  EXPECT_EQ(history->entries(2).summary(), "submitted 58.0 (version 1)");
  EXPECT_EQ(history->entries(3).summary(), "sent back at service level (version 1)");
  EXPECT_EQ(history->entries(4).summary(), "amended to 61.2 (version 2)");
  EXPECT_EQ(history->entries(6).summary(),
            "signed off at service level (version 2) as service manager");
  EXPECT_EQ(history->entries(12).summary(),
            "restated from 61.2 to 62.0 (version 3); service, directorate, corporate "
            "verification sign-offs lapsed");
  EXPECT_EQ(history->entries(8).finding_id(), finding_id_);
  EXPECT_NE(history->entries(1).summary().find("rung 1: not submitted"), std::string::npos)
      << history->entries(1).summary();
  EXPECT_TRUE(history->entries(12).event().has_figure_restated());
  EXPECT_EQ(history->indicator_title(), "Household waste recycled and composted");
  EXPECT_EQ(history->as_of().position(), Head());

  const v1::FigureSummary& current = history->current();
  EXPECT_EQ(current.figure_version(), 3u);
  EXPECT_EQ(current.value().value(), 62.0);
  EXPECT_TRUE(current.restated());
  EXPECT_TRUE(current.locked());
  EXPECT_EQ(current.reported_to(), "Cabinet 15 November 2011");
  ASSERT_EQ(current.signed_levels_size(), 1);
  EXPECT_EQ(current.signed_levels(0), kService);
}

TEST_F(FigureHistoryTest, AsReportedKeepsTheValueEachStageAndCommitteeSaw) {
  LiveTheWholeLife();
  auto history = reads_->FigureHistory("NI-192", "FY2011-Q2");
  ASSERT_TRUE(history) << history.error().ToString();
  struct Seen {
    v1::ReportKind kind;
    std::string seen_by;
    uint32_t version;
    double value;
    bool superseded;
  };
  const std::vector<Seen> expected = {
      {v1::REPORT_KIND_SIGN_OFF, "service sign-off", 2, 61.2, true},
      {v1::REPORT_KIND_SIGN_OFF, "directorate sign-off", 2, 61.2, true},
      {v1::REPORT_KIND_SIGN_OFF, "corporate verification sign-off", 2, 61.2, true},
      {v1::REPORT_KIND_LOCK, "Cabinet 15 November 2011", 2, 61.2, true},
      {v1::REPORT_KIND_SIGN_OFF, "service sign-off", 3, 62.0, false},
  };
  ASSERT_EQ(history->as_reported_size(), static_cast<int>(expected.size()));
  for (size_t i = 0; i < expected.size(); ++i) {
    const v1::ReportedValue& r = history->as_reported(static_cast<int>(i));
    EXPECT_EQ(r.kind(), expected[i].kind) << i;
    EXPECT_EQ(r.seen_by(), expected[i].seen_by) << i;
    EXPECT_EQ(r.figure_version(), expected[i].version) << i;
    EXPECT_EQ(r.value().value(), expected[i].value) << i;
    EXPECT_EQ(r.superseded(), expected[i].superseded) << i;
  }
  EXPECT_EQ(history->as_reported(3).actor(), "p-perf");
}

TEST_F(FigureHistoryTest, AsOfThePositionAfterTheLockShowsWhatCabinetWasGiven) {
  const uint64_t after_lock = LiveTheWholeLife();
  auto then = reads_->FigureHistory("NI-192", "FY2011-Q2", AsOf::Position(after_lock));
  ASSERT_TRUE(then) << then.error().ToString();
  EXPECT_EQ(then->as_of().position(), after_lock);
  EXPECT_EQ(then->entries(then->entries_size() - 1).event_type(), "FigureLocked");
  EXPECT_FALSE(then->current().restated());
  EXPECT_EQ(then->current().value().value(), 61.2);
  ASSERT_EQ(then->as_reported_size(), 4);
  EXPECT_FALSE(then->as_reported(3).superseded()) << "not yet restated at that point";
}

TEST_F(FigureHistoryTest, AsOfATimeIsTheHistoryRecordedByThen) {
  LiveTheWholeLife();
  auto now = reads_->FigureHistory("NI-192", "FY2011-Q2");
  ASSERT_TRUE(now);
  // Just before the amendment was recorded: submission and rejection, no amendment yet.
  const TimePoint amended_at = ToTimePoint(now->entries(4).recorded_at());
  auto then = reads_->FigureHistory("NI-192", "FY2011-Q2",
                                    AsOf::Time(amended_at - std::chrono::microseconds(1)));
  ASSERT_TRUE(then) << then.error().ToString();
  ASSERT_EQ(then->entries_size(), 4);
  EXPECT_EQ(then->entries(3).event_type(), "FigureRejected");
  EXPECT_TRUE(then->current().rejected());
  EXPECT_EQ(then->current().rejection_reason(), "tonnage excludes the bring sites");
  // Exactly at the amendment's time, it is included.
  auto at = reads_->FigureHistory("NI-192", "FY2011-Q2", AsOf::Time(amended_at));
  ASSERT_TRUE(at);
  EXPECT_EQ(at->entries_size(), 5);
}

TEST_F(FigureHistoryTest, AFigureNeverSubmittedHasAnEmptyHistory) {
  auto history = reads_->FigureHistory("NI-192", "FY2011-Q1");
  ASSERT_TRUE(history) << history.error().ToString();
  EXPECT_EQ(history->entries_size(), 0);
  EXPECT_EQ(history->current().figure_version(), 0u);
}

TEST_F(FigureHistoryTest, RefusesAnUnknownIndicatorAMalformedPeriodAndAPositionBeyondTheHead) {
  auto unknown = reads_->FigureHistory("NI-999", "FY2011-Q2");
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().code, ErrorCode::kNotFound);
  EXPECT_EQ(unknown.error().field, "indicator_id");

  auto period = reads_->FigureHistory("NI-192", "2011 Q2");
  ASSERT_FALSE(period);
  EXPECT_EQ(period.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(period.error().field, "period");

  auto beyond = reads_->FigureHistory("NI-192", "FY2011-Q2", AsOf::Position(Head() + 1));
  ASSERT_FALSE(beyond);
  EXPECT_EQ(beyond.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(beyond.error().field, "as_of");

  // Before the indicator was defined, it is unknown.
  auto before = reads_->FigureHistory("NI-192", "FY2011-Q2", AsOf::Position(3));
  ASSERT_FALSE(before);
  EXPECT_EQ(before.error().code, ErrorCode::kNotFound);
}

}  // namespace
}  // namespace goldthread::engine
