// Reporting periods of the UK local-government financial year (April to March).
//
// Ids: "FY2011" (April 2011 - March 2012), "FY2011-H1" (April-September 2011), "FY2011-Q2"
// (July-September 2011), "FY2011-B3" (the third two-month period: August-September 2011),
// "FY2011-M07" (October 2011; M01 is April). A period's dates are local (Europe/London)
// calendar dates; its deadlines are computed by the calendar and the workflow.
//
//   Result<Period> p = Period::Parse("FY2011-Q2");
//   p->end();  // 2011-09-30
//
// Period is a small value type; all functions are pure and thread-safe.
#ifndef GOLDTHREAD_ENGINE_MODEL_PERIOD_H_
#define GOLDTHREAD_ENGINE_MODEL_PERIOD_H_

#include <date/date.h>

#include <string>
#include <string_view>
#include <vector>

#include "goldthread/v1/common.pb.h"
#include "store/base/errors.h"

namespace goldthread::engine {

class Period {
 public:
  // Parses an id; InvalidArgument naming the expected shapes when it is not one.
  static Result<Period> Parse(std::string_view id);
  // The period of `frequency` that contains the local date `day`.
  static Period Containing(goldthread::v1::Frequency frequency, date::year_month_day day);

  // The canonical id ("FY2011-M07").
  std::string id() const;
  goldthread::v1::Frequency frequency() const { return frequency_; }
  // The financial year's starting calendar year: FY2011 starts in April 2011.
  int fiscal_year() const { return fiscal_year_; }
  // 1-based index within the year (always 1 for annual periods).
  int index() const { return index_; }
  // First and last local calendar days of the period.
  date::year_month_day start() const;
  date::year_month_day end() const;

  // The period before / after this one, of the same frequency.
  Period Previous() const;
  Period Next() const;
  // The same period one year earlier (for "same period last year" comparisons).
  Period YearEarlier() const { return Period(frequency_, fiscal_year_ - 1, index_); }

  friend bool operator==(const Period&, const Period&) = default;
  // Orders by end date, then by start date (so a quarter sorts after its last month).
  friend bool operator<(const Period& a, const Period& b) {
    if (a.end() != b.end()) return a.end() < b.end();
    return a.start() > b.start();
  }

  // Months in one period of `frequency` (1, 2, 3, 6, 12); 0 for UNSPECIFIED.
  static int MonthsPer(goldthread::v1::Frequency frequency);

 private:
  Period(goldthread::v1::Frequency f, int fy, int index)
      : frequency_(f), fiscal_year_(fy), index_(index) {}

  goldthread::v1::Frequency frequency_;
  int fiscal_year_;
  int index_;
};

}  // namespace goldthread::engine

#endif  // GOLDTHREAD_ENGINE_MODEL_PERIOD_H_
