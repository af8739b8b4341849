// Org units, people, roles and delegations: admin only, kind nesting, history kept.
#include <gtest/gtest.h>

#include "tests/testing/council_fixture.h"

namespace goldthread::engine {
namespace {

namespace v1 = goldthread::v1;
using goldthread::testing::CouncilFixture;

class OrgTest : public CouncilFixture {
 protected:
  static v1::Command Unit(const std::string& id, v1::OrgUnitKind kind, const std::string& parent) {
    v1::Command c;
    auto* u = c.mutable_create_org_unit();
    u->set_unit_id(id);
    u->set_kind(kind);
    u->set_name("Unit " + id);
    u->set_parent_unit_id(parent);
    return c;
  }
};

TEST_F(OrgTest, UnitsNestCouncilDirectorateServiceTeam) {
  MustRun("admin", Unit("team-a", v1::ORG_UNIT_KIND_TEAM, "svc-homes"));
  ExpectRefused("admin", Unit("svc-x", v1::ORG_UNIT_KIND_SERVICE, "council"),
                ErrorCode::kInvalidArgument, "a service cannot sit under a council",
                "parent_unit_id");
  ExpectRefused("admin", Unit("dir-x", v1::ORG_UNIT_KIND_DIRECTORATE, "dir-place"),
                ErrorCode::kInvalidArgument, "cannot sit under", "parent_unit_id");
  ExpectRefused("admin", Unit("c2", v1::ORG_UNIT_KIND_COUNCIL, ""), ErrorCode::kInvalidArgument,
                "one council", "kind");
  ExpectRefused("admin", Unit("x", v1::ORG_UNIT_KIND_UNSPECIFIED, "council"),
                ErrorCode::kInvalidArgument, "kind must be", "kind");
  ExpectRefused("admin", Unit("svc-homes", v1::ORG_UNIT_KIND_SERVICE, "dir-place"),
                ErrorCode::kAlreadyExists, "already exists", "unit_id");
  ExpectRefused("admin", Unit("svc-y", v1::ORG_UNIT_KIND_SERVICE, "dir-nope"),
                ErrorCode::kNotFound, "no org unit 'dir-nope'", "parent_unit_id");
  ExpectRefused("admin", Unit("bad id", v1::ORG_UNIT_KIND_SERVICE, "dir-place"),
                ErrorCode::kInvalidArgument, "may hold only", "unit_id");
  ExpectRefused("p-perf", Unit("svc-z", v1::ORG_UNIT_KIND_SERVICE, "dir-place"),
                ErrorCode::kPermissionDenied, "admin");
}

TEST_F(OrgTest, RenamedMovedAndClosedUnitsKeepTheirHistory) {
  v1::Command rename;
  rename.mutable_rename_org_unit()->set_unit_id("svc-waste");
  rename.mutable_rename_org_unit()->set_name("Waste and Recycling");
  rename.mutable_rename_org_unit()->set_reason("restructure");
  MustRun("admin", rename);
  v1::Command move;
  move.mutable_move_org_unit()->set_unit_id("svc-waste");
  move.mutable_move_org_unit()->set_parent_unit_id("dir-people");
  move.mutable_move_org_unit()->set_reason("restructure");
  MustRun("admin", move);
  move.mutable_move_org_unit()->set_unit_id("dir-people");
  move.mutable_move_org_unit()->set_parent_unit_id("svc-waste");
  ExpectRefused("admin", move, ErrorCode::kInvalidArgument, "under itself", "parent_unit_id");
  v1::Command close;
  close.mutable_close_org_unit()->set_unit_id("svc-homes");
  close.mutable_close_org_unit()->set_reason("merged");
  ExpectRefused("admin", close, ErrorCode::kFailedPrecondition, "still owns indicator NI-192");
  close.mutable_close_org_unit()->set_unit_id("dir-people");
  ExpectRefused("admin", close, ErrorCode::kFailedPrecondition, "still has open unit");
  close.mutable_close_org_unit()->set_unit_id("svc-waste");
  MustRun("admin", close);

  const auto org = ReadStream(OrgStream(kTenant));
  std::vector<std::string> about_waste;
  for (const auto& r : org) {
    if (r.event.has_org_unit_created() && r.event.org_unit_created().unit_id() == "svc-waste") {
      about_waste.push_back("created");
    }
    if (r.event.has_org_unit_renamed()) {
      EXPECT_EQ(r.event.org_unit_renamed().previous_name(), "Unit svc-waste");
      about_waste.push_back("renamed");
    }
    if (r.event.has_org_unit_moved()) {
      EXPECT_EQ(r.event.org_unit_moved().previous_parent_unit_id(), "dir-place");
      about_waste.push_back("moved");
    }
    if (r.event.has_org_unit_closed()) about_waste.push_back("closed");
  }
  EXPECT_EQ(about_waste, (std::vector<std::string>{"created", "renamed", "moved", "closed"}));
  // A closed unit takes nothing new.
  v1::Command team = Unit("team-w", v1::ORG_UNIT_KIND_TEAM, "svc-waste");
  ExpectRefused("admin", team, ErrorCode::kFailedPrecondition, "is closed");
}

TEST_F(OrgTest, RolesTakeEffectFromTheirDateAndStopWhenRevoked) {
  v1::Command person;
  person.mutable_register_person()->set_person_id("p-new");
  person.mutable_register_person()->set_name("New Starter");
  person.mutable_register_person()->set_home_unit_id("svc-homes");
  MustRun("admin", person);
  v1::Command future = Grant("p-new", v1::ROLE_SERVICE_MANAGER, "svc-homes");
  future.mutable_grant_role()->mutable_effective_from()->set_iso("2011-11-01");
  MustRun("admin", future);
  MustRun("p-entry", Submit("NI-192", "FY2011-Q2", 61.2));
  ExpectRefused("p-new", SignOff("NI-192", "FY2011-Q2", v1::SIGN_OFF_LEVEL_SERVICE, 1),
                ErrorCode::kPermissionDenied, "on 2011-10-05");
  clock_->Advance(std::chrono::hours(24 * 30));  // 2011-11-04
  MustRun("p-new", SignOff("NI-192", "FY2011-Q2", v1::SIGN_OFF_LEVEL_SERVICE, 1));

  ExpectRefused("admin", Grant("p-new", v1::ROLE_SERVICE_MANAGER, "svc-homes"),
                ErrorCode::kAlreadyExists, "already holds");
  ExpectRefused("admin", Grant("p-ghost", v1::ROLE_DIRECTOR, "dir-place"), ErrorCode::kNotFound,
                "no person 'p-ghost'", "person_id");
  ExpectRefused("admin", Grant("p-new", v1::ROLE_UNSPECIFIED, "svc-homes"),
                ErrorCode::kInvalidArgument, "role must be", "role");
  ExpectRefused("p-sm", Grant("p-new", v1::ROLE_DIRECTOR, "dir-place"),
                ErrorCode::kPermissionDenied, "manage people");
  v1::Command bad_date = Grant("p-new", v1::ROLE_DIRECTOR, "dir-place");
  bad_date.mutable_grant_role()->mutable_effective_from()->set_iso("2011-02-30");
  ExpectRefused("admin", bad_date, ErrorCode::kInvalidArgument, "not a real date",
                "effective_from");
  v1::Command revoke;
  revoke.mutable_revoke_role()->set_person_id("p-new");
  revoke.mutable_revoke_role()->set_grant_id("G-nope");
  ExpectRefused("admin", revoke, ErrorCode::kNotFound, "no role grant", "grant_id");
}

TEST_F(OrgTest, PeopleAreRegisteredOnceWithValidDetails) {
  v1::Command c;
  auto* p = c.mutable_register_person();
  p->set_person_id("p-x");
  p->set_name("X");
  p->set_home_unit_id("svc-homes");
  p->set_email("not-an-address");
  ExpectRefused("admin", c, ErrorCode::kInvalidArgument, "not an e-mail", "email");
  p->set_email("x@anyshire.example");
  p->set_name(" ");
  ExpectRefused("admin", c, ErrorCode::kInvalidArgument, "name is required", "name");
  p->set_name("X");
  MustRun("admin", c);
  ExpectRefused("admin", c, ErrorCode::kAlreadyExists, "already registered", "person_id");
}

TEST_F(OrgTest, DelegationRulesAndRevocation) {
  v1::Command d;
  auto* del = d.mutable_delegate_sign_off();
  del->set_deputy_person_id("p-entry2");
  del->set_role(v1::ROLE_DATA_ENTRY);
  del->set_scope_unit_id("svc-homes");
  del->mutable_from()->set_iso("2011-10-05");
  del->mutable_to()->set_iso("2011-10-20");
  del->set_reason("leave");
  ExpectRefused("p-sm", d, ErrorCode::kInvalidArgument, "only sign-off roles", "role");
  del->set_role(v1::ROLE_SERVICE_MANAGER);
  del->mutable_to()->set_iso("2011-10-01");
  ExpectRefused("p-sm", d, ErrorCode::kInvalidArgument, "ends before it starts", "to");
  del->mutable_to()->set_iso("2011-10-20");
  del->set_deputy_person_id("p-sm");
  ExpectRefused("p-sm", d, ErrorCode::kInvalidArgument, "themselves", "deputy_person_id");
  del->set_deputy_person_id("p-entry2");
  ExpectRefused("p-entry", d, ErrorCode::kPermissionDenied, "does not hold the service manager");
  const auto made = MustRun("p-sm", d);
  v1::Command revoke;
  revoke.mutable_revoke_sign_off_delegation()->set_delegator_person_id("p-sm");
  revoke.mutable_revoke_sign_off_delegation()->set_delegation_id(made.created_id());
  ExpectRefused("p-entry", revoke, ErrorCode::kPermissionDenied, "manage people");
  MustRun("p-sm", revoke);
  MustRun("p-sm2", Submit("NI-192", "FY2011-Q2", 61.2));
  ExpectRefused("p-entry2", SignOff("NI-192", "FY2011-Q2", v1::SIGN_OFF_LEVEL_SERVICE, 1),
                ErrorCode::kPermissionDenied, "may not sign off");
  ExpectRefused("p-sm", revoke, ErrorCode::kFailedPrecondition, "already revoked");
}

}  // namespace
}  // namespace goldthread::engine
