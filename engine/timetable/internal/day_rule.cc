#include "engine/timetable/internal/day_rule.h"

#include <fmt/format.h>

namespace goldthread::engine::internal {
namespace {

namespace v1 = goldthread::v1;
using date::days;

// The first month strictly after `after` that is `month`.
date::year_month NextNamed(date::year_month after, unsigned month) {
  const int from = static_cast<int>(static_cast<unsigned>(after.month()));
  const int ahead = (static_cast<int>(month) - from + 11) % 12 + 1;  // 1..12
  return after + date::months(ahead);
}

}  // namespace

LocalDay AddDays(LocalDay day, int n, v1::DayKind kind, const Calendar& calendar) {
  if (kind == v1::DAY_KIND_WORKING) return calendar.AddWorkingDays(day, n);
  return day + days(n);
}

Result<DaySpan> ResolveDayRule(const v1::DayRule& rule, LocalDay period_end,
                               const Calendar& calendar) {
  switch (rule.rule_case()) {
    case v1::DayRule::kWeek: {
      const int n = rule.week();
      return DaySpan{period_end + days(7 * (n - 1) + 1), period_end + days(7 * n)};
    }
    case v1::DayRule::kAfterPeriodEnd: {
      const LocalDay day = AddDays(period_end, rule.after_period_end().days(),
                                   rule.after_period_end().kind(), calendar);
      return DaySpan{day, day};
    }
    case v1::DayRule::kDayOfMonth: {
      const v1::DayRule::DayOfMonth& dom = rule.day_of_month();
      const date::year_month_day end_ymd(period_end);
      const date::year_month base = end_ymd.year() / end_ymd.month();
      const date::year_month month = dom.which_month_case() == v1::DayRule::DayOfMonth::kMonth
                                         ? NextNamed(base, static_cast<unsigned>(dom.month()))
                                         : base + date::months(dom.months_after());
      if (dom.kind() == v1::DAY_KIND_WORKING) {
        const std::optional<LocalDay> day = calendar.NthWorkingDayOfMonth(month, dom.day());
        if (!day) {
          return InvalidField("day_of_month",
                              fmt::format("{} has no working day {}",
                                          date::format("%B %Y", LocalDay(month / 1)), dom.day()));
        }
        return DaySpan{*day, *day};
      }
      const int length = static_cast<int>(
          static_cast<unsigned>(date::year_month_day_last(month / date::last).day()));
      int d = dom.day() > 0 ? std::min(dom.day(), length) : length + dom.day() + 1;
      if (d < 1) d = 1;
      const LocalDay day = LocalDay(month / date::day(static_cast<unsigned>(d)));
      return DaySpan{day, day};
    }
    case v1::DayRule::RULE_NOT_SET:
      break;
  }
  return InvalidField("rule", "the day rule is empty: give week, after_period_end or day_of_month");
}

std::optional<std::chrono::minutes> ParseTimeOfDay(std::string_view text) {
  auto digit = [](char c) { return c >= '0' && c <= '9'; };
  if (text.size() != 5 || text[2] != ':' || !digit(text[0]) || !digit(text[1]) || !digit(text[3]) ||
      !digit(text[4])) {
    return std::nullopt;
  }
  const int hours = (text[0] - '0') * 10 + (text[1] - '0');
  const int minutes = (text[3] - '0') * 10 + (text[4] - '0');
  if (hours > 23 || minutes > 59) return std::nullopt;
  return std::chrono::minutes(hours * 60 + minutes);
}

}  // namespace goldthread::engine::internal
