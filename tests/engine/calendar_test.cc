#include "engine/timetable/calendar.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

namespace goldthread::engine {
namespace {

using date::days;
using namespace date;
using std::chrono::hours;
using std::chrono::microseconds;
using std::chrono::minutes;
using ::testing::HasSubstr;

// A UTC instant written out in full, so the expected values are read straight off a clock.
TimePoint Utc(date::year_month_day day, int h, int m, int s, int us = 0) {
  return TimePoint(LocalDay(day).time_since_epoch()) + hours(h) + minutes(m) +
         std::chrono::seconds(s) + microseconds(us);
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

class ShippedCalendarTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto cal = Calendar::Load(DefaultBankHolidaysPath());
    ASSERT_TRUE(cal) << cal.error().ToString();
    calendar_ = new Calendar(std::move(*cal));
  }
  static void TearDownTestSuite() {
    delete calendar_;
    calendar_ = nullptr;
  }
  const Calendar& cal() const { return *calendar_; }

  static Calendar* calendar_;
};
Calendar* ShippedCalendarTest::calendar_ = nullptr;

TEST(EasterTest, AnonymousGregorianAlgorithmMatchesKnownEasters) {
  EXPECT_EQ(EasterSunday(2008), LocalDay(2008_y / March / 23));
  EXPECT_EQ(EasterSunday(2011), LocalDay(2011_y / April / 24));
  EXPECT_EQ(EasterSunday(2019), LocalDay(2019_y / April / 21));
  EXPECT_EQ(EasterSunday(2024), LocalDay(2024_y / March / 31));
  EXPECT_EQ(EasterSunday(2038), LocalDay(2038_y / April / 25));  // the latest possible date
  EXPECT_EQ(EasterSunday(2285), LocalDay(2285_y / March / 22));  // the earliest possible date
}

// Not a fixture test: it must be able to rewrite the file before anything loads it.
TEST(BankHolidayFileTest, DataFileMatchesTheGenerator) {
  // The source file (the one an update rewrites); the build's copy is checked below.
  const std::string path = BankHolidaysPathIn(std::string(GOLDTHREAD_SOURCE_DIR) + "/workflows");
  const std::vector<BankHoliday> generated =
      GenerateEnglandAndWalesBankHolidays(kBankHolidaysFirstYear, kBankHolidaysLastYear);
  const std::string expected =
      FormatBankHolidayFile(generated, kBankHolidaysFirstYear, kBankHolidaysLastYear);
  if (const char* update = std::getenv("GOLDTHREAD_UPDATE_GOLDEN"); update && *update == '1') {
    std::ofstream(path, std::ios::binary | std::ios::trunc) << expected;
  }
  EXPECT_EQ(ReadFile(path), expected)
      << path << " differs from GenerateEnglandAndWalesBankHolidays; if the generator is right, "
      << "rerun this test with GOLDTHREAD_UPDATE_GOLDEN=1 to rewrite the file";
  auto cal = Calendar::Load(path);
  ASSERT_TRUE(cal) << cal.error().ToString();
  EXPECT_EQ(cal->holidays(), generated);
  // What programs read (share/goldthread beside the binary) is a copy of it; rebuild after an
  // update to refresh it.
  EXPECT_EQ(ReadFile(DefaultBankHolidaysPath()), ReadFile(path))
      << DefaultBankHolidaysPath() << " is not a copy of " << path;
}

TEST_F(ShippedCalendarTest, CoversTwoThousandEightToTwoThousandThirtyFive) {
  EXPECT_EQ(cal().first_year(), 2008);
  EXPECT_EQ(cal().last_year(), 2035);
  EXPECT_TRUE(cal().Covers(2008_y / January / 1));
  EXPECT_TRUE(cal().Covers(2035_y / December / 31));
  EXPECT_FALSE(cal().Covers(2036_y / January / 1));
  EXPECT_FALSE(cal().Covers(2007_y / December / 31));
  // Every covered year has its eight regular holidays (or more, with the one-offs).
  for (int year = 2008; year <= 2035; ++year) {
    int count = 0;
    for (const BankHoliday& h : cal().holidays()) {
      count += static_cast<int>(date::year_month_day(h.day).year()) == year;
    }
    EXPECT_GE(count, 8) << year;
  }
}

TEST_F(ShippedCalendarTest, GoodFridayAndEasterMondayAreBankHolidays) {
  EXPECT_EQ(cal().BankHolidayName(2011_y / April / 22), "Good Friday");
  EXPECT_EQ(cal().BankHolidayName(2011_y / April / 25), "Easter Monday");
  EXPECT_EQ(cal().BankHolidayName(2024_y / March / 29), "Good Friday");
  EXPECT_EQ(cal().BankHolidayName(2024_y / April / 1), "Easter Monday");
  EXPECT_EQ(cal().BankHolidayName(2008_y / March / 21), "Good Friday");
  EXPECT_EQ(cal().BankHolidayName(2008_y / March / 24), "Easter Monday");
  EXPECT_EQ(cal().BankHolidayName(2016_y / March / 25), "Good Friday");
  EXPECT_EQ(cal().BankHolidayName(2016_y / March / 28), "Easter Monday");
  EXPECT_FALSE(cal().IsBankHoliday(2011_y / April / 24));  // Easter Sunday is a weekend day
  EXPECT_FALSE(cal().IsWorkingDay(2011_y / April / 22));
}

TEST_F(ShippedCalendarTest, ChristmasAtAWeekendMovesToTheNextFreeWeekdays) {
  // 2010: Christmas Saturday, Boxing Day Sunday → Monday 27th and Tuesday 28th.
  EXPECT_EQ(cal().BankHolidayName(2010_y / December / 27), "Christmas Day (substitute day)");
  EXPECT_EQ(cal().BankHolidayName(2010_y / December / 28), "Boxing Day (substitute day)");
  EXPECT_FALSE(cal().IsBankHoliday(2010_y / December / 25));
  // 2011: Christmas Sunday → Boxing Day Monday 26th stays, Christmas moves to Tuesday 27th.
  EXPECT_EQ(cal().BankHolidayName(2011_y / December / 26), "Boxing Day");
  EXPECT_EQ(cal().BankHolidayName(2011_y / December / 27), "Christmas Day (substitute day)");
  EXPECT_TRUE(cal().IsWorkingDay(2011_y / December / 28));
  // 2021 is 2010 again; 2022 is 2011 again.
  EXPECT_EQ(cal().BankHolidayName(2021_y / December / 27), "Christmas Day (substitute day)");
  EXPECT_EQ(cal().BankHolidayName(2021_y / December / 28), "Boxing Day (substitute day)");
  EXPECT_EQ(cal().BankHolidayName(2022_y / December / 26), "Boxing Day");
  EXPECT_EQ(cal().BankHolidayName(2022_y / December / 27), "Christmas Day (substitute day)");
  // 2015: Christmas Friday, Boxing Day Saturday → Monday 28th.
  EXPECT_EQ(cal().BankHolidayName(2015_y / December / 25), "Christmas Day");
  EXPECT_EQ(cal().BankHolidayName(2015_y / December / 28), "Boxing Day (substitute day)");
}

TEST_F(ShippedCalendarTest, NewYearAtAWeekendMovesToMonday) {
  EXPECT_EQ(cal().BankHolidayName(2011_y / January / 3), "New Year's Day (substitute day)");
  EXPECT_EQ(cal().BankHolidayName(2012_y / January / 2), "New Year's Day (substitute day)");
  EXPECT_EQ(cal().BankHolidayName(2013_y / January / 1), "New Year's Day");
}

TEST_F(ShippedCalendarTest, RoyalWeddingTwoThousandEleven) {
  EXPECT_EQ(cal().BankHolidayName(2011_y / April / 29), "Royal wedding");
  EXPECT_EQ(cal().BankHolidayName(2011_y / May / 2), "Early May bank holiday");
}

TEST_F(ShippedCalendarTest, DiamondJubileeMovedTheSpringHolidayTwoThousandTwelve) {
  EXPECT_FALSE(cal().IsBankHoliday(2012_y / May / 28));  // the last Monday of May
  EXPECT_EQ(cal().BankHolidayName(2012_y / June / 4), "Spring bank holiday");
  EXPECT_EQ(cal().BankHolidayName(2012_y / June / 5), "Queen's Diamond Jubilee");
}

TEST_F(ShippedCalendarTest, VeDayMovedTheEarlyMayHolidayTwoThousandTwenty) {
  EXPECT_FALSE(cal().IsBankHoliday(2020_y / May / 4));  // the first Monday of May
  EXPECT_EQ(cal().BankHolidayName(2020_y / May / 8), "Early May bank holiday (VE day)");
}

TEST_F(ShippedCalendarTest, PlatinumJubileeAndStateFuneralTwoThousandTwentyTwo) {
  EXPECT_FALSE(cal().IsBankHoliday(2022_y / May / 30));  // the last Monday of May
  EXPECT_EQ(cal().BankHolidayName(2022_y / June / 2), "Spring bank holiday");
  EXPECT_EQ(cal().BankHolidayName(2022_y / June / 3), "Platinum Jubilee bank holiday");
  EXPECT_EQ(cal().BankHolidayName(2022_y / September / 19),
            "Bank Holiday for the State Funeral of Queen Elizabeth II");
}

TEST_F(ShippedCalendarTest, CoronationTwoThousandTwentyThree) {
  EXPECT_EQ(cal().BankHolidayName(2023_y / May / 1), "Early May bank holiday");
  EXPECT_EQ(cal().BankHolidayName(2023_y / May / 8),
            "Bank holiday for the coronation of King Charles III");
}

TEST_F(ShippedCalendarTest, WeekendsAreNotWorkingDays) {
  EXPECT_FALSE(cal().IsWorkingDay(2011_y / October / 22));  // Saturday
  EXPECT_FALSE(cal().IsWorkingDay(2011_y / October / 23));  // Sunday
  EXPECT_TRUE(cal().IsWorkingDay(2011_y / October / 21));   // Friday
}

TEST_F(ShippedCalendarTest, WorkingDaysCountAcrossChristmas) {
  // Friday 23 Dec 2011 → Mon 26 (Boxing Day), Tue 27 (substitute) → Wednesday 28th.
  EXPECT_EQ(cal().AddWorkingDays(2011_y / December / 23, 1), LocalDay(2011_y / December / 28));
  EXPECT_EQ(cal().AddWorkingDays(2011_y / December / 28, -1), LocalDay(2011_y / December / 23));
  // ... and across New Year: Fri 30 Dec, (Mon 2 Jan substitute), Tue 3 Jan.
  EXPECT_EQ(cal().AddWorkingDays(2011_y / December / 28, 3), LocalDay(2012_y / January / 3));
  // 2010: Christmas week is Mon 27 and Tue 28 off.
  EXPECT_EQ(cal().AddWorkingDays(2010_y / December / 24, 2), LocalDay(2010_y / December / 30));
}

TEST_F(ShippedCalendarTest, WorkingDaysCountAcrossEaster) {
  // Thursday 21 April 2011 → Good Friday, Easter Monday → Tuesday 26th.
  EXPECT_EQ(cal().AddWorkingDays(2011_y / April / 21, 1), LocalDay(2011_y / April / 26));
  // Thursday 28 April 2011 → royal wedding Friday, early May Monday → Tuesday 3 May.
  EXPECT_EQ(cal().AddWorkingDays(2011_y / April / 28, 1), LocalDay(2011_y / May / 3));
  EXPECT_EQ(cal().AddWorkingDays(2011_y / May / 3, -1), LocalDay(2011_y / April / 28));
  // Five working days before Wednesday 27 April 2011: 26th, 21st, 20th, 19th, 18th.
  EXPECT_EQ(cal().AddWorkingDays(2011_y / April / 27, -5), LocalDay(2011_y / April / 18));
}

TEST_F(ShippedCalendarTest, AddingWorkingDaysNeverCountsTheStartDay) {
  // From a Saturday, the first working day after is Monday.
  EXPECT_EQ(cal().AddWorkingDays(2011_y / October / 22, 1), LocalDay(2011_y / October / 24));
  EXPECT_EQ(cal().AddWorkingDays(2011_y / October / 22, -1), LocalDay(2011_y / October / 21));
  EXPECT_EQ(cal().AddWorkingDays(2011_y / October / 22, 0), LocalDay(2011_y / October / 22));
}

TEST_F(ShippedCalendarTest, NthWorkingDayOfMonthSkipsBankHolidays) {
  // May 2011 starts with a Sunday and the early May holiday.
  EXPECT_EQ(cal().NthWorkingDayOfMonth(2011_y / May, 1), LocalDay(2011_y / May / 3));
  // June 2012: Friday 1st, then the moved spring holiday and the jubilee (4th, 5th).
  EXPECT_EQ(cal().NthWorkingDayOfMonth(2012_y / June, 2), LocalDay(2012_y / June / 6));
  // April 2011: 1st, 4th-8th, 11th-14th.
  EXPECT_EQ(cal().NthWorkingDayOfMonth(2011_y / April, 10), LocalDay(2011_y / April / 14));
  EXPECT_EQ(cal().NthWorkingDayOfMonth(2011_y / December, -1), LocalDay(2011_y / December / 30));
  EXPECT_EQ(cal().NthWorkingDayOfMonth(2010_y / December, -2), LocalDay(2010_y / December / 30));
  EXPECT_EQ(cal().NthWorkingDayOfMonth(2012_y / January, 1), LocalDay(2012_y / January / 3));
  EXPECT_EQ(cal().NthWorkingDayOfMonth(2011_y / April, 25), std::nullopt);
  EXPECT_EQ(cal().NthWorkingDayOfMonth(2011_y / April, 0), std::nullopt);
}

TEST_F(ShippedCalendarTest, EndOfDayIsGmtBeforeTheMarchClockChangeAndBstAfter) {
  // Saturday 26 March 2011 is GMT; the clocks go forward at 01:00 UTC on Sunday 27th.
  EXPECT_EQ(cal().EndOfLocalDay(2011_y / March / 26), Utc(2011_y / March / 26, 23, 59, 59, 999999));
  EXPECT_EQ(cal().EndOfLocalDay(2011_y / March / 27), Utc(2011_y / March / 27, 22, 59, 59, 999999));
  EXPECT_EQ(cal().EndOfLocalDay(2011_y / March / 28), Utc(2011_y / March / 28, 22, 59, 59, 999999));
  EXPECT_EQ(cal().StartOfLocalDay(2011_y / March / 28), Utc(2011_y / March / 27, 23, 0, 0));
  // The day of the change is 23 hours long.
  EXPECT_EQ(cal().EndOfLocalDay(2011_y / March / 27) - cal().EndOfLocalDay(2011_y / March / 26),
            hours(23));
}

TEST_F(ShippedCalendarTest, EndOfDayIsBstBeforeTheOctoberClockChangeAndGmtAfter) {
  // Saturday 29 October 2011 is BST; the clocks go back at 01:00 UTC on Sunday 30th.
  EXPECT_EQ(cal().EndOfLocalDay(2011_y / October / 29),
            Utc(2011_y / October / 29, 22, 59, 59, 999999));
  EXPECT_EQ(cal().EndOfLocalDay(2011_y / October / 30),
            Utc(2011_y / October / 30, 23, 59, 59, 999999));
  EXPECT_EQ(cal().EndOfLocalDay(2011_y / October / 30) - cal().EndOfLocalDay(2011_y / October / 29),
            hours(25));
}

TEST_F(ShippedCalendarTest, FormatsInstantsAsLocalTimeWithOffset) {
  EXPECT_EQ(cal().FormatLocal(cal().EndOfLocalDay(2011_y / October / 21)),
            "2011-10-21T23:59:59+01:00");
  EXPECT_EQ(cal().FormatLocal(cal().EndOfLocalDay(2011_y / December / 1)),
            "2011-12-01T23:59:59+00:00");
  EXPECT_EQ(cal().FormatLocal(Utc(2011_y / March / 27, 1, 0, 0)), "2011-03-27T02:00:00+01:00");
  EXPECT_EQ(cal().FormatLocal(Utc(2011_y / March / 27, 0, 59, 59)), "2011-03-27T00:59:59+00:00");
}

TEST_F(ShippedCalendarTest, LocalTimeOfDayFollowsTheClockChanges) {
  EXPECT_EQ(cal().LocalTime(2011_y / October / 14, hours(9)), Utc(2011_y / October / 14, 8, 0, 0));
  EXPECT_EQ(cal().LocalTime(2011_y / December / 14, hours(9)),
            Utc(2011_y / December / 14, 9, 0, 0));
  // 01:30 does not exist on 27 March 2011: it means the moment the clocks go forward.
  EXPECT_EQ(cal().LocalTime(2011_y / March / 27, minutes(90)), Utc(2011_y / March / 27, 1, 0, 0));
  // 01:30 happens twice on 30 October 2011: the first, BST, one.
  EXPECT_EQ(cal().LocalTime(2011_y / October / 30, minutes(90)),
            Utc(2011_y / October / 30, 0, 30, 0));
}

TEST_F(ShippedCalendarTest, LocalDateOfAnInstantUsesTheLocalOffset) {
  // 23:30 UTC on 21 October 2011 is 00:30 BST on the 22nd.
  EXPECT_EQ(cal().LocalDateOf(Utc(2011_y / October / 21, 23, 30, 0)),
            LocalDay(2011_y / October / 22));
  EXPECT_EQ(cal().LocalDateOf(Utc(2011_y / December / 21, 23, 30, 0)),
            LocalDay(2011_y / December / 21));
  const LocalDay day = 2011_y / March / 28;
  EXPECT_EQ(cal().LocalDateOf(cal().EndOfLocalDay(day)), day);
  EXPECT_EQ(cal().LocalDateOf(cal().StartOfLocalDay(day)), day);
}

TEST(CalendarParseTest, ReadsHolidaysCommentsAndCoverage) {
  auto cal = Calendar::Parse(
      "# a comment\n\ncovers 2011 2011\n2011-04-29 Royal wedding\n2011-12-27\tChristmas\n",
      "test.txt");
  ASSERT_TRUE(cal) << cal.error().ToString();
  EXPECT_EQ(cal->holidays().size(), 2u);
  EXPECT_EQ(cal->BankHolidayName(2011_y / December / 27), "Christmas");
  EXPECT_FALSE(cal->IsWorkingDay(2011_y / April / 29));
}

TEST(CalendarParseTest, RefusesAMalformedLineNamingItsLineNumber) {
  struct Case {
    std::string text;
    std::string expected;
  };
  const Case cases[] = {
      {"covers 2011 2011\n# fine\n2011-02-30 Not a day\n", "bad.txt:3: "},
      {"covers 2011 2011\n2011-04-29\n", "bad.txt:2: "},
      {"covers 2011 2011\n\n\n29/04/2011 Royal wedding\n", "bad.txt:4: "},
      {"covers 2011 2011\n2011-04-29Royal wedding\n", "bad.txt:2: "},
      {"covers 2011 2011\n2011-04-29 A\n2011-04-29 B\n", "bad.txt:3: 2011-04-29 is listed twice"},
      {"covers 2011 2011\n2012-01-02 Too late\n", "bad.txt:2: 2012-01-02 is outside"},
      {"covers 2011\n", "bad.txt:1: "},
      {"covers 2011 2011\ncovers 2012 2012\n", "bad.txt:2: a second \"covers\" line"},
  };
  for (const Case& c : cases) {
    auto cal = Calendar::Parse(c.text, "bad.txt");
    ASSERT_FALSE(cal) << c.text;
    EXPECT_EQ(cal.error().code, ErrorCode::kInvalidArgument);
    EXPECT_THAT(cal.error().message, HasSubstr(c.expected)) << c.text;
  }
}

TEST(CalendarParseTest, RequiresTheCoversLine) {
  auto cal = Calendar::Parse("2011-04-29 Royal wedding\n", "bad.txt");
  ASSERT_FALSE(cal);
  EXPECT_THAT(cal.error().message, HasSubstr("no \"covers"));
}

TEST(CalendarLoadTest, MissingFileIsNotFound) {
  auto cal = Calendar::Load("/nonexistent/bank-holidays.txt");
  ASSERT_FALSE(cal);
  EXPECT_EQ(cal.error().code, ErrorCode::kNotFound);
  EXPECT_THAT(cal.error().message, HasSubstr("/nonexistent/bank-holidays.txt"));
}

TEST(CalendarTest, OutsideItsYearsOnlyWeekendsAreKnown) {
  auto cal = Calendar::FromHolidays({}, 2011, 2011);
  ASSERT_TRUE(cal);
  EXPECT_FALSE(cal->Covers(2012_y / January / 2));
  EXPECT_TRUE(cal->IsWorkingDay(2012_y / January / 2));
  EXPECT_FALSE(cal->IsWorkingDay(2012_y / January / 1));
}

}  // namespace
}  // namespace goldthread::engine
