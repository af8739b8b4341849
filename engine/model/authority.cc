#include "engine/model/authority.h"

#include <fmt/format.h>

namespace goldthread::engine {

namespace v1 = goldthread::v1;

namespace {

// Every role: a read of a unit is open to anyone holding any role on a scope covering it.
const std::vector<v1::Role>& AllRoles() {
  static const std::vector<v1::Role> roles = [] {
    std::vector<v1::Role> out;
    for (int i = 0; i < v1::Role_descriptor()->value_count(); ++i) {
      const auto role = static_cast<v1::Role>(v1::Role_descriptor()->value(i)->number());
      if (role != v1::ROLE_UNSPECIFIED) out.push_back(role);
    }
    return out;
  }();
  return roles;
}

// The roles whose reading covers the whole council whatever their grant's scope.
const std::vector<v1::Role>& CouncilWideReaders() {
  static const std::vector<v1::Role> roles = {v1::ROLE_AUDITOR, v1::ROLE_PERFORMANCE_TEAM,
                                              v1::ROLE_ADMIN};
  return roles;
}

std::string RoleList(const std::vector<v1::Role>& roles) {
  std::string out;
  for (size_t i = 0; i < roles.size(); ++i) {
    if (i > 0) out += i + 1 == roles.size() ? " or " : ", ";
    out += RoleName(roles[i]);
  }
  return out;
}

}  // namespace

bool IsRead(Action action) {
  switch (action) {
    case Action::kReadScorecard:
    case Action::kReadPublishedScorecard:
    case Action::kReadReport:
    case Action::kReadFigure:
    case Action::kReadFigureHistory:
    case Action::kReadOwnAccount:
    case Action::kReadOutstandingWork:
    case Action::kReadLateReturns:
    case Action::kReadAssuranceTrail:
    case Action::kReadEscalations:
    case Action::kReadCycle:
    case Action::kReadIndicator:
    case Action::kReadOrgStructure:
    case Action::kReadPerson:
    case Action::kReadFinding:
    case Action::kReadLog:
    case Action::kVerifyLog:
    case Action::kVerifyLogFresh:
      return true;
    default:
      return false;
  }
}

std::vector<v1::Role> RolesReadingEverywhere(const Permission& p) {
  switch (p.action) {
    case Action::kReadScorecard:
    case Action::kReadReport:
    case Action::kReadFigure:
    case Action::kReadFigureHistory:
    case Action::kReadOutstandingWork:
    case Action::kReadLateReturns:
    case Action::kReadAssuranceTrail:
    case Action::kReadEscalations:
    case Action::kReadIndicator:
    case Action::kReadPerson:
    case Action::kReadFinding:
      return CouncilWideReaders();
    case Action::kReadCycle:
    case Action::kReadOrgStructure:
      // Anyone with a role anywhere may see the timetable they work to and the structure they
      // work in.
      return AllRoles();
    default:
      return {};
  }
}

bool OpenToEveryPerson(const Permission& p) {
  return p.action == Action::kReadOwnAccount;
}

bool IsPublic(const Permission& p) { return p.action == Action::kReadPublishedScorecard; }

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
    case Action::kMoveClock:
      // The simulated clock is everyone's: only those who run the cycle move it.
      return {R::ROLE_PERFORMANCE_TEAM, R::ROLE_ADMIN};
    case Action::kReadScorecard:
    case Action::kReadReport:
    case Action::kReadFigure:
    case Action::kReadFigureHistory:
    case Action::kReadOutstandingWork:
    case Action::kReadLateReturns:
    case Action::kReadAssuranceTrail:
    case Action::kReadEscalations:
    case Action::kReadIndicator:
    case Action::kReadFinding:
      return AllRoles();
    case Action::kReadPerson:
      // Colleagues: anyone with a role whose scope covers the person's home unit. Oneself is
      // kReadOwnAccount.
      return AllRoles();
    case Action::kReadLog:
    case Action::kVerifyLog:
      // The log itself, and its verification: only for grants whose scope is the whole council.
      return {R::ROLE_AUDITOR, R::ROLE_PERFORMANCE_TEAM, R::ROLE_ADMIN};
    case Action::kVerifyLogFresh:
      // A fresh verification reads the whole log on the shared pool: for those who answer for
      // the log's integrity (the rest read the last result).
      return {R::ROLE_AUDITOR, R::ROLE_ADMIN};
    case Action::kReadCycle:
    case Action::kReadOrgStructure:
    case Action::kReadPublishedScorecard:
    case Action::kReadOwnAccount:
      return {};
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
    case Action::kMoveClock:
      return "move the simulated clock";
    case Action::kReadScorecard:
      return "read the scorecard";
    case Action::kReadPublishedScorecard:
      return "read the published scorecard";
    case Action::kReadReport:
      return "read the performance report";
    case Action::kReadFigure:
      return "read the figure";
    case Action::kReadFigureHistory:
      return "read the figure's history";
    case Action::kReadOwnAccount:
      return "read their own account";
    case Action::kReadOutstandingWork:
      return "read another person's outstanding work";
    case Action::kReadLateReturns:
      return "read late returns";
    case Action::kReadAssuranceTrail:
      return "read the assurance trail";
    case Action::kReadEscalations:
      return "read escalations";
    case Action::kReadCycle:
      return "read the cycle";
    case Action::kReadIndicator:
      return "read the indicator";
    case Action::kReadOrgStructure:
      return "read the org structure";
    case Action::kReadPerson:
      return "read another person's record";
    case Action::kReadFinding:
      return "read the challenge finding";
    case Action::kReadLog:
      return "read the event log";
    case Action::kVerifyLog:
      return "read the log's verification";
    case Action::kVerifyLogFresh:
      return "verify the whole log afresh";
  }
  return "do that";
}

Result<Authority> Authorize(const CouncilModel& model, std::string_view actor,
                            const Permission& permission, std::string_view unit, LocalDay day) {
  if (IsPublic(permission)) return Authority{};
  const std::vector<v1::Role> roles = RolesFor(permission);
  const Person* person = model.FindPerson(actor);
  if (person == nullptr) {
    return MakeError(ErrorCode::kPermissionDenied,
                     fmt::format("'{}' is not a registered person", actor));
  }
  if (OpenToEveryPerson(permission)) return Authority{};
  for (v1::Role role : roles) {
    if (model.FindGrant(actor, role, unit, day) != nullptr) return Authority{.role = role};
  }
  const std::vector<v1::Role> everywhere = RolesReadingEverywhere(permission);
  for (v1::Role role : everywhere) {
    for (const RoleGrant& g : person->grants) {
      if (g.role == role && g.InForceOn(day)) return Authority{.role = role};
    }
  }
  if (IsRead(permission.action)) {
    std::string needed;
    if (roles == AllRoles()) {
      needed = "a role on a scope covering it";
    } else if (!roles.empty()) {
      needed = fmt::format("the {} role on a scope covering it", RoleList(roles));
    }
    if (everywhere == AllRoles()) {
      needed = "a role in force";
    } else if (!everywhere.empty()) {
      needed += fmt::format(", or the {} role anywhere", RoleList(everywhere));
    }
    return MakeError(ErrorCode::kPermissionDenied,
                     fmt::format("{} may not {} for '{}': that needs {} on {}", actor,
                                 Describe(permission), unit, needed, FormatLocalDay(day)));
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
  std::string needed = RoleList(roles);
  if (needed.empty()) needed = "a role no one holds";
  return MakeError(ErrorCode::kPermissionDenied,
                   fmt::format("{} may not {} for '{}': that needs the {} role on a scope "
                               "covering it on {}",
                               actor, Describe(permission), unit, needed, FormatLocalDay(day)));
}

}  // namespace goldthread::engine
