// Plans and their approval chain (Herefordshire 2.11-2.13), the risk register, and
// self-assessments (Leeds 3.6).
#include <fmt/format.h>

#include "engine/model/authority.h"
#include "engine/model/event_codec.h"
#include "engine/command/internal/decide.h"
#include "engine/model/period.h"

namespace goldthread::engine::internal {

namespace v1 = goldthread::v1;

namespace {

Status Allowed(const DecideContext& c, const Permission& p, std::string_view unit) {
  auto a = Authorize(c.model, c.command.actor, p, unit, c.today);
  if (!a) return Unexpected(a.error());
  return OkStatus();
}

Result<const Plan*> ExistingPlan(const CouncilModel& model, std::string_view id) {
  const Plan* plan = model.FindPlan(id);
  if (plan == nullptr) {
    return MakeError(ErrorCode::kNotFound, fmt::format("there is no plan '{}'", id), "plan_id");
  }
  return plan;
}

Result<const Risk*> OpenRisk(const CouncilModel& model, std::string_view id) {
  const Risk* risk = model.FindRisk(id);
  if (risk == nullptr) {
    return MakeError(ErrorCode::kNotFound, fmt::format("there is no risk '{}'", id), "risk_id");
  }
  if (risk->closed) {
    return MakeError(ErrorCode::kFailedPrecondition, fmt::format("risk '{}' is closed", id),
                     "risk_id");
  }
  return risk;
}

Status CheckScale(uint32_t v, std::string_view field) {
  if (v < 1 || v > 5) {
    return InvalidField(std::string(field), fmt::format("{} is scored 1 to 5", field));
  }
  return OkStatus();
}

Result<Decision> Draft(const DecideContext& c, const v1::DraftPlan& cmd) {
  v1::OrgUnitKind needed;
  switch (cmd.kind()) {
    case v1::PLAN_KIND_DIRECTORATE:
      needed = v1::ORG_UNIT_KIND_DIRECTORATE;
      break;
    case v1::PLAN_KIND_SERVICE:
      needed = v1::ORG_UNIT_KIND_SERVICE;
      break;
    default:
      return InvalidField("kind", "kind must be PLAN_KIND_DIRECTORATE or PLAN_KIND_SERVICE");
  }
  if (cmd.fiscal_year() < 2000 || cmd.fiscal_year() > 2100) {
    return InvalidField("fiscal_year", "fiscal_year is the year the plan starts (e.g. 2011)");
  }
  if (auto s = RequireText(cmd.title(), "title", 300); !s) return Unexpected(s.error());
  if (auto s = LimitText(cmd.document_ref(), "document_ref", 1000); !s) {
    return Unexpected(s.error());
  }
  auto unit = OpenUnit(c.model, cmd.unit_id(), "unit_id");
  if (!unit) return Unexpected(unit.error());
  if ((*unit)->kind != needed) {
    return InvalidField("unit_id", fmt::format("a {} plan belongs to a {}; '{}' is not one",
                                               cmd.kind() == v1::PLAN_KIND_SERVICE ? "service"
                                                                                   : "directorate",
                                               cmd.kind() == v1::PLAN_KIND_SERVICE ? "service"
                                                                                   : "directorate",
                                               cmd.unit_id()));
  }
  if (auto s = Allowed(c, {Action::kDraftPlan}, cmd.unit_id()); !s) return Unexpected(s.error());
  const std::string id = DerivedId("PLAN-", c.command.command_id);
  return One(
      [&](v1::Event& e) {
        auto* p = e.mutable_plan_drafted();
        p->set_plan_id(id);
        p->set_kind(cmd.kind());
        p->set_unit_id(cmd.unit_id());
        p->set_fiscal_year(cmd.fiscal_year());
        p->set_title(cmd.title());
        p->set_document_ref(cmd.document_ref());
      },
      id);
}

Result<Decision> Certify(const DecideContext& c, const v1::CertifyPlan& cmd) {
  if (auto s = LimitText(cmd.comment(), "comment", 4000); !s) return Unexpected(s.error());
  auto plan = ExistingPlan(c.model, cmd.plan_id());
  if (!plan) return Unexpected(plan.error());
  if (auto s = Allowed(c, {Action::kCertifyPlan}, (*plan)->unit_id); !s) {
    return Unexpected(s.error());
  }
  if ((*plan)->certified) {
    return MakeError(ErrorCode::kFailedPrecondition,
                     fmt::format("plan '{}' is already certified", cmd.plan_id()));
  }
  return One([&](v1::Event& e) { e.mutable_plan_certified()->set_comment(cmd.comment()); });
}

Result<Decision> Approve(const DecideContext& c, const v1::ApprovePlan& cmd) {
  if (cmd.role() != v1::ROLE_DIRECTOR && cmd.role() != v1::ROLE_LEAD_MEMBER) {
    return InvalidField("role", "plans are approved as ROLE_DIRECTOR or ROLE_LEAD_MEMBER");
  }
  if (auto s = LimitText(cmd.comment(), "comment", 4000); !s) return Unexpected(s.error());
  auto plan = ExistingPlan(c.model, cmd.plan_id());
  if (!plan) return Unexpected(plan.error());
  const Plan& p = **plan;
  if (p.kind == v1::PLAN_KIND_DIRECTORATE && cmd.role() == v1::ROLE_DIRECTOR) {
    return InvalidField("role",
                        "a directorate plan is the director's own; the lead member approves it "
                        "(Herefordshire 2.12)");
  }
  if (auto s = Allowed(c, {.action = Action::kApprovePlan, .approver = cmd.role()}, p.unit_id);
      !s) {
    return Unexpected(s.error());
  }
  if (!p.certified) {
    return MakeError(ErrorCode::kFailedPrecondition,
                     fmt::format("plan '{}' must first be certified by the performance lead as "
                                 "meeting the published requirements",
                                 cmd.plan_id()));
  }
  if (p.approved_by_roles.count(cmd.role()) > 0) {
    return MakeError(ErrorCode::kFailedPrecondition,
                     fmt::format("plan '{}' is already approved by the {}", cmd.plan_id(),
                                 RoleName(cmd.role())));
  }
  if (p.kind == v1::PLAN_KIND_SERVICE && cmd.role() == v1::ROLE_LEAD_MEMBER &&
      p.approved_by_roles.count(v1::ROLE_DIRECTOR) == 0) {
    return MakeError(ErrorCode::kFailedPrecondition,
                     fmt::format("service plan '{}' goes to the director before the lead member "
                                 "(Herefordshire 2.13)",
                                 cmd.plan_id()));
  }
  return One([&](v1::Event& e) {
    auto* a = e.mutable_plan_approved();
    a->set_role(cmd.role());
    a->set_comment(cmd.comment());
  });
}

Result<Decision> Register(const DecideContext& c, const v1::RegisterRisk& cmd) {
  if (auto s = RequireText(cmd.title(), "title", 300); !s) return Unexpected(s.error());
  if (auto s = LimitText(cmd.description(), "description", 4000); !s) {
    return Unexpected(s.error());
  }
  if (auto s = CheckScale(cmd.likelihood(), "likelihood"); !s) return Unexpected(s.error());
  if (auto s = CheckScale(cmd.impact(), "impact"); !s) return Unexpected(s.error());
  auto unit = OpenUnit(c.model, cmd.unit_id(), "unit_id");
  if (!unit) return Unexpected(unit.error());
  if (c.model.FindPerson(cmd.owner_person_id()) == nullptr) {
    return MakeError(ErrorCode::kNotFound,
                     fmt::format("there is no person '{}'", cmd.owner_person_id()),
                     "owner_person_id");
  }
  for (const auto& id : cmd.priority_ids()) {
    if (c.model.FindPriority(id) == nullptr) {
      return MakeError(ErrorCode::kNotFound, fmt::format("there is no priority '{}'", id),
                       "priority_ids");
    }
  }
  for (const auto& id : cmd.indicator_ids()) {
    if (c.model.FindIndicator(id) == nullptr) {
      return MakeError(ErrorCode::kNotFound, fmt::format("there is no indicator '{}'", id),
                       "indicator_ids");
    }
  }
  if (auto s = Allowed(c, {Action::kManageRisks}, cmd.unit_id()); !s) {
    return Unexpected(s.error());
  }
  const std::string id = DerivedId("R-", c.command.command_id);
  return One(
      [&](v1::Event& e) {
        auto* r = e.mutable_risk_registered();
        r->set_risk_id(id);
        r->set_title(cmd.title());
        r->set_description(cmd.description());
        r->set_owner_person_id(cmd.owner_person_id());
        r->set_unit_id(cmd.unit_id());
        r->set_likelihood(cmd.likelihood());
        r->set_impact(cmd.impact());
        *r->mutable_priority_ids() = cmd.priority_ids();
        *r->mutable_indicator_ids() = cmd.indicator_ids();
      },
      id);
}

Result<Decision> Rate(const DecideContext& c, const v1::RateRisk& cmd) {
  if (auto s = CheckScale(cmd.likelihood(), "likelihood"); !s) return Unexpected(s.error());
  if (auto s = CheckScale(cmd.impact(), "impact"); !s) return Unexpected(s.error());
  if (auto s = RequireText(cmd.reason(), "reason", 2000); !s) return Unexpected(s.error());
  auto risk = OpenRisk(c.model, cmd.risk_id());
  if (!risk) return Unexpected(risk.error());
  if (auto s = Allowed(c, {Action::kManageRisks}, (*risk)->unit_id); !s) {
    return Unexpected(s.error());
  }
  return One([&](v1::Event& e) {
    auto* r = e.mutable_risk_rated();
    r->set_likelihood(cmd.likelihood());
    r->set_impact(cmd.impact());
    r->set_reason(cmd.reason());
  });
}

Result<Decision> CloseRisk(const DecideContext& c, const v1::CloseRisk& cmd) {
  if (auto s = RequireText(cmd.reason(), "reason", 2000); !s) return Unexpected(s.error());
  auto risk = OpenRisk(c.model, cmd.risk_id());
  if (!risk) return Unexpected(risk.error());
  if (auto s = Allowed(c, {Action::kManageRisks}, (*risk)->unit_id); !s) {
    return Unexpected(s.error());
  }
  return One([&](v1::Event& e) { e.mutable_risk_closed()->set_reason(cmd.reason()); });
}

Result<Decision> SelfAssess(const DecideContext& c, const v1::RecordSelfAssessment& cmd) {
  if (auto s = RequireText(cmd.summary(), "summary", 8000); !s) return Unexpected(s.error());
  if (cmd.overall_rating() != v1::RAG_GREEN && cmd.overall_rating() != v1::RAG_AMBER &&
      cmd.overall_rating() != v1::RAG_RED) {
    return InvalidField("overall_rating", "the overall rating is RAG_GREEN, RAG_AMBER or RAG_RED");
  }
  if (cmd.concerns_size() > 20) return InvalidField("concerns", "at most 20 concerns");
  for (const auto& concern : cmd.concerns()) {
    if (auto s = RequireText(concern, "concerns", 2000); !s) return Unexpected(s.error());
  }
  auto unit = OpenUnit(c.model, cmd.unit_id(), "unit_id");
  if (!unit) return Unexpected(unit.error());
  if ((*unit)->kind != v1::ORG_UNIT_KIND_DIRECTORATE &&
      (*unit)->kind != v1::ORG_UNIT_KIND_SERVICE) {
    return InvalidField("unit_id", "self-assessments are recorded for directorates and services");
  }
  if (auto s = Allowed(c, {Action::kSelfAssess}, cmd.unit_id()); !s) {
    return Unexpected(s.error());
  }
  return One([&](v1::Event& e) {
    auto* a = e.mutable_self_assessment_recorded();
    a->set_unit_id(cmd.unit_id());
    a->set_period(cmd.period());
    a->set_summary(cmd.summary());
    *a->mutable_concerns() = cmd.concerns();
    a->set_overall_rating(cmd.overall_rating());
  });
}

}  // namespace

Result<Decision> DecidePlanning(const DecideContext& c, const v1::Command& command) {
  switch (command.body_case()) {
    case v1::Command::kDraftPlan:
      return Draft(c, command.draft_plan());
    case v1::Command::kCertifyPlan:
      return Certify(c, command.certify_plan());
    case v1::Command::kApprovePlan:
      return Approve(c, command.approve_plan());
    case v1::Command::kRegisterRisk:
      return Register(c, command.register_risk());
    case v1::Command::kRateRisk:
      return Rate(c, command.rate_risk());
    case v1::Command::kCloseRisk:
      return CloseRisk(c, command.close_risk());
    case v1::Command::kRecordSelfAssessment:
      return SelfAssess(c, command.record_self_assessment());
    default:
      return MakeError(ErrorCode::kInternal, "not a planning command");
  }
}

}  // namespace goldthread::engine::internal
