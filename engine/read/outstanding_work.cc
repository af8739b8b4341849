#include "engine/read/outstanding_work.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <set>
#include <tuple>

#include "engine/model/authority.h"
#include "engine/model/event_codec.h"
#include "engine/model/event_summary.h"
#include "engine/model/figure_state.h"
#include "engine/model/finding_state.h"
#include "engine/model/local_date.h"
#include "engine/model/period.h"
#include "engine/model/sign_off_progress.h"

namespace goldthread::engine {

namespace v1 = goldthread::v1;

namespace {

std::vector<std::string> Holders(const CouncilModel& model, std::initializer_list<v1::Role> roles,
                                 std::string_view unit, LocalDay day) {
  std::set<std::string> people;
  for (v1::Role role : roles) {
    for (std::string& p : model.PeopleWithRole(role, unit, day)) people.insert(std::move(p));
  }
  return {people.begin(), people.end()};
}

v1::Role RoleForLevel(v1::SignOffLevel level) {
  switch (level) {
    case v1::SIGN_OFF_LEVEL_SERVICE:
      return v1::ROLE_SERVICE_MANAGER;
    case v1::SIGN_OFF_LEVEL_DIRECTORATE:
      return v1::ROLE_DIRECTOR;
    case v1::SIGN_OFF_LEVEL_CORPORATE_VERIFICATION:
      return v1::ROLE_PERFORMANCE_TEAM;
    case v1::SIGN_OFF_LEVEL_PARTNERSHIP:
      return v1::ROLE_PARTNERSHIP_BOARD;
    default:
      return v1::ROLE_UNSPECIFIED;
  }
}

// How `item` has been chased: the reminders and escalations on its stream about what
// `outstanding` names ("" for every one: a finding's stream is about the finding alone).
void Chase(const std::vector<RecordedEvent>& events, std::string_view outstanding,
           v1::WorkItem* item) {
  for (const RecordedEvent& r : events) {
    if (r.event.has_reminder_issued() &&
        (outstanding.empty() || r.event.reminder_issued().outstanding() == outstanding)) {
      item->set_reminders(item->reminders() + 1);
      *item->mutable_last_reminded_at() = r.envelope.recorded_at();
    }
    if (!r.event.has_escalation_raised()) continue;
    const auto& e = r.event.escalation_raised();
    if (!outstanding.empty() && e.outstanding() != outstanding) continue;
    item->set_escalations(item->escalations() + 1);
    item->set_escalation_rung(std::max(item->escalation_rung(), e.rung()));
    *item->mutable_last_escalated_at() = r.envelope.recorded_at();
    for (const std::string& person : e.recipient_person_ids()) {
      const auto& named = item->escalated_to_person_ids();
      if (std::find(named.begin(), named.end(), person) == named.end()) {
        item->add_escalated_to_person_ids(person);
      }
    }
  }
}

void Judge(v1::WorkItem* item, std::optional<TimePoint> deadline, TimePoint now) {
  if (deadline) {
    *item->mutable_deadline() = TimestampOf(*deadline);
    if (now > *deadline) {
      item->set_late(true);
      item->set_overdue_seconds(
          std::chrono::duration_cast<std::chrono::seconds>(now - *deadline).count());
    }
  } else if (item->escalations() > 0) {
    item->set_late(true);  // an escalation means a deadline passed
  }
}

// The most recent `n` periods of `frequency` that ended before `today`, newest first.
std::vector<Period> RecentEnded(v1::Frequency frequency, LocalDay today, int n) {
  std::vector<Period> out;
  if (Period::MonthsPer(frequency) == 0) return out;
  Period p = Period::Containing(frequency, date::year_month_day(today));
  if (!(LocalDay(p.end()) < today)) p = p.Previous();
  for (int i = 0; i < n; ++i, p = p.Previous()) out.push_back(p);
  return out;
}

Result<std::vector<v1::WorkItem>> AllWork(const LogSnapshot& snapshot, const CouncilModel& model,
                                          const OutstandingOptions& options) {
  const TimePoint now = options.evaluated_at;
  const LocalDay today = LondonDayOf(now);
  auto figure_deadline = [&](std::string_view indicator, std::string_view period, v1::WorkKind kind,
                             v1::SignOffLevel level) {
    return options.deadlines == nullptr
               ? std::nullopt
               : options.deadlines->FigureDeadline(indicator, period, kind, level);
  };
  std::vector<v1::WorkItem> items;

  // Figures owed: recent ended periods without a figure, and every unlocked figure.
  std::set<FigureKey> figures;
  for (const auto& [id, indicator] : model.indicators()) {
    if (indicator.retired) continue;
    const OrgUnit* unit = model.Unit(indicator.definition.owning_unit_id());
    if (unit == nullptr || unit->closed) continue;
    for (const Period& p :
         RecentEnded(indicator.definition.frequency(), today, std::max(options.periods_back, 0))) {
      figures.insert({id, p.id()});
    }
  }
  for (FigureKey& key : snapshot.UnlockedFigures()) figures.insert(std::move(key));

  for (const FigureKey& key : figures) {
    const Indicator* indicator = model.FindIndicator(key.indicator_id);
    if (indicator == nullptr) continue;
    const auto& d = indicator->definition;
    auto events = snapshot.FigureEvents(key.indicator_id, key.period);
    if (!events) return Unexpected(events.error());
    FigureState state;
    for (const RecordedEvent& r : *events) state.Apply(r.envelope, r.event);
    if (state.locked) continue;
    if (!state.submitted() && indicator->retired) continue;
    auto add = [&](v1::WorkKind kind) {
      v1::WorkItem* item = &items.emplace_back();
      item->set_kind(kind);
      item->set_indicator_id(key.indicator_id);
      item->set_period(key.period);
      item->set_unit_id(d.owning_unit_id());
      return item;
    };
    const std::vector<std::string> enterers =
        Holders(model, {v1::ROLE_DATA_ENTRY, v1::ROLE_SERVICE_MANAGER}, d.owning_unit_id(), today);
    if (!state.submitted()) {
      v1::WorkItem* item = add(v1::WORK_KIND_SUBMIT_FIGURE);
      item->set_description(fmt::format("submit {} for {}", key.indicator_id, key.period));
      item->mutable_responsible_person_ids()->Add(enterers.begin(), enterers.end());
      Chase(*events, "not submitted", item);
      Judge(item,
            figure_deadline(key.indicator_id, key.period, item->kind(),
                            v1::SIGN_OFF_LEVEL_UNSPECIFIED),
            now);
      continue;
    }
    if (state.rejected) {
      v1::WorkItem* item = add(v1::WORK_KIND_AMEND_FIGURE);
      item->set_description(fmt::format("amend {} for {}: sent back ({})", key.indicator_id,
                                        key.period, state.rejection_reason));
      item->mutable_responsible_person_ids()->Add(enterers.begin(), enterers.end());
      Judge(item,
            figure_deadline(key.indicator_id, key.period, item->kind(),
                            v1::SIGN_OFF_LEVEL_UNSPECIFIED),
            now);
    } else if (const auto missing = MissingSignOffLevels(state, d, snapshot.sign_off_levels()); !missing.empty()) {
      const v1::SignOffLevel level = missing.front();
      const std::string unit =
          level == v1::SIGN_OFF_LEVEL_PARTNERSHIP ? d.partnership_unit_id() : d.owning_unit_id();
      v1::WorkItem* item = add(v1::WORK_KIND_SIGN_OFF_FIGURE);
      item->set_level(level);
      item->set_unit_id(unit);
      item->set_description(fmt::format("sign off {} for {} at {} level (version {})",
                                        key.indicator_id, key.period, LevelName(level),
                                        state.figure_version));
      for (const std::string& person : Holders(model, {RoleForLevel(level)}, unit, today)) {
        // Four eyes: not the version's author, nor anyone who signed another level of it.
        if (person == state.version_author) continue;
        bool signed_other = false;
        for (const auto& [l, s] : state.sign_offs) signed_other |= s.person_id == person;
        if (!signed_other) item->add_responsible_person_ids(person);
      }
      Chase(*events, fmt::format("not signed off at {} level", LevelName(level)), item);
      Judge(item, figure_deadline(key.indicator_id, key.period, item->kind(), level), now);
    }
    for (const auto& [id, query] : state.queries) {
      if (query.answered) continue;
      v1::WorkItem* item = add(v1::WORK_KIND_ANSWER_QUERY);
      item->set_query_id(id);
      item->set_description(fmt::format("answer data-quality query {} on {} for {}: {}", id,
                                        key.indicator_id, key.period, query.question));
      item->mutable_responsible_person_ids()->Add(enterers.begin(), enterers.end());
      Judge(item,
            figure_deadline(key.indicator_id, key.period, item->kind(),
                            v1::SIGN_OFF_LEVEL_UNSPECIFIED),
            now);
    }
  }

  // Findings.
  for (const std::string& id : snapshot.Findings()) {
    auto events = snapshot.FindingEvents(id);
    if (!events) return Unexpected(events.error());
    FindingState state;
    for (const RecordedEvent& r : *events) state.Apply(r.envelope, r.event);
    if (!state.exists() || state.status == FindingStatus::kClosed) continue;
    v1::WorkItem* item = &items.emplace_back();
    item->set_finding_id(id);
    item->set_unit_id(state.raised.unit_id());
    if (state.raised.subject().has_figure()) {
      item->set_indicator_id(state.raised.subject().figure().indicator_id());
      item->set_period(state.raised.subject().figure().period());
    } else if (state.raised.subject().has_indicator_id()) {
      item->set_indicator_id(state.raised.subject().indicator_id());
    }
    if (state.status == FindingStatus::kOpen) {
      item->set_kind(v1::WORK_KIND_RESPOND_TO_FINDING);
      item->set_description(fmt::format("answer finding {}: {}", id, state.raised.finding()));
      item->add_responsible_person_ids(state.raised.owner_person_id());
      Chase(*events, "", item);
      std::optional<TimePoint> deadline;
      if (auto due = ParseLocalDay(state.raised.due().iso(), "due")) {
        deadline = EndOfLondonDay(*due);
      }
      Judge(item, deadline, now);
    } else {
      item->set_kind(v1::WORK_KIND_JUDGE_FINDING);
      item->set_description(
          state.status == FindingStatus::kAccepted
              ? fmt::format("close finding {} with evidence: {}", id, state.raised.finding())
              : fmt::format("accept or re-open the answer to finding {}: {}", id,
                            state.raised.finding()));
      item->add_responsible_person_ids(state.raised_by);
    }
  }

  std::stable_sort(items.begin(), items.end(), [](const v1::WorkItem& a, const v1::WorkItem& b) {
    const int64_t da = a.has_deadline() ? a.deadline().seconds() : INT64_MAX;
    const int64_t db = b.has_deadline() ? b.deadline().seconds() : INT64_MAX;
    return std::make_tuple(!a.late(), da, static_cast<int>(a.kind()), a.indicator_id(), a.period(),
                           a.finding_id(), a.query_id()) <
           std::make_tuple(!b.late(), db, static_cast<int>(b.kind()), b.indicator_id(), b.period(),
                           b.finding_id(), b.query_id());
  });
  return items;
}

}  // namespace

Result<v1::OutstandingWork> BuildOutstandingWork(const LogSnapshot& snapshot,
                                                 std::string_view person_id,
                                                 const OutstandingOptions& options) {
  auto model = snapshot.Council({});
  if (!model) return Unexpected(model.error());
  const Person* person = model->FindPerson(person_id);
  if (person == nullptr) {
    return MakeError(ErrorCode::kNotFound,
                     fmt::format("there is no person '{}' (as of log position {})", person_id,
                                 snapshot.position()),
                     "person_id");
  }
  auto items = AllWork(snapshot, *model, options);
  if (!items) return Unexpected(items.error());
  v1::OutstandingWork out;
  out.set_person_id(std::string(person_id));
  out.set_person_name(person->name);
  *out.mutable_as_of() = snapshot.point();
  *out.mutable_evaluated_at() = TimestampOf(options.evaluated_at);
  for (v1::WorkItem& item : *items) {
    const auto& who = item.responsible_person_ids();
    if (std::find(who.begin(), who.end(), person_id) != who.end()) {
      *out.add_items() = std::move(item);
    }
  }
  return out;
}

Result<v1::LateReturns> BuildLateReturns(const LogSnapshot& snapshot,
                                         const OutstandingOptions& options) {
  auto model = snapshot.Council({});
  if (!model) return Unexpected(model.error());
  auto items = AllWork(snapshot, *model, options);
  if (!items) return Unexpected(items.error());
  v1::LateReturns out;
  *out.mutable_as_of() = snapshot.point();
  *out.mutable_evaluated_at() = TimestampOf(options.evaluated_at);
  std::map<std::string, uint32_t> by_person, by_unit;
  for (v1::WorkItem& item : *items) {
    if (!item.late()) continue;
    for (const std::string& p : item.responsible_person_ids()) ++by_person[p];
    ++by_unit[item.unit_id()];
    *out.add_items() = std::move(item);
  }
  for (const auto& [id, n] : by_person) {
    v1::LatePerson* p = out.add_by_person();
    p->set_person_id(id);
    if (const Person* person = model->FindPerson(id)) p->set_person_name(person->name);
    p->set_late_items(n);
  }
  for (const auto& [id, n] : by_unit) {
    v1::LateUnit* u = out.add_by_unit();
    u->set_unit_id(id);
    if (const OrgUnit* unit = model->Unit(id)) u->set_name(unit->name);
    u->set_late_items(n);
  }
  return out;
}

}  // namespace goldthread::engine
