// Performance report: one priority for one period — Leeds 3.6's two-sided quarterly report:
// the owner's progress summary and overall rating, actions delivered and planned, each linked
// indicator's results over the last 8 periods with their RAG and direction of travel, the risks
// linked to the priority or its indicators (read beside performance, Leeds' joint analysis),
// and the challenge findings about the priority still open.
//
//   auto report = BuildPerformanceReport(snapshot, "P-clean", "FY2011-Q2");
//
// Which figure of each indicator: as in the scorecard (reporting_period.h), the period of its
// frequency ending with the report's period, and the 7 before it.
//
// Pure function of the snapshot; thread-safe as the snapshot is.
#ifndef GOLDTHREAD_ENGINE_READ_PERFORMANCE_REPORT_H_
#define GOLDTHREAD_ENGINE_READ_PERFORMANCE_REPORT_H_

#include <string_view>

#include "engine/read/log_snapshot.h"
#include "goldthread/v1/read_models.pb.h"

namespace goldthread::engine {

// Periods in each indicator's trend.
inline constexpr int kTrendPeriods = 8;

// InvalidArgument for a malformed id or period; NotFound when the priority does not exist at the
// snapshot.
Result<goldthread::v1::PerformanceReport> BuildPerformanceReport(const LogSnapshot& snapshot,
                                                                 std::string_view priority_id,
                                                                 std::string_view period);

}  // namespace goldthread::engine

#endif  // GOLDTHREAD_ENGINE_READ_PERFORMANCE_REPORT_H_
