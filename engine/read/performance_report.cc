#include "engine/read/performance_report.h"

#include <fmt/format.h>

#include <algorithm>
#include <set>
#include <tuple>

#include "engine/model/direction_of_travel.h"
#include "engine/model/event_codec.h"
#include "engine/model/figure_state.h"
#include "engine/model/finding_state.h"
#include "engine/model/rag.h"
#include "engine/model/reporting_period.h"

namespace goldthread::engine {

namespace v1 = goldthread::v1;

namespace {

// The trend's periods for an indicator of `frequency`, oldest first; empty when it does not
// report in `report`.
std::vector<Period> TrendPeriods(v1::Frequency frequency, const Period& report) {
  std::vector<Period> out;
  auto latest = FigurePeriodFor(frequency, report);
  if (!latest) return out;
  Period p = *latest;
  for (int i = 0; i < kTrendPeriods; ++i, p = p.Previous()) out.push_back(p);
  std::reverse(out.begin(), out.end());
  return out;
}

Status FillIndicator(const LogSnapshot& snapshot, const Indicator& indicator,
                     const std::vector<Period>& periods, v1::ReportIndicator* out) {
  const auto& d = indicator.definition;
  out->set_indicator_id(indicator.id);
  out->set_title(d.title());
  out->set_owning_unit_id(d.owning_unit_id());
  out->set_polarity(d.polarity());
  out->set_unit(d.unit());
  std::optional<double> previous, latest;
  for (const Period& p : periods) {
    auto events = snapshot.FigureEvents(indicator.id, p.id());
    if (!events) return Unexpected(events.error());
    FigureState state;
    for (const RecordedEvent& r : *events) state.Apply(r.envelope, r.event);
    v1::TrendPoint* point = out->add_trend();
    point->set_period(p.id());
    point->set_submitted(state.submitted());
    if (state.submitted()) *point->mutable_value() = state.value;
    std::optional<double> target;
    if (auto t = indicator.targets.find(p.id()); t != indicator.targets.end()) {
      target = t->second;
      point->set_target(t->second);
    }
    point->set_rag(RateAgainstTarget(d.polarity(), d.amber_tolerance(), state.NumericValue(),
                                     target));
    previous = latest;
    latest = state.NumericValue();
    out->set_commentary(state.commentary);
  }
  out->set_latest_rag(out->trend(out->trend_size() - 1).rag());
  out->set_vs_previous(TrendBetween(d.polarity(), latest, previous));
  auto last_year = snapshot.FigureValue(indicator.id, periods.back().YearEarlier().id());
  if (!last_year) return Unexpected(last_year.error());
  out->set_vs_last_year(TrendBetween(d.polarity(), latest, *last_year));
  return OkStatus();
}

}  // namespace

Result<v1::PerformanceReport> BuildPerformanceReport(const LogSnapshot& snapshot,
                                                     std::string_view priority_id,
                                                     std::string_view period_id) {
  if (auto s = CheckId(priority_id, "priority_id"); !s) return Unexpected(s.error());
  auto period = Period::Parse(period_id);
  if (!period) return Unexpected(period.error());
  std::set<std::string> target_periods;
  for (v1::Frequency f : {v1::FREQUENCY_MONTHLY, v1::FREQUENCY_BI_MONTHLY, v1::FREQUENCY_QUARTERLY,
                          v1::FREQUENCY_SIX_MONTHLY, v1::FREQUENCY_ANNUAL}) {
    for (const Period& p : TrendPeriods(f, *period)) target_periods.insert(p.id());
  }
  auto model = snapshot.Council(target_periods);
  if (!model) return Unexpected(model.error());
  const Priority* priority = model->FindPriority(priority_id);
  if (priority == nullptr) {
    return MakeError(ErrorCode::kNotFound,
                     fmt::format("there is no priority '{}' (as of log position {})", priority_id,
                                 snapshot.position()),
                     "priority_id");
  }
  v1::PerformanceReport report;
  report.set_priority_id(std::string(priority_id));
  report.set_title(priority->title);
  report.set_owner_unit_id(priority->owner_unit_id);
  report.set_period(period->id());
  *report.mutable_as_of() = snapshot.point();

  auto progress = snapshot.PriorityProgress(priority_id, period->id());
  if (!progress) return Unexpected(progress.error());
  if (*progress) {
    const auto& e = (*progress)->event.priority_progress_recorded();
    report.set_progress_recorded(true);
    report.set_summary(e.summary());
    report.set_overall_rating(e.overall_rating());
    report.mutable_actions_delivered()->CopyFrom(e.actions_delivered());
    report.mutable_actions_planned()->CopyFrom(e.actions_planned());
    report.set_recorded_by((*progress)->envelope.actor());
    *report.mutable_recorded_at() = (*progress)->envelope.recorded_at();
  }

  std::set<std::string> indicator_ids;
  for (const auto& [id, indicator] : model->indicators()) {
    if (indicator.retired || indicator.definition.priority_id() != priority_id) continue;
    const std::vector<Period> periods = TrendPeriods(indicator.definition.frequency(), *period);
    if (periods.empty()) continue;
    indicator_ids.insert(id);
    if (auto s = FillIndicator(snapshot, indicator, periods, report.add_indicators()); !s) {
      return Unexpected(s.error());
    }
  }

  auto risks = snapshot.Risks();
  if (!risks) return Unexpected(risks.error());
  std::vector<v1::ReportRisk> linked;
  for (const auto& [id, events] : *risks) {
    v1::ReportRisk risk;
    bool link = false;
    for (const RecordedEvent& r : events) {
      if (r.event.has_risk_registered()) {
        const auto& e = r.event.risk_registered();
        risk.set_risk_id(e.risk_id());
        risk.set_title(e.title());
        risk.set_owner_person_id(e.owner_person_id());
        risk.set_unit_id(e.unit_id());
        risk.set_likelihood(e.likelihood());
        risk.set_impact(e.impact());
        for (const std::string& p : e.priority_ids()) link |= p == priority_id;
        for (const std::string& i : e.indicator_ids()) link |= indicator_ids.count(i) > 0;
      } else if (r.event.has_risk_rated()) {
        risk.set_likelihood(r.event.risk_rated().likelihood());
        risk.set_impact(r.event.risk_rated().impact());
      } else if (r.event.has_risk_closed()) {
        risk.set_closed(true);
      }
    }
    if (!link) continue;
    risk.set_score(risk.likelihood() * risk.impact());
    linked.push_back(std::move(risk));
  }
  std::sort(linked.begin(), linked.end(), [](const v1::ReportRisk& a, const v1::ReportRisk& b) {
    return std::make_tuple(a.closed(), -static_cast<int>(a.score()), a.risk_id()) <
           std::make_tuple(b.closed(), -static_cast<int>(b.score()), b.risk_id());
  });
  for (v1::ReportRisk& r : linked) *report.add_risks() = std::move(r);

  v1::FindingSubject subject;
  subject.set_priority_id(std::string(priority_id));
  for (const std::string& id : snapshot.FindingsAbout(subject)) {
    auto events = snapshot.FindingEvents(id);
    if (!events) return Unexpected(events.error());
    FindingState state;
    for (const RecordedEvent& r : *events) state.Apply(r.envelope, r.event);
    if (state.exists() && state.status != FindingStatus::kClosed) report.add_open_finding_ids(id);
  }
  return report;
}

}  // namespace goldthread::engine
