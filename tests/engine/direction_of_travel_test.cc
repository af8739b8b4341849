// Direction of travel against an earlier figure, for both polarities.
#include "engine/model/direction_of_travel.h"

#include <gtest/gtest.h>

namespace goldthread::engine {
namespace {

namespace v1 = goldthread::v1;

TEST(DirectionOfTravelTest, HigherIsBetterImprovesWhenTheValueRises) {
  EXPECT_EQ(TrendBetween(v1::POLARITY_HIGHER_IS_BETTER, 61.2, 58.0), v1::TREND_IMPROVING);
  EXPECT_EQ(TrendBetween(v1::POLARITY_HIGHER_IS_BETTER, 55.0, 58.0), v1::TREND_WORSENING);
}

TEST(DirectionOfTravelTest, LowerIsBetterImprovesWhenTheValueFalls) {
  EXPECT_EQ(TrendBetween(v1::POLARITY_LOWER_IS_BETTER, 18.0, 21.0), v1::TREND_IMPROVING);
  EXPECT_EQ(TrendBetween(v1::POLARITY_LOWER_IS_BETTER, 24.0, 21.0), v1::TREND_WORSENING);
}

TEST(DirectionOfTravelTest, EqualValuesAreUnchangedEvenWhenComputedDifferently) {
  EXPECT_EQ(TrendBetween(v1::POLARITY_HIGHER_IS_BETTER, 0.1 + 0.2, 0.3), v1::TREND_UNCHANGED);
  EXPECT_EQ(TrendBetween(v1::POLARITY_LOWER_IS_BETTER, 40.0, 40.0), v1::TREND_UNCHANGED);
  EXPECT_EQ(TrendBetween(v1::POLARITY_LOWER_IS_BETTER, 0.0, 0.0), v1::TREND_UNCHANGED);
}

TEST(DirectionOfTravelTest, AMissingFigureOrPolarityGivesNoComparison) {
  EXPECT_EQ(TrendBetween(v1::POLARITY_HIGHER_IS_BETTER, std::nullopt, 58.0),
            v1::TREND_NO_COMPARISON);
  EXPECT_EQ(TrendBetween(v1::POLARITY_HIGHER_IS_BETTER, 58.0, std::nullopt),
            v1::TREND_NO_COMPARISON);
  EXPECT_EQ(TrendBetween(v1::POLARITY_UNSPECIFIED, 58.0, 50.0), v1::TREND_NO_COMPARISON);
}

TEST(DirectionOfTravelTest, NamesAreWhatPeopleRead) {
  EXPECT_STREQ(TrendName(v1::TREND_IMPROVING), "improving");
  EXPECT_STREQ(TrendName(v1::TREND_WORSENING), "worsening");
  EXPECT_STREQ(TrendName(v1::TREND_UNCHANGED), "unchanged");
  EXPECT_STREQ(TrendName(v1::TREND_NO_COMPARISON), "no comparison");
}

}  // namespace
}  // namespace goldthread::engine
