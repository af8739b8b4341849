// A priority's performance report (Leeds 3.6) read back from the log: progress and rating,
// actions, each indicator's last 8 periods with RAG and direction, linked risks, open findings,
// and the report as it stood before the progress was recorded.
#include "engine/read/performance_report.h"

#include <gtest/gtest.h>

#include "engine/read/read_models.h"
#include "tests/testing/council_fixture.h"

namespace goldthread::engine {
namespace {

namespace v1 = goldthread::v1;
using goldthread::testing::CouncilFixture;

class PerformanceReportTest : public CouncilFixture {
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
    for (const auto& [id, frequency] :
         std::vector<std::pair<std::string, v1::Frequency>>{{"WS-1", v1::FREQUENCY_QUARTERLY},
                                                           {"WS-M", v1::FREQUENCY_MONTHLY},
                                                           {"WS-X", v1::FREQUENCY_QUARTERLY}}) {
      v1::Command c;
      c.mutable_define_indicator()->set_indicator_id(id);
      v1::IndicatorDefinition* d = c.mutable_define_indicator()->mutable_definition();
      *d = QuarterlyDefinition("svc-homes");
      d->set_frequency(frequency);
      d->set_polarity(v1::POLARITY_LOWER_IS_BETTER);
      d->set_priority_id(id == "WS-X" ? "" : "P-clean");
      d->mutable_amber_tolerance()->set_absolute(2);
      MustRun("p-perf", c);
    }
    // WS-1: eight quarters from FY2009-Q3 to FY2011-Q2, falling towards a target of 20.
    const std::vector<std::string> quarters = {"FY2009-Q3", "FY2009-Q4", "FY2010-Q1",
                                               "FY2010-Q2", "FY2010-Q3", "FY2010-Q4",
                                               "FY2011-Q1", "FY2011-Q2"};
    for (size_t i = 0; i < quarters.size(); ++i) {
      Target("WS-1", quarters[i], 20);
      if (i == 2) continue;  // one quarter never reported
      MustRun("p-entry", Submit("WS-1", quarters[i], 30.0 - static_cast<double>(i), "falling"));
    }
    MustRun("p-entry", Submit("WS-M", "FY2011-M06", 12.0));
    MustRun("p-entry", Submit("WS-M", "FY2011-M05", 14.0));

    auto risk = [&](const std::string& title, uint32_t l, uint32_t i, const std::string& priority,
                    const std::string& indicator) {
      v1::Command c;
      auto* r = c.mutable_register_risk();
      r->set_title(title);
      r->set_owner_person_id("p-dir");
      r->set_unit_id("dir-place");
      r->set_likelihood(l);
      r->set_impact(i);
      if (!priority.empty()) r->add_priority_ids(priority);
      if (!indicator.empty()) r->add_indicator_ids(indicator);
      return MustRun("p-perf", c).created_id();
    };
    risk("Drivers leave for agency work", 4, 4, "P-clean", "");
    rated_ = risk("Fleet breakdowns", 2, 2, "", "WS-M");
    risk("Unrelated IT outage", 5, 5, "", "WS-X");
    v1::Command rate;
    rate.mutable_rate_risk()->set_risk_id(rated_);
    rate.mutable_rate_risk()->set_likelihood(3);
    rate.mutable_rate_risk()->set_impact(5);
    rate.mutable_rate_risk()->set_reason("two trucks off the road");
    MustRun("p-perf", rate);

    v1::Command finding;
    auto* f = finding.mutable_raise_challenge_finding();
    f->set_stage(v1::CHALLENGE_STAGE_SCRUTINY);
    f->mutable_subject()->set_priority_id("P-clean");
    f->set_severity(v1::SEVERITY_MEDIUM);
    f->set_finding("No plan for the rural rounds");
    f->set_action_required("Bring a plan to the next meeting");
    f->set_owner_person_id("p-dir");
    f->mutable_due()->set_iso("2011-11-30");
    finding_ = MustRun("p-scrutiny", finding).created_id();

    before_progress_ = Head();
    v1::Command progress;
    auto* p = progress.mutable_record_priority_progress();
    p->set_priority_id("P-clean");
    p->set_period("FY2011-Q2");
    p->set_summary("Missed bins are falling but remain above target");
    p->set_overall_rating(v1::RAG_AMBER);
    p->add_actions_delivered("New rounds launched in July");
    p->add_actions_planned("Rural rounds redesigned by December");
    MustRun("p-dir", progress);
  }

  void Target(const std::string& id, const std::string& period, double target) {
    v1::Command c;
    c.mutable_set_target()->set_indicator_id(id);
    c.mutable_set_target()->set_period(period);
    c.mutable_set_target()->set_target(target);
    c.mutable_set_target()->set_reason("service plan");
    MustRun("p-perf", c);
  }

  std::unique_ptr<ReadModels> reads_;
  std::string rated_;
  std::string finding_;
  uint64_t before_progress_ = 0;
};

TEST_F(PerformanceReportTest, CarriesTheOwnersProgressRatingAndActions) {
  auto report = reads_->PerformanceReport("P-clean", "FY2011-Q2");
  ASSERT_TRUE(report) << report.error().ToString();
  EXPECT_EQ(report->title(), "A clean and green city");
  EXPECT_TRUE(report->progress_recorded());
  EXPECT_EQ(report->overall_rating(), v1::RAG_AMBER);
  EXPECT_EQ(report->summary(), "Missed bins are falling but remain above target");
  ASSERT_EQ(report->actions_delivered_size(), 1);
  EXPECT_EQ(report->actions_planned(0), "Rural rounds redesigned by December");
  EXPECT_EQ(report->recorded_by(), "p-dir");
}

TEST_F(PerformanceReportTest, ShowsEachIndicatorsLastEightPeriodsOldestFirst) {
  auto report = reads_->PerformanceReport("P-clean", "FY2011-Q2");
  ASSERT_TRUE(report) << report.error().ToString();
  ASSERT_EQ(report->indicators_size(), 2) << "WS-X serves no priority";
  const v1::ReportIndicator& ws = report->indicators(0);
  EXPECT_EQ(ws.indicator_id(), "WS-1");
  ASSERT_EQ(ws.trend_size(), kTrendPeriods);
  EXPECT_EQ(ws.trend(0).period(), "FY2009-Q3");
  EXPECT_EQ(ws.trend(7).period(), "FY2011-Q2");
  EXPECT_EQ(ws.trend(0).value().value(), 30.0);
  EXPECT_EQ(ws.trend(0).rag(), v1::RAG_RED);
  EXPECT_FALSE(ws.trend(2).submitted());
  EXPECT_EQ(ws.trend(2).rag(), v1::RAG_GREY);
  EXPECT_EQ(ws.trend(7).value().value(), 23.0);
  EXPECT_EQ(ws.trend(7).target(), 20.0);
  EXPECT_EQ(ws.latest_rag(), v1::RAG_RED) << "23 against 20, amber within 2";
  EXPECT_EQ(ws.vs_previous(), v1::TREND_IMPROVING) << "lower is better: 23 after 24";
  EXPECT_EQ(ws.vs_last_year(), v1::TREND_IMPROVING) << "23 after 27 in FY2010-Q2";
  EXPECT_EQ(ws.commentary(), "falling");

  const v1::ReportIndicator& monthly = report->indicators(1);
  EXPECT_EQ(monthly.indicator_id(), "WS-M");
  EXPECT_EQ(monthly.trend(7).period(), "FY2011-M06");
  EXPECT_EQ(monthly.trend(0).period(), "FY2010-M11");
  EXPECT_EQ(monthly.latest_rag(), v1::RAG_NOT_RATED);
  EXPECT_EQ(monthly.vs_previous(), v1::TREND_IMPROVING);
}

TEST_F(PerformanceReportTest, ListsRisksLinkedToThePriorityOrItsIndicatorsAndOpenFindings) {
  auto report = reads_->PerformanceReport("P-clean", "FY2011-Q2");
  ASSERT_TRUE(report) << report.error().ToString();
  ASSERT_EQ(report->risks_size(), 2) << "not the IT outage, linked only to WS-X";
  EXPECT_EQ(report->risks(0).title(), "Drivers leave for agency work");
  EXPECT_EQ(report->risks(0).score(), 16u);
  EXPECT_EQ(report->risks(1).risk_id(), rated_);
  EXPECT_EQ(report->risks(1).likelihood(), 3u) << "as last rated";
  EXPECT_EQ(report->risks(1).score(), 15u);
  ASSERT_EQ(report->open_finding_ids_size(), 1);
  EXPECT_EQ(report->open_finding_ids(0), finding_);
}

TEST_F(PerformanceReportTest, AsOfBeforeTheProgressWasRecordedItIsNotThere) {
  auto then = reads_->PerformanceReport("P-clean", "FY2011-Q2", AsOf::Position(before_progress_));
  ASSERT_TRUE(then) << then.error().ToString();
  EXPECT_FALSE(then->progress_recorded());
  EXPECT_EQ(then->indicators_size(), 2);
  EXPECT_EQ(then->as_of().position(), before_progress_);
}

TEST_F(PerformanceReportTest, RefusesAnUnknownPriority) {
  auto report = reads_->PerformanceReport("P-none", "FY2011-Q2");
  ASSERT_FALSE(report);
  EXPECT_EQ(report.error().code, ErrorCode::kNotFound);
  EXPECT_EQ(report.error().field, "priority_id");
}

}  // namespace
}  // namespace goldthread::engine
