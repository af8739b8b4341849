#include "engine/model/period.h"

#include <gtest/gtest.h>

namespace goldthread::engine {
namespace {

using date::literals::operator""_d;
using date::year_month_day;
using goldthread::v1::FREQUENCY_MONTHLY;
using goldthread::v1::FREQUENCY_QUARTERLY;

TEST(PeriodTest, QuarterTwoIsJulyToSeptember) {
  auto p = Period::Parse("FY2011-Q2");
  ASSERT_TRUE(p) << p.error().ToString();
  EXPECT_EQ(p->start(), year_month_day(date::year(2011) / 7 / 1));
  EXPECT_EQ(p->end(), year_month_day(date::year(2011) / 9 / 30));
  EXPECT_EQ(p->frequency(), FREQUENCY_QUARTERLY);
  EXPECT_EQ(p->id(), "FY2011-Q2");
}

TEST(PeriodTest, MonthSevenIsOctober) {
  auto p = Period::Parse("FY2011-M07");
  ASSERT_TRUE(p);
  EXPECT_EQ(p->start(), year_month_day(date::year(2011) / 10 / 1));
  EXPECT_EQ(p->end(), year_month_day(date::year(2011) / 10 / 31));
}

TEST(PeriodTest, YearRunsAprilToMarch) {
  auto p = Period::Parse("FY2011");
  ASSERT_TRUE(p);
  EXPECT_EQ(p->start(), year_month_day(date::year(2011) / 4 / 1));
  EXPECT_EQ(p->end(), year_month_day(date::year(2012) / 3 / 31));
  auto q4 = Period::Parse("FY2011-Q4");
  EXPECT_EQ(q4->end(), year_month_day(date::year(2012) / 3 / 31));
  auto feb = Period::Parse("FY2011-M11");
  EXPECT_EQ(feb->end(), year_month_day(date::year(2012) / 2 / 29));  // leap year
}

TEST(PeriodTest, BiMonthlyAndHalfYears) {
  EXPECT_EQ(Period::Parse("FY2011-B3")->start(), year_month_day(date::year(2011) / 8 / 1));
  EXPECT_EQ(Period::Parse("FY2011-H2")->end(), year_month_day(date::year(2012) / 3 / 31));
}

TEST(PeriodTest, RejectsMalformedIds) {
  for (const char* bad : {"", "2011-Q2", "FY11-Q2", "FY2011-Q5", "FY2011-Q0", "FY2011-M7",
                          "FY2011-M13", "FY2011-X1", "FY2011Q2", "FY2011-Q", "FY1850"}) {
    auto p = Period::Parse(bad);
    ASSERT_FALSE(p) << bad;
    EXPECT_EQ(p.error().code, ErrorCode::kInvalidArgument);
    EXPECT_EQ(p.error().field, "period");
  }
}

TEST(PeriodTest, PreviousAndNextCrossYearBoundaries) {
  EXPECT_EQ(Period::Parse("FY2011-Q1")->Previous().id(), "FY2010-Q4");
  EXPECT_EQ(Period::Parse("FY2011-M12")->Next().id(), "FY2012-M01");
  EXPECT_EQ(Period::Parse("FY2011-Q3")->YearEarlier().id(), "FY2010-Q3");
}

TEST(PeriodTest, ContainingFindsThePeriodOfADate) {
  EXPECT_EQ(Period::Containing(FREQUENCY_QUARTERLY, date::year(2012) / 3 / 31).id(), "FY2011-Q4");
  EXPECT_EQ(Period::Containing(FREQUENCY_QUARTERLY, date::year(2012) / 4 / 1).id(), "FY2012-Q1");
  EXPECT_EQ(Period::Containing(FREQUENCY_MONTHLY, date::year(2011) / 10 / 15).id(), "FY2011-M07");
}

}  // namespace
}  // namespace goldthread::engine
