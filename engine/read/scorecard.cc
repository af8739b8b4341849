#include "engine/read/scorecard.h"

#include <fmt/format.h>

#include <map>
#include <set>

#include "engine/model/direction_of_travel.h"
#include "engine/model/event_codec.h"
#include "engine/model/figure_state.h"
#include "engine/model/rag.h"
#include "engine/model/reporting_period.h"
#include "engine/model/sign_off_progress.h"

namespace goldthread::engine {

namespace v1 = goldthread::v1;

void CountRag(v1::Rag rag, v1::RagCounts* counts) {
  switch (rag) {
    case v1::RAG_GREEN:
      counts->set_green(counts->green() + 1);
      break;
    case v1::RAG_AMBER:
      counts->set_amber(counts->amber() + 1);
      break;
    case v1::RAG_RED:
      counts->set_red(counts->red() + 1);
      break;
    case v1::RAG_GREY:
      counts->set_grey(counts->grey() + 1);
      break;
    case v1::RAG_NOT_RATED:
      counts->set_not_rated(counts->not_rated() + 1);
      break;
    default:
      break;
  }
}

// A published scorecard: only rows whose figure was published, without the internal sign-off
// detail; counts recomputed from those rows; roll-up and self-assessments left out (they
// summarise unpublished figures).
void KeepPublishedOnly(v1::Scorecard* card) {
  google::protobuf::RepeatedPtrField<v1::ScorecardRow> kept;
  std::map<std::string, const v1::ScorecardRow*> by_id;
  for (v1::ScorecardRow& row : *card->mutable_rows()) {
    if (!row.published()) continue;
    row.clear_signed_levels();
    row.clear_sign_off_state();
    *kept.Add() = row;
  }
  *card->mutable_rows() = std::move(kept);
  for (const v1::ScorecardRow& row : card->rows()) by_id[row.indicator_id()] = &row;
  auto recount = [&](google::protobuf::RepeatedPtrField<std::string>* ids, v1::RagCounts* counts) {
    google::protobuf::RepeatedPtrField<std::string> published;
    counts->Clear();
    for (const std::string& id : *ids) {
      auto it = by_id.find(id);
      if (it == by_id.end()) continue;
      *published.Add() = id;
      switch (it->second->rag()) {
        case v1::RAG_GREEN:
          counts->set_green(counts->green() + 1);
          break;
        case v1::RAG_AMBER:
          counts->set_amber(counts->amber() + 1);
          break;
        case v1::RAG_RED:
          counts->set_red(counts->red() + 1);
          break;
        case v1::RAG_GREY:
          counts->set_grey(counts->grey() + 1);
          break;
        default:
          counts->set_not_rated(counts->not_rated() + 1);
          break;
      }
    }
    *ids = std::move(published);
  };
  for (v1::ScorecardPriority& p : *card->mutable_priorities()) {
    recount(p.mutable_indicator_ids(), p.mutable_counts());
    p.clear_summary();
    p.clear_overall_rating();
    p.clear_progress_recorded();
  }
  for (v1::ScorecardPerspective& p : *card->mutable_perspectives()) {
    recount(p.mutable_indicator_ids(), p.mutable_counts());
  }
  card->clear_rollup();
  card->clear_self_assessments();
}

namespace {

// Whether the scorecard of `scope` shows `indicator`: owned at or below it, or (for a
// partnership board) signed off by it.
bool InScope(const CouncilModel& model, const Indicator& indicator, std::string_view scope) {
  const auto& d = indicator.definition;
  if (model.IsWithin(d.owning_unit_id(), scope)) return true;
  return !d.partnership_unit_id().empty() && model.IsWithin(d.partnership_unit_id(), scope);
}

Status FillRow(const LogSnapshot& snapshot, const CouncilModel& model, const Indicator& indicator,
               const Period& figure_period, v1::ScorecardRow* row) {
  const auto& d = indicator.definition;
  row->set_indicator_id(indicator.id);
  row->set_title(d.title());
  row->set_owning_unit_id(d.owning_unit_id());
  if (const OrgUnit* u = model.Unit(d.owning_unit_id())) row->set_owning_unit_name(u->name);
  row->set_perspective(d.perspective());
  row->set_priority_id(d.priority_id());
  row->set_polarity(d.polarity());
  row->set_unit(d.unit());
  row->set_decimal_places(d.decimal_places());
  row->set_figure_period(figure_period.id());

  auto events = snapshot.FigureEvents(indicator.id, figure_period.id());
  if (!events) return Unexpected(events.error());
  FigureState state;
  for (const RecordedEvent& r : *events) state.Apply(r.envelope, r.event);
  row->set_submitted(state.submitted());
  if (state.submitted()) *row->mutable_value() = state.value;
  const std::optional<double> value = state.NumericValue();
  std::optional<double> target;
  if (auto t = indicator.targets.find(figure_period.id()); t != indicator.targets.end()) {
    target = t->second;
    row->set_target(t->second);
  }
  row->set_rag(RateAgainstTarget(d.polarity(), d.amber_tolerance(), value, target));

  const Period previous = figure_period.Previous();
  const Period last_year = figure_period.YearEarlier();
  auto previous_value = snapshot.FigureValue(indicator.id, previous.id());
  if (!previous_value) return Unexpected(previous_value.error());
  auto last_year_value = snapshot.FigureValue(indicator.id, last_year.id());
  if (!last_year_value) return Unexpected(last_year_value.error());
  row->set_previous_period(previous.id());
  if (*previous_value) row->set_previous_value(**previous_value);
  row->set_vs_previous(TrendBetween(d.polarity(), value, *previous_value));
  row->set_last_year_period(last_year.id());
  if (*last_year_value) row->set_last_year_value(**last_year_value);
  row->set_vs_last_year(TrendBetween(d.polarity(), value, *last_year_value));

  row->set_sign_off_state(SignOffState(state, d, snapshot.sign_off_levels()));
  for (const auto& [level, sign_off] : state.sign_offs) {
    row->add_signed_levels(static_cast<v1::SignOffLevel>(level));
  }
  row->set_locked(state.locked);
  row->set_published(state.published_version != 0 &&
                     state.published_version == state.figure_version);
  row->set_restated(state.restated);
  row->set_commentary(state.commentary);
  row->set_figure_version(state.figure_version);
  return OkStatus();
}

}  // namespace

Result<v1::Scorecard> BuildScorecard(const LogSnapshot& snapshot, std::string_view unit_id,
                                     std::string_view period_id) {
  if (auto s = CheckId(unit_id, "unit_id"); !s) return Unexpected(s.error());
  auto period = Period::Parse(period_id);
  if (!period) return Unexpected(period.error());
  auto model = snapshot.Council(FigurePeriodsFor(*period));
  if (!model) return Unexpected(model.error());
  const OrgUnit* unit = model->Unit(unit_id);
  if (unit == nullptr) {
    return MakeError(ErrorCode::kNotFound,
                     fmt::format("there is no org unit '{}' (as of log position {})", unit_id,
                                 snapshot.position()),
                     "unit_id");
  }

  v1::Scorecard card;
  card.set_unit_id(std::string(unit_id));
  card.set_unit_name(unit->name);
  card.set_period(period->id());
  *card.mutable_as_of() = snapshot.point();

  for (const auto& [id, indicator] : model->indicators()) {
    if (indicator.retired || !InScope(*model, indicator, unit_id)) continue;
    auto figure_period = FigurePeriodFor(indicator.definition.frequency(), *period);
    if (!figure_period) continue;
    if (auto s = FillRow(snapshot, *model, indicator, *figure_period, card.add_rows()); !s) {
      return Unexpected(s.error());
    }
  }

  // By priority: those the rows serve, and those owned in scope (even without indicators).
  std::map<std::string, v1::ScorecardPriority> priorities;
  for (const auto& [id, priority] : model->priorities()) {
    if (model->IsWithin(priority.owner_unit_id, unit_id)) priorities[id].set_priority_id(id);
  }
  std::map<int, v1::ScorecardPerspective> perspectives;
  for (const v1::ScorecardRow& row : card.rows()) {
    v1::ScorecardPriority& p = priorities[row.priority_id()];
    p.set_priority_id(row.priority_id());
    p.add_indicator_ids(row.indicator_id());
    CountRag(row.rag(), p.mutable_counts());
    v1::ScorecardPerspective& q = perspectives[row.perspective()];
    q.set_perspective(row.perspective());
    q.add_indicator_ids(row.indicator_id());
    CountRag(row.rag(), q.mutable_counts());
  }
  for (auto& [id, p] : priorities) {
    if (id.empty()) continue;  // listed last
    if (const Priority* priority = model->FindPriority(id)) {
      p.set_title(priority->title);
      p.set_owner_unit_id(priority->owner_unit_id);
    }
    auto progress = snapshot.PriorityProgress(id, period->id());
    if (!progress) return Unexpected(progress.error());
    if (*progress) {
      const auto& e = (*progress)->event.priority_progress_recorded();
      p.set_progress_recorded(true);
      p.set_summary(e.summary());
      p.set_overall_rating(e.overall_rating());
    }
    *card.add_priorities() = std::move(p);
  }
  if (auto none = priorities.find(""); none != priorities.end()) {
    none->second.set_title("Not linked to a priority");
    *card.add_priorities() = std::move(none->second);
  }
  for (auto& [perspective, q] : perspectives) *card.add_perspectives() = std::move(q);

  // Roll-up: the unit, then every open unit below it, depth first in id order.
  std::map<std::string, std::vector<std::string>> children;
  for (const auto& [id, u] : model->units()) {
    if (!u.closed && !u.parent_id.empty()) children[u.parent_id].push_back(id);
  }
  std::vector<std::pair<std::string, uint32_t>> stack = {{std::string(unit_id), 0}};
  std::set<std::string> seen;  // a (corrupt) cycle of parents cannot loop forever
  while (!stack.empty()) {
    auto [id, depth] = stack.back();
    stack.pop_back();
    if (!seen.insert(id).second) continue;
    const OrgUnit* u = model->Unit(id);
    v1::UnitRollup* r = card.add_rollup();
    r->set_unit_id(id);
    r->set_name(u->name);
    r->set_kind(u->kind);
    r->set_parent_unit_id(u->parent_id);
    r->set_depth(depth);
    for (const v1::ScorecardRow& row : card.rows()) {
      const Indicator* indicator = model->FindIndicator(row.indicator_id());
      if (InScope(*model, *indicator, id)) CountRag(row.rag(), r->mutable_counts());
    }
    auto assessment = snapshot.SelfAssessment(id, period->id());
    if (!assessment) return Unexpected(assessment.error());
    if (*assessment) {
      const auto& e = (*assessment)->event.self_assessment_recorded();
      v1::SelfAssessment* a = card.add_self_assessments();
      a->set_unit_id(id);
      a->set_summary(e.summary());
      a->mutable_concerns()->CopyFrom(e.concerns());
      a->set_overall_rating(e.overall_rating());
      a->set_recorded_by((*assessment)->envelope.actor());
      *a->mutable_recorded_at() = (*assessment)->envelope.recorded_at();
    }
    auto below = children.find(id);
    if (below == children.end()) continue;
    for (auto it = below->second.rbegin(); it != below->second.rend(); ++it) {
      stack.emplace_back(*it, depth + 1);
    }
  }
  return card;
}

}  // namespace goldthread::engine
