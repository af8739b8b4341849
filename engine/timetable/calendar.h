// Calendar: Europe/London local days and instants, and England and Wales working days.
//
// Every deadline in goldthread is a local (Europe/London) calendar day, or a local time on one,
// turned into a UTC instant (`TimePoint`) for storing and comparing. A deadline with no time of
// day is the END of its local day: the last microsecond before the next local day starts, so
// anything recorded on that day up to midnight is on time. 21 October 2011 (BST) ends at
// 2011-10-21T22:59:59.999999Z, printed locally as "2011-10-21T23:59:59+01:00". The zone rules
// come from the system tzdata (through howardhinnant date), which makes this right across the
// March and October clock changes.
//
// Working days are Monday to Friday less the England and Wales bank holidays. The holidays are
// read from a data file (workflows/calendars/england-and-wales-bank-holidays.txt), so an
// operator can add a one-off holiday without a release. The shipped file is what
// GenerateEnglandAndWalesBankHolidays produces from the statutory rules plus the one-off changes
// since 2011; a test keeps the two equal.
//
//   Result<Calendar> cal = Calendar::Load(DefaultBankHolidaysPath());
//   LocalDay reminder = cal->AddWorkingDays(2011_y / October / 21, -5);  // 2011-10-14
//   cal->FormatLocal(cal->EndOfLocalDay(reminder));  // "2011-10-14T23:59:59+01:00"
//
// Local days are `LocalDay` (date::sys_days used as a plain day count, as in local_date.h);
// a date::year_month_day converts to one implicitly.
//
// Threading: a Calendar is immutable once loaded; every method is const and may be called from
// any number of threads at once. Share one by const reference (copying copies its tables).
#ifndef GOLDTHREAD_ENGINE_TIMETABLE_CALENDAR_H_
#define GOLDTHREAD_ENGINE_TIMETABLE_CALENDAR_H_

#include <date/date.h>

#include <chrono>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "store/base/clock.h"
#include "store/base/errors.h"

namespace date {
class time_zone;
}  // namespace date

namespace goldthread::engine {

// A local calendar day (a day count with no zone attached).
using LocalDay = date::sys_days;

struct BankHoliday {
  LocalDay day;
  std::string name;  // as gov.uk names it: "Boxing Day (substitute day)"
  friend bool operator==(const BankHoliday&, const BankHoliday&) = default;
};

// The years the shipped bank-holiday file covers.
inline constexpr int kBankHolidaysFirstYear = 2008;
inline constexpr int kBankHolidaysLastYear = 2035;

// Easter Sunday of `year` (Gregorian), by the anonymous Gregorian algorithm (Meeus/Jones/
// Butcher). Valid for any year from 1583.
LocalDay EasterSunday(int year);

// The England and Wales bank holidays of the years first_year..last_year, in date order:
// New Year's Day, Good Friday, Easter Monday, the early May (first Monday of May), spring (last
// Monday of May) and summer (last Monday of August) bank holidays, Christmas Day and Boxing
// Day, each of the fixed-date ones that falls at a weekend moved to the next weekday not already
// a holiday (Christmas on a Saturday: Monday 27th and Tuesday 28th); then the one-off changes
// proclaimed since 2011 (royal wedding 2011, jubilees 2012 and 2022, VE day 2020, the state
// funeral 2022, the coronation 2023).
std::vector<BankHoliday> GenerateEnglandAndWalesBankHolidays(int first_year, int last_year);

// The text of a bank-holiday data file listing `holidays` and declaring that it covers
// first_year..last_year: the format Calendar::Load reads, with a header saying how to edit it.
std::string FormatBankHolidayFile(std::span<const BankHoliday> holidays, int first_year,
                                  int last_year);

// The shipped bank-holiday file, in DefaultWorkflowsDir()'s calendars/ (found beside the
// running binary: store/base/data_dir.h; a deployment may pass its own path).
std::string DefaultBankHolidaysPath();
// The bank-holiday file inside a folder laid out like workflows/ (its calendars/ subfolder): a
// deployment keeps its copy of the calendar beside its copy of the timetables.
std::string BankHolidaysPathIn(const std::string& workflows_dir);

class Calendar {
 public:
  // Reads a bank-holiday data file and the Europe/London zone. The file has one holiday a line,
  // "YYYY-MM-DD Name"; blank lines and lines starting with '#' are ignored; exactly one line
  // "covers FIRST LAST" (years) says which years the list is complete for, and every date must
  // fall in them. Errors: NotFound when the file cannot be read; InvalidArgument
  // "path:line: reason" for a malformed line, a date outside the covered years or a date listed
  // twice; Internal when the system has no Europe/London zone (install tzdata).
  static Result<Calendar> Load(const std::string& path);
  // The same from text already in memory; `name` stands for the path in error messages.
  static Result<Calendar> Parse(std::string_view text, std::string_view name);
  // A calendar with exactly these holidays, covering first_year..last_year (tests, and the
  // workflow validator, which checks timetables against weekends only).
  static Result<Calendar> FromHolidays(std::vector<BankHoliday> holidays, int first_year,
                                       int last_year);

  // The years whose bank holidays are known. Outside them only weekends are non-working days,
  // which may be wrong: callers that must be right check Covers() first (the scheduler does).
  int first_year() const { return first_year_; }
  int last_year() const { return last_year_; }
  bool Covers(LocalDay day) const { return day >= first_day_ && day <= last_day_; }

  // Every holiday, in date order.
  const std::vector<BankHoliday>& holidays() const { return holidays_; }
  // The holiday's name when `day` is a bank holiday.
  std::optional<std::string_view> BankHolidayName(LocalDay day) const;
  bool IsBankHoliday(LocalDay day) const;

  // Monday to Friday and not a bank holiday.
  bool IsWorkingDay(LocalDay day) const;
  // n > 0: the nth working day after `day` (1 = the next working day; `day` itself never
  // counts, whether or not it is a working day). n < 0: the |n|th working day before `day`.
  // n == 0: `day` unchanged.
  LocalDay AddWorkingDays(LocalDay day, int n) const;
  // n >= 1: the nth working day of the month; n <= -1: the |n|th from its end (-1 = the last
  // working day). Nothing when n is 0 or the month has fewer working days.
  std::optional<LocalDay> NthWorkingDayOfMonth(date::year_month month, int n) const;

  // The first instant of the local day (its midnight), in UTC.
  TimePoint StartOfLocalDay(LocalDay day) const;
  // The last instant of the local day (the microsecond before the next local midnight), in UTC.
  TimePoint EndOfLocalDay(LocalDay day) const;
  // The local wall-clock time `time_of_day` after midnight on `day`, in UTC. A time the clocks
  // skip (01:00-01:59 on the last Sunday of March) means the instant they go forward; a time
  // that happens twice (01:00-01:59 on the last Sunday of October) means the first (BST) one.
  TimePoint LocalTime(LocalDay day, std::chrono::minutes time_of_day) const;
  // The local day on which the instant falls.
  LocalDay LocalDateOf(TimePoint t) const;
  // The instant as local ISO-8601 with the UTC offset, to the second (truncated):
  // "2011-10-21T23:59:59+01:00".
  std::string FormatLocal(TimePoint t) const;

 private:
  Calendar() = default;

  // Constant after construction.
  int first_year_ = 0;
  int last_year_ = 0;
  LocalDay first_day_;
  LocalDay last_day_;
  std::vector<BankHoliday> holidays_;  // sorted by day
  // One flag per day from first_day_ to last_day_: 1 when a bank holiday.
  std::vector<uint8_t> is_holiday_;
  // The tz database entry; owned by date's process-wide tzdb, which is never freed.
  const date::time_zone* zone_ = nullptr;
};

}  // namespace goldthread::engine

#endif  // GOLDTHREAD_ENGINE_TIMETABLE_CALENDAR_H_
