#include "engine/timetable/workflow.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>

#include "tests/testing/temp_dir.h"

namespace goldthread::engine {
namespace {

namespace v1 = goldthread::v1;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

// A small valid definition the tests break one way at a time. (Not R"pb(: clang-format would
// re-indent it.)
constexpr std::string_view kValid = R"wf(id: "test"
title: "Test workflow"
source: "tests"
cadence { frequency: FREQUENCY_QUARTERLY }
collects: [FREQUENCY_QUARTERLY, FREQUENCY_MONTHLY]
escalation_ladders {
  id: "council"
  kind: DAY_KIND_WORKING
  rungs { days_after: 1 roles: ROLE_SERVICE_MANAGER }
  rungs { days_after: 3 roles: ROLE_DIRECTOR }
}
stages {
  id: "collation"
  title: "Collation"
  opens { week: 1 }
  due { week: 3 }
  complete_when { all_figures_submitted {} }
  responsible: ROLE_DATA_ENTRY
  reminders { days_before: 5 kind: DAY_KIND_WORKING }
  escalation_ladders: "council"
}
stages {
  id: "service_review"
  title: "Service review"
  opens { week: 5 }
  due { week: 6 }
  complete_when { review_meeting_recorded {} }
  responsible: ROLE_SERVICE_MANAGER
  challenge_stage: CHALLENGE_STAGE_SERVICE_REVIEW
}
)wf";

// `text` with the first `from` replaced by `to` (the test fails if `from` is missing).
std::string Replace(std::string_view text, std::string_view from, std::string_view to) {
  std::string out(text);
  const size_t at = out.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  if (at != std::string::npos) out.replace(at, from.size(), to);
  return out;
}

// The 1-based line on which `needle` first occurs (the `occurrence`th time, from 1).
int LineOf(std::string_view text, std::string_view needle, int occurrence = 1) {
  size_t at = std::string_view::npos;
  size_t from = 0;
  for (int i = 0; i < occurrence; ++i) {
    at = text.find(needle, from);
    if (at == std::string_view::npos) {
      ADD_FAILURE() << "'" << needle << "' not in the text";
      return -1;
    }
    from = at + 1;
  }
  return 1 + static_cast<int>(std::count(text.begin(), text.begin() + at, '\n'));
}

// Parses `text` as test.textproto and returns the error message ("" when it parsed).
std::string ErrorOf(std::string_view text) {
  Result<Workflow> w = ParseWorkflow(text, "workflows/test.textproto");
  if (w) return "";
  EXPECT_EQ(w.error().code, ErrorCode::kInvalidArgument);
  return w.error().message;
}

std::string At(int line) { return "workflows/test.textproto:" + std::to_string(line) + ":"; }

TEST(WorkflowTest, TheTestDefinitionIsValid) {
  Result<Workflow> w = ParseWorkflow(kValid, "workflows/test.textproto");
  ASSERT_TRUE(w) << w.error().ToString();
  EXPECT_EQ(w->id(), "test");
  EXPECT_EQ(w->file(), "workflows/test.textproto");
  EXPECT_EQ(w->sha256().size(), 32u);
  EXPECT_EQ(w->notice_time(), std::chrono::minutes(9 * 60));
  EXPECT_EQ(w->StageIndex("service_review"), 1);
  EXPECT_EQ(w->StageIndex("nope"), -1);
  EXPECT_EQ(w->compiled_stage(0).ladder, 0);
  EXPECT_EQ(w->compiled_stage(0).partnership_ladder, -1);
  EXPECT_EQ(w->compiled_stage(1).ladder, -1);
}

TEST(WorkflowTest, EveryShippedWorkflowLoads) {
  Result<WorkflowCatalogue> catalogue = WorkflowCatalogue::Load(DefaultWorkflowsDir());
  ASSERT_TRUE(catalogue) << catalogue.error().ToString();
  EXPECT_THAT(catalogue->ids(),
              ElementsAre("chesterfield-corporate-first", "chesterfield-service-first",
                          "herefordshire-ipfr", "leeds-quarterly", "peterborough-monthly"));
  for (const std::string& id : catalogue->ids()) {
    const Workflow* w = catalogue->Find(id);
    ASSERT_NE(w, nullptr) << id;
    EXPECT_FALSE(w->definition().stages().empty()) << id;
    EXPECT_FALSE(w->definition().source().empty()) << id;
    for (const auto& stage : w->definition().stages()) {
      EXPECT_FALSE(stage.source().empty()) << id << " " << stage.id() << " is not traced";
    }
  }
  EXPECT_EQ(catalogue->Find("nope"), nullptr);
}

TEST(WorkflowTest, EachShippedFileLoadsOnItsOwn) {
  for (const char* id : {"chesterfield-service-first", "chesterfield-corporate-first",
                         "peterborough-monthly", "herefordshire-ipfr", "leeds-quarterly"}) {
    const std::string path = DefaultWorkflowsDir() + "/" + id + ".textproto";
    Result<WorkflowCatalogue> one = WorkflowCatalogue::Load(path);
    ASSERT_TRUE(one) << one.error().ToString();
    EXPECT_THAT(one->ids(), ElementsAre(id));
  }
}

TEST(WorkflowTest, CadenceDecidesWhichPeriodsOpenCycles) {
  Result<WorkflowCatalogue> catalogue = WorkflowCatalogue::Load(DefaultWorkflowsDir());
  ASSERT_TRUE(catalogue) << catalogue.error().ToString();
  const Workflow& chesterfield = *catalogue->Find("chesterfield-service-first");
  EXPECT_TRUE(chesterfield.OpensCycleFor(*Period::Parse("FY2011-Q2")));
  EXPECT_FALSE(chesterfield.OpensCycleFor(*Period::Parse("FY2011-M06")));
  // The six-monthly report occurs after Q2 and Q4 only.
  const int report = chesterfield.StageIndex("six_monthly_report");
  ASSERT_GE(report, 0);
  EXPECT_TRUE(chesterfield.StageOccursIn(report, *Period::Parse("FY2011-Q2")));
  EXPECT_FALSE(chesterfield.StageOccursIn(report, *Period::Parse("FY2011-Q3")));
  EXPECT_TRUE(chesterfield.StageOccursIn(report, *Period::Parse("FY2011-Q4")));

  auto bimonthly = ParseWorkflow(
      Replace(Replace(kValid, "frequency: FREQUENCY_QUARTERLY }",
                      "frequency: FREQUENCY_BI_MONTHLY period_end_months: [MONTH_JULY, "
                      "MONTH_JANUARY] }"),
              "collects: [FREQUENCY_QUARTERLY, FREQUENCY_MONTHLY]", "collects: FREQUENCY_MONTHLY"),
      "workflows/test.textproto");
  ASSERT_TRUE(bimonthly) << bimonthly.error().ToString();
  EXPECT_TRUE(bimonthly->OpensCycleFor(*Period::Parse("FY2011-B2")));   // June-July
  EXPECT_FALSE(bimonthly->OpensCycleFor(*Period::Parse("FY2011-B3")));  // August-September
  EXPECT_TRUE(bimonthly->OpensCycleFor(*Period::Parse("FY2011-B5")));   // December-January
}

TEST(WorkflowTest, SyntaxErrorNamesFileAndLine) {
  const std::string text = Replace(kValid, "due { week: 6 }", "due { week 6 }");
  EXPECT_THAT(ErrorOf(text), HasSubstr(At(LineOf(text, "due { week 6 }"))));
}

TEST(WorkflowTest, UnknownFieldNamesFileAndLine) {
  const std::string text = Replace(kValid, "title: \"Collation\"", "titel: \"Collation\"");
  const std::string error = ErrorOf(text);
  EXPECT_THAT(error, HasSubstr(At(LineOf(text, "titel"))));
  EXPECT_THAT(error, HasSubstr("titel"));
}

TEST(WorkflowTest, UnknownRoleNameIsRefusedWithItsLine) {
  const std::string text =
      Replace(kValid, "responsible: ROLE_SERVICE_MANAGER", "responsible: ROLE_HEAD_OF_SERVICE");
  const std::string error = ErrorOf(text);
  EXPECT_THAT(error, HasSubstr(At(LineOf(text, "ROLE_HEAD_OF_SERVICE"))));
  EXPECT_THAT(error, HasSubstr("ROLE_HEAD_OF_SERVICE"));
}

TEST(WorkflowTest, UnspecifiedOrUnknownRoleNumberIsRefusedWithItsLine) {
  std::string text = Replace(kValid, "responsible: ROLE_SERVICE_MANAGER",
                             "responsible: ROLE_SERVICE_MANAGER\n  responsible: 99");
  EXPECT_THAT(ErrorOf(text), HasSubstr(At(LineOf(text, "responsible: 99")) +
                                       " stage 'service_review': unknown role 99"));
  text = Replace(kValid, "rungs { days_after: 3 roles: ROLE_DIRECTOR }",
                 "rungs { days_after: 3 roles: ROLE_UNSPECIFIED }");
  EXPECT_THAT(ErrorOf(text), HasSubstr(At(LineOf(text, "ROLE_UNSPECIFIED"))));
}

TEST(WorkflowTest, StageThatFallsDueBeforeItOpensIsRefusedAtItsDueLine) {
  const std::string text = Replace(kValid, "due { week: 6 }", "due { week: 4 }");
  const std::string error = ErrorOf(text);
  EXPECT_THAT(error, HasSubstr(At(LineOf(text, "due { week: 4 }")) +
                               " stage 'service_review' falls due before it opens"));
  // It names a period where it happens, with the dates.
  EXPECT_THAT(error, HasSubstr("in FY2010-Q1 it opens 2010-07-29 and falls due 2010-07-28"));
}

TEST(WorkflowTest, DueTimeEarlierThanOpeningTimeOnTheSameDayIsRefused) {
  const std::string text =
      Replace(Replace(kValid, "opens { week: 5 }", "opens { week: 6 at: \"10:00\" }"),
              "due { week: 6 }", "due { week: 5 at: \"09:00\" }");
  EXPECT_THAT(ErrorOf(text), HasSubstr(At(LineOf(text, "due { week: 5")) +
                                       " stage 'service_review' falls due before it opens"));
  // 7 days later than it opens, at an earlier time of day, is fine.
  const std::string fine =
      Replace(Replace(kValid, "opens { week: 5 }", "opens { week: 5 at: \"10:00\" }"),
              "due { week: 6 }", "due { week: 6 at: \"09:00\" }");
  EXPECT_EQ(ErrorOf(fine), "");
}

TEST(WorkflowTest, DuplicateStageIdIsRefusedAtTheSecond) {
  const std::string text = Replace(kValid, "id: \"service_review\"", "id: \"collation\"");
  EXPECT_THAT(ErrorOf(text), HasSubstr(At(LineOf(text, "id: \"collation\"", 2)) +
                                       " duplicate stage id 'collation' (also line " +
                                       std::to_string(LineOf(text, "id: \"collation\"")) + ")"));
}

TEST(WorkflowTest, LadderRungsOutOfOrderAreRefusedAtTheOffendingRung) {
  const std::string text = Replace(kValid, "rungs { days_after: 3", "rungs { days_after: 1");
  EXPECT_THAT(ErrorOf(text), HasSubstr(At(LineOf(text, "rungs { days_after: 1", 2)) +
                                       " escalation ladder 'council': rungs must be in "
                                       "ascending order"));
}

TEST(WorkflowTest, ReminderOnOrAfterItsDueDateIsRefused) {
  for (const char* days : {"0", "-2"}) {
    const std::string text = Replace(kValid, "reminders { days_before: 5",
                                     std::string("reminders { days_before: ") + days);
    EXPECT_THAT(ErrorOf(text),
                HasSubstr(At(LineOf(text, "reminders {")) +
                          " stage 'collation' reminder 1 falls on or after its due date"));
  }
}

TEST(WorkflowTest, CompletionRuleMissingItsLevelOrRoleIsRefused) {
  std::string text = Replace(kValid, "complete_when { review_meeting_recorded {} }",
                             "complete_when {\n    all_figures_signed_off {}\n  }");
  EXPECT_THAT(ErrorOf(text), HasSubstr(At(LineOf(text, "all_figures_signed_off")) +
                                       " stage 'service_review': all_figures_signed_off needs "
                                       "its level"));
  text = Replace(kValid, "complete_when { review_meeting_recorded {} }",
                 "complete_when { closed_by_role {} }");
  EXPECT_THAT(ErrorOf(text), HasSubstr(At(LineOf(text, "closed_by_role")) +
                                       " stage 'service_review': closed_by_role needs its role"));
  text = Replace(kValid, "complete_when { review_meeting_recorded {} }", "");
  EXPECT_THAT(ErrorOf(text), HasSubstr("stage 'service_review' needs complete_when"));
}

TEST(WorkflowTest, FindingsAnsweredNeedsTheStagesChallengeStage) {
  const std::string text = Replace(Replace(kValid, "complete_when { review_meeting_recorded {} }",
                                           "complete_when { findings_answered {} }"),
                                   "  challenge_stage: CHALLENGE_STAGE_SERVICE_REVIEW\n", "");
  EXPECT_THAT(ErrorOf(text), HasSubstr(At(LineOf(text, "findings_answered")) +
                                       " stage 'service_review': findings_answered needs the "
                                       "stage's challenge_stage"));
}

TEST(WorkflowTest, UnknownLadderIsRefused) {
  const std::string text =
      Replace(kValid, "escalation_ladders: \"council\"", "escalation_ladders: \"counsel\"");
  EXPECT_THAT(ErrorOf(text), HasSubstr(At(LineOf(text, "\"counsel\"")) +
                                       " stage 'collation' names escalation ladder 'counsel'"));
}

TEST(WorkflowTest, TwoOrdinaryLaddersOnOneStageAreRefused) {
  const std::string text =
      Replace(Replace(kValid, "stages {",
                      "escalation_ladders {\n  id: \"other\"\n  kind: DAY_KIND_CALENDAR\n"
                      "  rungs { days_after: 2 roles: ROLE_DIRECTOR }\n}\nstages {"),
              "escalation_ladders: \"council\"", "escalation_ladders: [\"council\", \"other\"]");
  EXPECT_THAT(ErrorOf(text), HasSubstr("names two ordinary ladders ('council' and 'other')"));
}

TEST(WorkflowTest, MissingDayKindIsRefused) {
  const std::string text = Replace(kValid, "reminders { days_before: 5 kind: DAY_KIND_WORKING }",
                                   "reminders { days_before: 5 }");
  EXPECT_THAT(ErrorOf(text), HasSubstr(At(LineOf(text, "reminders {")) +
                                       " stage 'collation' reminder 1: kind is required"));
}

TEST(WorkflowTest, BadTimesOfDayAreRefused) {
  std::string text = Replace(kValid, "due { week: 3 }", "due { week: 3 at: \"24:00\" }");
  EXPECT_THAT(ErrorOf(text), HasSubstr(At(LineOf(text, "24:00")) +
                                       " stage 'collation' due: at '24:00' is not a time of day"));
  text = Replace(kValid, "source: \"tests\"", "source: \"tests\"\nnotice_time: \"9am\"");
  EXPECT_THAT(ErrorOf(text), HasSubstr(At(LineOf(text, "9am")) + " notice_time '9am'"));
}

TEST(WorkflowTest, IdMustMatchTheFileName) {
  Result<Workflow> w = ParseWorkflow(kValid, "workflows/other.textproto");
  ASSERT_FALSE(w);
  EXPECT_THAT(w.error().message,
              HasSubstr("workflows/other.textproto:1: id 'test' does not match the file name "
                        "'other.textproto'"));
}

TEST(WorkflowTest, CadenceMonthsMustEndAPeriodOfTheCadence) {
  const std::string text = Replace(kValid, "frequency: FREQUENCY_QUARTERLY }",
                                   "frequency: FREQUENCY_QUARTERLY\n"
                                   "  period_end_months: MONTH_MAY }");
  EXPECT_THAT(ErrorOf(text), HasSubstr(At(LineOf(text, "MONTH_MAY")) +
                                       " no FREQUENCY_QUARTERLY period ends in MONTH_MAY"));
}

TEST(WorkflowTest, MissingCadenceIsRefused) {
  const std::string text = Replace(kValid, "cadence { frequency: FREQUENCY_QUARTERLY }\n", "");
  EXPECT_THAT(ErrorOf(text), HasSubstr(At(1) + " cadence.frequency is required"));
}

TEST(WorkflowTest, StageThatCanNeverOccurIsRefused) {
  const std::string text =
      Replace(kValid, "  title: \"Service review\"",
              "  title: \"Service review\"\n  occurs { period_end_months: MONTH_AUGUST }");
  EXPECT_THAT(ErrorOf(text), HasSubstr(At(LineOf(text, "MONTH_AUGUST")) +
                                       " stage 'service_review' can never occur in "
                                       "MONTH_AUGUST"));
}

TEST(WorkflowTest, WorkingDayOfMonthThatSomeMonthLacksIsRefused) {
  const std::string text =
      Replace(kValid, "due { week: 3 }",
              "due { day_of_month { months_after: 2 day: 22 kind: DAY_KIND_WORKING } }");
  // Two months after a quarter: August, November, February, May. February has 20 weekdays.
  EXPECT_THAT(ErrorOf(text), HasSubstr(At(LineOf(text, "due { day_of_month")) +
                                       " stage 'collation' due: February"));
}

TEST(WorkflowTest, ReportsEveryProblemAtOnce) {
  const std::string text = Replace(Replace(kValid, "title: \"Collation\"", "title: \"\""),
                                   "responsible: ROLE_SERVICE_MANAGER", "");
  const std::string error = ErrorOf(text);
  EXPECT_THAT(error, HasSubstr(At(LineOf(text, "title: \"\"")) + " stage 'collation' needs a "
                                                                 "title"));
  EXPECT_THAT(error, HasSubstr("stage 'service_review' names no roles (responsible)"));
}

TEST(WorkflowCatalogueTest, DirectoryWithBrokenFilesNamesEachFile) {
  goldthread::testing::TempDir dir;
  std::ofstream(dir.Sub("test.textproto")) << kValid;
  std::ofstream(dir.Sub("second.textproto")) << Replace(
      Replace(kValid, "id: \"test\"", "id: \"second\""), "due { week: 6 }", "due { week: 4 }");
  std::ofstream(dir.Sub("third.textproto")) << "id: \"third\"\ntitle: oops\n";
  std::ofstream(dir.Sub("notes.txt")) << "not a workflow";
  Result<WorkflowCatalogue> catalogue = WorkflowCatalogue::Load(dir.path());
  ASSERT_FALSE(catalogue);
  EXPECT_EQ(catalogue.error().code, ErrorCode::kInvalidArgument);
  EXPECT_THAT(catalogue.error().message,
              HasSubstr(dir.Sub("second.textproto") + ":" +
                        std::to_string(LineOf(kValid, "due { week: 6 }")) + ":"));
  EXPECT_THAT(catalogue.error().message, HasSubstr(dir.Sub("third.textproto") + ":2:"));
}

TEST(WorkflowCatalogueTest, DirectoryWithoutDefinitionsIsNotFound) {
  goldthread::testing::TempDir dir;
  Result<WorkflowCatalogue> catalogue = WorkflowCatalogue::Load(dir.path());
  ASSERT_FALSE(catalogue);
  EXPECT_EQ(catalogue.error().code, ErrorCode::kNotFound);
  EXPECT_EQ(WorkflowCatalogue::Load(dir.Sub("missing.textproto")).error().code,
            ErrorCode::kNotFound);
}

TEST(WorkflowCatalogueTest, DuplicateIdsAreRefused) {
  std::vector<Workflow> two;
  two.push_back(*ParseWorkflow(kValid, "a/test.textproto"));
  two.push_back(*ParseWorkflow(kValid, "b/test.textproto"));
  Result<WorkflowCatalogue> catalogue = WorkflowCatalogue::FromWorkflows(std::move(two));
  ASSERT_FALSE(catalogue);
  EXPECT_THAT(catalogue.error().message, HasSubstr("workflow id 'test' is also defined in"));
}

TEST(WorkflowTest, ElementOfAListIsReportedAtTheLineTheListStarts) {
  // The text-format parser records one location per "[...]" list.
  const std::string text = Replace(kValid, "collects: [FREQUENCY_QUARTERLY, FREQUENCY_MONTHLY]",
                                   "collects: [\n  FREQUENCY_QUARTERLY,\n  FREQUENCY_QUARTERLY\n]");
  EXPECT_THAT(ErrorOf(text),
              HasSubstr(At(LineOf(text, "collects: [")) + " collects FREQUENCY_QUARTERLY twice"));
  // Written one per line, each element has its own line.
  const std::string lines = Replace(kValid, "collects: [FREQUENCY_QUARTERLY, FREQUENCY_MONTHLY]",
                                    "collects: FREQUENCY_QUARTERLY\ncollects: FREQUENCY_QUARTERLY");
  EXPECT_THAT(ErrorOf(lines),
              HasSubstr(At(LineOf(lines, "collects:", 2)) + " collects FREQUENCY_QUARTERLY twice"));
}

}  // namespace
}  // namespace goldthread::engine
