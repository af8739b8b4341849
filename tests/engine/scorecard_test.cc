// A directorate scorecard read back from the log: RAG for both polarities and both kinds of
// tolerance, grey and not-rated rows, zero targets, direction of travel, restated figures,
// priorities with their progress, perspectives, the roll-up, self-assessments, and the
// scorecard as it stood before a restatement.
#include "engine/read/scorecard.h"

#include <gtest/gtest.h>

#include "engine/read/read_models.h"
#include "tests/testing/council_fixture.h"

namespace goldthread::engine {
namespace {

namespace v1 = goldthread::v1;
using goldthread::testing::CouncilFixture;

class ScorecardTest : public CouncilFixture {
 protected:
  void SetUp() override {
    CouncilFixture::SetUp();
    auto reads = ReadModels::Open(store_.get(), clock_.get(), {.tenant = kTenant});
    ASSERT_TRUE(reads) << reads.error().ToString();
    reads_ = std::move(*reads);

    v1::Command priority;
    priority.mutable_define_priority()->set_priority_id("P-clean");
    priority.mutable_define_priority()->set_title("A clean and green city");
    priority.mutable_define_priority()->set_owner_unit_id("dir-place");
    MustRun("p-perf", priority);

    Define("WS-1", "svc-waste", v1::FREQUENCY_QUARTERLY, v1::POLARITY_LOWER_IS_BETTER,
           v1::PERSPECTIVE_PROCESS, "P-clean", /*absolute=*/2);
    Define("HM-2", "svc-homes", v1::FREQUENCY_QUARTERLY, v1::POLARITY_LOWER_IS_BETTER,
           v1::PERSPECTIVE_FINANCE, "P-clean", /*absolute=*/-1);
    Define("HM-3", "svc-homes", v1::FREQUENCY_QUARTERLY, v1::POLARITY_HIGHER_IS_BETTER,
           v1::PERSPECTIVE_ORGANISATION, "", -1);
    Define("HM-4", "svc-homes", v1::FREQUENCY_QUARTERLY, v1::POLARITY_HIGHER_IS_BETTER,
           v1::PERSPECTIVE_CUSTOMER, "", -1);
    Define("HM-M", "svc-homes", v1::FREQUENCY_MONTHLY, v1::POLARITY_HIGHER_IS_BETTER,
           v1::PERSPECTIVE_CUSTOMER, "", -1);
    Define("HM-A", "svc-homes", v1::FREQUENCY_ANNUAL, v1::POLARITY_HIGHER_IS_BETTER,
           v1::PERSPECTIVE_CUSTOMER, "", -1);
    Define("CA-1", "svc-care", v1::FREQUENCY_QUARTERLY, v1::POLARITY_LOWER_IS_BETTER,
           v1::PERSPECTIVE_CUSTOMER, "", 1);
    Target("WS-1", "FY2011-Q2", 20);
    Target("HM-2", "FY2011-Q2", 0);
    Target("HM-4", "FY2011-Q2", 50);
    Target("HM-M", "FY2011-M06", 75);
    Target("CA-1", "FY2011-Q2", 10);

    MustRun("p-entry", Submit("NI-192", "FY2011-Q2", 58.5, "bring sites closed in August"));
    MustRun("p-entry", Submit("NI-192", "FY2011-Q1", 55.0));
    MustRun("p-entry", Submit("NI-192", "FY2010-Q2", 60.0));
    MustRun("p-perf", Submit("WS-1", "FY2011-Q2", 23, "new rounds bedding in"));
    MustRun("p-perf", Submit("WS-1", "FY2011-Q1", 23));
    MustRun("p-entry", Submit("HM-2", "FY2011-Q2", 1, "one void over target"));
    MustRun("p-entry", Submit("HM-3", "FY2011-Q2", 70));
    MustRun("p-entry", Submit("HM-M", "FY2011-M06", 80));
    MustRun("p-entry", Submit("HM-M", "FY2011-M05", 85));
    MustRun("p-care", Submit("CA-1", "FY2011-Q2", 9));

    v1::Command progress;
    auto* p = progress.mutable_record_priority_progress();
    p->set_priority_id("P-clean");
    p->set_period("FY2011-Q2");
    p->set_summary("Missed bins are above target while the new rounds bed in");
    p->set_overall_rating(v1::RAG_AMBER);
    p->add_actions_delivered("New rounds launched");
    MustRun("p-dir", progress);

    v1::Command assessment;
    auto* a = assessment.mutable_record_self_assessment();
    a->set_unit_id("dir-place");
    a->set_period("FY2011-Q2");
    a->set_summary("Recruitment of drivers remains the main risk");
    a->add_concerns("Agency costs");
    a->set_overall_rating(v1::RAG_AMBER);
    MustRun("p-dir", assessment);
  }

  // `absolute` < 0: a 10% tolerance.
  void Define(const std::string& id, const std::string& unit, v1::Frequency frequency,
              v1::Polarity polarity, v1::Perspective perspective, const std::string& priority,
              double absolute) {
    v1::Command c;
    c.mutable_define_indicator()->set_indicator_id(id);
    v1::IndicatorDefinition* d = c.mutable_define_indicator()->mutable_definition();
    *d = QuarterlyDefinition(unit);
    d->set_title("Title of " + id);
    d->set_frequency(frequency);
    d->set_polarity(polarity);
    d->set_perspective(perspective);
    d->set_priority_id(priority);
    d->set_decimal_places(1);
    if (absolute >= 0) {
      d->mutable_amber_tolerance()->set_absolute(absolute);
    } else {
      d->mutable_amber_tolerance()->set_percent(10);
    }
    MustRun("p-perf", c);
  }
  void Target(const std::string& id, const std::string& period, double target) {
    v1::Command c;
    c.mutable_set_target()->set_indicator_id(id);
    c.mutable_set_target()->set_period(period);
    c.mutable_set_target()->set_target(target);
    c.mutable_set_target()->set_reason("service plan 2011/12");
    MustRun("p-perf", c);
  }

  // Signs off, locks and restates NI-192 for FY2011-Q2 to 61.0; returns the position of the lock.
  uint64_t LockAndRestate() {
    MustRun("p-sm", SignOff("NI-192", "FY2011-Q2", v1::SIGN_OFF_LEVEL_SERVICE, 1));
    MustRun("p-dir", SignOff("NI-192", "FY2011-Q2", v1::SIGN_OFF_LEVEL_DIRECTORATE, 1));
    MustRun("p-perf", SignOff("NI-192", "FY2011-Q2", v1::SIGN_OFF_LEVEL_CORPORATE_VERIFICATION, 1));
    v1::Command lock;
    lock.mutable_lock_figure()->set_indicator_id("NI-192");
    lock.mutable_lock_figure()->set_period("FY2011-Q2");
    lock.mutable_lock_figure()->set_reported_to("Cabinet 15 November 2011");
    const uint64_t locked = MustRun("p-perf", lock).last_position();
    v1::Command restate;
    auto* r = restate.mutable_restate_figure();
    r->set_indicator_id("NI-192");
    r->set_period("FY2011-Q2");
    r->mutable_value()->set_value(61.0);
    r->set_reason("late tonnage from the reprocessor");
    MustRun("p-sm", restate);
    return locked;
  }

  static const v1::ScorecardRow& Row(const v1::Scorecard& card, const std::string& id) {
    for (const auto& row : card.rows()) {
      if (row.indicator_id() == id) return row;
    }
    ADD_FAILURE() << "no row for " << id;
    static const v1::ScorecardRow kNone;
    return kNone;
  }
  static const v1::UnitRollup& Rollup(const v1::Scorecard& card, const std::string& id) {
    for (const auto& r : card.rollup()) {
      if (r.unit_id() == id) return r;
    }
    ADD_FAILURE() << "no roll-up for " << id;
    static const v1::UnitRollup kNone;
    return kNone;
  }
  static std::string Counts(const v1::RagCounts& c) {
    return "G" + std::to_string(c.green()) + " A" + std::to_string(c.amber()) + " R" +
           std::to_string(c.red()) + " grey" + std::to_string(c.grey()) + " NR" +
           std::to_string(c.not_rated());
  }

  std::unique_ptr<ReadModels> reads_;
};

TEST_F(ScorecardTest, OneRowPerIndicatorInScopeThatReportsInThePeriod) {
  auto card = reads_->Scorecard("dir-place", "FY2011-Q2");
  ASSERT_TRUE(card) << card.error().ToString();
  std::vector<std::string> ids;
  for (const auto& row : card->rows()) ids.push_back(row.indicator_id());
  // CA-1 lies in another directorate; HM-A is annual and FY2011 does not end with Q2.
  EXPECT_EQ(ids, (std::vector<std::string>{"HM-2", "HM-3", "HM-4", "HM-M", "NI-192", "WS-1"}));
  EXPECT_EQ(Row(*card, "HM-M").figure_period(), "FY2011-M06");
  EXPECT_EQ(Row(*card, "NI-192").figure_period(), "FY2011-Q2");
  EXPECT_EQ(card->unit_name(), "Unit dir-place");
  EXPECT_EQ(card->as_of().position(), Head());
}

TEST_F(ScorecardTest, RatesEachRowAgainstItsTargetWithPolarityAndTolerance) {
  auto card = reads_->Scorecard("dir-place", "FY2011-Q2");
  ASSERT_TRUE(card) << card.error().ToString();
  // 58.5 against 60, higher is better, amber within 10%... of NI-192's own 5%: 57-60 is amber.
  EXPECT_EQ(Row(*card, "NI-192").rag(), v1::RAG_AMBER);
  EXPECT_EQ(Row(*card, "NI-192").target(), 60.0);
  // 23 against 20, lower is better, amber within 2 units: red.
  EXPECT_EQ(Row(*card, "WS-1").rag(), v1::RAG_RED);
  // 1 against a zero target, lower is better, 10% of zero is no band: red.
  EXPECT_EQ(Row(*card, "HM-2").rag(), v1::RAG_RED);
  EXPECT_EQ(Row(*card, "HM-2").target(), 0.0);
  EXPECT_TRUE(Row(*card, "HM-2").has_target()) << "a zero target is a target";
  // A figure without a target is not rated; no figure is grey.
  EXPECT_EQ(Row(*card, "HM-3").rag(), v1::RAG_NOT_RATED);
  EXPECT_FALSE(Row(*card, "HM-3").has_target());
  EXPECT_EQ(Row(*card, "HM-4").rag(), v1::RAG_GREY);
  EXPECT_FALSE(Row(*card, "HM-4").submitted());
  EXPECT_EQ(Row(*card, "HM-4").sign_off_state(), "not submitted");
  EXPECT_EQ(Row(*card, "HM-M").rag(), v1::RAG_GREEN);
}

TEST_F(ScorecardTest, DirectionOfTravelRespectsPolarity) {
  auto card = reads_->Scorecard("dir-place", "FY2011-Q2");
  ASSERT_TRUE(card) << card.error().ToString();
  const auto& ni = Row(*card, "NI-192");
  EXPECT_EQ(ni.previous_period(), "FY2011-Q1");
  EXPECT_EQ(ni.previous_value(), 55.0);
  EXPECT_EQ(ni.vs_previous(), v1::TREND_IMPROVING) << "58.5 after 55.0, higher is better";
  EXPECT_EQ(ni.last_year_period(), "FY2010-Q2");
  EXPECT_EQ(ni.vs_last_year(), v1::TREND_WORSENING) << "58.5 after 60.0";
  const auto& ws = Row(*card, "WS-1");
  EXPECT_EQ(ws.vs_previous(), v1::TREND_UNCHANGED);
  EXPECT_FALSE(ws.has_last_year_value());
  EXPECT_EQ(ws.vs_last_year(), v1::TREND_NO_COMPARISON);
  const auto& monthly = Row(*card, "HM-M");
  EXPECT_EQ(monthly.previous_period(), "FY2011-M05");
  EXPECT_EQ(monthly.vs_previous(), v1::TREND_WORSENING) << "80 after 85, higher is better";
  EXPECT_EQ(Row(*card, "HM-4").vs_previous(), v1::TREND_NO_COMPARISON);
}

TEST_F(ScorecardTest, ShowsSignOffStateCommentaryAndRestatement) {
  const uint64_t locked = LockAndRestate();
  auto card = reads_->Scorecard("dir-place", "FY2011-Q2");
  ASSERT_TRUE(card) << card.error().ToString();
  const auto& ni = Row(*card, "NI-192");
  EXPECT_TRUE(ni.restated());
  EXPECT_EQ(ni.value().value(), 61.0);
  EXPECT_EQ(ni.rag(), v1::RAG_GREEN);
  EXPECT_EQ(ni.figure_version(), 2u);
  EXPECT_TRUE(ni.locked());
  EXPECT_EQ(ni.sign_off_state(), "awaiting service sign-off; locked (Cabinet 15 November 2011)");
  EXPECT_EQ(Row(*card, "WS-1").commentary(), "new rounds bedding in");

  // As it stood when Cabinet was given it: 58.5, amber, fully signed off but for the board.
  auto then = reads_->Scorecard("dir-place", "FY2011-Q2", AsOf::Position(locked));
  ASSERT_TRUE(then) << then.error().ToString();
  const auto& was = Row(*then, "NI-192");
  EXPECT_FALSE(was.restated());
  EXPECT_EQ(was.value().value(), 58.5);
  EXPECT_EQ(was.rag(), v1::RAG_AMBER);
  EXPECT_EQ(was.sign_off_state(),
            "signed off at corporate verification level; awaiting partnership sign-off; locked "
            "(Cabinet 15 November 2011)");
  EXPECT_EQ(then->as_of().position(), locked);
}

TEST_F(ScorecardTest, GroupsByPriorityWithItsProgressAndByPerspective) {
  auto card = reads_->Scorecard("dir-place", "FY2011-Q2");
  ASSERT_TRUE(card) << card.error().ToString();
  ASSERT_EQ(card->priorities_size(), 2);
  const auto& clean = card->priorities(0);
  EXPECT_EQ(clean.priority_id(), "P-clean");
  EXPECT_EQ(clean.title(), "A clean and green city");
  EXPECT_EQ(std::vector<std::string>(clean.indicator_ids().begin(), clean.indicator_ids().end()),
            (std::vector<std::string>{"HM-2", "WS-1"}));
  EXPECT_TRUE(clean.progress_recorded());
  EXPECT_EQ(clean.overall_rating(), v1::RAG_AMBER);
  EXPECT_EQ(clean.summary(), "Missed bins are above target while the new rounds bed in");
  EXPECT_EQ(Counts(clean.counts()), "G0 A0 R2 grey0 NR0");
  const auto& none = card->priorities(1);
  EXPECT_EQ(none.priority_id(), "");
  EXPECT_EQ(none.indicator_ids_size(), 4);

  std::map<v1::Perspective, std::string> perspectives;
  for (const auto& p : card->perspectives()) perspectives[p.perspective()] = Counts(p.counts());
  EXPECT_EQ(perspectives[v1::PERSPECTIVE_CUSTOMER], "G1 A1 R0 grey1 NR0");
  EXPECT_EQ(perspectives[v1::PERSPECTIVE_PROCESS], "G0 A0 R1 grey0 NR0");
  EXPECT_EQ(perspectives[v1::PERSPECTIVE_FINANCE], "G0 A0 R1 grey0 NR0");
  EXPECT_EQ(perspectives[v1::PERSPECTIVE_ORGANISATION], "G0 A0 R0 grey0 NR1");
}

TEST_F(ScorecardTest, RollsCountsUpFromServicesToTheDirectorateAndTheCouncil) {
  auto card = reads_->Scorecard("dir-place", "FY2011-Q2");
  ASSERT_TRUE(card) << card.error().ToString();
  ASSERT_EQ(card->rollup_size(), 3);
  EXPECT_EQ(card->rollup(0).unit_id(), "dir-place");
  EXPECT_EQ(card->rollup(0).depth(), 0u);
  EXPECT_EQ(card->rollup(1).unit_id(), "svc-homes");
  EXPECT_EQ(card->rollup(1).depth(), 1u);
  EXPECT_EQ(Counts(Rollup(*card, "svc-homes").counts()), "G1 A1 R1 grey1 NR1");
  EXPECT_EQ(Counts(Rollup(*card, "svc-waste").counts()), "G0 A0 R1 grey0 NR0");
  EXPECT_EQ(Counts(Rollup(*card, "dir-place").counts()), "G1 A1 R2 grey1 NR1");

  auto council = reads_->Scorecard("council", "FY2011-Q2");
  ASSERT_TRUE(council) << council.error().ToString();
  EXPECT_EQ(council->rows_size(), 7) << "CA-1 too";
  EXPECT_EQ(Counts(Rollup(*council, "council").counts()), "G2 A1 R2 grey1 NR1");
  EXPECT_EQ(Counts(Rollup(*council, "dir-people").counts()), "G1 A0 R0 grey0 NR0");
  // NI-192 is a partnership indicator of board-health: it counts there too.
  EXPECT_EQ(Counts(Rollup(*council, "board-health").counts()), "G0 A1 R0 grey0 NR0");
}

TEST_F(ScorecardTest, IncludesTheSelfAssessmentsOfThePeriod) {
  auto card = reads_->Scorecard("dir-place", "FY2011-Q2");
  ASSERT_TRUE(card) << card.error().ToString();
  ASSERT_EQ(card->self_assessments_size(), 1);
  const auto& a = card->self_assessments(0);
  EXPECT_EQ(a.unit_id(), "dir-place");
  EXPECT_EQ(a.summary(), "Recruitment of drivers remains the main risk");
  EXPECT_EQ(a.overall_rating(), v1::RAG_AMBER);
  EXPECT_EQ(a.recorded_by(), "p-dir");
  auto q1 = reads_->Scorecard("dir-place", "FY2011-Q1");
  ASSERT_TRUE(q1);
  EXPECT_EQ(q1->self_assessments_size(), 0);
}

TEST_F(ScorecardTest, AnAnnualIndicatorAppearsInTheLastQuarterOfItsYear) {
  auto q4 = reads_->Scorecard("svc-homes", "FY2010-Q4");
  ASSERT_TRUE(q4) << q4.error().ToString();
  bool annual = false;
  for (const auto& row : q4->rows()) {
    if (row.indicator_id() == "HM-A") {
      annual = true;
      EXPECT_EQ(row.figure_period(), "FY2010");
      EXPECT_EQ(row.rag(), v1::RAG_GREY);
    }
  }
  EXPECT_TRUE(annual);
}

TEST_F(ScorecardTest, RefusesAnUnknownUnitAndAMalformedPeriod) {
  auto unknown = reads_->Scorecard("dir-nowhere", "FY2011-Q2");
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().code, ErrorCode::kNotFound);
  EXPECT_EQ(unknown.error().field, "unit_id");
  auto period = reads_->Scorecard("dir-place", "Q2");
  ASSERT_FALSE(period);
  EXPECT_EQ(period.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(period.error().field, "period");
}

}  // namespace
}  // namespace goldthread::engine
