// RAG against target (Herefordshire 3.6): both polarities, absolute and percent tolerance,
// missing figures, missing targets and zero targets.
#include "engine/model/rag.h"

#include <gtest/gtest.h>

namespace goldthread::engine {
namespace {

namespace v1 = goldthread::v1;

constexpr auto kHigher = v1::POLARITY_HIGHER_IS_BETTER;
constexpr auto kLower = v1::POLARITY_LOWER_IS_BETTER;

v1::Tolerance Percent(double p) {
  v1::Tolerance t;
  t.set_percent(p);
  return t;
}
v1::Tolerance Absolute(double a) {
  v1::Tolerance t;
  t.set_absolute(a);
  return t;
}

TEST(RagTest, HigherIsBetterWithPercentTolerance) {
  // Target 60, amber within 5% of it: 57 to just under 60.
  EXPECT_EQ(RateAgainstTarget(kHigher, Percent(5), 61.0, 60.0), v1::RAG_GREEN);
  EXPECT_EQ(RateAgainstTarget(kHigher, Percent(5), 60.0, 60.0), v1::RAG_GREEN) << "met exactly";
  EXPECT_EQ(RateAgainstTarget(kHigher, Percent(5), 59.9, 60.0), v1::RAG_AMBER);
  EXPECT_EQ(RateAgainstTarget(kHigher, Percent(5), 57.0, 60.0), v1::RAG_AMBER) << "on the band";
  EXPECT_EQ(RateAgainstTarget(kHigher, Percent(5), 56.9, 60.0), v1::RAG_RED);
}

TEST(RagTest, LowerIsBetterWithPercentTolerance) {
  // Target 20 days, amber up to 21 (5%).
  EXPECT_EQ(RateAgainstTarget(kLower, Percent(5), 18.0, 20.0), v1::RAG_GREEN);
  EXPECT_EQ(RateAgainstTarget(kLower, Percent(5), 20.0, 20.0), v1::RAG_GREEN);
  EXPECT_EQ(RateAgainstTarget(kLower, Percent(5), 20.5, 20.0), v1::RAG_AMBER);
  EXPECT_EQ(RateAgainstTarget(kLower, Percent(5), 21.0, 20.0), v1::RAG_AMBER);
  EXPECT_EQ(RateAgainstTarget(kLower, Percent(5), 21.1, 20.0), v1::RAG_RED);
}

TEST(RagTest, AbsoluteToleranceIsInTheIndicatorsUnits) {
  EXPECT_EQ(RateAgainstTarget(kHigher, Absolute(2), 58.0, 60.0), v1::RAG_AMBER);
  EXPECT_EQ(RateAgainstTarget(kHigher, Absolute(2), 57.9, 60.0), v1::RAG_RED);
  EXPECT_EQ(RateAgainstTarget(kLower, Absolute(2), 22.0, 20.0), v1::RAG_AMBER);
  EXPECT_EQ(RateAgainstTarget(kLower, Absolute(2), 22.1, 20.0), v1::RAG_RED);
  EXPECT_EQ(RateAgainstTarget(kLower, Absolute(2), 25.0, 30.0), v1::RAG_GREEN);
}

TEST(RagTest, NoToleranceMeansAnyMissIsRed) {
  EXPECT_EQ(RateAgainstTarget(kHigher, v1::Tolerance(), 59.99, 60.0), v1::RAG_RED);
  EXPECT_EQ(RateAgainstTarget(kHigher, v1::Tolerance(), 60.0, 60.0), v1::RAG_GREEN);
}

TEST(RagTest, MissingFigureIsGreyAndMissingTargetIsNotRated) {
  EXPECT_EQ(RateAgainstTarget(kHigher, Percent(5), std::nullopt, 60.0), v1::RAG_GREY);
  EXPECT_EQ(RateAgainstTarget(kHigher, Percent(5), std::nullopt, std::nullopt), v1::RAG_GREY)
      << "no figure is grey even without a target";
  EXPECT_EQ(RateAgainstTarget(kHigher, Percent(5), 58.0, std::nullopt), v1::RAG_NOT_RATED);
}

TEST(RagTest, ZeroTargetHasNoPercentBandButKeepsAnAbsoluteOne) {
  // "Zero deaths in custody": lower is better; any figure above zero misses.
  EXPECT_EQ(RateAgainstTarget(kLower, Percent(10), 0.0, 0.0), v1::RAG_GREEN);
  EXPECT_EQ(RateAgainstTarget(kLower, Percent(10), 1.0, 0.0), v1::RAG_RED) << "10% of zero is zero";
  EXPECT_EQ(RateAgainstTarget(kLower, Absolute(1), 1.0, 0.0), v1::RAG_AMBER);
  EXPECT_EQ(RateAgainstTarget(kLower, Absolute(1), 2.0, 0.0), v1::RAG_RED);
  EXPECT_EQ(RateAgainstTarget(kHigher, Percent(10), 0.0, 0.0), v1::RAG_GREEN);
  EXPECT_EQ(RateAgainstTarget(kHigher, Percent(10), 3.0, 0.0), v1::RAG_GREEN);
}

TEST(RagTest, NegativeTargetsUseTheTargetsSizeForThePercentBand) {
  // A budget variance target of -100 (£k), higher is better, amber within 10%: -110 is amber.
  EXPECT_EQ(RateAgainstTarget(kHigher, Percent(10), -110.0, -100.0), v1::RAG_AMBER);
  EXPECT_EQ(RateAgainstTarget(kHigher, Percent(10), -111.0, -100.0), v1::RAG_RED);
}

TEST(RagTest, NamesAreWhatPeopleRead) {
  EXPECT_STREQ(RagName(v1::RAG_GREEN), "green");
  EXPECT_STREQ(RagName(v1::RAG_AMBER), "amber");
  EXPECT_STREQ(RagName(v1::RAG_RED), "red");
  EXPECT_STREQ(RagName(v1::RAG_GREY), "grey");
  EXPECT_STREQ(RagName(v1::RAG_NOT_RATED), "not rated");
}

}  // namespace
}  // namespace goldthread::engine
