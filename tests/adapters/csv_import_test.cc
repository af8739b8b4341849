// Imports from CSV (adapters/csv_import.h) against the small council of CouncilFixture: all rows
// or none, every problem named by line, dry runs that write nothing.
#include "adapters/formats/csv_import.h"

#include <gtest/gtest.h>

#include "tests/testing/council_fixture.h"

namespace goldthread::adapters {
namespace {

using engine::BatchMode;
using CsvImportTest = goldthread::testing::CouncilFixture;

TEST_F(CsvImportTest, AGoodFigureFileApplies) {
  const uint64_t head = Head();
  auto report = ImportCsv(*handler_, ImportKind::kFigures,
                          "indicator_id,period,value,commentary,entered_by\r\n"
                          "NI-192,FY2011-Q1,58.5,\"Up on last year, as planned\",p-entry\r\n"
                          "NI-192,FY2011-Q2,61.2,,p-entry2\r\n",
                          BatchMode::kApply);
  ASSERT_TRUE(report) << report.error().ToString();
  EXPECT_TRUE(report->problems.empty()) << report->problems[0].message;
  EXPECT_TRUE(report->applied);
  EXPECT_EQ(report->rows, 2u);
  EXPECT_EQ(report->first_position, head + 1);
  EXPECT_EQ(Head(), head + 2);
  auto figure = handler_->LoadFigure("NI-192", "FY2011-Q1");
  ASSERT_TRUE(figure);
  EXPECT_EQ(figure->stream_version, 1u);
  auto events = ReadStream("t/figure/NI-192/FY2011-Q2");
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].envelope.actor(), "p-entry2");
  EXPECT_DOUBLE_EQ(events[0].event.figure_submitted().value().value(), 61.2);
}

TEST_F(CsvImportTest, OneBadRowAppliesNothingAndNamesTheRowAndReason) {
  const uint64_t head = Head();
  auto report = ImportCsv(*handler_, ImportKind::kFigures,
                          "indicator_id,period,value,entered_by\n"
                          "NI-192,FY2011-Q1,58.5,p-entry\n"
                          "NI-192,FY2011-Q2,61.2,p-care\n"  // not entitled to enter NI-192
                          "NI-192,FY2010-Q4,60.0,p-entry\n",
                          BatchMode::kApply);
  ASSERT_TRUE(report) << report.error().ToString();
  EXPECT_FALSE(report->applied);
  ASSERT_EQ(report->problems.size(), 1u);
  EXPECT_EQ(report->problems[0].line, 3u);
  EXPECT_NE(report->problems[0].message.find("p-care"), std::string::npos)
      << report->problems[0].message;
  EXPECT_EQ(Head(), head);
}

TEST_F(CsvImportTest, ADryRunReportsEveryRowsProblemAndWritesNothing) {
  const uint64_t head = Head();
  auto report = ImportCsv(*handler_, ImportKind::kFigures,
                          "indicator_id,period,value,entered_by\n"
                          "NI-192,FY2011-Q1,lots,p-entry\n"  // not a number
                          "NI-192,FY2011-Q2,61.2,p-entry\n"  // good
                          "NO-SUCH,FY2011-Q2,1,p-entry\n"    // unknown indicator
                          "NI-192,FY2011-Q3,,p-entry\n",     // no value, no reason
                          BatchMode::kDryRun);
  ASSERT_TRUE(report) << report.error().ToString();
  EXPECT_FALSE(report->applied);
  ASSERT_EQ(report->problems.size(), 3u);
  EXPECT_EQ(report->problems[0].line, 2u);
  EXPECT_NE(report->problems[0].message.find("not a number"), std::string::npos);
  EXPECT_EQ(report->problems[1].line, 4u);
  EXPECT_NE(report->problems[1].message.find("NO-SUCH"), std::string::npos)
      << report->problems[1].message;
  EXPECT_EQ(report->problems[2].line, 5u);
  EXPECT_EQ(Head(), head);

  auto good = ImportCsv(*handler_, ImportKind::kFigures,
                        "indicator_id,period,value,entered_by\nNI-192,FY2011-Q2,61.2,p-entry\n",
                        BatchMode::kDryRun);
  ASSERT_TRUE(good) << good.error().ToString();
  EXPECT_TRUE(good->problems.empty());
  EXPECT_FALSE(good->applied);
  EXPECT_EQ(Head(), head);
}

TEST_F(CsvImportTest, MalformedFilesAreClearErrors) {
  const uint64_t head = Head();
  auto unbalanced = ImportCsv(*handler_, ImportKind::kFigures,
                              "indicator_id,period,value,entered_by\n"
                              "NI-192,FY2011-Q1,\"58.5,p-entry\n",
                              BatchMode::kApply);
  ASSERT_FALSE(unbalanced);
  EXPECT_NE(unbalanced.error().message.find("line 2"), std::string::npos);
  auto columns =
      ImportCsv(*handler_, ImportKind::kFigures,
                "indicator_id,period,value,entered_by\nNI-192,FY2011-Q1,58.5\n", BatchMode::kApply);
  ASSERT_FALSE(columns);
  EXPECT_EQ(columns.error().message, "line 2: 3 fields, but the header has 4");
  auto unknown = ImportCsv(*handler_, ImportKind::kFigures,
                           "indicator_id,period,value,entered_by,colour\n"
                           "NI-192,FY2011-Q1,58.5,p-entry,red\n",
                           BatchMode::kApply);
  ASSERT_FALSE(unknown);
  EXPECT_NE(unknown.error().message.find("unknown column 'colour'"), std::string::npos)
      << unknown.error().message;
  auto missing = ImportCsv(*handler_, ImportKind::kFigures,
                           "indicator_id,period,value\nNI-192,FY2011-Q1,58.5\n", BatchMode::kApply);
  ASSERT_FALSE(missing);
  EXPECT_NE(missing.error().message.find("'entered_by' is missing"), std::string::npos);
  EXPECT_EQ(Head(), head);
}

TEST_F(CsvImportTest, TheSameFileImportedTwiceAppliesOnce) {
  const std::string file = "indicator_id,period,value,entered_by\nNI-192,FY2011-Q1,58.5,p-entry\n";
  auto first = ImportCsv(*handler_, ImportKind::kFigures, file, BatchMode::kApply);
  ASSERT_TRUE(first && first->applied);
  const uint64_t head = Head();
  auto second = ImportCsv(*handler_, ImportKind::kFigures, file, BatchMode::kApply);
  ASSERT_TRUE(second) << second.error().ToString();
  EXPECT_TRUE(second->problems.empty());
  EXPECT_EQ(second->already_applied, 1u);
  EXPECT_EQ(Head(), head);
}

TEST_F(CsvImportTest, IndicatorsAndTargetsApplyInFileOrder) {
  const uint64_t head = Head();
  auto report = ImportCsv(
      *handler_, ImportKind::kIndicators,
      "indicator_id,title,definition,method_of_calculation,unit,decimal_places,valid_min,"
      "valid_max,polarity,frequency,owning_unit_id,perspective,amber_tolerance,target_period,"
      "target,target_reason,entered_by\n"
      "LI-20,Missed bin collections per 100k,\"Collections missed, per 100,000 due\",missed / "
      "due x 100000,number,0,0,,lower,quarterly,svc-waste,process,10%,FY2011-Q1,80,service plan,"
      "p-perf\n"
      "LI-20,,,,,,,,,,,,,FY2011-Q2,75,service plan,p-perf\n",
      BatchMode::kApply);
  ASSERT_TRUE(report) << report.error().ToString();
  ASSERT_TRUE(report->problems.empty())
      << report->problems[0].line << ": " << report->problems[0].message;
  EXPECT_TRUE(report->applied);
  EXPECT_EQ(report->commands, 3u);
  EXPECT_EQ(Head(), head + 3);
  bool checked = false;
  ASSERT_TRUE(handler_->ReadModel([&](const engine::CouncilModel& model) {
    const engine::Indicator* i = model.FindIndicator("LI-20");
    ASSERT_NE(i, nullptr);
    EXPECT_EQ(i->definition.polarity(), goldthread::v1::POLARITY_LOWER_IS_BETTER);
    EXPECT_DOUBLE_EQ(i->definition.amber_tolerance().percent(), 10);
    EXPECT_EQ(i->targets.at("FY2011-Q2"), 75);
    checked = true;
  }));
  EXPECT_TRUE(checked);

  auto bad = ImportCsv(*handler_, ImportKind::kIndicators,
                       "indicator_id,title,definition,polarity,owning_unit_id,entered_by\n"
                       "LI-21,Something,Something counted,sideways,svc-waste,p-perf\n",
                       BatchMode::kDryRun);
  ASSERT_TRUE(bad);
  ASSERT_EQ(bad->problems.size(), 1u);
  EXPECT_NE(bad->problems[0].message.find("polarity 'sideways'"), std::string::npos)
      << bad->problems[0].message;
}

}  // namespace
}  // namespace goldthread::adapters
