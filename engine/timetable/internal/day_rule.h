// Resolving a workflow's day rules (proto DayRule) against a period end and the calendar.
// Private to the engine: used by the workflow validator (internal/workflow_validation.cc) and
// the schedule (engine/schedule.cc), which must agree on what every rule means.
//
// Pure functions; thread-safe.
#ifndef GOLDTHREAD_ENGINE_TIMETABLE_INTERNAL_DAY_RULE_H_
#define GOLDTHREAD_ENGINE_TIMETABLE_INTERNAL_DAY_RULE_H_

#include <chrono>
#include <optional>
#include <string_view>

#include "engine/timetable/calendar.h"
#include "goldthread/v1/workflow.pb.h"
#include "store/base/errors.h"

namespace goldthread::engine::internal {

// The local days a rule names: one day, or the seven of a week.
struct DaySpan {
  LocalDay first;
  LocalDay last;
};

// The span `rule` names for a period ending on `period_end`. InvalidArgument (with no file
// location: the caller adds it) when the rule is unset or names no day for this period (the
// 22nd working day of a month with 21).
Result<DaySpan> ResolveDayRule(const goldthread::v1::DayRule& rule, LocalDay period_end,
                               const Calendar& calendar);

// `days` days of `kind` after `day` (before it when negative): calendar days, or working days
// as Calendar::AddWorkingDays counts them.
LocalDay AddDays(LocalDay day, int days, goldthread::v1::DayKind kind, const Calendar& calendar);

// "HH:MM" (00:00 to 23:59) as minutes after midnight; nothing when malformed.
std::optional<std::chrono::minutes> ParseTimeOfDay(std::string_view text);

}  // namespace goldthread::engine::internal

#endif  // GOLDTHREAD_ENGINE_TIMETABLE_INTERNAL_DAY_RULE_H_
