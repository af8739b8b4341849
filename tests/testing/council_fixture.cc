#include "tests/testing/council_fixture.h"

#include <date/date.h>
#include <fmt/format.h>

namespace goldthread::testing {

namespace v1 = goldthread::v1;

void CouncilFixture::SetUp() {
  using namespace date;
  clock_ = std::make_unique<SimulatedClock>(
      TimePoint(sys_days(2011_y / October / 5) + std::chrono::hours(10)));
  store::StoreOptions options;
  options.durability = store::Durability::kBuffered;
  options.clock = clock_.get();
  auto opened = store::EventStore::Open(dir_.Sub("store"), options);
  ASSERT_TRUE(opened) << opened.error().ToString();
  store_ = std::move(*opened);
  handler_ = std::make_unique<engine::CommandHandler>(store_.get(), clock_.get(),
                                                      engine::HandlerOptions{.tenant = kTenant});
  auto boot = handler_->Bootstrap("council", "Anyshire Council", "admin", "Ada Admin", "boot",
                                  "admin@anyshire.example");
  ASSERT_TRUE(boot) << boot.error().ToString();

  auto unit = [&](const std::string& id, v1::OrgUnitKind kind, const std::string& parent) {
    v1::Command c;
    auto* u = c.mutable_create_org_unit();
    u->set_unit_id(id);
    u->set_kind(kind);
    u->set_name("Unit " + id);
    u->set_parent_unit_id(parent);
    MustRun("admin", c);
  };
  unit("dir-place", v1::ORG_UNIT_KIND_DIRECTORATE, "council");
  unit("dir-people", v1::ORG_UNIT_KIND_DIRECTORATE, "council");
  unit("svc-homes", v1::ORG_UNIT_KIND_SERVICE, "dir-place");
  unit("svc-waste", v1::ORG_UNIT_KIND_SERVICE, "dir-place");
  unit("svc-care", v1::ORG_UNIT_KIND_SERVICE, "dir-people");
  unit("board-health", v1::ORG_UNIT_KIND_PARTNERSHIP_BOARD, "council");

  const std::vector<std::tuple<std::string, v1::Role, std::string>> people = {
      {"p-entry", v1::ROLE_DATA_ENTRY, "svc-homes"},
      {"p-entry2", v1::ROLE_DATA_ENTRY, "svc-homes"},
      {"p-sm", v1::ROLE_SERVICE_MANAGER, "svc-homes"},
      {"p-sm2", v1::ROLE_SERVICE_MANAGER, "svc-homes"},
      {"p-dir", v1::ROLE_DIRECTOR, "dir-place"},
      {"p-perf", v1::ROLE_PERFORMANCE_TEAM, "council"},
      {"p-perf2", v1::ROLE_PERFORMANCE_TEAM, "council"},
      {"p-audit", v1::ROLE_AUDITOR, "council"},
      {"p-scrutiny", v1::ROLE_SCRUTINY_MEMBER, "council"},
      {"p-board", v1::ROLE_PARTNERSHIP_BOARD, "board-health"},
      {"p-lead", v1::ROLE_LEAD_MEMBER, "council"},
      {"p-care", v1::ROLE_SERVICE_MANAGER, "svc-care"},
  };
  for (const auto& [id, role, scope] : people) {
    v1::Command c;
    auto* p = c.mutable_register_person();
    p->set_person_id(id);
    p->set_name("Person " + id);
    p->set_email(id + "@anyshire.example");
    p->set_home_unit_id(scope);
    MustRun("admin", c);
    MustRun("admin", Grant(id, role, scope));
  }

  v1::Command define;
  define.mutable_define_indicator()->set_indicator_id("NI-192");
  *define.mutable_define_indicator()->mutable_definition() = QuarterlyDefinition("svc-homes");
  define.mutable_define_indicator()->mutable_definition()->set_partnership_unit_id(
      "board-health");
  MustRun("p-perf", define);

  v1::Command target;
  target.mutable_set_target()->set_indicator_id("NI-192");
  target.mutable_set_target()->set_period("FY2011-Q2");
  target.mutable_set_target()->set_target(60);
  target.mutable_set_target()->set_reason("agreed in the 2011/12 service plan");
  MustRun("p-perf", target);
}

v1::IndicatorDefinition CouncilFixture::QuarterlyDefinition(const std::string& unit) {
  v1::IndicatorDefinition d;
  d.set_title("Household waste recycled and composted");
  d.set_definition("Percentage of household waste sent for reuse, recycling or composting");
  d.set_method_of_calculation("tonnes recycled / tonnes collected x 100");
  d.set_unit("%");
  d.set_decimal_places(1);
  d.set_valid_min(0);
  d.set_valid_max(100);
  d.set_polarity(v1::POLARITY_HIGHER_IS_BETTER);
  d.set_frequency(v1::FREQUENCY_QUARTERLY);
  d.set_owning_unit_id(unit);
  d.set_data_source("WasteDataFlow");
  d.set_perspective(v1::PERSPECTIVE_CUSTOMER);
  d.mutable_amber_tolerance()->set_percent(5);
  return d;
}

Result<v1::CommandResult> CouncilFixture::Run(const std::string& actor, const v1::Command& command) {
  return handler_->Execute(
      {.actor = actor, .command_id = fmt::format("cmd-{}", ++next_command_)}, command);
}

v1::CommandResult CouncilFixture::MustRun(const std::string& actor, const v1::Command& command) {
  auto r = Run(actor, command);
  EXPECT_TRUE(r) << actor << " " << command.ShortDebugString() << ": "
                 << (r ? "" : r.error().ToString());
  return r ? *r : v1::CommandResult();
}

void CouncilFixture::ExpectRefused(const std::string& actor, const v1::Command& command,
                                   ErrorCode code, const std::string& text,
                                   const std::string& field) {
  const uint64_t before = Head();
  auto r = Run(actor, command);
  ASSERT_FALSE(r) << "accepted: " << command.ShortDebugString();
  EXPECT_EQ(r.error().code, code) << r.error().ToString();
  EXPECT_NE(r.error().message.find(text), std::string::npos)
      << "message '" << r.error().message << "' lacks '" << text << "'";
  if (field != "*") {
    EXPECT_EQ(r.error().field, field) << r.error().ToString();
  }
  EXPECT_EQ(Head(), before) << "a refused command wrote events";
}

v1::Command CouncilFixture::Submit(const std::string& indicator, const std::string& period,
                                   double value, const std::string& commentary) {
  v1::Command c;
  auto* s = c.mutable_submit_figure();
  s->set_indicator_id(indicator);
  s->set_period(period);
  s->mutable_value()->set_value(value);
  s->set_commentary(commentary);
  s->set_evidence_note("WasteDataFlow return");
  return c;
}

v1::Command CouncilFixture::Amend(const std::string& indicator, const std::string& period,
                                  double value, const std::string& reason) {
  v1::Command c;
  auto* a = c.mutable_amend_figure();
  a->set_indicator_id(indicator);
  a->set_period(period);
  a->mutable_value()->set_value(value);
  a->set_reason(reason);
  a->set_commentary("corrected");
  return c;
}

v1::Command CouncilFixture::SignOff(const std::string& indicator, const std::string& period,
                                    v1::SignOffLevel level, uint32_t version) {
  v1::Command c;
  auto* s = c.mutable_sign_off_figure();
  s->set_indicator_id(indicator);
  s->set_period(period);
  s->set_level(level);
  s->set_figure_version(version);
  return c;
}

v1::Command CouncilFixture::Grant(const std::string& person, v1::Role role,
                                  const std::string& scope) {
  v1::Command c;
  auto* g = c.mutable_grant_role();
  g->set_person_id(person);
  g->set_role(role);
  g->set_scope_unit_id(scope);
  g->mutable_effective_from()->set_iso("2011-04-01");
  return c;
}

std::vector<CouncilFixture::Recorded> CouncilFixture::ReadStream(const std::string& stream) const {
  std::vector<Recorded> out;
  auto page = store_->ReadStream(stream, 1, store::Direction::kForward, 10000);
  EXPECT_TRUE(page);
  if (!page) return out;
  for (const auto& envelope : page->events) {
    auto event = engine::DecodeEvent(envelope);
    EXPECT_TRUE(event);
    out.push_back({envelope, event ? *event : v1::Event()});
  }
  return out;
}

}  // namespace goldthread::testing
