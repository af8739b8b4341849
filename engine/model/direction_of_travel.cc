#include "engine/model/direction_of_travel.h"

#include <algorithm>
#include <cmath>

namespace goldthread::engine {

namespace v1 = goldthread::v1;

v1::Trend TrendBetween(v1::Polarity polarity, std::optional<double> now,
                       std::optional<double> then) {
  if (!now || !then) return v1::TREND_NO_COMPARISON;
  if (polarity != v1::POLARITY_HIGHER_IS_BETTER && polarity != v1::POLARITY_LOWER_IS_BETTER) {
    return v1::TREND_NO_COMPARISON;
  }
  const double change = *now - *then;
  const double scale = std::max({1.0, std::abs(*now), std::abs(*then)});
  if (std::abs(change) <= 1e-9 * scale) return v1::TREND_UNCHANGED;
  const bool up = change > 0;
  return up == (polarity == v1::POLARITY_HIGHER_IS_BETTER) ? v1::TREND_IMPROVING
                                                           : v1::TREND_WORSENING;
}

const char* TrendName(v1::Trend trend) {
  switch (trend) {
    case v1::TREND_IMPROVING:
      return "improving";
    case v1::TREND_WORSENING:
      return "worsening";
    case v1::TREND_UNCHANGED:
      return "unchanged";
    case v1::TREND_NO_COMPARISON:
      return "no comparison";
    default:
      return "unspecified";
  }
}

}  // namespace goldthread::engine
