// Cycle commands: open a cycle for a workflow and period, record a stage's review meeting,
// close a stage by its role; and acknowledging an escalation.
#include <fmt/format.h>

#include <algorithm>

#include "engine/model/authority.h"
#include "engine/model/event_codec.h"
#include "engine/command/internal/decide.h"

namespace goldthread::engine::internal {

namespace v1 = goldthread::v1;

namespace {

Result<CycleTimetable> Timetable(const DecideContext& c, std::string_view workflow,
                                 std::string_view period) {
  if (!c.options.timetables) {
    return MakeError(ErrorCode::kFailedPrecondition, "no workflows are loaded", "workflow_id");
  }
  return c.options.timetables(workflow, period);
}

Result<const TimedStage*> FindStage(const CycleTimetable& t, std::string_view stage_id,
                                    StageCompletion completion, std::string_view what) {
  for (const TimedStage& s : t.stages) {
    if (s.id != stage_id) continue;
    if (s.completion != completion) {
      return MakeError(ErrorCode::kFailedPrecondition,
                       fmt::format("stage '{}' of {} is not completed by {}", stage_id,
                                   t.workflow_id, what),
                       "stage_id");
    }
    return &s;
  }
  return MakeError(ErrorCode::kNotFound,
                   fmt::format("{} has no stage '{}' in {}", t.workflow_id, stage_id, t.period),
                   "stage_id");
}

Status RequireOpen(const CycleState& cycle, std::string_view workflow, std::string_view period) {
  if (cycle.opened()) return OkStatus();
  return MakeError(ErrorCode::kNotFound,
                   fmt::format("no {} cycle is open for {}; open it first", workflow, period));
}

Result<Decision> Open(const DecideContext& c, const v1::OpenCycle& cmd, const CycleState& cycle) {
  auto timetable = Timetable(c, cmd.workflow_id(), cmd.period());
  if (!timetable) return Unexpected(timetable.error());
  if (auto a = Authorize(c.model, c.command.actor, {Action::kManageCycles}, c.model.council_id(),
                         c.today);
      !a) {
    return Unexpected(a.error());
  }
  if (cycle.opened()) {
    return MakeError(ErrorCode::kAlreadyExists,
                     fmt::format("the {} cycle for {} is already open", cmd.workflow_id(),
                                 cmd.period()));
  }
  return One([&](v1::Event& e) {
    auto* o = e.mutable_cycle_opened();
    o->set_workflow_id(cmd.workflow_id());
    o->set_period(cmd.period());
    o->set_workflow_sha256(timetable->workflow_sha256);
  });
}

Result<Decision> Meeting(const DecideContext& c, const v1::RecordReviewMeeting& cmd,
                         const CycleState& cycle) {
  if (auto s = RequireText(cmd.minutes_ref(), "minutes_ref", 500); !s) {
    return Unexpected(s.error());
  }
  auto held = ParseLocalDay(cmd.held_on().iso(), "held_on");
  if (!held) return Unexpected(held.error());
  if (*held > c.today) return InvalidField("held_on", "the meeting has not happened yet");
  auto timetable = Timetable(c, cmd.workflow_id(), cmd.period());
  if (!timetable) return Unexpected(timetable.error());
  auto stage =
      FindStage(*timetable, cmd.stage_id(), StageCompletion::kMeetingRecorded, "a meeting");
  if (!stage) return Unexpected(stage.error());
  if (auto a = Authorize(c.model, c.command.actor, {Action::kRecordMeeting}, c.model.council_id(),
                         c.today);
      !a) {
    return Unexpected(a.error());
  }
  if (auto s = RequireOpen(cycle, cmd.workflow_id(), cmd.period()); !s) {
    return Unexpected(s.error());
  }
  auto progress = cycle.stages.find(cmd.stage_id());
  if (progress != cycle.stages.end() && progress->second.meeting_recorded) {
    return MakeError(ErrorCode::kFailedPrecondition,
                     fmt::format("the meeting for stage '{}' is already recorded", cmd.stage_id()));
  }
  return One([&](v1::Event& e) {
    auto* m = e.mutable_review_meeting_recorded();
    m->set_stage_id(cmd.stage_id());
    *m->mutable_held_on() = ToLocalDate(*held);
    m->set_minutes_ref(cmd.minutes_ref());
  });
}

Result<Decision> Close(const DecideContext& c, const v1::CloseStage& cmd, const CycleState& cycle) {
  if (auto s = LimitText(cmd.comment(), "comment", 4000); !s) return Unexpected(s.error());
  auto timetable = Timetable(c, cmd.workflow_id(), cmd.period());
  if (!timetable) return Unexpected(timetable.error());
  auto stage = FindStage(*timetable, cmd.stage_id(), StageCompletion::kClosedByRole,
                         "closing by a role");
  if (!stage) return Unexpected(stage.error());
  const v1::Role role = (*stage)->closing_role;
  // Stage-closing roles (a committee, the CMT) are held somewhere in the council.
  bool holds = false;
  if (const Person* p = c.model.FindPerson(c.command.actor)) {
    for (const RoleGrant& g : p->grants) holds = holds || (g.role == role && g.InForceOn(c.today));
  }
  if (!holds) {
    return MakeError(ErrorCode::kPermissionDenied,
                     fmt::format("stage '{}' is closed by the {} role, which {} does not hold",
                                 cmd.stage_id(), RoleName(role), c.command.actor));
  }
  if (auto s = RequireOpen(cycle, cmd.workflow_id(), cmd.period()); !s) {
    return Unexpected(s.error());
  }
  auto progress = cycle.stages.find(cmd.stage_id());
  if (progress != cycle.stages.end() &&
      (progress->second.closed_by_role || progress->second.completed)) {
    return MakeError(ErrorCode::kFailedPrecondition,
                     fmt::format("stage '{}' is already closed", cmd.stage_id()));
  }
  return One([&](v1::Event& e) {
    auto* x = e.mutable_stage_closed();
    x->set_stage_id(cmd.stage_id());
    x->set_role(role);
    x->set_comment(cmd.comment());
  });
}

}  // namespace

Result<Decision> DecideCycle(const DecideContext& c, const v1::Command& command,
                             const CycleState& cycle) {
  switch (command.body_case()) {
    case v1::Command::kOpenCycle:
      return Open(c, command.open_cycle(), cycle);
    case v1::Command::kRecordReviewMeeting:
      return Meeting(c, command.record_review_meeting(), cycle);
    case v1::Command::kCloseStage:
      return Close(c, command.close_stage(), cycle);
    default:
      return MakeError(ErrorCode::kInternal, "not a cycle command");
  }
}

Result<Decision> DecideAcknowledgement(const DecideContext& c, const v1::Command& command,
                                       const FigureState& figure, const FindingState& finding) {
  const auto& cmd = command.acknowledge_escalation();
  if (auto s = LimitText(cmd.comment(), "comment", 4000); !s) return Unexpected(s.error());
  const auto& notes = cmd.finding_id().empty() ? figure.escalations : finding.escalations;
  auto it = notes.find(cmd.escalation_id());
  if (it == notes.end()) {
    return MakeError(ErrorCode::kNotFound,
                     fmt::format("there is no escalation '{}' on that item", cmd.escalation_id()),
                     "escalation_id");
  }
  const auto& recipients = it->second.recipients;
  if (std::find(recipients.begin(), recipients.end(), c.command.actor) == recipients.end()) {
    return MakeError(ErrorCode::kPermissionDenied,
                     fmt::format("escalation '{}' was not sent to {}", cmd.escalation_id(),
                                 c.command.actor));
  }
  if (it->second.acknowledged) {
    return MakeError(ErrorCode::kFailedPrecondition,
                     fmt::format("escalation '{}' is already acknowledged", cmd.escalation_id()));
  }
  return One([&](v1::Event& e) {
    auto* a = e.mutable_escalation_acknowledged();
    a->set_escalation_id(cmd.escalation_id());
    a->set_comment(cmd.comment());
  });
}

}  // namespace goldthread::engine::internal
