#include "engine/model/local_date.h"

#include <date/tz.h>
#include <fmt/format.h>

#include <cstdio>

namespace goldthread::engine {

LocalDay LondonDayOf(TimePoint t) {
  static const date::time_zone* const london = date::locate_zone("Europe/London");
  const auto local = london->to_local(t);
  return LocalDay(date::floor<date::days>(local).time_since_epoch());
}

TimePoint EndOfLondonDay(LocalDay day) {
  static const date::time_zone* const london = date::locate_zone("Europe/London");
  const auto next_midnight = london->to_sys(date::local_days((day + date::days(1)).time_since_epoch()),
                                            date::choose::earliest);
  return std::chrono::time_point_cast<std::chrono::microseconds>(next_midnight) -
         std::chrono::microseconds(1);
}

Result<LocalDay> ParseLocalDay(std::string_view iso, std::string_view field) {
  int y = 0;
  unsigned m = 0, d = 0;
  char tail = 0;
  const std::string s(iso);
  if (s.size() != 10 || std::sscanf(s.c_str(), "%4d-%2u-%2u%c", &y, &m, &d, &tail) != 3 ||
      s[4] != '-' || s[7] != '-') {
    return InvalidField(std::string(field),
                        fmt::format("{} '{}' is not a date; use YYYY-MM-DD", field, iso));
  }
  const date::year_month_day ymd{date::year{y}, date::month{m}, date::day{d}};
  if (!ymd.ok()) {
    return InvalidField(std::string(field), fmt::format("{} '{}' is not a real date", field, iso));
  }
  return LocalDay(ymd);
}

Result<LocalDay> LocalDayOr(const goldthread::v1::LocalDate& d, LocalDay fallback,
                            std::string_view field) {
  if (d.iso().empty()) return fallback;
  return ParseLocalDay(d.iso(), field);
}

std::string FormatLocalDay(LocalDay day) { return date::format("%F", day); }

goldthread::v1::LocalDate ToLocalDate(LocalDay day) {
  goldthread::v1::LocalDate out;
  out.set_iso(FormatLocalDay(day));
  return out;
}

}  // namespace goldthread::engine
