#include "engine/model/reporting_period.h"

namespace goldthread::engine {

namespace v1 = goldthread::v1;

std::optional<Period> FigurePeriodFor(v1::Frequency frequency, const Period& report) {
  if (Period::MonthsPer(frequency) == 0) return std::nullopt;
  const Period p = Period::Containing(frequency, report.end());
  if (p.end() != report.end()) return std::nullopt;
  return p;
}

std::set<std::string> FigurePeriodsFor(const Period& report) {
  std::set<std::string> out;
  for (v1::Frequency f : {v1::FREQUENCY_MONTHLY, v1::FREQUENCY_BI_MONTHLY, v1::FREQUENCY_QUARTERLY,
                          v1::FREQUENCY_SIX_MONTHLY, v1::FREQUENCY_ANNUAL}) {
    if (auto p = FigurePeriodFor(f, report)) out.insert(p->id());
  }
  return out;
}

bool PeriodWithin(const Period& inner, const Period& outer) {
  return inner.start() >= outer.start() && inner.end() <= outer.end();
}

}  // namespace goldthread::engine
