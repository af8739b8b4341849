#include "engine/timetable/calendar.h"

#include <date/tz.h>
#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <exception>
#include <fstream>
#include <map>
#include <sstream>

#include "store/base/data_dir.h"

namespace goldthread::engine {
namespace {

using date::days;
using date::year_month_day;

// A change to the rule-made holidays of one year, by proclamation.
struct BankHolidayChange {
  date::year_month_day day;
  std::string_view name;
  // The rule-made holiday of the same year (by name) that this one replaces; empty when the
  // day is an extra holiday.
  std::string_view replaces;
};

// Every one-off change since the first covered year. To add one: add a line here, then run
// the calendar test with GOLDTHREAD_UPDATE_GOLDEN=1 to rewrite the shipped data file.
const BankHolidayChange kOneOffChanges[] = {
    {date::year(2011) / 4 / 29, "Royal wedding", ""},
    {date::year(2012) / 6 / 4, "Spring bank holiday", "Spring bank holiday"},
    {date::year(2012) / 6 / 5, "Queen's Diamond Jubilee", ""},
    {date::year(2020) / 5 / 8, "Early May bank holiday (VE day)", "Early May bank holiday"},
    {date::year(2022) / 6 / 2, "Spring bank holiday", "Spring bank holiday"},
    {date::year(2022) / 6 / 3, "Platinum Jubilee bank holiday", ""},
    {date::year(2022) / 9 / 19, "Bank Holiday for the State Funeral of Queen Elizabeth II", ""},
    {date::year(2023) / 5 / 8, "Bank holiday for the coronation of King Charles III", ""},
};

constexpr std::string_view kLondon = "Europe/London";

bool IsWeekend(LocalDay day) {
  const date::weekday wd{day};
  return wd == date::Saturday || wd == date::Sunday;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r')) {
    s.remove_prefix(1);
  }
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) {
    s.remove_suffix(1);
  }
  return s;
}

bool ParseInt(std::string_view s, int* out) {
  if (s.empty()) return false;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), *out);
  return ec == std::errc() && ptr == s.data() + s.size();
}

// "YYYY-MM-DD" → the day, or nothing when it is not a real date in that shape.
std::optional<LocalDay> ParseIsoDay(std::string_view s) {
  int y = 0, m = 0, d = 0;
  if (s.size() != 10 || s[4] != '-' || s[7] != '-' || !ParseInt(s.substr(0, 4), &y) ||
      !ParseInt(s.substr(5, 2), &m) || !ParseInt(s.substr(8, 2), &d)) {
    return std::nullopt;
  }
  const year_month_day ymd{date::year(y), date::month(static_cast<unsigned>(m)),
                           date::day(static_cast<unsigned>(d))};
  if (!ymd.ok()) return std::nullopt;
  return LocalDay(ymd);
}

LocalDay NthWeekday(int year, unsigned month, date::weekday wd, unsigned n) {
  return LocalDay(date::year(year) / month / wd[n]);
}
LocalDay LastWeekday(int year, unsigned month, date::weekday wd) {
  return LocalDay(date::year(year) / month / wd[date::last]);
}

// The rule-made holidays of one year, in date order.
std::vector<BankHoliday> RuleHolidays(int year) {
  std::vector<BankHoliday> out;
  const LocalDay easter = EasterSunday(year);
  // Days that cannot move: the Easter and Monday holidays.
  out.push_back({easter - days(2), "Good Friday"});
  out.push_back({easter + days(1), "Easter Monday"});
  out.push_back({NthWeekday(year, 5, date::Monday, 1), "Early May bank holiday"});
  out.push_back({LastWeekday(year, 5, date::Monday), "Spring bank holiday"});
  out.push_back({LastWeekday(year, 8, date::Monday), "Summer bank holiday"});
  // Fixed dates: those on a weekday stay; the rest, in this order, take the next weekday not
  // already a holiday ("substitute day"). Christmas before Boxing Day, so a Saturday Christmas
  // takes Monday 27th and a Sunday Boxing Day Tuesday 28th.
  struct Fixed {
    LocalDay day;
    std::string_view name;
  };
  const Fixed fixed[] = {{LocalDay(date::year(year) / 1 / 1), "New Year's Day"},
                         {LocalDay(date::year(year) / 12 / 25), "Christmas Day"},
                         {LocalDay(date::year(year) / 12 / 26), "Boxing Day"}};
  auto taken = [&](LocalDay d) {
    return std::any_of(out.begin(), out.end(), [&](const BankHoliday& h) { return h.day == d; });
  };
  for (const Fixed& f : fixed) {
    if (!IsWeekend(f.day)) out.push_back({f.day, std::string(f.name)});
  }
  for (const Fixed& f : fixed) {
    if (!IsWeekend(f.day)) continue;
    LocalDay d = f.day + days(1);
    while (IsWeekend(d) || taken(d)) d += days(1);
    out.push_back({d, fmt::format("{} (substitute day)", f.name)});
  }
  std::sort(out.begin(), out.end(),
            [](const BankHoliday& a, const BankHoliday& b) { return a.day < b.day; });
  return out;
}

}  // namespace

LocalDay EasterSunday(int year) {
  const int a = year % 19;
  const int b = year / 100;
  const int c = year % 100;
  const int d = b / 4;
  const int e = b % 4;
  const int f = (b + 8) / 25;
  const int g = (b - f + 1) / 3;
  const int h = (19 * a + b - d - g + 15) % 30;
  const int i = c / 4;
  const int k = c % 4;
  const int l = (32 + 2 * e + 2 * i - h - k) % 7;
  const int m = (a + 11 * h + 22 * l) / 451;
  const int month = (h + l - 7 * m + 114) / 31;
  const int day = (h + l - 7 * m + 114) % 31 + 1;
  return LocalDay(date::year(year) / month / day);
}

std::vector<BankHoliday> GenerateEnglandAndWalesBankHolidays(int first_year, int last_year) {
  std::vector<BankHoliday> out;
  for (int year = first_year; year <= last_year; ++year) {
    std::vector<BankHoliday> holidays = RuleHolidays(year);
    for (const BankHolidayChange& change : kOneOffChanges) {
      if (static_cast<int>(change.day.year()) != year) continue;
      if (!change.replaces.empty()) {
        auto it = std::find_if(holidays.begin(), holidays.end(),
                               [&](const BankHoliday& h) { return h.name == change.replaces; });
        // kOneOffChanges names only holidays the rules make; the tests check every change.
        if (it != holidays.end()) holidays.erase(it);
      }
      holidays.push_back({LocalDay(change.day), std::string(change.name)});
    }
    std::sort(holidays.begin(), holidays.end(),
              [](const BankHoliday& a, const BankHoliday& b) { return a.day < b.day; });
    out.insert(out.end(), holidays.begin(), holidays.end());
  }
  return out;
}

std::string FormatBankHolidayFile(std::span<const BankHoliday> holidays, int first_year,
                                  int last_year) {
  std::string out = fmt::format(
      "# England and Wales bank holidays, {} to {}: goldthread's working-day calendar.\n"
      "#\n"
      "# Format: one holiday a line, \"YYYY-MM-DD Name\". Blank lines and lines starting with #\n"
      "# are ignored. The \"covers\" line names the years this list is complete for; the\n"
      "# scheduler refuses to count working days outside them rather than guess.\n"
      "#\n"
      "# Generated by GenerateEnglandAndWalesBankHolidays (engine/calendar.cc) from the rules\n"
      "# (New Year's Day, Good Friday, Easter Monday, first and last Mondays of May, last Monday\n"
      "# of August, Christmas Day and Boxing Day, weekend days moved to the next free weekday)\n"
      "# plus the one-off changes proclaimed since 2011. tests/engine/calendar_test.cc fails when\n"
      "# this file and the generator differ. A deployment may add a one-off holiday by adding a\n"
      "# line to its copy of this file; to ship one, add it to kOneOffChanges in\n"
      "# engine/calendar.cc and run the calendar test with GOLDTHREAD_UPDATE_GOLDEN=1.\n"
      "\n"
      "covers {} {}\n",
      first_year, last_year, first_year, last_year);
  int year = 0;
  for (const BankHoliday& h : holidays) {
    const int y = static_cast<int>(year_month_day(h.day).year());
    if (y != year) {
      out += '\n';
      year = y;
    }
    out += fmt::format("{} {}\n", date::format("%F", h.day), h.name);
  }
  return out;
}

std::string DefaultBankHolidaysPath() { return BankHolidaysPathIn(DataPath("workflows")); }

std::string BankHolidaysPathIn(const std::string& workflows_dir) {
  return workflows_dir + "/calendars/england-and-wales-bank-holidays.txt";
}

Result<Calendar> Calendar::Load(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return MakeError(ErrorCode::kNotFound,
                     fmt::format("cannot read the bank-holiday file '{}'", path), "calendar");
  }
  std::stringstream buffer;
  buffer << in.rdbuf();
  return Parse(buffer.str(), path);
}

Result<Calendar> Calendar::Parse(std::string_view text, std::string_view name) {
  auto bad = [&](int line, std::string reason) {
    return InvalidField("calendar", fmt::format("{}:{}: {}", name, line, reason));
  };
  std::optional<std::pair<int, int>> covers;
  int covers_line = 0;
  std::vector<BankHoliday> holidays;
  std::map<LocalDay, int> line_of;  // for "listed twice" and range errors
  int line_number = 0;
  size_t pos = 0;
  while (pos <= text.size()) {
    const size_t eol = std::min(text.find('\n', pos), text.size());
    const std::string_view line = Trim(text.substr(pos, eol - pos));
    ++line_number;
    pos = eol + 1;
    if (line.empty() || line.front() == '#') continue;
    if (line.starts_with("covers")) {
      std::string_view rest = Trim(line.substr(6));
      const size_t space = rest.find_first_of(" \t");
      int first = 0, last = 0;
      if (space == std::string_view::npos || !ParseInt(rest.substr(0, space), &first) ||
          !ParseInt(Trim(rest.substr(space)), &last) || first < 1900 || last > 2200 ||
          first > last) {
        return bad(line_number, fmt::format("'{}' is not \"covers FIRST_YEAR LAST_YEAR\" with "
                                            "FIRST_YEAR <= LAST_YEAR",
                                            line));
      }
      if (covers) {
        return bad(line_number,
                   fmt::format("a second \"covers\" line (the first is line {})", covers_line));
      }
      covers = {first, last};
      covers_line = line_number;
      continue;
    }
    const std::string_view date_text = line.substr(0, std::min<size_t>(10, line.size()));
    const std::optional<LocalDay> day = ParseIsoDay(date_text);
    if (!day) {
      return bad(line_number,
                 fmt::format("'{}' does not start with a real date as YYYY-MM-DD", line));
    }
    const std::string_view holiday_name = Trim(line.substr(date_text.size()));
    if (holiday_name.empty() || (line.size() > 10 && line[10] != ' ' && line[10] != '\t')) {
      return bad(line_number, fmt::format("'{}': expected \"YYYY-MM-DD Name\"", line));
    }
    if (auto [it, inserted] = line_of.emplace(*day, line_number); !inserted) {
      return bad(line_number,
                 fmt::format("{} is listed twice (also line {})", date_text, it->second));
    }
    holidays.push_back({*day, std::string(holiday_name)});
  }
  if (!covers) {
    return InvalidField("calendar", fmt::format("{}: no \"covers FIRST_YEAR LAST_YEAR\" line "
                                                "saying which years the list is complete for",
                                                name));
  }
  for (const auto& [day, line] : line_of) {
    const int y = static_cast<int>(year_month_day(day).year());
    if (y < covers->first || y > covers->second) {
      return bad(line,
                 fmt::format("{} is outside the covered years {}-{} (line {})",
                             date::format("%F", day), covers->first, covers->second, covers_line));
    }
  }
  return FromHolidays(std::move(holidays), covers->first, covers->second);
}

Result<Calendar> Calendar::FromHolidays(std::vector<BankHoliday> holidays, int first_year,
                                        int last_year) {
  if (first_year > last_year) {
    return InvalidField("calendar",
                        fmt::format("covered years {}-{} are reversed", first_year, last_year));
  }
  Calendar cal;
  try {
    cal.zone_ = date::locate_zone(kLondon);
  } catch (const std::exception& e) {
    // date reports a missing zone or tzdata by throwing; this is the edge where that stops.
    return MakeError(
        ErrorCode::kInternal,
        fmt::format("the time zone {} is not available ({}); install tzdata", kLondon, e.what()));
  }
  cal.first_year_ = first_year;
  cal.last_year_ = last_year;
  cal.first_day_ = LocalDay(date::year(first_year) / 1 / 1);
  cal.last_day_ = LocalDay(date::year(last_year) / 12 / 31);
  std::sort(holidays.begin(), holidays.end(),
            [](const BankHoliday& a, const BankHoliday& b) { return a.day < b.day; });
  cal.is_holiday_.assign((cal.last_day_ - cal.first_day_).count() + 1, 0);
  for (size_t i = 0; i < holidays.size(); ++i) {
    if (!cal.Covers(holidays[i].day)) {
      return InvalidField("calendar",
                          fmt::format("{} is outside the covered years {}-{}",
                                      date::format("%F", holidays[i].day), first_year, last_year));
    }
    if (i > 0 && holidays[i].day == holidays[i - 1].day) {
      return InvalidField("calendar",
                          fmt::format("{} is listed twice", date::format("%F", holidays[i].day)));
    }
    cal.is_holiday_[(holidays[i].day - cal.first_day_).count()] = 1;
  }
  cal.holidays_ = std::move(holidays);
  return cal;
}

std::optional<std::string_view> Calendar::BankHolidayName(LocalDay day) const {
  if (!IsBankHoliday(day)) return std::nullopt;
  auto it = std::lower_bound(holidays_.begin(), holidays_.end(), day,
                             [](const BankHoliday& h, LocalDay d) { return h.day < d; });
  return std::string_view(it->name);
}

bool Calendar::IsBankHoliday(LocalDay day) const {
  return Covers(day) && is_holiday_[(day - first_day_).count()] != 0;
}

bool Calendar::IsWorkingDay(LocalDay day) const { return !IsWeekend(day) && !IsBankHoliday(day); }

LocalDay Calendar::AddWorkingDays(LocalDay day, int n) const {
  const days step(n > 0 ? 1 : -1);
  for (int left = n > 0 ? n : -n; left > 0;) {
    day += step;
    if (IsWorkingDay(day)) --left;
  }
  return day;
}

std::optional<LocalDay> Calendar::NthWorkingDayOfMonth(date::year_month month, int n) const {
  if (n == 0 || !month.ok()) return std::nullopt;
  const LocalDay first = LocalDay(month / 1);
  const LocalDay last = LocalDay(month / date::last);
  const LocalDay found =
      n > 0 ? AddWorkingDays(first - days(1), n) : AddWorkingDays(last + days(1), n);
  if (found < first || found > last) return std::nullopt;
  return found;
}

TimePoint Calendar::StartOfLocalDay(LocalDay day) const {
  return std::chrono::time_point_cast<std::chrono::microseconds>(
      zone_->to_sys(date::local_days(day.time_since_epoch()), date::choose::earliest));
}

TimePoint Calendar::EndOfLocalDay(LocalDay day) const {
  return StartOfLocalDay(day + days(1)) - std::chrono::microseconds(1);
}

TimePoint Calendar::LocalTime(LocalDay day, std::chrono::minutes time_of_day) const {
  const date::local_time<std::chrono::minutes> local{day.time_since_epoch() + time_of_day};
  return std::chrono::time_point_cast<std::chrono::microseconds>(
      zone_->to_sys(local, date::choose::earliest));
}

LocalDay Calendar::LocalDateOf(TimePoint t) const {
  const auto local = zone_->to_local(t);
  return LocalDay(date::floor<days>(local).time_since_epoch());
}

std::string Calendar::FormatLocal(TimePoint t) const {
  const auto seconds = date::floor<std::chrono::seconds>(t);
  const date::sys_info info = zone_->get_info(seconds);
  const auto local = date::local_seconds((seconds + info.offset).time_since_epoch());
  const auto offset_minutes = std::chrono::duration_cast<std::chrono::minutes>(info.offset).count();
  const long magnitude = offset_minutes < 0 ? -offset_minutes : offset_minutes;
  return fmt::format("{}{}{:02}:{:02}", date::format("%FT%T", local),
                     offset_minutes < 0 ? '-' : '+', magnitude / 60, magnitude % 60);
}

}  // namespace goldthread::engine
