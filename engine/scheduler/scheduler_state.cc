#include "engine/scheduler/scheduler_state.h"

#include <fmt/format.h>

#include "engine/model/event_codec.h"
#include "engine/scheduler/internal/streams.h"
#include "goldthread/v1/projection_state.pb.h"

namespace goldthread::engine {

namespace v1 = goldthread::v1;

namespace {

int64_t Micros(TimePoint t) {
  return std::chrono::duration_cast<std::chrono::microseconds>(t.time_since_epoch()).count();
}
TimePoint FromMicros(int64_t us) {
  return TimePoint(std::chrono::duration_cast<TimePoint::duration>(std::chrono::microseconds(us)));
}

Status Corrupt(std::string_view key) {
  return MakeError(ErrorCode::kDataLoss,
                   fmt::format("scheduler state key '{}' does not parse; rebuild it by dropping "
                               "projection {}@1",
                               key, SchedulerState::kName));
}

}  // namespace

SchedulerState::SchedulerState(std::string tenant, std::string actor)
    : tenant_(std::move(tenant)), actor_(std::move(actor)), model_(tenant_) {}

Status SchedulerState::Apply(const EventView& view) {
  const std::string& stream = view.stream();
  if (!scheduler_internal::InTenant(stream, tenant_) ||
      scheduler_internal::IsUnder(stream, tenant_, "delivery")) {
    return OkStatus();  // another council, or the outbox's bookkeeping: nothing to time
  }
  auto event = view.event();
  if (!event) return Unexpected(event.error());
  ApplyDecoded(view.envelope(), **event);
  return OkStatus();
}

void SchedulerState::ApplyDecoded(const store::Envelope& envelope, const v1::Event& event) {
  using scheduler_internal::IsUnder;
  using scheduler_internal::StreamTail;
  const std::string& stream = envelope.stream();
  const bool figure = IsUnder(stream, tenant_, "figure");
  const bool finding = IsUnder(stream, tenant_, "finding");
  const bool cycle = IsUnder(stream, tenant_, "cycle");
  if (!figure && !finding && !cycle) {
    // What the council model folds, kept to be folded again at restore.
    model_.Apply(envelope, event);
    store::Envelope kept = envelope;
    kept.clear_hash();
    kept.clear_previous_hash();
    kept.clear_payload_sha256();
    journal_.emplace_back(fmt::format("m/{:020}", envelope.position()), kept.SerializeAsString());
  }
  // A reminder or escalation this scheduler recorded: fired, never derived again.
  if (envelope.actor() == actor_ && !envelope.command_id().empty() &&
      (event.has_reminder_issued() || event.has_escalation_raised())) {
    const v1::DeadlineRef& d = event.has_reminder_issued() ? event.reminder_issued().deadline()
                                                           : event.escalation_raised().deadline();
    if (!d.workflow_id().empty()) {
      const std::string group =
          fmt::format("{}/{}/{}", d.workflow_id(), d.cycle_period(), d.stage_id());
      fired_[group].insert(envelope.command_id());
      dirty_.insert("x/" + group);
    } else if (finding) {
      findings_[std::string(StreamTail(stream))].escalations_fired.insert(envelope.command_id());
    }
  }
  if (figure) {
    FigureTrack& track = figures_[stream];
    const uint32_t version_before = track.state.figure_version;
    track.state.Apply(envelope, event);
    if (event.has_figure_submitted()) track.submitted_at = RecordedAt(envelope);
    if (track.state.figure_version != version_before) track.signed_at.clear();
    if (event.has_figure_rejected()) track.signed_at.clear();
    if (event.has_figure_signed_off()) {
      track.signed_at[event.figure_signed_off().level()] = RecordedAt(envelope);
    }
    dirty_.insert("f/" + stream);
  } else if (finding) {
    const std::string id(StreamTail(stream));
    FindingTrack& track = findings_[id];
    track.state.Apply(envelope, event);
    if (event.has_challenge_finding_raised()) track.raised_at = RecordedAt(envelope);
    if (event.has_challenge_finding_responded()) track.responded_at = RecordedAt(envelope);
    dirty_.insert("n/" + id);
  } else if (cycle) {
    cycles_[stream].Apply(envelope, event);
    dirty_.insert("c/" + stream);
    // A stage completed or closed is never chased again: forget what was fired for it.
    std::string settled;
    if (event.has_stage_completed()) settled = event.stage_completed().stage_id();
    if (event.has_stage_closed_incomplete()) settled = event.stage_closed_incomplete().stage_id();
    if (!settled.empty()) {
      const std::string group = fmt::format("{}/{}", StreamTail(stream), settled);
      fired_.erase(group);
      dirty_.insert("x/" + group);
    }
  } else if (IsUnder(stream, tenant_, "priority")) {
    const std::string id(StreamTail(stream));
    PriorityTrack& track = priorities_[id];
    track.stream_version = envelope.stream_version();
    if (event.has_priority_progress_recorded()) {
      track.progress_recorded_at.emplace(event.priority_progress_recorded().period(),
                                         RecordedAt(envelope));
    }
    dirty_.insert("p/" + id);
  }
}

uint64_t SchedulerState::FoldedVersion(const std::string& stream) const {
  using scheduler_internal::IsUnder;
  using scheduler_internal::StreamTail;
  if (IsUnder(stream, tenant_, "figure")) {
    auto it = figures_.find(stream);
    return it == figures_.end() ? 0 : it->second.state.stream_version;
  }
  if (IsUnder(stream, tenant_, "finding")) {
    auto it = findings_.find(std::string(StreamTail(stream)));
    return it == findings_.end() ? 0 : it->second.state.stream_version;
  }
  if (IsUnder(stream, tenant_, "priority")) {
    auto it = priorities_.find(std::string(StreamTail(stream)));
    return it == priorities_.end() ? 0 : it->second.stream_version;
  }
  auto it = cycles_.find(stream);
  return it == cycles_.end() ? 0 : it->second.stream_version;
}

const std::set<std::string>* SchedulerState::Fired(const std::string& group) const {
  auto it = fired_.find(group);
  return it == fired_.end() ? nullptr : &it->second;
}

// ---- persistence: the one place that knows the stored format (projection_state.proto)

void SchedulerState::TakeChanges(ProjectionChanges* out) {
  for (auto& entry : journal_) out->puts.push_back(std::move(entry));
  journal_.clear();
  for (const std::string& key : dirty_) {
    const std::string rest = key.substr(2);
    std::string value;
    bool present = true;
    switch (key[0]) {
      case 'f': {
        auto it = figures_.find(rest);
        if (!(present = it != figures_.end())) break;
        const FigureTrack& t = it->second;
        v1::SchedulerFigure m;
        m.set_stream_version(t.state.stream_version);
        m.set_figure_version(t.state.figure_version);
        *m.mutable_value() = t.state.value;
        m.set_submitted_at_us(Micros(t.submitted_at));
        // The sign-offs in force, with when each was recorded (a level FigureState holds is
        // in signed_at too: both lapse together).
        for (const auto& [level, sign_off] : t.state.sign_offs) {
          auto at = t.signed_at.find(level);
          (*m.mutable_signed_at_us())[level] = at == t.signed_at.end() ? 0 : Micros(at->second);
        }
        value = m.SerializeAsString();
        break;
      }
      case 'n': {
        auto it = findings_.find(rest);
        if (!(present = it != findings_.end())) break;
        const FindingTrack& t = it->second;
        v1::SchedulerFinding m;
        m.set_stream_version(t.state.stream_version);
        m.set_status(static_cast<int32_t>(t.state.status));
        *m.mutable_raised() = t.state.raised;
        m.set_raised_by(t.state.raised_by);
        m.set_responses(t.state.responses);
        m.set_reopenings(t.state.reopenings);
        m.set_raised_at_us(Micros(t.raised_at));
        m.set_responded_at_us(Micros(t.responded_at));
        for (const std::string& id : t.escalations_fired) m.add_escalations_fired(id);
        value = m.SerializeAsString();
        break;
      }
      case 'c': {
        auto it = cycles_.find(rest);
        if (!(present = it != cycles_.end())) break;
        const CycleState& c = it->second;
        v1::SchedulerCycle m;
        m.set_stream_version(c.stream_version);
        m.set_workflow_id(c.workflow_id);
        m.set_period(c.period);
        m.set_opened_at_us(Micros(c.opened_at));
        for (const auto& [id, s] : c.stages) {
          v1::SchedulerStage& stage = (*m.mutable_stages())[id];
          stage.set_opened(s.opened);
          stage.set_fell_due(s.fell_due);
          stage.set_completed(s.completed);
          stage.set_on_time(s.on_time);
          stage.set_closed_incomplete(s.closed_incomplete);
          stage.set_meeting_recorded(s.meeting_recorded);
          stage.set_closed_by_role(s.closed_by_role);
          stage.set_settled_at_us(Micros(s.settled_at));
        }
        value = m.SerializeAsString();
        break;
      }
      case 'p': {
        auto it = priorities_.find(rest);
        if (!(present = it != priorities_.end())) break;
        v1::SchedulerPriority m;
        m.set_stream_version(it->second.stream_version);
        for (const auto& [period, at] : it->second.progress_recorded_at) {
          (*m.mutable_progress_recorded_at_us())[period] = Micros(at);
        }
        value = m.SerializeAsString();
        break;
      }
      case 'x': {
        auto it = fired_.find(rest);
        if (!(present = it != fired_.end())) break;
        v1::SchedulerFired m;
        for (const std::string& id : it->second) m.add_command_ids(id);
        value = m.SerializeAsString();
        break;
      }
      default:
        present = false;
    }
    if (present) {
      out->puts.emplace_back(key, std::move(value));
    } else {
      out->deletes.push_back(key);
    }
  }
  dirty_.clear();
}

Status SchedulerState::Restore(std::string_view key, std::string_view value) {
  if (key.size() < 3 || key[1] != '/') return Corrupt(key);
  const std::string rest(key.substr(2));
  switch (key[0]) {
    case 'm': {
      store::Envelope envelope;
      if (!envelope.ParseFromArray(value.data(), static_cast<int>(value.size()))) {
        return Corrupt(key);
      }
      auto event = DecodeEvent(envelope);
      if (!event) return Unexpected(event.error());
      model_.Apply(envelope, *event);
      return OkStatus();
    }
    case 'f': {
      v1::SchedulerFigure m;
      if (!m.ParseFromArray(value.data(), static_cast<int>(value.size()))) return Corrupt(key);
      FigureTrack& t = figures_[rest];
      t.state.stream_version = m.stream_version();
      t.state.figure_version = m.figure_version();
      t.state.value = m.value();
      t.submitted_at = FromMicros(m.submitted_at_us());
      for (const auto& [level, at] : m.signed_at_us()) {
        t.state.sign_offs[level] = FigureSignOff{.level = static_cast<v1::SignOffLevel>(level),
                                                 .figure_version = m.figure_version()};
        t.signed_at[level] = FromMicros(at);
      }
      return OkStatus();
    }
    case 'n': {
      v1::SchedulerFinding m;
      if (!m.ParseFromArray(value.data(), static_cast<int>(value.size()))) return Corrupt(key);
      FindingTrack& t = findings_[rest];
      t.state.stream_version = m.stream_version();
      t.state.status = static_cast<FindingStatus>(m.status());
      t.state.raised = m.raised();
      t.state.raised_by = m.raised_by();
      t.state.responses = m.responses();
      t.state.reopenings = m.reopenings();
      t.raised_at = FromMicros(m.raised_at_us());
      t.responded_at = FromMicros(m.responded_at_us());
      t.escalations_fired.insert(m.escalations_fired().begin(), m.escalations_fired().end());
      return OkStatus();
    }
    case 'c': {
      v1::SchedulerCycle m;
      if (!m.ParseFromArray(value.data(), static_cast<int>(value.size()))) return Corrupt(key);
      CycleState& c = cycles_[rest];
      c.stream_version = m.stream_version();
      c.workflow_id = m.workflow_id();
      c.period = m.period();
      c.opened_at = FromMicros(m.opened_at_us());
      for (const auto& [id, s] : m.stages()) {
        c.stages[id] = StageProgress{.opened = s.opened(),
                                     .fell_due = s.fell_due(),
                                     .completed = s.completed(),
                                     .on_time = s.on_time(),
                                     .closed_incomplete = s.closed_incomplete(),
                                     .meeting_recorded = s.meeting_recorded(),
                                     .closed_by_role = s.closed_by_role(),
                                     .settled_at = FromMicros(s.settled_at_us())};
      }
      return OkStatus();
    }
    case 'p': {
      v1::SchedulerPriority m;
      if (!m.ParseFromArray(value.data(), static_cast<int>(value.size()))) return Corrupt(key);
      PriorityTrack& t = priorities_[rest];
      t.stream_version = m.stream_version();
      for (const auto& [period, at] : m.progress_recorded_at_us()) {
        t.progress_recorded_at[period] = FromMicros(at);
      }
      return OkStatus();
    }
    case 'x': {
      v1::SchedulerFired m;
      if (!m.ParseFromArray(value.data(), static_cast<int>(value.size()))) return Corrupt(key);
      fired_[rest].insert(m.command_ids().begin(), m.command_ids().end());
      return OkStatus();
    }
    default:
      return Corrupt(key);
  }
}

}  // namespace goldthread::engine
