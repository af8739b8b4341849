// Challenge findings: raised at a stage about a figure, indicator or priority; answered by
// their owner; accepted, re-opened or closed with evidence by the side that raised them.
#include <fmt/format.h>

#include "engine/model/authority.h"
#include "engine/model/event_codec.h"
#include "engine/command/internal/decide.h"
#include "engine/model/period.h"

namespace goldthread::engine::internal {

namespace v1 = goldthread::v1;

namespace {

// The unit a finding's subject belongs to: whose people answer it.
Result<std::string> SubjectUnit(const CouncilModel& model, const v1::FindingSubject& subject) {
  switch (subject.kind_case()) {
    case v1::FindingSubject::kFigure: {
      const auto& f = subject.figure();
      const Indicator* indicator = model.FindIndicator(f.indicator_id());
      if (indicator == nullptr) {
        return MakeError(ErrorCode::kNotFound,
                         fmt::format("there is no indicator '{}'", f.indicator_id()),
                         "subject.figure.indicator_id");
      }
      auto period = Period::Parse(f.period());
      if (!period) {
        return Unexpected(
            Error{period.error().code, period.error().message, "subject.figure.period", {}});
      }
      if (period->frequency() != indicator->definition.frequency() || period->id() != f.period()) {
        return InvalidField("subject.figure.period",
                            fmt::format("{} is not one of {}'s periods", f.period(),
                                        f.indicator_id()));
      }
      return indicator->definition.owning_unit_id();
    }
    case v1::FindingSubject::kIndicatorId: {
      const Indicator* indicator = model.FindIndicator(subject.indicator_id());
      if (indicator == nullptr) {
        return MakeError(ErrorCode::kNotFound,
                         fmt::format("there is no indicator '{}'", subject.indicator_id()),
                         "subject.indicator_id");
      }
      return indicator->definition.owning_unit_id();
    }
    case v1::FindingSubject::kPriorityId: {
      const Priority* priority = model.FindPriority(subject.priority_id());
      if (priority == nullptr) {
        return MakeError(ErrorCode::kNotFound,
                         fmt::format("there is no priority '{}'", subject.priority_id()),
                         "subject.priority_id");
      }
      return priority->owner_unit_id;
    }
    case v1::FindingSubject::KIND_NOT_SET:
      break;
  }
  return InvalidField("subject", "say what the finding is about: a figure, an indicator or a "
                                 "priority");
}

Result<Decision> Raise(const DecideContext& c, const v1::RaiseChallengeFinding& cmd) {
  if (cmd.stage() == v1::CHALLENGE_STAGE_UNSPECIFIED || !v1::ChallengeStage_IsValid(cmd.stage())) {
    return InvalidField("stage", "stage must be one of the CHALLENGE_STAGE_ values");
  }
  if (cmd.severity() == v1::SEVERITY_UNSPECIFIED || !v1::Severity_IsValid(cmd.severity())) {
    return InvalidField("severity", "severity must be SEVERITY_LOW, _MEDIUM or _HIGH");
  }
  if (auto s = RequireText(cmd.finding(), "finding", 8000); !s) return Unexpected(s.error());
  if (auto s = RequireText(cmd.action_required(), "action_required", 4000); !s) {
    return Unexpected(s.error());
  }
  auto due = ParseLocalDay(cmd.due().iso(), "due");
  if (!due) return Unexpected(due.error());
  if (*due < c.today) {
    return InvalidField("due", fmt::format("the due date {} has already passed",
                                           FormatLocalDay(*due)));
  }
  auto unit = SubjectUnit(c.model, cmd.subject());
  if (!unit) return Unexpected(unit.error());
  if (cmd.owner_person_id().empty()) {
    return InvalidField("owner_person_id", "a finding needs an owner to answer it");
  }
  if (c.model.FindPerson(cmd.owner_person_id()) == nullptr) {
    return MakeError(ErrorCode::kNotFound,
                     fmt::format("there is no person '{}'", cmd.owner_person_id()),
                     "owner_person_id");
  }
  if (auto a = Authorize(c.model, c.command.actor,
                         {.action = Action::kRaiseFinding, .stage = cmd.stage()}, *unit, c.today);
      !a) {
    return Unexpected(a.error());
  }
  const std::string id = DerivedId("F-", c.command.command_id);
  return One(
      [&](v1::Event& e) {
        auto* r = e.mutable_challenge_finding_raised();
        r->set_finding_id(id);
        r->set_stage(cmd.stage());
        *r->mutable_subject() = cmd.subject();
        r->set_severity(cmd.severity());
        r->set_finding(cmd.finding());
        r->set_action_required(cmd.action_required());
        r->set_owner_person_id(cmd.owner_person_id());
        *r->mutable_due() = ToLocalDate(*due);
        r->set_unit_id(*unit);
      },
      id);
}

Status RequireFinding(const FindingState& f, std::string_view id) {
  if (f.exists()) return OkStatus();
  return MakeError(ErrorCode::kNotFound, fmt::format("there is no challenge finding '{}'", id),
                   "finding_id");
}

// The raiser, or anyone who could raise a finding at its stage on its unit, judges responses.
Status MayJudge(const DecideContext& c, const FindingState& f) {
  if (c.command.actor == f.raised_by) return OkStatus();
  auto a = Authorize(c.model, c.command.actor,
                     {.action = Action::kJudgeFinding, .stage = f.raised.stage()},
                     f.raised.unit_id(), c.today);
  if (!a) return Unexpected(a.error());
  return OkStatus();
}

Status RequireStatus(const FindingState& f, std::string_view id,
                     std::initializer_list<FindingStatus> allowed, std::string_view doing) {
  for (FindingStatus s : allowed) {
    if (f.status == s) return OkStatus();
  }
  return MakeError(ErrorCode::kFailedPrecondition,
                   fmt::format("finding '{}' is {}; it cannot be {} now", id,
                               FindingStatusName(f.status), doing));
}

Result<Decision> Respond(const DecideContext& c, const v1::RespondToChallengeFinding& cmd,
                         const FindingState& f) {
  if (auto s = RequireText(cmd.response(), "response", 8000); !s) return Unexpected(s.error());
  if (auto s = RequireFinding(f, cmd.finding_id()); !s) return Unexpected(s.error());
  if (c.command.actor != f.raised.owner_person_id()) {
    if (auto a = Authorize(c.model, c.command.actor, {Action::kRespondToFinding},
                           f.raised.unit_id(), c.today);
        !a) {
      return Unexpected(a.error());
    }
  }
  if (auto s = RequireStatus(f, cmd.finding_id(), {FindingStatus::kOpen}, "responded to"); !s) {
    return Unexpected(s.error());
  }
  return One([&](v1::Event& e) {
    e.mutable_challenge_finding_responded()->set_response(cmd.response());
  });
}

Result<Decision> Accept(const DecideContext& c, const v1::AcceptChallengeFinding& cmd,
                        const FindingState& f) {
  if (auto s = LimitText(cmd.comment(), "comment", 4000); !s) return Unexpected(s.error());
  if (auto s = RequireFinding(f, cmd.finding_id()); !s) return Unexpected(s.error());
  if (auto s = MayJudge(c, f); !s) return Unexpected(s.error());
  if (c.command.actor == f.raised.owner_person_id()) {
    return MakeError(ErrorCode::kPermissionDenied,
                     "the finding's owner cannot accept their own response (four eyes)");
  }
  if (auto s = RequireStatus(f, cmd.finding_id(), {FindingStatus::kResponded}, "accepted"); !s) {
    return Unexpected(s.error());
  }
  return One([&](v1::Event& e) {
    e.mutable_challenge_finding_accepted()->set_comment(cmd.comment());
  });
}

Result<Decision> Reopen(const DecideContext& c, const v1::ReopenChallengeFinding& cmd,
                        const FindingState& f) {
  if (auto s = RequireText(cmd.reason(), "reason", 4000); !s) return Unexpected(s.error());
  if (auto s = RequireFinding(f, cmd.finding_id()); !s) return Unexpected(s.error());
  if (auto s = MayJudge(c, f); !s) return Unexpected(s.error());
  if (auto s = RequireStatus(f, cmd.finding_id(),
                             {FindingStatus::kResponded, FindingStatus::kAccepted}, "re-opened");
      !s) {
    return Unexpected(s.error());
  }
  return One([&](v1::Event& e) {
    e.mutable_challenge_finding_reopened()->set_reason(cmd.reason());
  });
}

Result<Decision> Close(const DecideContext& c, const v1::CloseChallengeFinding& cmd,
                       const FindingState& f) {
  if (auto s = RequireText(cmd.evidence(), "evidence", 8000); !s) return Unexpected(s.error());
  if (auto s = RequireFinding(f, cmd.finding_id()); !s) return Unexpected(s.error());
  if (auto s = MayJudge(c, f); !s) return Unexpected(s.error());
  if (auto s = RequireStatus(f, cmd.finding_id(), {FindingStatus::kAccepted},
                             "closed (accept its response first)");
      !s) {
    return Unexpected(s.error());
  }
  return One([&](v1::Event& e) {
    e.mutable_challenge_finding_closed()->set_evidence(cmd.evidence());
  });
}

}  // namespace

Result<Decision> DecideFinding(const DecideContext& c, const v1::Command& command,
                               const FindingState& finding) {
  switch (command.body_case()) {
    case v1::Command::kRaiseChallengeFinding:
      return Raise(c, command.raise_challenge_finding());
    case v1::Command::kRespondToChallengeFinding:
      return Respond(c, command.respond_to_challenge_finding(), finding);
    case v1::Command::kAcceptChallengeFinding:
      return Accept(c, command.accept_challenge_finding(), finding);
    case v1::Command::kReopenChallengeFinding:
      return Reopen(c, command.reopen_challenge_finding(), finding);
    case v1::Command::kCloseChallengeFinding:
      return Close(c, command.close_challenge_finding(), finding);
    default:
      return MakeError(ErrorCode::kInternal, "not a finding command");
  }
}

}  // namespace goldthread::engine::internal
