// The shipped timetables resolved for real periods, checked by hand against the seeds (the
// dates in comments are counted on a 2011/12 calendar), and the rules of the schedule itself.
#include "engine/timetable/schedule.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace goldthread::engine {
namespace {

namespace v1 = goldthread::v1;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

class ScheduleTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto cal = Calendar::Load(DefaultBankHolidaysPath());
    ASSERT_TRUE(cal) << cal.error().ToString();
    calendar_ = new Calendar(std::move(*cal));
    auto catalogue = WorkflowCatalogue::Load(DefaultWorkflowsDir());
    ASSERT_TRUE(catalogue) << catalogue.error().ToString();
    catalogue_ = new WorkflowCatalogue(std::move(*catalogue));
  }
  static void TearDownTestSuite() {
    delete calendar_;
    delete catalogue_;
  }

  const Calendar& cal() const { return *calendar_; }

  // The schedule of a shipped workflow for a period; fails the test when it has none.
  CycleSchedule Schedule(std::string_view workflow, std::string_view period) const {
    const Workflow* w = catalogue_->Find(workflow);
    EXPECT_NE(w, nullptr) << workflow;
    auto p = Period::Parse(period);
    EXPECT_TRUE(p) << period;
    auto s = ScheduleCycle(*w, *p, cal());
    EXPECT_TRUE(s) << s.error().ToString();
    return std::move(*s);
  }

  // Local ISO-8601 with offset, to compare instants by eye.
  std::string Local(TimePoint t) const { return cal().FormatLocal(t); }

  static const StageSchedule& Stage(const CycleSchedule& s, std::string_view id) {
    for (const StageSchedule& stage : s.stages) {
      if (stage.id() == id) return stage;
    }
    ADD_FAILURE() << "no stage " << id << " in " << s.workflow_id << " " << s.period.id();
    static const StageSchedule kNone{};
    return kNone;
  }
  static bool Has(const CycleSchedule& s, std::string_view id) {
    return std::any_of(s.stages.begin(), s.stages.end(),
                       [&](const StageSchedule& stage) { return stage.id() == id; });
  }
  static std::vector<std::string> Ids(const std::vector<Period>& periods) {
    std::vector<std::string> out;
    for (const Period& p : periods) out.push_back(p.id());
    return out;
  }
  std::vector<std::string> At(const std::vector<ScheduledRung>& rungs) const {
    std::vector<std::string> out;
    for (const ScheduledRung& r : rungs) out.push_back(Local(r.at));
    return out;
  }
  std::vector<std::string> At(const std::vector<ScheduledReminder>& reminders) const {
    std::vector<std::string> out;
    for (const ScheduledReminder& r : reminders) out.push_back(Local(r.at));
    return out;
  }

  static Calendar* calendar_;
  static WorkflowCatalogue* catalogue_;
};
Calendar* ScheduleTest::calendar_ = nullptr;
WorkflowCatalogue* ScheduleTest::catalogue_ = nullptr;

// Chesterfield, service reviews first, Q2 2011/12 (quarter end Friday 30 September 2011): the
// seed's table counted in weeks after quarter end.
TEST_F(ScheduleTest, ChesterfieldServiceFirstQuarterTwo) {
  const CycleSchedule s = Schedule("chesterfield-service-first", "FY2011-Q2");
  EXPECT_THAT(Ids(s.figure_periods), ElementsAre("FY2011-Q2", "FY2011-M06", "FY2011-H1"));
  // Collation, weeks 1-3: Saturday 1 October to the end of Friday 21 October.
  const StageSchedule& collation = Stage(s, "collation");
  EXPECT_EQ(Local(collation.opens_at), "2011-10-01T00:00:00+01:00");
  EXPECT_EQ(Local(collation.due_at), "2011-10-21T23:59:59+01:00");
  EXPECT_EQ(collation.due_on, LocalDay(date::year(2011) / 10 / 21));
  // Service review preparation weeks 4-5, meetings weeks 5-6 (the clocks go back on the 30th).
  EXPECT_EQ(Local(Stage(s, "service_review_preparation").opens_at), "2011-10-22T00:00:00+01:00");
  EXPECT_EQ(Local(Stage(s, "service_review_preparation").due_at), "2011-11-04T23:59:59+00:00");
  EXPECT_EQ(Local(Stage(s, "service_review").opens_at), "2011-10-29T00:00:00+01:00");
  EXPECT_EQ(Local(Stage(s, "service_review").due_at), "2011-11-11T23:59:59+00:00");
  // Corporate review preparation weeks 6-7, the review in week 8.
  EXPECT_EQ(Local(Stage(s, "corporate_review_preparation").opens_at), "2011-11-05T00:00:00+00:00");
  EXPECT_EQ(Local(Stage(s, "corporate_review_preparation").due_at), "2011-11-18T23:59:59+00:00");
  EXPECT_EQ(Local(Stage(s, "corporate_review").opens_at), "2011-11-19T00:00:00+00:00");
  EXPECT_EQ(Local(Stage(s, "corporate_review").due_at), "2011-11-25T23:59:59+00:00");
  // Q2 ends a half-year: the six-monthly report and its challenge occur.
  EXPECT_EQ(Local(Stage(s, "six_monthly_report").due_at), "2011-12-09T23:59:59+00:00");
  EXPECT_EQ(Local(Stage(s, "overview_and_scrutiny").opens_at), "2011-12-10T00:00:00+00:00");
  EXPECT_EQ(Local(Stage(s, "overview_and_scrutiny").due_at), "2011-12-23T23:59:59+00:00");
  EXPECT_EQ(Local(s.opens_at), "2011-10-01T00:00:00+01:00");
}

TEST_F(ScheduleTest, ChesterfieldRemindersAndRungsFallOnWorkingDaysAcrossTheClockChange) {
  const CycleSchedule s = Schedule("chesterfield-service-first", "FY2011-Q2");
  const StageSchedule& collation = Stage(s, "collation");
  // 5 and 1 working days before Friday 21 October, at 09:00.
  EXPECT_THAT(At(collation.reminders),
              ElementsAre("2011-10-14T09:00:00+01:00", "2011-10-20T09:00:00+01:00"));
  EXPECT_EQ(collation.reminders[0].id, "5wd-before");
  EXPECT_EQ(collation.reminders[0].label, "5 working days before");
  EXPECT_THAT(collation.reminders[0].roles, ElementsAre(v1::ROLE_DATA_ENTRY));
  // +1, +3, +5, +10 working days: Monday 24, Wednesday 26, Friday 28 October, Friday 4
  // November (GMT by then).
  EXPECT_EQ(collation.ladder_id, "late_return");
  EXPECT_THAT(At(collation.ladder),
              ElementsAre("2011-10-24T09:00:00+01:00", "2011-10-26T09:00:00+01:00",
                          "2011-10-28T09:00:00+01:00", "2011-11-04T09:00:00+00:00"));
  EXPECT_EQ(collation.ladder[0].rung, 1u);
  EXPECT_THAT(collation.ladder[0].roles, ElementsAre(v1::ROLE_SERVICE_MANAGER));
  EXPECT_THAT(collation.ladder[3].roles, ElementsAre(v1::ROLE_LEAD_MEMBER));
  EXPECT_TRUE(collation.partnership_ladder.empty());
}

TEST_F(ScheduleTest, ChesterfieldSixMonthlyReportOnlyAfterHalfYears) {
  const CycleSchedule q3 = Schedule("chesterfield-service-first", "FY2011-Q3");
  EXPECT_FALSE(Has(q3, "six_monthly_report"));
  EXPECT_FALSE(Has(q3, "overview_and_scrutiny"));
  EXPECT_THAT(Ids(q3.figure_periods), ElementsAre("FY2011-Q3", "FY2011-M09"));
  const CycleSchedule q4 = Schedule("chesterfield-service-first", "FY2011-Q4");
  EXPECT_TRUE(Has(q4, "six_monthly_report"));
  EXPECT_THAT(Ids(q4.figure_periods),
              ElementsAre("FY2011-Q4", "FY2011-M12", "FY2011-H2", "FY2011"));
  // Q3 (quarter end Saturday 31 December 2011): collation due end of week 3, 21 January 2012.
  EXPECT_EQ(Local(Stage(q3, "collation").due_at), "2012-01-21T23:59:59+00:00");
}

// The corporate review first: week 6, then service review meetings in weeks 7-8.
TEST_F(ScheduleTest, ChesterfieldCorporateFirstQuarterTwo) {
  const CycleSchedule s = Schedule("chesterfield-corporate-first", "FY2011-Q2");
  EXPECT_EQ(Local(Stage(s, "collation").due_at), "2011-10-21T23:59:59+01:00");
  EXPECT_EQ(Local(Stage(s, "corporate_review_preparation").opens_at), "2011-10-22T00:00:00+01:00");
  EXPECT_EQ(Local(Stage(s, "corporate_review_preparation").due_at), "2011-11-04T23:59:59+00:00");
  EXPECT_EQ(Local(Stage(s, "corporate_review").opens_at), "2011-11-05T00:00:00+00:00");
  EXPECT_EQ(Local(Stage(s, "corporate_review").due_at), "2011-11-11T23:59:59+00:00");
  EXPECT_EQ(Local(Stage(s, "service_review_preparation").due_at), "2011-11-18T23:59:59+00:00");
  EXPECT_EQ(Local(Stage(s, "service_review").opens_at), "2011-11-12T00:00:00+00:00");
  EXPECT_EQ(Local(Stage(s, "service_review").due_at), "2011-11-25T23:59:59+00:00");
  // The order of the stages is the file's.
  std::vector<std::string> order;
  for (const StageSchedule& stage : s.stages) order.push_back(stage.id());
  EXPECT_THAT(order,
              ElementsAre("collation", "service_sign_off", "corporate_review_preparation",
                          "corporate_review", "service_review_preparation",
                          "corporate_review_findings", "service_review", "service_review_findings",
                          "six_monthly_report", "overview_and_scrutiny", "cabinet"));
}

// Peterborough: "inputted on to Performance Plus by the 10th day of the month".
TEST_F(ScheduleTest, PeterboroughDataByTheTenthOfTheFollowingMonth) {
  const CycleSchedule oct = Schedule("peterborough-monthly", "FY2011-M07");
  EXPECT_THAT(Ids(oct.figure_periods), ElementsAre("FY2011-M07"));
  const StageSchedule& entry = Stage(oct, "data_entry");
  EXPECT_EQ(Local(entry.opens_at), "2011-11-01T00:00:00+00:00");
  EXPECT_EQ(Local(entry.due_at), "2011-11-10T23:59:59+00:00");
  EXPECT_THAT(At(entry.reminders),
              ElementsAre("2011-11-03T09:00:00+00:00", "2011-11-09T09:00:00+00:00"));
  // 12th working day of November 2011, the last working day for CMT.
  EXPECT_EQ(Stage(oct, "service_sign_off").due_on, LocalDay(date::year(2011) / 11 / 16));
  EXPECT_EQ(Stage(oct, "cmt_review").due_on, LocalDay(date::year(2011) / 11 / 30));
  // Cabinet and Scrutiny are quarterly: not for October.
  EXPECT_FALSE(Has(oct, "cabinet"));
  EXPECT_FALSE(Has(oct, "scrutiny"));
}

TEST_F(ScheduleTest, PeterboroughCabinetAndScrutinyOnlyAfterQuarterMonths) {
  const CycleSchedule sep = Schedule("peterborough-monthly", "FY2011-M06");
  EXPECT_THAT(Ids(sep.figure_periods), ElementsAre("FY2011-M06", "FY2011-Q2"));
  EXPECT_EQ(Local(Stage(sep, "cabinet").opens_at), "2011-11-01T00:00:00+00:00");
  EXPECT_EQ(Local(Stage(sep, "cabinet").due_at), "2011-11-30T23:59:59+00:00");
  EXPECT_EQ(Stage(sep, "scrutiny").definition->challenge_stage(), v1::CHALLENGE_STAGE_SCRUTINY);
  const CycleSchedule mar = Schedule("peterborough-monthly", "FY2011-M12");
  EXPECT_THAT(Ids(mar.figure_periods), ElementsAre("FY2011-M12", "FY2011-Q4", "FY2011"));
}

TEST_F(ScheduleTest, PeterboroughRemindersSkipTheNewYearHoliday) {
  // December 2011's data is due Tuesday 10 January 2012; five working days before skips the
  // substitute New Year holiday on Monday 2 January: Tuesday 3 January.
  const CycleSchedule dec = Schedule("peterborough-monthly", "FY2011-M09");
  const StageSchedule& entry = Stage(dec, "data_entry");
  EXPECT_THAT(At(entry.reminders),
              ElementsAre("2012-01-03T09:00:00+00:00", "2012-01-09T09:00:00+00:00"));
  // November's is due on Saturday 10 December: a calendar day, not moved; the reminder five
  // working days before is Monday 5 December.
  const CycleSchedule november = Schedule("peterborough-monthly", "FY2011-M08");
  const StageSchedule& nov = Stage(november, "data_entry");
  EXPECT_EQ(Local(nov.due_at), "2011-12-10T23:59:59+00:00");
  EXPECT_EQ(Local(nov.reminders[0].at), "2011-12-05T09:00:00+00:00");
}

TEST_F(ScheduleTest, PeterboroughRungsSkipChristmasAndNewYear) {
  // November 2011's diagnostic findings are due on the last working day of December, Friday
  // 30th; +1, +3, +5 working days skip Monday 2 January: Tuesday 3, Thursday 5, Monday 9.
  const CycleSchedule s = Schedule("peterborough-monthly", "FY2011-M08");
  const StageSchedule& findings = Stage(s, "diagnostic_findings");
  EXPECT_EQ(findings.due_on, LocalDay(date::year(2011) / 12 / 30));
  EXPECT_THAT(At(findings.ladder),
              ElementsAre("2012-01-03T09:00:00+00:00", "2012-01-05T09:00:00+00:00",
                          "2012-01-09T09:00:00+00:00"));
}

// Herefordshire: IPFRs in months 2, 4, ..., 12; director reports January, April, July,
// October; the outturn in June.
TEST_F(ScheduleTest, HerefordshireIpfrMonths) {
  const CycleSchedule may = Schedule("herefordshire-ipfr", "FY2011-M02");
  EXPECT_THAT(Ids(may.figure_periods), ElementsAre("FY2011-M02", "FY2011-B1"));
  EXPECT_EQ(Stage(may, "monthly_figures").due_on, LocalDay(date::year(2011) / 6 / 7));
  EXPECT_EQ(Stage(may, "ipfr_verification").due_on, LocalDay(date::year(2011) / 6 / 14));
  EXPECT_EQ(Local(Stage(may, "ipfr_cabinet_and_cmb").due_at), "2011-06-30T23:59:59+01:00");
  EXPECT_EQ(Local(Stage(may, "smc_review").due_at), "2011-07-29T23:59:59+01:00");
  EXPECT_FALSE(Has(may, "director_quarterly"));
  EXPECT_FALSE(Has(may, "year_end_outturn"));
  // June is not an IPFR month, but ends a quarter: the director reports in July.
  const CycleSchedule june = Schedule("herefordshire-ipfr", "FY2011-M03");
  EXPECT_FALSE(Has(june, "ipfr_cabinet_and_cmb"));
  EXPECT_EQ(Local(Stage(june, "director_quarterly").opens_at), "2011-07-01T00:00:00+01:00");
  EXPECT_EQ(Local(Stage(june, "director_quarterly").due_at), "2011-07-29T23:59:59+01:00");
  // The quarter to December is reported in January.
  const CycleSchedule dec = Schedule("herefordshire-ipfr", "FY2011-M09");
  EXPECT_EQ(Local(Stage(dec, "director_quarterly").opens_at), "2012-01-01T00:00:00+00:00");
  EXPECT_EQ(Local(Stage(dec, "director_quarterly").due_at), "2012-01-31T23:59:59+00:00");
}

TEST_F(ScheduleTest, HerefordshireYearEndOutturnInJune) {
  const CycleSchedule mar = Schedule("herefordshire-ipfr", "FY2011-M12");
  EXPECT_THAT(Ids(mar.figure_periods),
              ElementsAre("FY2011-M12", "FY2011-B6", "FY2011-Q4", "FY2011"));
  const StageSchedule& outturn = Stage(mar, "year_end_outturn");
  EXPECT_EQ(Local(outturn.opens_at), "2012-04-01T00:00:00+01:00");
  EXPECT_EQ(Local(outturn.due_at), "2012-06-29T23:59:59+01:00");
  // 10 and 5 working days before Friday 29 June 2012.
  EXPECT_THAT(At(outturn.reminders),
              ElementsAre("2012-06-15T09:00:00+01:00", "2012-06-22T09:00:00+01:00"));
  EXPECT_EQ(Local(Stage(mar, "director_quarterly").due_at), "2012-04-30T23:59:59+01:00");
  EXPECT_FALSE(Has(Schedule("herefordshire-ipfr", "FY2011-M11"), "year_end_outturn"));
  // The cycle lasts until the outturn is due.
  EXPECT_EQ(Local(mar.ends_at), "2012-06-29T23:59:59+01:00");
}

// Leeds: directorate approval before corporate submission, partnership sign-off and rating.
TEST_F(ScheduleTest, LeedsQuarterTwoInWorkingDays) {
  const CycleSchedule s = Schedule("leeds-quarterly", "FY2011-Q2");
  // 10th, 12th, 15th and 20th working days after Friday 30 September 2011.
  EXPECT_EQ(Stage(s, "collection").due_on, LocalDay(date::year(2011) / 10 / 14));
  EXPECT_EQ(Stage(s, "service_sign_off").due_on, LocalDay(date::year(2011) / 10 / 18));
  EXPECT_EQ(Stage(s, "directorate_approval").due_on, LocalDay(date::year(2011) / 10 / 21));
  EXPECT_EQ(Stage(s, "corporate_verification").due_on, LocalDay(date::year(2011) / 10 / 28));
  const StageSchedule& board = Stage(s, "partnership_sign_off");
  EXPECT_EQ(board.definition->complete_when().all_figures_signed_off().level(),
            v1::SIGN_OFF_LEVEL_PARTNERSHIP);
  EXPECT_EQ(Local(board.opens_at), "2011-10-15T00:00:00+01:00");
  EXPECT_EQ(Local(board.due_at), "2011-11-25T23:59:59+00:00");
  EXPECT_TRUE(board.ladder.empty());
  EXPECT_EQ(board.partnership_ladder_id, "partnership");
  EXPECT_THAT(At(board.partnership_ladder),
              ElementsAre("2011-11-29T09:00:00+00:00", "2011-12-09T09:00:00+00:00"));
  EXPECT_THAT(board.partnership_ladder[1].roles, ElementsAre(v1::ROLE_LEEDS_INITIATIVE_BOARD));
  EXPECT_TRUE(Stage(s, "partnership_progress_rating")
                  .definition->complete_when()
                  .has_priority_ratings_recorded());
  // Figures of partnership indicators climb the partnership ladder, the rest the council's.
  const StageSchedule& collection = Stage(s, "collection");
  EXPECT_EQ(collection.ladder_id, "late_return");
  EXPECT_THAT(At(collection.partnership_ladder),
              ElementsAre("2011-10-18T09:00:00+01:00", "2011-10-28T09:00:00+01:00"));
}

TEST_F(ScheduleTest, LeedsWorkingDaysSkipNewYearAndEaster) {
  // Q3 ends Saturday 31 December 2011; Monday 2 January 2012 is a holiday: the 10th working
  // day is Monday 16 January, the 15th Monday 23 January.
  const CycleSchedule q3 = Schedule("leeds-quarterly", "FY2011-Q3");
  EXPECT_EQ(Stage(q3, "collection").due_on, LocalDay(date::year(2012) / 1 / 16));
  EXPECT_EQ(Stage(q3, "directorate_approval").due_on, LocalDay(date::year(2012) / 1 / 23));
  // Q4 ends Saturday 31 March 2012; Good Friday 6 and Easter Monday 9 April: Tuesday 17 April.
  const CycleSchedule q4 = Schedule("leeds-quarterly", "FY2011-Q4");
  EXPECT_EQ(Stage(q4, "collection").due_on, LocalDay(date::year(2012) / 4 / 17));
}

TEST_F(ScheduleTest, RefusesAPeriodTheCadenceDoesNotOpen) {
  const Workflow* w = catalogue_->Find("leeds-quarterly");
  auto s = ScheduleCycle(*w, *Period::Parse("FY2011-M07"), cal());
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(s.error().field, "period");
  EXPECT_THAT(s.error().message, HasSubstr("FREQUENCY_QUARTERLY periods; FY2011-M07 is not one"));
}

TEST_F(ScheduleTest, RefusesDaysBeyondTheCalendarsYears) {
  const Workflow* w = catalogue_->Find("herefordshire-ipfr");
  // March 2036's outturn is due in June 2036; the file covers 2008-2035.
  auto s = ScheduleCycle(*w, *Period::Parse("FY2035-M12"), cal());
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().code, ErrorCode::kFailedPrecondition);
  EXPECT_THAT(s.error().message, HasSubstr("2008-2035"));
  // The last covered year still schedules.
  EXPECT_TRUE(ScheduleCycle(*w, *Period::Parse("FY2035-M06"), cal()));
}

TEST_F(ScheduleTest, EveryShippedWorkflowSchedulesEveryPeriodOfTheCoveredYears) {
  for (const std::string& id : catalogue_->ids()) {
    const Workflow& w = *catalogue_->Find(id);
    int cycles = 0;
    for (Period p =
             Period::Containing(w.definition().cadence().frequency(), date::year(2008) / 4 / 1);
         p.fiscal_year() <= 2033; p = p.Next()) {
      if (!w.OpensCycleFor(p)) continue;
      auto s = ScheduleCycle(w, p, cal());
      ASSERT_TRUE(s) << s.error().ToString();
      ++cycles;
      for (const StageSchedule& stage : s->stages) {
        EXPECT_LE(stage.opens_at, stage.due_at) << id << " " << p.id() << " " << stage.id();
        for (const ScheduledReminder& r : stage.reminders) {
          EXPECT_GE(r.at, stage.opens_at) << id << " " << p.id() << " " << stage.id();
          EXPECT_LT(r.at, stage.due_at) << id << " " << p.id() << " " << stage.id();
          if (r.id.find("wd") != std::string::npos) {
            EXPECT_TRUE(cal().IsWorkingDay(cal().LocalDateOf(r.at))) << id << " " << r.id;
          }
        }
        for (const ScheduledRung& r : stage.ladder) {
          EXPECT_GT(r.at, stage.due_at);
          EXPECT_TRUE(cal().IsWorkingDay(cal().LocalDateOf(r.at))) << id << " " << p.id();
        }
      }
    }
    EXPECT_GT(cycles, 0) << id;
  }
}

TEST_F(ScheduleTest, IsAPureFunctionOfItsInputs) {
  const CycleSchedule a = Schedule("leeds-quarterly", "FY2011-Q2");
  const CycleSchedule b = Schedule("leeds-quarterly", "FY2011-Q2");
  ASSERT_EQ(a.stages.size(), b.stages.size());
  for (size_t i = 0; i < a.stages.size(); ++i) {
    EXPECT_EQ(a.stages[i].opens_at, b.stages[i].opens_at);
    EXPECT_EQ(a.stages[i].due_at, b.stages[i].due_at);
    EXPECT_EQ(At(a.stages[i].reminders), At(b.stages[i].reminders));
    EXPECT_EQ(At(a.stages[i].ladder), At(b.stages[i].ladder));
  }
  EXPECT_EQ(a.ends_at, b.ends_at);
}

// Rules the shipped files do not use, on small definitions of their own.
class ScheduleRulesTest : public ScheduleTest {
 protected:
  Workflow Parse(std::string_view stages, std::string_view cadence = "FREQUENCY_MONTHLY") const {
    const std::string text = std::string("id: \"rules\"\ntitle: \"Rules\"\nsource: \"tests\"\n") +
                             "cadence { frequency: " + std::string(cadence) + " }\n" +
                             "collects: " + std::string(cadence) + "\n" +
                             "finding_escalation { kind: DAY_KIND_WORKING days_after: [1, 5] }\n" +
                             std::string(stages);
    auto w = ParseWorkflow(text, "rules.textproto");
    EXPECT_TRUE(w) << w.error().ToString();
    return std::move(*w);
  }
};

TEST_F(ScheduleRulesTest, CalendarDayRemindersMayFallAtWeekends) {
  // October 2011's stage is due Monday 7 November; one calendar day before is Sunday 6th.
  const Workflow w = Parse(R"(stages {
    id: "entry" title: "Entry"
    due { after_period_end { days: 7 kind: DAY_KIND_CALENDAR } }
    complete_when { all_figures_submitted {} }
    responsible: ROLE_DATA_ENTRY
    reminders { days_before: 1 kind: DAY_KIND_CALENDAR roles: ROLE_SERVICE_MANAGER }
  })");
  auto s = ScheduleCycle(w, *Period::Parse("FY2011-M07"), cal());
  ASSERT_TRUE(s) << s.error().ToString();
  ASSERT_EQ(s->stages[0].reminders.size(), 1u);
  EXPECT_EQ(Local(s->stages[0].reminders[0].at), "2011-11-06T09:00:00+00:00");
  EXPECT_EQ(s->stages[0].reminders[0].id, "1d-before");
  EXPECT_EQ(s->stages[0].reminders[0].label, "1 day before");
  EXPECT_THAT(s->stages[0].reminders[0].roles, ElementsAre(v1::ROLE_SERVICE_MANAGER));
}

TEST_F(ScheduleRulesTest, RemindersBeforeTheStageOpensAreLeftOut) {
  // Open for two days only: a reminder five working days before would come before it opens.
  const Workflow w = Parse(R"(stages {
    id: "meeting" title: "Meeting"
    opens { after_period_end { days: 8 kind: DAY_KIND_CALENDAR } }
    due { after_period_end { days: 9 kind: DAY_KIND_CALENDAR } }
    complete_when { review_meeting_recorded {} }
    responsible: ROLE_PERFORMANCE_TEAM
    reminders { days_before: 5 kind: DAY_KIND_WORKING }
    reminders { days_before: 1 kind: DAY_KIND_CALENDAR }
  })");
  auto s = ScheduleCycle(w, *Period::Parse("FY2011-M07"), cal());
  ASSERT_TRUE(s) << s.error().ToString();
  EXPECT_THAT(At(s->stages[0].reminders), ElementsAre("2011-11-08T09:00:00+00:00"));
}

TEST_F(ScheduleRulesTest, TimesOfDayAreLocal) {
  const Workflow w = Parse(R"(stages {
    id: "meeting" title: "Meeting"
    opens { week: 1 at: "08:30" }
    due { week: 1 at: "17:00" }
    complete_when { review_meeting_recorded {} }
    responsible: ROLE_PERFORMANCE_TEAM
  })");
  // Week 1 after 30 September 2011 (BST) and after 31 October 2011 (GMT).
  auto sep = ScheduleCycle(w, *Period::Parse("FY2011-M06"), cal());
  ASSERT_TRUE(sep) << sep.error().ToString();
  EXPECT_EQ(Local(sep->stages[0].opens_at), "2011-10-01T08:30:00+01:00");
  EXPECT_EQ(Local(sep->stages[0].due_at), "2011-10-07T17:00:00+01:00");
  auto oct = ScheduleCycle(w, *Period::Parse("FY2011-M07"), cal());
  ASSERT_TRUE(oct);
  EXPECT_EQ(Local(oct->stages[0].due_at), "2011-11-07T17:00:00+00:00");
}

TEST_F(ScheduleRulesTest, BankHolidayThatPutsTheDueDayBeforeTheOpeningIsRefused) {
  // Opens the first working day after the month, due three calendar days after it. Without
  // bank holidays that always works; after Thursday 31 December 2015, with Friday 1 January a
  // holiday, it opens Monday 4 January and would fall due Sunday 3rd.
  const Workflow w = Parse(R"(stages {
    id: "entry" title: "Entry"
    opens { after_period_end { days: 1 kind: DAY_KIND_WORKING } }
    due { after_period_end { days: 3 kind: DAY_KIND_CALENDAR } }
    complete_when { all_figures_submitted {} }
    responsible: ROLE_DATA_ENTRY
  })");
  EXPECT_TRUE(ScheduleCycle(w, *Period::Parse("FY2015-M08"), cal()));
  auto s = ScheduleCycle(w, *Period::Parse("FY2015-M09"), cal());
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().code, ErrorCode::kFailedPrecondition);
  EXPECT_THAT(s.error().message, HasSubstr("stage 'entry' falls due before it opens in "
                                           "FY2015-M09"));
}

TEST_F(ScheduleRulesTest, FindingEscalationClimbsOnWorkingDays) {
  const Workflow w = Parse(R"(stages {
    id: "entry" title: "Entry"
    due { week: 1 }
    complete_when { all_figures_submitted {} }
    responsible: ROLE_DATA_ENTRY
  })");
  // A finding due Friday 23 December 2011: its owner's manager on Wednesday 28th (after Boxing
  // Day and the Christmas substitute), the next level up five working days after the due day,
  // skipping Monday 2 January too: Wednesday 4 January.
  auto at = FindingEscalationInstants(w, date::year(2011) / 12 / 23, cal());
  ASSERT_TRUE(at) << at.error().ToString();
  ASSERT_EQ(at->size(), 2u);
  EXPECT_EQ(Local((*at)[0]), "2011-12-28T09:00:00+00:00");
  EXPECT_EQ(Local((*at)[1]), "2012-01-04T09:00:00+00:00");
  EXPECT_FALSE(FindingEscalationInstants(w, date::year(2035) / 12 / 31, cal()));
}

}  // namespace
}  // namespace goldthread::engine
