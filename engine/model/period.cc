#include "engine/model/period.h"

#include <fmt/format.h>

#include <charconv>

namespace goldthread::engine {
namespace {

using goldthread::v1::Frequency;

// Years outside this range are typing mistakes, not reporting periods.
constexpr int kMinYear = 1990;
constexpr int kMaxYear = 2100;

bool ParseInt(std::string_view s, int* out) {
  if (s.empty()) return false;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), *out);
  return ec == std::errc() && ptr == s.data() + s.size();
}

// First calendar month of the financial year's month `m` (1 = April).
date::year_month FiscalMonth(int fiscal_year, int m) {
  return date::year_month(date::year(fiscal_year), date::month(4)) + date::months(m - 1);
}

}  // namespace

int Period::MonthsPer(Frequency frequency) {
  switch (frequency) {
    case goldthread::v1::FREQUENCY_MONTHLY:
      return 1;
    case goldthread::v1::FREQUENCY_BI_MONTHLY:
      return 2;
    case goldthread::v1::FREQUENCY_QUARTERLY:
      return 3;
    case goldthread::v1::FREQUENCY_SIX_MONTHLY:
      return 6;
    case goldthread::v1::FREQUENCY_ANNUAL:
      return 12;
    default:
      return 0;
  }
}

Result<Period> Period::Parse(std::string_view id) {
  auto bad = [&] {
    return InvalidField("period",
                        fmt::format("'{}' is not a period id; use FY2011, FY2011-H1, FY2011-Q2, "
                                    "FY2011-B3 or FY2011-M07 (the year is the April it starts)",
                                    id));
  };
  if (id.size() < 6 || id.substr(0, 2) != "FY") return bad();
  int year = 0;
  if (!ParseInt(id.substr(2, 4), &year)) return bad();
  if (year < kMinYear || year > kMaxYear) {
    return InvalidField(
        "period", fmt::format("'{}': the year must be between {} and {}", id, kMinYear, kMaxYear));
  }
  if (id.size() == 6) return Period(goldthread::v1::FREQUENCY_ANNUAL, year, 1);
  if (id[6] != '-' || id.size() < 9) return bad();
  const char kind = id[7];
  std::string_view digits = id.substr(8);
  int index = 0;
  if (!ParseInt(digits, &index)) return bad();
  Frequency f;
  int count;
  switch (kind) {
    case 'M':
      if (digits.size() != 2) return bad();  // M07, not M7: ids sort and compare as text
      f = goldthread::v1::FREQUENCY_MONTHLY, count = 12;
      break;
    case 'B':
      f = goldthread::v1::FREQUENCY_BI_MONTHLY, count = 6;
      break;
    case 'Q':
      f = goldthread::v1::FREQUENCY_QUARTERLY, count = 4;
      break;
    case 'H':
      f = goldthread::v1::FREQUENCY_SIX_MONTHLY, count = 2;
      break;
    default:
      return bad();
  }
  if (kind != 'M' && digits.size() != 1) return bad();
  if (index < 1 || index > count) {
    return InvalidField("period", fmt::format("'{}': {} runs from 1 to {}", id, kind, count));
  }
  return Period(f, year, index);
}

Period Period::Containing(Frequency frequency, date::year_month_day day) {
  const int months_from_april = (static_cast<int>(day.year()) - 1) * 12 +
                                static_cast<int>(static_cast<unsigned>(day.month())) - 4;
  // Financial year whose April is at or before `day`.
  const int fy = months_from_april >= 0 ? months_from_april / 12 + 1 : 0;
  const int month_in_year = months_from_april - (fy - 1) * 12;  // 0 = April
  const int per = MonthsPer(frequency) == 0 ? 12 : MonthsPer(frequency);
  return Period(frequency == goldthread::v1::FREQUENCY_UNSPECIFIED
                    ? goldthread::v1::FREQUENCY_ANNUAL
                    : frequency,
                fy, month_in_year / per + 1);
}

std::string Period::id() const {
  switch (frequency_) {
    case goldthread::v1::FREQUENCY_MONTHLY:
      return fmt::format("FY{}-M{:02}", fiscal_year_, index_);
    case goldthread::v1::FREQUENCY_BI_MONTHLY:
      return fmt::format("FY{}-B{}", fiscal_year_, index_);
    case goldthread::v1::FREQUENCY_QUARTERLY:
      return fmt::format("FY{}-Q{}", fiscal_year_, index_);
    case goldthread::v1::FREQUENCY_SIX_MONTHLY:
      return fmt::format("FY{}-H{}", fiscal_year_, index_);
    default:
      return fmt::format("FY{}", fiscal_year_);
  }
}

date::year_month_day Period::start() const {
  const date::year_month ym = FiscalMonth(fiscal_year_, (index_ - 1) * MonthsPer(frequency_) + 1);
  return ym / date::day(1);
}

date::year_month_day Period::end() const {
  const date::year_month ym = FiscalMonth(fiscal_year_, index_ * MonthsPer(frequency_));
  return date::year_month_day(ym / date::last);
}

Period Period::Previous() const {
  const int count = 12 / MonthsPer(frequency_);
  if (index_ > 1) return Period(frequency_, fiscal_year_, index_ - 1);
  return Period(frequency_, fiscal_year_ - 1, count);
}

Period Period::Next() const {
  const int count = 12 / MonthsPer(frequency_);
  if (index_ < count) return Period(frequency_, fiscal_year_, index_ + 1);
  return Period(frequency_, fiscal_year_ + 1, 1);
}

}  // namespace goldthread::engine
