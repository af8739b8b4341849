// The reference views (engine/read/reference_views.h) of the fixture's council: an indicator
// with its unit's name and targets, the org tree depth first by name, a person with every grant
// and whether it is in force.
#include "engine/read/reference_views.h"

#include <gtest/gtest.h>

#include "engine/model/local_date.h"
#include "tests/testing/council_fixture.h"

namespace goldthread::engine {
namespace {

namespace v1 = goldthread::v1;
using goldthread::testing::CouncilFixture;

class ReferenceViewsTest : public CouncilFixture {
 protected:
  template <typename F>
  void OnModel(F f) {
    ASSERT_TRUE(handler_->ReadModel([&](const CouncilModel& model) { f(model); }));
  }
  LocalDay Today() const { return LondonDayOf(clock_->Now()); }
};

TEST_F(ReferenceViewsTest, AnIndicatorHasItsProFormaUnitNameAndTargets) {
  v1::Command target;
  target.mutable_set_target()->set_indicator_id("NI-192");
  target.mutable_set_target()->set_period("FY2011-Q1");
  target.mutable_set_target()->set_target(55);
  target.mutable_set_target()->set_reason("last year's plan");
  MustRun("p-perf", target);
  OnModel([](const CouncilModel& model) {
    const v1::IndicatorView view = IndicatorViewOf(model, *model.FindIndicator("NI-192"));
    EXPECT_EQ(view.indicator_id(), "NI-192");
    EXPECT_EQ(view.definition().unit(), "%");
    EXPECT_EQ(view.definition().owning_unit_id(), "svc-homes");
    EXPECT_EQ(view.owning_unit_name(), "Unit svc-homes");
    EXPECT_EQ(view.definition_version(), 1u);
    ASSERT_EQ(view.targets_size(), 2);
    EXPECT_EQ(view.targets(0).period(), "FY2011-Q1");
    EXPECT_EQ(view.targets(0).target(), 55);
    EXPECT_EQ(view.targets(1).period(), "FY2011-Q2");
    EXPECT_EQ(view.targets(1).target(), 60);
  });
}

TEST_F(ReferenceViewsTest, TheOrgTreeIsDepthFirstWithChildrenByName) {
  v1::Command close;
  close.mutable_close_org_unit()->set_unit_id("svc-waste");
  close.mutable_close_org_unit()->set_reason("merged into homes");
  MustRun("admin", close);
  OnModel([](const CouncilModel& model) {
    const v1::OrgUnitList tree = OrgUnitTree(model);
    std::vector<std::string> ids;
    std::vector<uint32_t> depths;
    for (const auto& u : tree.units()) {
      ids.push_back(u.unit_id());
      depths.push_back(u.depth());
    }
    EXPECT_EQ(ids, (std::vector<std::string>{"council", "board-health", "dir-people", "svc-care",
                                             "dir-place", "svc-homes", "svc-waste"}));
    EXPECT_EQ(depths, (std::vector<uint32_t>{0, 1, 1, 2, 1, 2, 2}));
    EXPECT_EQ(tree.units(0).kind(), v1::ORG_UNIT_KIND_COUNCIL);
    EXPECT_TRUE(tree.units(0).parent_unit_id().empty());
    EXPECT_TRUE(tree.units(6).closed());
    EXPECT_FALSE(tree.units(5).closed());
  });
}

TEST_F(ReferenceViewsTest, APersonHasEveryGrantAndWhetherItIsInForce) {
  v1::Command revoke;
  OnModel([&](const CouncilModel& model) {
    const Person* p = model.FindPerson("p-sm");
    ASSERT_NE(p, nullptr);
    ASSERT_EQ(p->grants.size(), 1u);
    revoke.mutable_revoke_role()->set_person_id("p-sm");
    revoke.mutable_revoke_role()->set_grant_id(p->grants[0].grant_id);
    revoke.mutable_revoke_role()->set_reason("moved to another service");
  });
  MustRun("admin", Grant("p-sm", v1::ROLE_SERVICE_MANAGER, "svc-waste"));
  MustRun("admin", revoke);
  OnModel([&](const CouncilModel& model) {
    const v1::PersonView view = PersonViewOf(*model.FindPerson("p-sm"), Today() + date::days(1));
    EXPECT_EQ(view.person_id(), "p-sm");
    EXPECT_EQ(view.name(), "Person p-sm");
    EXPECT_EQ(view.email(), "p-sm@anyshire.example");
    EXPECT_EQ(view.home_unit_id(), "svc-homes");
    ASSERT_EQ(view.grants_size(), 2);
    EXPECT_EQ(view.grants(0).scope_unit_id(), "svc-homes");
    EXPECT_FALSE(view.grants(0).in_force());
    EXPECT_FALSE(view.grants(0).revoked_from().iso().empty());
    EXPECT_EQ(view.grants(1).scope_unit_id(), "svc-waste");
    EXPECT_TRUE(view.grants(1).in_force());
    EXPECT_FALSE(view.grants(1).effective_from().iso().empty());
  });
}

}  // namespace
}  // namespace goldthread::engine
