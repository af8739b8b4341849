// The authority table's read rules (engine/model/authority.h): who may read what, on the
// fixture's council (tests/testing/council_fixture.h). These are the rules the API's GET
// routes ask; tests/adapters/api_test.cc checks the routes answer 403 by them.
#include "engine/model/authority.h"

#include <gtest/gtest.h>

#include "engine/model/local_date.h"
#include "tests/testing/council_fixture.h"

namespace goldthread::engine {
namespace {

namespace v1 = goldthread::v1;
using goldthread::testing::CouncilFixture;

class AuthorityReadTest : public CouncilFixture {
 protected:
  // Whether `actor` may do the read `action` on `unit` today, and the refusal's message.
  Result<Authority> May(const std::string& actor, Action action, const std::string& unit) {
    Result<Authority> out = MakeError(ErrorCode::kInternal, "not read");
    EXPECT_TRUE(handler_->ReadModel([&](const CouncilModel& model) {
      out = Authorize(model, actor, {.action = action}, unit, LondonDayOf(clock_->Now()));
    }));
    return out;
  }
  bool Allowed(const std::string& actor, Action action, const std::string& unit) {
    return static_cast<bool>(May(actor, action, unit));
  }
};

TEST_F(AuthorityReadTest, AUnitIsReadByAnyRoleWhoseScopeCoversIt) {
  for (Action read : {Action::kReadScorecard, Action::kReadReport, Action::kReadFigure,
                      Action::kReadFigureHistory}) {
    EXPECT_TRUE(Allowed("p-entry", read, "svc-homes"));     // data entry on the service
    EXPECT_TRUE(Allowed("p-dir", read, "svc-homes"));       // director above it
    EXPECT_TRUE(Allowed("p-scrutiny", read, "svc-homes"));  // scrutiny on the council
    EXPECT_FALSE(Allowed("p-care", read, "svc-homes"));     // another directorate's service
    EXPECT_FALSE(Allowed("p-entry", read, "svc-waste"));    // a sibling service
  }
}

TEST_F(AuthorityReadTest, AuditorsPerformanceTeamAndAdminsReadEverywhereWhateverTheirScope) {
  // An auditor granted only on svc-care still reads the council's trail and svc-homes.
  MustRun("admin", Grant("p-care", v1::ROLE_AUDITOR, "svc-care"));
  EXPECT_TRUE(Allowed("p-care", Action::kReadAssuranceTrail, "council"));
  EXPECT_TRUE(Allowed("p-care", Action::kReadScorecard, "svc-homes"));
  EXPECT_TRUE(Allowed("p-care", Action::kReadLateReturns, "council"));
  EXPECT_TRUE(Allowed("p-perf", Action::kReadEscalations, "council"));
  EXPECT_TRUE(Allowed("admin", Action::kReadOutstandingWork, "council"));
}

TEST_F(AuthorityReadTest, CouncilWideReadsNeedARoleCoveringTheCouncil) {
  for (Action read : {Action::kReadAssuranceTrail, Action::kReadEscalations,
                      Action::kReadLateReturns, Action::kReadOutstandingWork}) {
    EXPECT_FALSE(Allowed("p-dir", read, "council"));
    EXPECT_FALSE(Allowed("p-sm", read, "council"));
    EXPECT_TRUE(Allowed("p-lead", read, "council"));  // lead member on the council
  }
  // A directorate's trail is read by its director.
  EXPECT_TRUE(Allowed("p-dir", Action::kReadAssuranceTrail, "dir-place"));
  EXPECT_FALSE(Allowed("p-dir", Action::kReadAssuranceTrail, "dir-people"));
}

TEST_F(AuthorityReadTest, TheLogIsReadOnlyUnderACouncilScopedAuditorPerformanceOrAdminGrant) {
  EXPECT_TRUE(Allowed("p-audit", Action::kReadLog, "council"));
  EXPECT_TRUE(Allowed("p-perf", Action::kReadLog, "council"));
  EXPECT_TRUE(Allowed("admin", Action::kReadLog, "council"));
  EXPECT_FALSE(Allowed("p-scrutiny", Action::kReadLog, "council"));
  // An auditor scoped to one service does not read the whole log.
  MustRun("admin", Grant("p-care", v1::ROLE_AUDITOR, "svc-care"));
  EXPECT_FALSE(Allowed("p-care", Action::kReadLog, "council"));
}

TEST_F(AuthorityReadTest, OwnAccountVerificationAndCyclesAreOpenToRegisteredPeople) {
  for (Action read : {Action::kReadOwnAccount, Action::kReadCycle}) {
    EXPECT_TRUE(Allowed("p-board", read, "council"));
    EXPECT_TRUE(Allowed("p-entry", read, "council"));
    EXPECT_FALSE(Allowed("nobody", read, "council"));
  }
}

// Issue 16, defect 8: the log's verification was open to every role.
TEST_F(AuthorityReadTest, FullLogVerificationOnDemandForEveryRole) {
  for (const char* who : {"p-audit", "p-perf", "admin"}) {
    EXPECT_TRUE(Allowed(who, Action::kVerifyLog, "council")) << who;
  }
  for (const char* who : {"p-entry", "p-sm", "p-dir", "p-board", "p-scrutiny", "nobody"}) {
    EXPECT_FALSE(Allowed(who, Action::kVerifyLog, "council")) << who;
    EXPECT_FALSE(Allowed(who, Action::kVerifyLogFresh, "council")) << who;
  }
  EXPECT_TRUE(Allowed("p-audit", Action::kVerifyLogFresh, "council"));
  EXPECT_TRUE(Allowed("admin", Action::kVerifyLogFresh, "council"));
  EXPECT_FALSE(Allowed("p-perf", Action::kVerifyLogFresh, "council"));
  EXPECT_FALSE(Allowed("p-audit", Action::kMoveClock, "council"));
  EXPECT_TRUE(Allowed("p-perf", Action::kMoveClock, "council"));
}

TEST_F(AuthorityReadTest, IndicatorsFindingsAndPeopleAreReadOnUnitsTheRoleCovers) {
  MustRun("admin", Grant("p-board", v1::ROLE_AUDITOR, "board-health"));
  for (Action read : {Action::kReadIndicator, Action::kReadFinding, Action::kReadPerson}) {
    EXPECT_TRUE(Allowed("p-entry", read, "svc-homes"));
    EXPECT_TRUE(Allowed("p-dir", read, "svc-homes"));
    EXPECT_FALSE(Allowed("p-care", read, "svc-homes"));
    EXPECT_FALSE(Allowed("p-entry", read, "dir-place"));
    // Auditors (p-board, granted on the board only), the performance team and admins read
    // them everywhere.
    EXPECT_TRUE(Allowed("p-board", read, "svc-care"));
    EXPECT_TRUE(Allowed("p-perf", read, "svc-care"));
    EXPECT_TRUE(Allowed("admin", read, "svc-care"));
    EXPECT_FALSE(Allowed("nobody", read, "svc-homes"));
  }
  auto refused = May("p-care", Action::kReadPerson, "svc-homes");
  ASSERT_FALSE(refused);
  EXPECT_NE(refused.error().message.find("p-care may not read another person's record for "
                                         "'svc-homes'"),
            std::string::npos)
      << refused.error().message;
}

TEST_F(AuthorityReadTest, TheOrgStructureIsReadByAnyoneWithARoleInForce) {
  EXPECT_TRUE(Allowed("p-board", Action::kReadOrgStructure, "council"));
  EXPECT_TRUE(Allowed("p-entry", Action::kReadOrgStructure, "council"));
  v1::Command none;
  none.mutable_register_person()->set_person_id("p-none");
  none.mutable_register_person()->set_name("No role");
  none.mutable_register_person()->set_home_unit_id("svc-care");
  MustRun("admin", none);
  EXPECT_FALSE(Allowed("p-none", Action::kReadOrgStructure, "council"));
  EXPECT_FALSE(Allowed("p-none", Action::kReadCycle, "council"));
  EXPECT_TRUE(Allowed("p-none", Action::kReadOwnAccount, "council"));
}

TEST_F(AuthorityReadTest, PublishedScorecardsArePublic) {
  EXPECT_TRUE(Allowed("", Action::kReadPublishedScorecard, "svc-homes"));
  EXPECT_FALSE(Allowed("", Action::kReadScorecard, "svc-homes"));
}

TEST_F(AuthorityReadTest, ARefusalNamesTheReadTheUnitAndWhatWouldAllowIt) {
  auto refused = May("p-care", Action::kReadScorecard, "svc-homes");
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, ErrorCode::kPermissionDenied);
  EXPECT_NE(refused.error().message.find("p-care may not read the scorecard for 'svc-homes'"),
            std::string::npos)
      << refused.error().message;
  EXPECT_NE(refused.error().message.find("auditor, performance team or admin role anywhere"),
            std::string::npos)
      << refused.error().message;
}

TEST_F(AuthorityReadTest, ReadActionsAreReadsAndGrantNoCommand) {
  EXPECT_TRUE(IsRead(Action::kReadLog));
  EXPECT_TRUE(IsRead(Action::kVerifyLog));
  for (Action read : {Action::kReadIndicator, Action::kReadOrgStructure, Action::kReadPerson,
                      Action::kReadFinding}) {
    EXPECT_TRUE(IsRead(read));
    EXPECT_FALSE(OpenToEveryPerson({.action = read}));
    EXPECT_FALSE(IsPublic({.action = read}));
  }
  EXPECT_FALSE(IsRead(Action::kSignOff));
  EXPECT_TRUE(RolesReadingEverywhere({.action = Action::kSignOff}).empty());
  EXPECT_FALSE(OpenToEveryPerson({.action = Action::kEnterFigure}));
}

}  // namespace
}  // namespace goldthread::engine
