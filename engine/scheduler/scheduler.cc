#include "engine/scheduler/scheduler.h"

#include <fmt/format.h>
#include <google/protobuf/util/time_util.h>

#include <algorithm>

#include "engine/model/authority.h"
#include "engine/model/event_codec.h"
#include "engine/model/period.h"
#include "engine/model/rag.h"
#include "engine/scheduler/internal/streams.h"

namespace goldthread::engine {

namespace v1 = goldthread::v1;
using google::protobuf::Timestamp;

namespace {

Timestamp ToTimestamp(TimePoint t) {
  return google::protobuf::util::TimeUtil::MicrosecondsToTimestamp(t.time_since_epoch().count());
}

int64_t SecondsBetween(TimePoint from, TimePoint to) {
  return std::chrono::duration_cast<std::chrono::seconds>(to - from).count();
}

using scheduler_internal::IsUnder;
using scheduler_internal::StreamTail;

v1::DeadlineRef Deadline(const CycleTimetable& t, const TimedStage& s) {
  v1::DeadlineRef d;
  d.set_workflow_id(t.workflow_id);
  d.set_cycle_period(t.period);
  d.set_stage_id(s.id);
  *d.mutable_due_at() = ToTimestamp(s.due_at);
  return d;
}

}  // namespace

Scheduler::Scheduler(store::EventStore* store, const Clock* clock, SchedulerOptions options)
    : store_(store), clock_(clock), options_(std::move(options)) {}

Scheduler::~Scheduler() {
  std::lock_guard lock(mu_);
  if (runner_ != nullptr) IgnoreError(runner_->Checkpoint());  // unsaved: folded again next start
}

std::string Scheduler::Key(std::string_view suffix) const {
  std::string key = fmt::format("{}/{}/{}", options_.tenant, options_.actor, suffix);
  // The store keeps ids to 128 bytes: a long key keeps its readable start and ends in a digest
  // of the whole, so it stays unique and the same on every engine.
  constexpr size_t kMax = 128;
  if (key.size() > kMax) key = key.substr(0, kMax - 12) + "~" + DerivedId("", key).substr(0, 10);
  return key;
}

Status Scheduler::CatchUpLocked() {
  if (runner_ == nullptr) {
    auto runner =
        ProjectionRunner::Open(store_,
                               [tenant = options_.tenant, actor = options_.actor] {
                                 return std::make_unique<SchedulerStateSet>(tenant, actor);
                               },
                               {.checkpoint_every_events = 100'000,
                                .checkpoint_when_caught_up = false,
                                .persist = options_.persist_state});
    if (!runner) return Unexpected(runner.error());
    runner_ = std::move(*runner);
    // Only this scheduler applies to its runner (under mu_), and it never rebuilds: the set
    // read here is the one every later catch-up applies to.
    state_ = &static_cast<const SchedulerStateSet*>(runner_->Read().set)->state();
    last_checkpoint_ = std::chrono::steady_clock::now();
  }
  const uint64_t before = runner_->position();
  auto caught_up = runner_->CatchUp();
  if (!caught_up) return Unexpected(caught_up.error());
  const auto now = std::chrono::steady_clock::now();
  if (*caught_up != before && now - last_checkpoint_ >= options_.checkpoint_interval) {
    if (auto s = runner_->Checkpoint(); !s) return s;
    last_checkpoint_ = now;
  }
  return OkStatus();
}

Result<const CycleTimetable*> Scheduler::TimetableFor(const std::string& stream,
                                                      const CycleState& cycle) {
  auto it = timetables_.find(stream);
  if (it != timetables_.end()) return &it->second;
  auto t = options_.timetables(cycle.workflow_id, cycle.period);
  if (!t) return Unexpected(t.error());
  return &timetables_.emplace(stream, std::move(*t)).first->second;
}

std::vector<Scheduler::Item> Scheduler::ItemsFor(const TimedStage& stage,
                                                 const CycleTimetable& timetable,
                                                 const CycleState& cycle) const {
  std::vector<Item> items;
  switch (stage.completion) {
    case StageCompletion::kAllFiguresSubmitted:
    case StageCompletion::kAllFiguresSignedOff: {
      const bool submission = stage.completion == StageCompletion::kAllFiguresSubmitted;
      const bool partnership_level = stage.level == v1::SIGN_OFF_LEVEL_PARTNERSHIP;
      for (const auto& [id, indicator] : state_->model().indicators()) {
        if (indicator.retired) continue;
        const OrgUnit* unit = state_->model().Unit(indicator.definition.owning_unit_id());
        if (unit == nullptr || unit->closed) continue;
        const bool partnership = !indicator.definition.partnership_unit_id().empty();
        if (partnership_level && !partnership) continue;
        for (const std::string& period_id : timetable.figure_periods) {
          auto period = Period::Parse(period_id);
          if (!period || period->frequency() != indicator.definition.frequency()) continue;
          Item item;
          item.stream = FigureStream(options_.tenant, id, period_id);
          item.unit = partnership_level ? indicator.definition.partnership_unit_id()
                                        : indicator.definition.owning_unit_id();
          item.partnership = partnership;
          auto track = state_->figures().find(item.stream);
          if (submission) {
            item.outstanding = "not submitted";
            if (track != state_->figures().end() && track->second.state.submitted()) {
              item.done = true;
              item.done_at = track->second.submitted_at;
            }
          } else {
            item.outstanding = fmt::format("not signed off at {} level", LevelName(stage.level));
            if (track != state_->figures().end() && track->second.state.HasSignOff(stage.level)) {
              item.done = true;
              auto at = track->second.signed_at.find(stage.level);
              item.done_at = at == track->second.signed_at.end() ? clock_->Now() : at->second;
            }
          }
          items.push_back(std::move(item));
        }
      }
      break;
    }
    case StageCompletion::kMeetingRecorded:
    case StageCompletion::kClosedByRole: {
      Item item;
      item.stream = CycleStream(options_.tenant, timetable.workflow_id, timetable.period);
      item.unit = state_->model().council_id();
      const bool meeting = stage.completion == StageCompletion::kMeetingRecorded;
      item.outstanding = meeting
                             ? "review meeting not recorded"
                             : fmt::format("not closed by the {}", RoleName(stage.closing_role));
      auto progress = cycle.stages.find(stage.id);
      if (progress != cycle.stages.end() &&
          (meeting ? progress->second.meeting_recorded : progress->second.closed_by_role)) {
        item.done = true;
        item.done_at = progress->second.settled_at;
      }
      items.push_back(std::move(item));
      break;
    }
    case StageCompletion::kPriorityRatingsRecorded: {
      bool any_partnership = false;
      for (const auto& [id, priority] : state_->model().priorities()) {
        const OrgUnit* owner = state_->model().Unit(priority.owner_unit_id);
        any_partnership |= owner != nullptr && owner->kind == v1::ORG_UNIT_KIND_PARTNERSHIP_BOARD;
      }
      for (const auto& [id, priority] : state_->model().priorities()) {
        const OrgUnit* owner = state_->model().Unit(priority.owner_unit_id);
        const bool partnership =
            owner != nullptr && owner->kind == v1::ORG_UNIT_KIND_PARTNERSHIP_BOARD;
        if (any_partnership && !partnership) continue;
        Item item;
        item.stream = PriorityStream(options_.tenant, id);
        item.unit = priority.owner_unit_id;
        item.partnership = partnership;
        item.outstanding = "progress and overall rating not recorded";
        auto recorded = state_->priorities().find(id);
        if (recorded != state_->priorities().end()) {
          auto at = recorded->second.progress_recorded_at.find(timetable.period);
          if (at != recorded->second.progress_recorded_at.end()) {
            item.done = true;
            item.done_at = at->second;
          }
        }
        items.push_back(std::move(item));
      }
      break;
    }
    case StageCompletion::kFindingsAnswered:
      for (const auto& [id, track] : state_->findings()) {
        const auto& raised = track.state.raised;
        if (raised.stage() != stage.challenge_stage || track.raised_at < cycle.opened_at) continue;
        Item item;
        item.stream = FindingStream(options_.tenant, id);
        item.unit = raised.unit_id();
        item.owner = raised.owner_person_id();
        item.outstanding = "finding not answered";
        if (track.state.responses > 0) {
          item.done = true;
          item.done_at = track.responded_at;
        }
        items.push_back(std::move(item));
      }
      break;
  }
  return items;
}

std::vector<std::string> Scheduler::Recipients(const std::vector<v1::Role>& roles,
                                               const Item& item) const {
  std::set<std::string> people;
  if (!item.owner.empty()) people.insert(item.owner);
  const LocalDay today = LondonDayOf(clock_->Now());
  // Items of the whole council (a meeting, a closure) go to the role's holders anywhere in it.
  const bool council_wide = item.unit == state_->model().council_id();
  for (v1::Role role : roles) {
    for (std::string& p : council_wide ? state_->model().PeopleWithRoleAnywhere(role, today)
                                       : state_->model().PeopleWithRole(role, item.unit, today)) {
      people.insert(std::move(p));
    }
  }
  return {people.begin(), people.end()};
}

void Scheduler::Add(std::vector<ScheduledAction>* out, TimePoint at, std::string stream,
                    std::string key, v1::Event event, const std::set<std::string>* fired) const {
  if (fired != nullptr && fired->count(key) > 0) return;
  out->push_back({at, std::move(stream), std::move(key), std::move(event)});
}

Status Scheduler::DeriveCycle(const std::string& stream, const CycleState& cycle,
                              std::vector<ScheduledAction>* out) {
  auto timetable_or = TimetableFor(stream, cycle);
  if (!timetable_or) return Unexpected(timetable_or.error());
  const CycleTimetable& t = **timetable_or;
  const TimePoint now = clock_->Now();
  const std::string cycle_key = fmt::format("{}/{}", t.workflow_id, t.period);
  // The cycle ends when its last stage falls due or its last escalation rung is reached, the
  // later; a stage still incomplete then is closed incomplete, with what was outstanding.
  TimePoint cycle_end = TimePoint::min();
  for (const TimedStage& s : t.stages) {
    cycle_end = std::max(cycle_end, s.due_at);
    for (const auto* ladder : {&s.ladder, &s.partnership_ladder}) {
      if (!ladder->empty()) cycle_end = std::max(cycle_end, ladder->back().at);
    }
  }

  for (const TimedStage& s : t.stages) {
    const StageProgress progress =
        cycle.stages.count(s.id) ? cycle.stages.at(s.id) : StageProgress{};
    if (progress.completed || progress.closed_incomplete) continue;
    const std::string stage_key = fmt::format("{}/{}", cycle_key, s.id);
    if (!progress.opened) {
      v1::Event e;
      auto* o = e.mutable_stage_opened();
      o->set_stage_id(s.id);
      *o->mutable_opens_at() = ToTimestamp(s.opens_at);
      *o->mutable_due_at() = ToTimestamp(s.due_at);
      Add(out, s.opens_at, stream, Key("open/" + stage_key), std::move(e));
    }
    const std::vector<Item> items = ItemsFor(s, t, cycle);
    const bool all_done =
        std::all_of(items.begin(), items.end(), [](const Item& i) { return i.done; });
    // A stage completes only once it has opened (its StageOpened written first).
    if (all_done && progress.opened) {
      TimePoint last_done = s.opens_at;
      for (const Item& i : items) last_done = std::max(last_done, i.done_at);
      // Findings may be raised until the stage falls due, so a findings stage completes no
      // earlier than its deadline (on time when every finding was answered by then).
      const TimePoint completes_at = s.completion == StageCompletion::kFindingsAnswered
                                         ? std::max(last_done, s.due_at)
                                         : last_done;
      if (s.completion != StageCompletion::kFindingsAnswered || completes_at <= now) {
        v1::Event e;
        auto* c = e.mutable_stage_completed();
        c->set_stage_id(s.id);
        *c->mutable_due_at() = ToTimestamp(s.due_at);
        c->set_on_time(last_done <= s.due_at);
        c->set_late_by_seconds(std::max<int64_t>(0, SecondsBetween(s.due_at, last_done)));
        Add(out, completes_at, stream, Key("complete/" + stage_key), std::move(e));
        continue;
      }
    }
    if (all_done && s.completion == StageCompletion::kFindingsAnswered) {
      // Not yet due: nothing to chase, but its completion is a pending timer.
      v1::Event e;
      auto* c = e.mutable_stage_completed();
      c->set_stage_id(s.id);
      *c->mutable_due_at() = ToTimestamp(s.due_at);
      c->set_on_time(true);
      Add(out, s.due_at, stream, Key("complete/" + stage_key), std::move(e));
      continue;
    }
    size_t outstanding = 0;
    for (const Item& i : items) outstanding += i.done ? 0 : 1;
    {
      v1::Event e;
      auto* x = e.mutable_stage_closed_incomplete();
      x->set_stage_id(s.id);
      x->set_reason("the cycle ended with items outstanding");
      x->set_outstanding_items(outstanding);
      Add(out, cycle_end, stream, Key("close/" + stage_key), std::move(e));
    }
    if (!progress.fell_due) {
      v1::Event e;
      auto* d = e.mutable_stage_fell_due();
      d->set_stage_id(s.id);
      *d->mutable_due_at() = ToTimestamp(s.due_at);
      d->set_outstanding_items(outstanding);
      Add(out, s.due_at, stream, Key("due/" + stage_key), std::move(e));
    }
    // What was already recorded for the stage: reminders and escalations are not in the stage's
    // progress, so they are known by their command ids.
    const std::set<std::string>* fired = state_->Fired(stage_key);
    for (const Item& item : items) {
      if (item.done) continue;
      const std::string item_key = std::string(StreamTail(item.stream));
      for (const TimedReminder& r : s.reminders) {
        v1::Event e;
        auto* rem = e.mutable_reminder_issued();
        *rem->mutable_deadline() = Deadline(t, s);
        rem->set_outstanding(item.outstanding);
        rem->set_reminder_id(r.id);
        const auto& roles = r.roles.empty() ? s.responsible : r.roles;
        for (v1::Role role : roles) rem->add_recipient_roles(role);
        for (const auto& p : Recipients(roles, item)) rem->add_recipient_person_ids(p);
        *rem->mutable_scheduled_for() = ToTimestamp(r.at);
        Add(out, r.at, item.stream, Key(fmt::format("rem/{}/{}/{}", stage_key, item_key, r.id)),
            std::move(e), fired);
      }
      const auto& ladder =
          item.partnership && !s.partnership_ladder.empty() ? s.partnership_ladder : s.ladder;
      for (const TimedRung& rung : ladder) {
        const std::string key = Key(fmt::format("esc/{}/{}/{}", stage_key, item_key, rung.rung));
        v1::Event e;
        auto* esc = e.mutable_escalation_raised();
        esc->set_escalation_id(DerivedId("E-", key));
        *esc->mutable_deadline() = Deadline(t, s);
        esc->set_outstanding(item.outstanding);
        esc->set_rung(rung.rung);
        for (v1::Role role : rung.roles) esc->add_recipient_roles(role);
        Item addressed = item;
        addressed.owner.clear();  // escalations go up the ladder, not back to the owner
        for (const auto& p : Recipients(rung.roles, addressed)) esc->add_recipient_person_ids(p);
        *esc->mutable_scheduled_for() = ToTimestamp(rung.at);
        esc->set_overdue_by_seconds(std::max<int64_t>(0, SecondsBetween(s.due_at, rung.at)));
        Add(out, rung.at, item.stream, key, std::move(e), fired);
      }
    }
  }
  if (t.red_periods_for_clinic > 0) DeriveClinics(t, out);
  return OkStatus();
}

void Scheduler::DeriveFindingEscalations(std::vector<ScheduledAction>* out) {
  for (const auto& [id, track] : state_->findings()) {
    const auto& raised = track.state.raised;
    if (track.state.status != FindingStatus::kOpen) continue;  // answered or closed
    auto due_day = ParseLocalDay(raised.due().iso(), "due");
    if (!due_day) continue;
    const TimePoint due = EndOfLondonDay(*due_day);
    std::string previous = raised.owner_person_id();
    std::vector<TimePoint> rung_at = {due, due + std::chrono::hours(24 * 7)};
    if (options_.finding_escalation) {
      auto instants = options_.finding_escalation(*due_day);
      if (!instants) continue;  // a due day outside the calendar's years: nothing to time
      rung_at = *instants;
    }
    for (uint32_t rung = 1; rung <= rung_at.size(); ++rung) {
      const std::string manager = state_->model().ManagerOf(previous);
      if (manager.empty() || manager == previous) break;
      const std::string key = Key(fmt::format("finding/{}/esc/{}", id, rung));
      v1::Event e;
      auto* esc = e.mutable_escalation_raised();
      esc->set_escalation_id(DerivedId("E-", key));
      esc->mutable_deadline()->set_stage_id("finding-response");
      *esc->mutable_deadline()->mutable_due_at() = ToTimestamp(due);
      esc->set_outstanding("finding not answered by its due date");
      esc->set_rung(rung);
      esc->add_recipient_person_ids(manager);
      *esc->mutable_scheduled_for() = ToTimestamp(rung_at[rung - 1]);
      esc->set_overdue_by_seconds(SecondsBetween(due, rung_at[rung - 1]));
      Add(out, rung_at[rung - 1], FindingStream(options_.tenant, id), key, std::move(e),
          &track.escalations_fired);
      previous = manager;
    }
  }
}

void Scheduler::DeriveClinics(const CycleTimetable& t, std::vector<ScheduledAction>* out) {
  const int n = t.red_periods_for_clinic;
  for (const std::string& period_id : t.figure_periods) {
    auto period = Period::Parse(period_id);
    if (!period) continue;
    for (const auto& [id, indicator] : state_->model().indicators()) {
      if (indicator.retired || indicator.definition.frequency() != period->frequency()) continue;
      // Red for the cycle's period and the n-1 before it.
      Period p = *period;
      bool all_red = true;
      TimePoint last_submitted;
      for (int k = 0; k < n && all_red; ++k, p = p.Previous()) {
        auto f = state_->figures().find(FigureStream(options_.tenant, id, p.id()));
        auto target = indicator.targets.find(p.id());
        if (f == state_->figures().end() || target == indicator.targets.end()) {
          all_red = false;
          break;
        }
        if (k == 0) last_submitted = f->second.submitted_at;
        all_red = RateAgainstTarget(indicator.definition.polarity(),
                                    indicator.definition.amber_tolerance(),
                                    f->second.state.NumericValue(), target->second) == v1::RAG_RED;
      }
      if (!all_red) continue;
      // One clinic per run of reds: none while an earlier clinic on the indicator is open.
      bool clinic_open = false;
      for (const auto& [finding_id, track] : state_->findings()) {
        const auto& raised = track.state.raised;
        clinic_open |= raised.stage() == v1::CHALLENGE_STAGE_PERFORMANCE_CLINIC &&
                       raised.subject().figure().indicator_id() == id &&
                       track.state.status != FindingStatus::kClosed;
      }
      if (clinic_open) continue;
      const std::string key = Key(fmt::format("clinic/{}/{}", id, period_id));
      const std::string finding_id = DerivedId("F-", key);
      if (state_->findings().count(finding_id) > 0) continue;  // raised already (and closed)
      const OrgUnit* unit = state_->model().Unit(indicator.definition.owning_unit_id());
      std::string owner = unit == nullptr ? "" : unit->accountable_person_id;
      if (owner.empty()) {
        auto managers = state_->model().PeopleWithRole(v1::ROLE_SERVICE_MANAGER,
                                                       indicator.definition.owning_unit_id(),
                                                       LondonDayOf(clock_->Now()));
        if (!managers.empty()) owner = managers.front();
      }
      v1::Event e;
      auto* r = e.mutable_challenge_finding_raised();
      r->set_finding_id(finding_id);
      r->set_stage(v1::CHALLENGE_STAGE_PERFORMANCE_CLINIC);
      r->mutable_subject()->mutable_figure()->set_indicator_id(id);
      r->mutable_subject()->mutable_figure()->set_period(period_id);
      r->set_severity(v1::SEVERITY_HIGH);
      r->set_finding(
          fmt::format("{} has been red for {} consecutive periods, to {}", id, n, period_id));
      r->set_action_required(
          "Hold a performance clinic: diagnose the causes and agree an improvement plan "
          "(Peterborough 3.7)");
      r->set_owner_person_id(owner);
      *r->mutable_due() =
          ToLocalDate(LondonDayOf(last_submitted) + date::days(options_.clinic_days_to_respond));
      r->set_unit_id(indicator.definition.owning_unit_id());
      Add(out, last_submitted, FindingStream(options_.tenant, finding_id), key, std::move(e));
    }
  }
}

Result<std::vector<ScheduledAction>> Scheduler::DeriveLocked() {
  if (auto s = CatchUpLocked(); !s) return Unexpected(s.error());
  std::vector<ScheduledAction> actions;
  for (const auto& [stream, cycle] : state_->cycles()) {
    if (!cycle.opened()) continue;
    if (auto s = DeriveCycle(stream, cycle, &actions); !s) return Unexpected(s.error());
  }
  DeriveFindingEscalations(&actions);
  // Fire in order of due instant; the key breaks ties so the order is deterministic.
  std::sort(actions.begin(), actions.end(), [](const ScheduledAction& a, const ScheduledAction& b) {
    return a.at != b.at ? a.at < b.at : a.key < b.key;
  });
  return actions;
}

Result<size_t> Scheduler::FireDueLocked() {
  size_t written = 0;
  int conflicts = 0;
  // Firing can make more things due (a stage completing, a finding raised): derive again until
  // nothing due is left.
  for (int round = 0; round < 100; ++round) {
    auto actions = DeriveLocked();
    if (!actions) return Unexpected(actions.error());
    const TimePoint now = clock_->Now();
    pending_ = 0;
    // Everything due now, in order, as one atomic append. Each action expects its stream at the
    // version this fold decided it on (plus the batch's earlier events on the same stream), so
    // an action decided on a state someone has since changed — a figure submitted, a stage
    // completed, the same reminder fired by another engine — is refused as a conflict and
    // decided again on the new state, never written stale or twice.
    std::vector<store::AppendRequest> batch;
    std::map<std::string, uint64_t> batch_versions;
    double lateness = last_lateness_seconds_;
    for (ScheduledAction& a : *actions) {
      if (a.at > now) {
        ++pending_;
        continue;
      }
      if (batch.size() == kMaxActionsPerAppend) continue;  // the next round takes the rest
      const int64_t late = std::max<int64_t>(0, SecondsBetween(a.at, now));
      if (a.event.has_reminder_issued())
        a.event.mutable_reminder_issued()->set_late_by_seconds(late);
      if (a.event.has_escalation_raised()) {
        a.event.mutable_escalation_raised()->set_late_by_seconds(late);
      }
      lateness = std::chrono::duration<double>(now - a.at).count();
      auto [it, fresh] = batch_versions.try_emplace(a.stream, state_->FoldedVersion(a.stream));
      const uint64_t expected = it->second;
      ++it->second;
      batch.push_back({.stream = a.stream,
                       .expected = expected == 0 ? store::ExpectedVersion::NoStream()
                                                 : store::ExpectedVersion::Exact(expected),
                       .events = {EncodeEvent(a.event)},
                       .command_id = a.key,
                       .actor = options_.actor,
                       .correlation_id = a.key,
                       .causation_id = a.key});
    }
    if (batch.empty()) return written;
    auto results = store_->AppendAll(std::move(batch));
    if (!results) {
      // Someone else wrote to one of these streams since the fold: catch up (DeriveLocked does)
      // and decide again. A conflict that persists is an error, not a loop.
      if (results.error().code == ErrorCode::kConflict && ++conflicts <= kMaxConflictRetries) {
        continue;
      }
      return Unexpected(results.error());
    }
    last_lateness_seconds_ = lateness;
    size_t fired_this_round = 0;
    for (const store::AppendResult& r : *results) {
      if (!r.duplicate) ++fired_this_round;
    }
    written += fired_this_round;
    // A batch entirely of repeats (another engine wrote them all first) changes nothing more.
    if (fired_this_round == 0) return written;
  }
  return written;
}

Result<size_t> Scheduler::RunDue() {
  std::lock_guard lock(mu_);
  return FireDueLocked();
}

Result<std::optional<TimePoint>> Scheduler::NextDue() {
  std::lock_guard lock(mu_);
  auto actions = DeriveLocked();
  if (!actions) return Unexpected(actions.error());
  const TimePoint now = clock_->Now();
  for (const ScheduledAction& a : *actions) {
    if (a.at > now) return std::optional<TimePoint>(a.at);
  }
  return std::optional<TimePoint>();
}

Result<size_t> Scheduler::AdvanceTo(SimulatedClock* clock, TimePoint until) {
  std::lock_guard lock(mu_);
  size_t written = 0;
  while (true) {
    auto fired = FireDueLocked();
    if (!fired) return Unexpected(fired.error());
    written += *fired;
    auto actions = DeriveLocked();
    if (!actions) return Unexpected(actions.error());
    std::optional<TimePoint> next;
    for (const ScheduledAction& a : *actions) {
      if (a.at > clock->Now()) {
        next = a.at;
        break;
      }
    }
    if (!next || *next > until) break;
    clock->Set(*next);
  }
  clock->Set(until);
  auto fired = FireDueLocked();
  if (!fired) return Unexpected(fired.error());
  return written + *fired;
}

size_t Scheduler::pending() const {
  std::lock_guard lock(mu_);
  return pending_;
}

double Scheduler::last_lateness_seconds() const {
  std::lock_guard lock(mu_);
  return last_lateness_seconds_;
}

}  // namespace goldthread::engine
