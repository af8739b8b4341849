// Authority: the one place that decides whether a person may do something to a unit.
//
// Every command names what it does (an Action, with the sign-off level, challenge stage or
// approving role where those matter) and the org unit it touches; Authorize answers with the
// role the actor acts under — directly, or as a deputy under a sign-off delegation — or a
// PermissionDenied a person can act on ("p-7 may not sign off at directorate level for
// 'svc-housing': that needs the director role on a scope covering it on 2011-10-21").
//
// Reads are actions too (kRead*): every GET route of the API asks Authorize before it reads,
// so who may read what is decided here and nowhere else. A read is granted three ways:
//   - by a role whose grant's scope covers the unit read (RolesFor), as commands are;
//   - by a role that reads everywhere whatever its grant's scope (RolesReadingEverywhere): the
//     auditor, the performance team and the admin read every unit's scorecard, report, figure,
//     indicator, finding and trail, and every person's record; anyone with a role in force may
//     read a cycle's timetable and the org structure;
//   - to every registered person (OpenToEveryPerson: their own account and outstanding work),
//     or to anyone at all (IsPublic: published scorecards).
// Permission to read is judged on the roles in force on `day` (today), whatever point of the
// log is read.
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
  kManageOrg,         // create, rename, move, close units; change accountable people
  kManagePeople,      // register people, grant and revoke roles, record delegations
  kManageIndicators,  // define, revise, retire indicators; define priorities
  kSetTarget,
  kEnterFigure,  // submit and amend
  kRestateFigure,
  kSignOff,       // with `level`
  kRejectFigure,  // with `level`
  kRaiseDataQualityQuery,
  kAnswerDataQualityQuery,
  kLockFigure,
  kPublishFigure,
  kRaiseFinding,  // with `stage`
  kRespondToFinding,
  kJudgeFinding,  // accept, re-open, close; with `stage`
  kDraftPlan,
  kCertifyPlan,
  kApprovePlan,  // with `approver`
  kManageRisks,
  kRecordProgress,  // a priority's progress summary and rating
  kSelfAssess,
  kManageCycles,   // open cycles
  kRecordMeeting,  // record a review meeting for a stage
  kMoveClock,      // `serve --simulate`: move the shared simulated clock (unit: the council)

  // Reads. `unit` is the org unit the answer belongs to.
  kReadScorecard,           // a unit's scorecard (unit: the unit)
  kReadPublishedScorecard,  // the published figures of a scorecard: public
  kReadReport,              // a priority's performance report (unit: the priority's owner)
  kReadFigure,              // a figure's current state (unit: the indicator's owning unit)
  kReadFigureHistory,       // a figure's full history (unit: the indicator's owning unit)
  kReadOwnAccount,          // one's own roles and outstanding work
  kReadOutstandingWork,     // another person's outstanding work (unit: the council)
  kReadLateReturns,         // late returns across the council (unit: the council)
  kReadAssuranceTrail,      // a period's trail (unit: the council, or the directorate asked)
  kReadEscalations,         // a period's escalations (unit: the council, or the directorate)
  kReadCycle,               // a cycle's timetable and stage progress, and the list of cycles
  kReadIndicator,           // an indicator's pro forma and targets (unit: its owning unit)
  kReadOrgStructure,        // the org units (unit: the council)
  kReadPerson,              // another person's record and grants (unit: their home unit)
  kReadFinding,             // a challenge finding and its answers (unit: the finding's unit)
  kReadLog,                 // the raw event log (unit: the council)
  kVerifyLog,               // the hash chain's last verification report (unit: the council)
  kVerifyLogFresh,          // verify the whole log again now, on demand (unit: the council)
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

// The roles that grant `permission` on units their grant's scope covers, in the order tried.
std::vector<goldthread::v1::Role> RolesFor(const Permission& permission);
// The roles that grant a read whatever their grant's scope (empty for commands).
std::vector<goldthread::v1::Role> RolesReadingEverywhere(const Permission& permission);
// Whether every registered person may do it, whatever their roles (their own account).
bool OpenToEveryPerson(const Permission& permission);
// Whether anyone may do it, without being a registered person (published scorecards).
bool IsPublic(const Permission& permission);
// Whether the action is a read (kRead*, kVerifyLog, kVerifyLogFresh).
bool IsRead(Action action);
// What the permission does, for messages: "sign off at directorate level".
std::string Describe(const Permission& permission);
// "service manager", "director", ...
std::string RoleName(goldthread::v1::Role role);
std::string LevelName(goldthread::v1::SignOffLevel level);

// Whether `actor` may do `permission` to `unit` on `day`. Sign-offs and rejections may be done
// by a deputy under a delegation in force that day. For a read allowed to every person or to
// the public the Authority's role is ROLE_UNSPECIFIED; for a public read `actor` may be "".
Result<Authority> Authorize(const CouncilModel& model, std::string_view actor,
                            const Permission& permission, std::string_view unit, LocalDay day);

}  // namespace goldthread::engine

#endif  // GOLDTHREAD_ENGINE_MODEL_AUTHORITY_H_
