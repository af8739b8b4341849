// Authority: the one place that decides whether a person may do something to a unit.
//
// Every command names what it does (an Action, with the sign-off level, challenge stage or
// approving role where those matter) and the org unit it touches; Authorize answers with the
// role the actor acts under — directly, or as a deputy under a sign-off delegation — or a
// PermissionDenied a person can act on ("p-7 may not sign off at directorate level for
// 'svc-housing': that needs the director role on a scope covering it on 2011-10-21").
//
// The rules (who may do what) are the table in authority.cc, documented in engine/README.md.
// An auditor may read everything and change nothing except raise audit findings.
//
// Pure functions over a CouncilModel; thread-safe as long as the model is not being changed.
#ifndef GOLDTHREAD_ENGINE_MODEL_AUTHORITY_H_
#define GOLDTHREAD_ENGINE_MODEL_AUTHORITY_H_

#include <string>
#include <string_view>
#include <vector>

#include "engine/model/council_model.h"

namespace goldthread::engine {

enum class Action {
  kManageOrg,          // create, rename, move, close units; change accountable people
  kManagePeople,       // register people, grant and revoke roles, record delegations
  kManageIndicators,   // define, revise, retire indicators; define priorities
  kSetTarget,
  kEnterFigure,        // submit and amend
  kRestateFigure,
  kSignOff,            // with `level`
  kRejectFigure,       // with `level`
  kRaiseDataQualityQuery,
  kAnswerDataQualityQuery,
  kLockFigure,
  kPublishFigure,
  kRaiseFinding,       // with `stage`
  kRespondToFinding,
  kJudgeFinding,       // accept, re-open, close; with `stage`
  kDraftPlan,
  kCertifyPlan,
  kApprovePlan,        // with `approver`
  kManageRisks,
  kRecordProgress,     // a priority's progress summary and rating
  kSelfAssess,
  kManageCycles,       // open cycles
  kRecordMeeting,      // record a review meeting for a stage
};

struct Permission {
  Action action;
  goldthread::v1::SignOffLevel level = goldthread::v1::SIGN_OFF_LEVEL_UNSPECIFIED;
  goldthread::v1::ChallengeStage stage = goldthread::v1::CHALLENGE_STAGE_UNSPECIFIED;
  goldthread::v1::Role approver = goldthread::v1::ROLE_UNSPECIFIED;
};

// How the actor is allowed: the role, and for a deputy the person they stand in for.
struct Authority {
  goldthread::v1::Role role = goldthread::v1::ROLE_UNSPECIFIED;
  std::string on_behalf_of_person_id;
};

// The roles that grant `permission`, in the order they are tried.
std::vector<goldthread::v1::Role> RolesFor(const Permission& permission);
// What the permission does, for messages: "sign off at directorate level".
std::string Describe(const Permission& permission);
// "service manager", "director", ...
std::string RoleName(goldthread::v1::Role role);
std::string LevelName(goldthread::v1::SignOffLevel level);

// Whether `actor` may do `permission` to `unit` on `day`. Sign-offs and rejections may be done
// by a deputy under a delegation in force that day.
Result<Authority> Authorize(const CouncilModel& model, std::string_view actor,
                            const Permission& permission, std::string_view unit, LocalDay day);

}  // namespace goldthread::engine

#endif  // GOLDTHREAD_ENGINE_MODEL_AUTHORITY_H_
