// Local calendar dates (Europe/London) as the domain uses them: a role's effective date, a
// finding's due date, "today" for a command. Dates are date::sys_days (a day count, no zone);
// the zone matters only when turning an instant into the day it falls on.
//
// All functions are pure and thread-safe.
#ifndef GOLDTHREAD_ENGINE_MODEL_LOCAL_DATE_H_
#define GOLDTHREAD_ENGINE_MODEL_LOCAL_DATE_H_

#include <date/date.h>

#include <string>
#include <string_view>

#include "goldthread/v1/domain.pb.h"
#include "store/base/clock.h"
#include "store/base/errors.h"

namespace goldthread::engine {

using LocalDay = date::sys_days;

// The Europe/London calendar day on which the UTC instant `t` falls.
LocalDay LondonDayOf(TimePoint t);
// The last instant (to the microsecond) of the London day `day`, in UTC: a deadline "by the end
// of 21 October 2011" is 2011-10-21T22:59:59.999999Z (BST).
TimePoint EndOfLondonDay(LocalDay day);
// "YYYY-MM-DD" → day; InvalidArgument naming `field` when it is not a real date.
Result<LocalDay> ParseLocalDay(std::string_view iso, std::string_view field);
// The day in a LocalDate message, or `fallback` when the message is empty.
Result<LocalDay> LocalDayOr(const goldthread::v1::LocalDate& d, LocalDay fallback,
                            std::string_view field);
std::string FormatLocalDay(LocalDay day);
goldthread::v1::LocalDate ToLocalDate(LocalDay day);

}  // namespace goldthread::engine

#endif  // GOLDTHREAD_ENGINE_MODEL_LOCAL_DATE_H_
