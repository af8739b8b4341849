// iCalendar (RFC 5545) rendering of a person's deadlines: what is due from them and when, from
// ReadModels::OutstandingWork (whose deadlines are the cycles' stage due instants, from the
// workflow timetables), so that deadlines appear in Outlook or any calendar client.
//
// The calendar has one VEVENT per outstanding item with a deadline (items without one are left
// out): it ends at the deadline and starts 30 minutes before it, with the UTC times the
// deadline is in ("DTSTART:20111014T153000Z"; clients show them in local time, and the
// description gives the Europe/London time too), an alarm one day before, and "LATE:" in the
// summary once it is overdue. UIDs are stable — a digest of the tenant, person and item — so a
// client refreshing the feed updates events instead of duplicating them; DTSTAMP is the time
// the work was evaluated. Lines end with CRLF and are folded at 75 octets (never inside a UTF-8
// character); text values escape backslash, semicolon, comma and line breaks.
//
// Threading: pure functions.
#ifndef GOLDTHREAD_ADAPTERS_FORMATS_ICAL_H_
#define GOLDTHREAD_ADAPTERS_FORMATS_ICAL_H_

#include <string>
#include <string_view>

#include "goldthread/v1/read_models.pb.h"

namespace goldthread::adapters {

// The whole VCALENDAR for `work` (tenant: the council, for UIDs).
std::string DeadlinesCalendar(const goldthread::v1::OutstandingWork& work, std::string_view tenant);

// One content line, folded (RFC 5545 3.1) and ended with CRLF.
std::string FoldLine(std::string_view line);
// A TEXT value escaped (RFC 5545 3.3.11).
std::string EscapeText(std::string_view text);

}  // namespace goldthread::adapters

#endif  // GOLDTHREAD_ADAPTERS_FORMATS_ICAL_H_
