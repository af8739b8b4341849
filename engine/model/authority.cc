#include "engine/model/authority.h"

#include <fmt/format.h>

namespace goldthread::engine {

namespace v1 = goldthread::v1;

std::vector<v1::Role> RolesFor(const Permission& p) {
  using R = v1::Role;
  switch (p.action) {
    case Action::kManageOrg:
    case Action::kManagePeople:
      return {R::ROLE_ADMIN};
    case Action::kManageIndicators:
      return {R::ROLE_PERFORMANCE_TEAM};
    case Action::kSetTarget:
      return {R::ROLE_PERFORMANCE_TEAM, R::ROLE_SERVICE_MANAGER};
    case Action::kEnterFigure:
      return {R::ROLE_DATA_ENTRY, R::ROLE_SERVICE_MANAGER, R::ROLE_PERFORMANCE_TEAM};
    case Action::kRestateFigure:
      return {R::ROLE_SERVICE_MANAGER, R::ROLE_PERFORMANCE_TEAM};
    case Action::kSignOff:
    case Action::kRejectFigure:
      switch (p.level) {
        case v1::SIGN_OFF_LEVEL_SERVICE:
          return {R::ROLE_SERVICE_MANAGER};
        case v1::SIGN_OFF_LEVEL_DIRECTORATE:
          return {R::ROLE_DIRECTOR};
        case v1::SIGN_OFF_LEVEL_CORPORATE_VERIFICATION:
          return {R::ROLE_PERFORMANCE_TEAM};
        case v1::SIGN_OFF_LEVEL_PARTNERSHIP:
          return {R::ROLE_PARTNERSHIP_BOARD};
        default:
          return {};
      }
    case Action::kRaiseDataQualityQuery:
      return {R::ROLE_PERFORMANCE_TEAM, R::ROLE_DIRECTOR};
    case Action::kAnswerDataQualityQuery:
      return {R::ROLE_DATA_ENTRY, R::ROLE_SERVICE_MANAGER};
    case Action::kLockFigure:
    case Action::kPublishFigure:
    case Action::kCertifyPlan:
      return {R::ROLE_PERFORMANCE_TEAM};
    case Action::kRaiseFinding:
    case Action::kJudgeFinding:
      switch (p.stage) {
        case v1::CHALLENGE_STAGE_SERVICE_REVIEW:
          return {R::ROLE_SERVICE_MANAGER, R::ROLE_DIRECTOR, R::ROLE_PERFORMANCE_TEAM};
        case v1::CHALLENGE_STAGE_CORPORATE_REVIEW:
        case v1::CHALLENGE_STAGE_INITIAL_DIAGNOSTIC:
        case v1::CHALLENGE_STAGE_CAUSE_AND_EFFECT:
        case v1::CHALLENGE_STAGE_PERFORMANCE_CLINIC:
          return {R::ROLE_PERFORMANCE_TEAM, R::ROLE_CORPORATE_MANAGEMENT_TEAM};
        case v1::CHALLENGE_STAGE_SCRUTINY:
          return {R::ROLE_SCRUTINY_MEMBER};
        case v1::CHALLENGE_STAGE_AUDIT:
          return {R::ROLE_AUDITOR};
        default:
          return {};
      }
    case Action::kRespondToFinding:
      return {R::ROLE_SERVICE_MANAGER, R::ROLE_DIRECTOR};
    case Action::kDraftPlan:
      return {R::ROLE_SERVICE_MANAGER, R::ROLE_DIRECTOR, R::ROLE_PERFORMANCE_TEAM};
    case Action::kApprovePlan:
      if (p.approver == R::ROLE_DIRECTOR) return {R::ROLE_DIRECTOR};
      if (p.approver == R::ROLE_LEAD_MEMBER) return {R::ROLE_LEAD_MEMBER, R::ROLE_EXECUTIVE_MEMBER};
      return {};
    case Action::kManageRisks:
      return {R::ROLE_SERVICE_MANAGER, R::ROLE_DIRECTOR, R::ROLE_PERFORMANCE_TEAM};
    case Action::kRecordProgress:
      return {R::ROLE_DIRECTOR, R::ROLE_SERVICE_MANAGER, R::ROLE_PERFORMANCE_TEAM,
              R::ROLE_PARTNERSHIP_BOARD};
    case Action::kSelfAssess:
      return {R::ROLE_DIRECTOR, R::ROLE_SERVICE_MANAGER};
    case Action::kManageCycles:
      return {R::ROLE_PERFORMANCE_TEAM};
    case Action::kRecordMeeting:
      return {R::ROLE_PERFORMANCE_TEAM, R::ROLE_DIRECTOR, R::ROLE_SERVICE_MANAGER,
              R::ROLE_SCRUTINY_MEMBER};
  }
  return {};
}

std::string RoleName(v1::Role role) {
  switch (role) {
    case v1::ROLE_DATA_ENTRY:
      return "data entry";
    case v1::ROLE_SERVICE_MANAGER:
      return "service manager";
    case v1::ROLE_DIRECTOR:
      return "director";
    case v1::ROLE_PERFORMANCE_TEAM:
      return "performance team";
    case v1::ROLE_EXECUTIVE_MEMBER:
      return "executive member";
    case v1::ROLE_SCRUTINY_MEMBER:
      return "scrutiny member";
    case v1::ROLE_PARTNERSHIP_BOARD:
      return "partnership board";
    case v1::ROLE_AUDITOR:
      return "auditor";
    case v1::ROLE_ADMIN:
      return "admin";
    case v1::ROLE_CORPORATE_MANAGEMENT_TEAM:
      return "corporate management team";
    case v1::ROLE_LEAD_MEMBER:
      return "lead member";
    case v1::ROLE_LEEDS_INITIATIVE_BOARD:
      return "Leeds Initiative Board";
    default:
      return "unspecified role";
  }
}

std::string LevelName(v1::SignOffLevel level) {
  switch (level) {
    case v1::SIGN_OFF_LEVEL_SERVICE:
      return "service";
    case v1::SIGN_OFF_LEVEL_DIRECTORATE:
      return "directorate";
    case v1::SIGN_OFF_LEVEL_CORPORATE_VERIFICATION:
      return "corporate verification";
    case v1::SIGN_OFF_LEVEL_PARTNERSHIP:
      return "partnership";
    default:
      return "unspecified";
  }
}

std::string Describe(const Permission& p) {
  switch (p.action) {
    case Action::kManageOrg:
      return "change the org structure";
    case Action::kManagePeople:
      return "manage people and roles";
    case Action::kManageIndicators:
      return "define indicators and priorities";
    case Action::kSetTarget:
      return "set targets";
    case Action::kEnterFigure:
      return "enter figures";
    case Action::kRestateFigure:
      return "restate a reported figure";
    case Action::kSignOff:
      return fmt::format("sign off at {} level", LevelName(p.level));
    case Action::kRejectFigure:
      return fmt::format("reject at {} level", LevelName(p.level));
    case Action::kRaiseDataQualityQuery:
      return "raise a data-quality query";
    case Action::kAnswerDataQualityQuery:
      return "answer a data-quality query";
    case Action::kLockFigure:
      return "lock figures";
    case Action::kPublishFigure:
      return "publish figures";
    case Action::kRaiseFinding:
      return "raise a challenge finding at this stage";
    case Action::kRespondToFinding:
      return "respond to a challenge finding";
    case Action::kJudgeFinding:
      return "accept, re-open or close a challenge finding at this stage";
    case Action::kDraftPlan:
      return "draft plans";
    case Action::kCertifyPlan:
      return "certify plans";
    case Action::kApprovePlan:
      return fmt::format("approve plans as {}", RoleName(p.approver));
    case Action::kManageRisks:
      return "manage risks";
    case Action::kRecordProgress:
      return "record priority progress";
    case Action::kSelfAssess:
      return "record a self-assessment";
    case Action::kManageCycles:
      return "open reporting cycles";
    case Action::kRecordMeeting:
      return "record a review meeting";
  }
  return "do that";
}

Result<Authority> Authorize(const CouncilModel& model, std::string_view actor,
                            const Permission& permission, std::string_view unit, LocalDay day) {
  const std::vector<v1::Role> roles = RolesFor(permission);
  if (model.FindPerson(actor) == nullptr) {
    return MakeError(ErrorCode::kPermissionDenied,
                     fmt::format("'{}' is not a registered person", actor));
  }
  for (v1::Role role : roles) {
    if (model.FindGrant(actor, role, unit, day) != nullptr) return Authority{.role = role};
  }
  const bool delegable =
      permission.action == Action::kSignOff || permission.action == Action::kRejectFigure;
  if (delegable) {
    for (v1::Role role : roles) {
      if (const Delegation* d = model.FindDelegation(actor, role, unit, day)) {
        return Authority{.role = role, .on_behalf_of_person_id = d->delegator_id};
      }
    }
  }
  std::string needed;
  for (size_t i = 0; i < roles.size(); ++i) {
    if (i > 0) needed += i + 1 == roles.size() ? " or " : ", ";
    needed += RoleName(roles[i]);
  }
  if (needed.empty()) needed = "a role no one holds";
  return MakeError(ErrorCode::kPermissionDenied,
                   fmt::format("{} may not {} for '{}': that needs the {} role on a scope "
                               "covering it on {}",
                               actor, Describe(permission), unit, needed, FormatLocalDay(day)));
}

}  // namespace goldthread::engine
