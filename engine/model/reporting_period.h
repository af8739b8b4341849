// Reporting periods: which figure of an indicator a report for a period shows.
//
// A report for period R shows, for an indicator of frequency f, the period of f that ends when R
// ends — a quarterly report shows a monthly indicator's last month of the quarter, a monthly
// report for March shows the quarterly, six-monthly and annual indicators' periods that end in
// March, and nothing of frequency f when no period of f ends with R (an annual indicator in a
// Q2 report). The assurance trail instead covers every figure whose period lies within R.
//
// Pure functions; thread-safe.
#ifndef GOLDTHREAD_ENGINE_MODEL_REPORTING_PERIOD_H_
#define GOLDTHREAD_ENGINE_MODEL_REPORTING_PERIOD_H_

#include <optional>
#include <set>
#include <string>

#include "engine/model/period.h"

namespace goldthread::engine {

// The period of `frequency` that ends with `report`, or nullopt.
std::optional<Period> FigurePeriodFor(goldthread::v1::Frequency frequency, const Period& report);
// The ids of FigurePeriodFor(f, report) for every frequency that has one.
std::set<std::string> FigurePeriodsFor(const Period& report);
// True when `inner` starts on or after `outer` starts and ends on or before it ends.
bool PeriodWithin(const Period& inner, const Period& outer);

}  // namespace goldthread::engine

#endif  // GOLDTHREAD_ENGINE_MODEL_REPORTING_PERIOD_H_
