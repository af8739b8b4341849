// Which stream each command writes, and the checks every decider shares.
#include <fmt/format.h>

#include "engine/model/event_codec.h"
#include "engine/command/internal/decide.h"
#include "engine/model/period.h"

namespace goldthread::engine::internal {

namespace v1 = goldthread::v1;

namespace {

// A period id in canonical form, or InvalidArgument naming the field.
Result<std::string> CanonicalPeriod(std::string_view period) {
  auto p = Period::Parse(period);
  if (!p) return Unexpected(Error{p.error().code, p.error().message, "period", std::nullopt});
  if (p->id() != period) {
    return InvalidField("period", fmt::format("write the period as '{}'", p->id()));
  }
  return p->id();
}

Result<Target> FigureTarget(std::string_view tenant, std::string_view indicator,
                            std::string_view period) {
  if (auto s = CheckId(indicator, "indicator_id"); !s) return Unexpected(s.error());
  auto p = CanonicalPeriod(period);
  if (!p) return Unexpected(p.error());
  return Target{.stream = FigureStream(tenant, indicator, *p), .kind = StateKind::kFigure};
}

Result<Target> CycleTarget(std::string_view tenant, std::string_view workflow,
                           std::string_view period, bool creates) {
  if (auto s = CheckId(workflow, "workflow_id"); !s) return Unexpected(s.error());
  auto p = CanonicalPeriod(period);
  if (!p) return Unexpected(p.error());
  return Target{.stream = CycleStream(tenant, workflow, *p),
                .kind = StateKind::kCycle,
                .creates = creates,
                .created_id = creates ? std::string(workflow) + "/" + *p : std::string()};
}

Result<Target> Named(std::string stream_of_id, std::string_view id, std::string_view field,
                     StateKind kind = StateKind::kModel, bool creates = false) {
  if (auto s = CheckId(id, field); !s) return Unexpected(s.error());
  return Target{.stream = std::move(stream_of_id),
                .kind = kind,
                .creates = creates,
                .created_id = creates ? std::string(id) : std::string()};
}

Result<Target> Derived(std::string stream, std::string id, StateKind kind = StateKind::kModel) {
  return Target{.stream = std::move(stream), .kind = kind, .creates = true, .created_id = id};
}

}  // namespace

Result<Target> TargetOf(std::string_view tenant, const CommandContext& context,
                        const v1::Command& command) {
  const std::string& key = context.command_id;
  switch (command.body_case()) {
    case v1::Command::kCreateOrgUnit:
    case v1::Command::kRenameOrgUnit:
    case v1::Command::kMoveOrgUnit:
    case v1::Command::kCloseOrgUnit:
    case v1::Command::kChangeAccountablePerson:
      return Target{.stream = OrgStream(tenant)};

    case v1::Command::kRegisterPerson: {
      const auto& id = command.register_person().person_id();
      return Named(PersonStream(tenant, id), id, "person_id", StateKind::kModel, true);
    }
    case v1::Command::kGrantRole: {
      const auto& id = command.grant_role().person_id();
      auto t = Named(PersonStream(tenant, id), id, "person_id");
      if (t) t->created_id = DerivedId("G-", key);
      return t;
    }
    case v1::Command::kRevokeRole: {
      const auto& id = command.revoke_role().person_id();
      return Named(PersonStream(tenant, id), id, "person_id");
    }
    case v1::Command::kDelegateSignOff: {
      std::string id = command.delegate_sign_off().delegator_person_id();
      if (id.empty()) id = context.actor;
      auto t = Named(PersonStream(tenant, id), id, "delegator_person_id");
      if (t) t->created_id = DerivedId("D-", key);
      return t;
    }
    case v1::Command::kRevokeSignOffDelegation: {
      std::string id = command.revoke_sign_off_delegation().delegator_person_id();
      if (id.empty()) id = context.actor;
      return Named(PersonStream(tenant, id), id, "delegator_person_id");
    }

    case v1::Command::kDefinePriority: {
      const auto& id = command.define_priority().priority_id();
      return Named(PriorityStream(tenant, id), id, "priority_id", StateKind::kModel, true);
    }
    case v1::Command::kAddObjective: {
      const auto& id = command.add_objective().priority_id();
      return Named(PriorityStream(tenant, id), id, "priority_id");
    }
    case v1::Command::kRecordPriorityProgress: {
      const auto& id = command.record_priority_progress().priority_id();
      return Named(PriorityStream(tenant, id), id, "priority_id");
    }
    case v1::Command::kDefineIndicator: {
      const auto& id = command.define_indicator().indicator_id();
      return Named(IndicatorStream(tenant, id), id, "indicator_id", StateKind::kModel, true);
    }
    case v1::Command::kReviseIndicator: {
      const auto& id = command.revise_indicator().indicator_id();
      return Named(IndicatorStream(tenant, id), id, "indicator_id");
    }
    case v1::Command::kSetTarget: {
      const auto& id = command.set_target().indicator_id();
      return Named(IndicatorStream(tenant, id), id, "indicator_id");
    }
    case v1::Command::kRetireIndicator: {
      const auto& id = command.retire_indicator().indicator_id();
      return Named(IndicatorStream(tenant, id), id, "indicator_id");
    }

    case v1::Command::kSubmitFigure:
      return FigureTarget(tenant, command.submit_figure().indicator_id(),
                          command.submit_figure().period());
    case v1::Command::kAmendFigure:
      return FigureTarget(tenant, command.amend_figure().indicator_id(),
                          command.amend_figure().period());
    case v1::Command::kSignOffFigure:
      return FigureTarget(tenant, command.sign_off_figure().indicator_id(),
                          command.sign_off_figure().period());
    case v1::Command::kRejectFigure:
      return FigureTarget(tenant, command.reject_figure().indicator_id(),
                          command.reject_figure().period());
    case v1::Command::kRaiseDataQualityQuery: {
      auto t = FigureTarget(tenant, command.raise_data_quality_query().indicator_id(),
                            command.raise_data_quality_query().period());
      if (t) t->created_id = DerivedId("Q-", key);
      return t;
    }
    case v1::Command::kAnswerDataQualityQuery:
      return FigureTarget(tenant, command.answer_data_quality_query().indicator_id(),
                          command.answer_data_quality_query().period());
    case v1::Command::kLockFigure:
      return FigureTarget(tenant, command.lock_figure().indicator_id(),
                          command.lock_figure().period());
    case v1::Command::kRestateFigure:
      return FigureTarget(tenant, command.restate_figure().indicator_id(),
                          command.restate_figure().period());
    case v1::Command::kPublishFigure:
      return FigureTarget(tenant, command.publish_figure().indicator_id(),
                          command.publish_figure().period());

    case v1::Command::kRaiseChallengeFinding: {
      std::string id = DerivedId("F-", key);
      return Derived(FindingStream(tenant, id), id, StateKind::kFinding);
    }
    case v1::Command::kRespondToChallengeFinding: {
      const auto& id = command.respond_to_challenge_finding().finding_id();
      return Named(FindingStream(tenant, id), id, "finding_id", StateKind::kFinding);
    }
    case v1::Command::kAcceptChallengeFinding: {
      const auto& id = command.accept_challenge_finding().finding_id();
      return Named(FindingStream(tenant, id), id, "finding_id", StateKind::kFinding);
    }
    case v1::Command::kReopenChallengeFinding: {
      const auto& id = command.reopen_challenge_finding().finding_id();
      return Named(FindingStream(tenant, id), id, "finding_id", StateKind::kFinding);
    }
    case v1::Command::kCloseChallengeFinding: {
      const auto& id = command.close_challenge_finding().finding_id();
      return Named(FindingStream(tenant, id), id, "finding_id", StateKind::kFinding);
    }

    case v1::Command::kDraftPlan: {
      std::string id = DerivedId("PLAN-", key);
      return Derived(PlanStream(tenant, id), id);
    }
    case v1::Command::kCertifyPlan: {
      const auto& id = command.certify_plan().plan_id();
      return Named(PlanStream(tenant, id), id, "plan_id");
    }
    case v1::Command::kApprovePlan: {
      const auto& id = command.approve_plan().plan_id();
      return Named(PlanStream(tenant, id), id, "plan_id");
    }
    case v1::Command::kRegisterRisk: {
      std::string id = DerivedId("R-", key);
      return Derived(RiskStream(tenant, id), id);
    }
    case v1::Command::kRateRisk: {
      const auto& id = command.rate_risk().risk_id();
      return Named(RiskStream(tenant, id), id, "risk_id");
    }
    case v1::Command::kCloseRisk: {
      const auto& id = command.close_risk().risk_id();
      return Named(RiskStream(tenant, id), id, "risk_id");
    }
    case v1::Command::kRecordSelfAssessment: {
      const auto& a = command.record_self_assessment();
      if (auto s = CheckId(a.unit_id(), "unit_id"); !s) return Unexpected(s.error());
      auto p = CanonicalPeriod(a.period());
      if (!p) return Unexpected(p.error());
      return Target{.stream = AssessmentStream(tenant, a.unit_id(), *p)};
    }
    case v1::Command::kOpenCycle:
      return CycleTarget(tenant, command.open_cycle().workflow_id(), command.open_cycle().period(),
                         true);
    case v1::Command::kRecordReviewMeeting:
      return CycleTarget(tenant, command.record_review_meeting().workflow_id(),
                         command.record_review_meeting().period(), false);
    case v1::Command::kCloseStage:
      return CycleTarget(tenant, command.close_stage().workflow_id(),
                         command.close_stage().period(), false);
    case v1::Command::kAcknowledgeEscalation: {
      const auto& a = command.acknowledge_escalation();
      if (!a.finding_id().empty()) {
        return Named(FindingStream(tenant, a.finding_id()), a.finding_id(), "finding_id",
                     StateKind::kFinding);
      }
      return FigureTarget(tenant, a.figure().indicator_id(), a.figure().period());
    }
    case v1::Command::kIssueApiToken: {
      std::string id = DerivedId("T-", key);
      return Derived(TokenStream(tenant, id), id);
    }
    case v1::Command::kRevokeApiToken: {
      const auto& id = command.revoke_api_token().token_id();
      return Named(TokenStream(tenant, id), id, "token_id");
    }
    case v1::Command::kInvitePerson: {
      const auto& id = command.invite_person().person_id();
      auto t = Named(AccountStream(tenant, id), id, "person_id");
      if (t) t->created_id = DerivedId("I-", key);
      return t;
    }
    case v1::Command::kSetPassword: {
      const auto& id = command.set_password().person_id();
      return Named(AccountStream(tenant, id), id, "person_id");
    }
    case v1::Command::kRecordSignIn:
    case v1::Command::kRecordSignOut:
      return Named(AccountStream(tenant, context.actor), context.actor, "actor");
    case v1::Command::kMoveSimulatedClock:
      return Target{.stream = ClockStream(tenant)};
    case v1::Command::kRecordSignInFailure: {
      const auto& id = command.record_sign_in_failure().person_id();
      if (id.empty()) return Target{.stream = AccountStream(tenant, "unknown")};
      return Named(AccountStream(tenant, id), id, "person_id");
    }
    case v1::Command::BODY_NOT_SET:
      break;
  }
  return InvalidField("command", "the command is empty: say what to do");
}

Status LimitText(std::string_view text, std::string_view field, size_t max) {
  if (text.size() > max) {
    return InvalidField(std::string(field),
                        fmt::format("{} is {} bytes; at most {}", field, text.size(), max));
  }
  return OkStatus();
}

Status RequireText(std::string_view text, std::string_view field, size_t max) {
  const size_t first = text.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) {
    return InvalidField(std::string(field), fmt::format("{} is required", field));
  }
  return LimitText(text, field, max);
}

Result<const OrgUnit*> OpenUnit(const CouncilModel& model, std::string_view unit_id,
                                std::string_view field) {
  if (unit_id.empty()) {
    return InvalidField(std::string(field), fmt::format("{} is required", field));
  }
  const OrgUnit* unit = model.Unit(unit_id);
  if (unit == nullptr) {
    return MakeError(ErrorCode::kNotFound, fmt::format("there is no org unit '{}'", unit_id),
                     std::string(field));
  }
  if (unit->closed) {
    return MakeError(ErrorCode::kFailedPrecondition,
                     fmt::format("org unit '{}' ({}) is closed", unit_id, unit->name),
                     std::string(field));
  }
  return unit;
}

}  // namespace goldthread::engine::internal
