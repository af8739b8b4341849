// Direction of travel: whether a figure got better, worse or stayed the same against an
// earlier one (the previous period, the same period last year), judged by the indicator's
// polarity — a fall in "days to re-let a council home" is an improvement, a fall in "household
// waste recycled" is not.
//
// Values equal to within a billionth of their size are unchanged (so 61.2 computed two ways
// still compares equal). A missing or "not available" figure on either side gives
// TREND_NO_COMPARISON, as does an indicator with no polarity.
//
// Pure functions; thread-safe.
#ifndef GOLDTHREAD_ENGINE_MODEL_DIRECTION_OF_TRAVEL_H_
#define GOLDTHREAD_ENGINE_MODEL_DIRECTION_OF_TRAVEL_H_

#include <optional>

#include "goldthread/v1/common.pb.h"
#include "goldthread/v1/read_models.pb.h"

namespace goldthread::engine {

goldthread::v1::Trend TrendBetween(goldthread::v1::Polarity polarity, std::optional<double> now,
                                   std::optional<double> then);

// "improving", "worsening", "unchanged", "no comparison".
const char* TrendName(goldthread::v1::Trend trend);

}  // namespace goldthread::engine

#endif  // GOLDTHREAD_ENGINE_MODEL_DIRECTION_OF_TRAVEL_H_
