// The list reads over real HTTP on loopback (adapters/api/list_routes.cc): indicators, org
// units, people, findings and cycles — what each answers, who sees what (the authority table's
// kRead* actions), 400 for malformed filters and paging, 401 without a token — and that none of
// them writes to the log.
#include <fmt/format.h>
#include <google/protobuf/util/json_util.h>
#include <gtest/gtest.h>

#include "adapters/api/api.h"
#include "adapters/http/http_server.h"
#include "engine/read/read_models.h"
#include "engine/timetable/workflow_timetables.h"
#include "goldthread/v1/read_models.pb.h"
#include "tests/testing/council_fixture.h"
#include "tests/testing/http_client.h"

namespace goldthread::adapters {
namespace {

namespace v1 = goldthread::v1;
using goldthread::testing::ClientResponse;
using goldthread::testing::CouncilFixture;
using goldthread::testing::HttpClient;

class ListRoutesTest : public CouncilFixture {
 protected:
  void SetUp() override {
    CouncilFixture::SetUp();
    auto set =
        engine::WorkflowSet::Load(engine::DefaultWorkflowsDir(), engine::DefaultBankHolidaysPath());
    ASSERT_TRUE(set) << set.error().ToString();
    api_handler_ = std::make_unique<engine::CommandHandler>(
        store_.get(), clock_.get(),
        engine::HandlerOptions{.tenant = kTenant, .timetables = engine::TimetablesFrom(*set)});
    scheduler_ = std::make_unique<engine::Scheduler>(
        store_.get(), clock_.get(), engine::SchedulerOptions{.tenant = kTenant, .timetables = {}});
    auto reads = engine::ReadModels::Open(store_.get(), clock_.get(), {.tenant = kTenant});
    ASSERT_TRUE(reads) << reads.error().ToString();
    reads_ = std::move(*reads);
    api_ = std::make_unique<Api>(api_handler_.get(), scheduler_.get(), &metrics_,
                                 ApiOptions{.worker_threads = 2, .read_models = reads_.get()});
    api_->Register(&router_);
    HttpServerOptions options;
    options.port = 0;
    auto server = HttpServer::Start(options, &router_, &metrics_);
    ASSERT_TRUE(server) << server.error().ToString();
    server_ = std::move(*server);

    // Beside the fixture's council: a person with no role, two more indicators (one retired),
    // two findings, one answered, and a cycle.
    v1::Command none;
    none.mutable_register_person()->set_person_id("p-none");
    none.mutable_register_person()->set_name("Person p-none");
    none.mutable_register_person()->set_home_unit_id("svc-care");
    MustRun("admin", none);
    Define("CA-1", "svc-care", v1::PERSPECTIVE_FINANCE);
    Define("WS-1", "svc-waste", v1::PERSPECTIVE_CUSTOMER);
    v1::Command retire;
    retire.mutable_retire_indicator()->set_indicator_id("WS-1");
    retire.mutable_retire_indicator()->set_reason("replaced by WS-2");
    MustRun("p-perf", retire);

    v1::Command about_figure = Finding("p-sm", "2011-10-20");
    about_figure.mutable_raise_challenge_finding()
        ->mutable_subject()
        ->mutable_figure()
        ->set_indicator_id("NI-192");
    about_figure.mutable_raise_challenge_finding()->mutable_subject()->mutable_figure()->set_period(
        "FY2011-Q2");
    figure_finding_ = MustRun("p-perf", about_figure).created_id();
    before_second_finding_ = Head();
    v1::Command about_indicator = Finding("p-care", "2011-10-06");
    about_indicator.mutable_raise_challenge_finding()->mutable_subject()->set_indicator_id("CA-1");
    indicator_finding_ = MustRun("p-perf", about_indicator).created_id();
    v1::Command respond;
    respond.mutable_respond_to_challenge_finding()->set_finding_id(figure_finding_);
    respond.mutable_respond_to_challenge_finding()->set_response("The August tonnage is in.");
    MustRun("p-sm", respond);

    v1::Command open;
    open.mutable_open_cycle()->set_workflow_id("chesterfield-service-first");
    open.mutable_open_cycle()->set_period("FY2011-Q2");
    auto opened = api_handler_->Execute({.actor = "p-perf", .command_id = "open-q2"}, open);
    ASSERT_TRUE(opened) << opened.error().ToString();

    // The CA-1 finding falls overdue (due 6 October).
    clock_->Advance(std::chrono::hours(24 * 5));
    for (const char* person : {"p-entry", "p-sm", "p-dir", "p-care", "p-audit", "admin", "p-perf",
                               "p-board", "p-none"}) {
      auto token = handler_->IssueTokenAsOperator(person, "test", 30);
      ASSERT_TRUE(token) << token.error().ToString();
      tokens_[person] = token->secret();
    }
    head_ = Head();
  }
  void TearDown() override {
    // Not one of the reads wrote anything.
    EXPECT_EQ(Head(), head_);
    server_->Stop();
    api_->Drain();
  }

  void Define(const std::string& id, const std::string& unit, v1::Perspective perspective) {
    v1::Command c;
    c.mutable_define_indicator()->set_indicator_id(id);
    *c.mutable_define_indicator()->mutable_definition() = QuarterlyDefinition(unit);
    c.mutable_define_indicator()->mutable_definition()->set_title("Title of " + id);
    c.mutable_define_indicator()->mutable_definition()->set_perspective(perspective);
    MustRun("p-perf", c);
  }
  static v1::Command Finding(const std::string& owner, const std::string& due) {
    v1::Command c;
    auto* f = c.mutable_raise_challenge_finding();
    f->set_stage(v1::CHALLENGE_STAGE_CORPORATE_REVIEW);
    f->set_severity(v1::SEVERITY_MEDIUM);
    f->set_finding("The figure does not match the weighbridge returns");
    f->set_action_required("Reconcile with WasteDataFlow");
    f->set_owner_person_id(owner);
    f->mutable_due()->set_iso(due);
    return c;
  }

  ClientResponse Get(const std::string& who, const std::string& path) {
    HttpClient client(server_->port());
    std::map<std::string, std::string> headers;
    if (!who.empty()) headers["Authorization"] = "Bearer " + tokens_.at(who);
    return client.Request("GET", path, "", headers);
  }
  // GET that must answer 200 with a `Message` in the JSON mapping.
  template <typename Message>
  Message Read(const std::string& who, const std::string& path) {
    ClientResponse r = Get(who, path);
    EXPECT_EQ(r.status, 200u) << who << " " << path << ": " << r.body;
    Message m;
    EXPECT_TRUE(google::protobuf::util::JsonStringToMessage(r.body, &m).ok()) << r.body;
    return m;
  }
  void ExpectProblem(const std::string& who, const std::string& path, unsigned status,
                     const std::string& field = "") {
    ClientResponse r = Get(who, path);
    EXPECT_EQ(r.status, status) << who << " " << path << ": " << r.body;
    EXPECT_EQ(r.headers.count("content-type") ? r.headers.at("content-type") : "",
              "application/problem+json")
        << path;
    if (!field.empty()) {
      EXPECT_NE(r.body.find("\"field\":\"" + field + "\""), std::string::npos)
          << path << ": " << r.body;
    }
  }

  static std::vector<std::string> Ids(const v1::IndicatorList& list) {
    std::vector<std::string> out;
    for (const auto& i : list.indicators()) out.push_back(i.indicator_id());
    return out;
  }
  static std::vector<std::string> Ids(const v1::PersonList& list) {
    std::vector<std::string> out;
    for (const auto& p : list.people()) out.push_back(p.person_id());
    return out;
  }
  static std::vector<std::string> Ids(const v1::FindingList& list) {
    std::vector<std::string> out;
    for (const auto& f : list.findings()) out.push_back(f.finding_id());
    return out;
  }
  static std::vector<std::string> Ids(const v1::OrgUnitList& list) {
    std::vector<std::string> out;
    for (const auto& u : list.units()) out.push_back(u.unit_id());
    return out;
  }
  using Strings = std::vector<std::string>;

  Metrics metrics_;
  Router router_;
  std::unique_ptr<engine::CommandHandler> api_handler_;
  std::unique_ptr<engine::Scheduler> scheduler_;
  std::unique_ptr<engine::ReadModels> reads_;
  std::unique_ptr<Api> api_;
  std::unique_ptr<HttpServer> server_;
  std::map<std::string, std::string> tokens_;
  std::string figure_finding_;
  std::string indicator_finding_;
  uint64_t before_second_finding_ = 0;
  uint64_t head_ = 0;
};

TEST_F(ListRoutesTest, EveryListAndItemNeedsAToken) {
  for (const std::string& path : std::vector<std::string>{
           "/api/v1/indicators", "/api/v1/indicators/NI-192", "/api/v1/org-units",
           "/api/v1/org-units/svc-homes", "/api/v1/people", "/api/v1/people/p-sm",
           "/api/v1/findings", "/api/v1/findings/" + figure_finding_, "/api/v1/cycles"}) {
    ExpectProblem("", path, 401);
  }
}

TEST_F(ListRoutesTest, IndicatorsAreTheLiveOnesTheCallerMayRead) {
  EXPECT_EQ(Ids(Read<v1::IndicatorList>("p-perf", "/api/v1/indicators")),
            (Strings{"CA-1", "NI-192"}));
  EXPECT_EQ(Ids(Read<v1::IndicatorList>("p-audit", "/api/v1/indicators?status=all")),
            (Strings{"CA-1", "NI-192", "WS-1"}));
  EXPECT_EQ(Ids(Read<v1::IndicatorList>("p-perf", "/api/v1/indicators?status=retired")),
            (Strings{"WS-1"}));
  // Scoped roles see their own units' indicators only.
  EXPECT_EQ(Ids(Read<v1::IndicatorList>("p-entry", "/api/v1/indicators")), (Strings{"NI-192"}));
  EXPECT_EQ(Ids(Read<v1::IndicatorList>("p-care", "/api/v1/indicators")), (Strings{"CA-1"}));
  EXPECT_TRUE(Read<v1::IndicatorList>("p-none", "/api/v1/indicators").indicators().empty());
  // Filters.
  EXPECT_EQ(
      Ids(Read<v1::IndicatorList>("p-dir", "/api/v1/indicators?org_unit=dir-place&status=all")),
      (Strings{"NI-192", "WS-1"}));
  EXPECT_EQ(
      Ids(Read<v1::IndicatorList>("p-perf", "/api/v1/indicators?perspective=PERSPECTIVE_FINANCE")),
      (Strings{"CA-1"}));
  EXPECT_TRUE(Read<v1::IndicatorList>("p-perf", "/api/v1/indicators?frequency=FREQUENCY_MONTHLY")
                  .indicators()
                  .empty());

  // The pro forma, its unit's name and its targets.
  const v1::IndicatorView ni192 = Read<v1::IndicatorView>("p-entry", "/api/v1/indicators/NI-192");
  EXPECT_EQ(ni192.indicator_id(), "NI-192");
  EXPECT_EQ(ni192.definition().title(), "Household waste recycled and composted");
  EXPECT_EQ(ni192.definition().decimal_places(), 1u);
  EXPECT_EQ(ni192.definition().polarity(), v1::POLARITY_HIGHER_IS_BETTER);
  EXPECT_EQ(ni192.definition_version(), 1u);
  EXPECT_EQ(ni192.owning_unit_name(), "Unit svc-homes");
  EXPECT_FALSE(ni192.retired());
  ASSERT_EQ(ni192.targets_size(), 1);
  EXPECT_EQ(ni192.targets(0).period(), "FY2011-Q2");
  EXPECT_EQ(ni192.targets(0).target(), 60);
  EXPECT_TRUE(Read<v1::IndicatorView>("p-perf", "/api/v1/indicators/WS-1").retired());
  const ClientResponse raw = Get("p-entry", "/api/v1/indicators/NI-192");
  EXPECT_NE(raw.body.find(R"("owningUnitId":"svc-homes")"), std::string::npos) << raw.body;
}

TEST_F(ListRoutesTest, IndicatorsRefuseAnotherUnitAndMalformedFilters) {
  ExpectProblem("p-care", "/api/v1/indicators/NI-192", 403);
  ExpectProblem("p-dir", "/api/v1/indicators?org_unit=dir-people", 403);
  ExpectProblem("p-perf", "/api/v1/indicators/NI-999", 404, "indicator_id");
  ExpectProblem("p-perf", "/api/v1/indicators?org_unit=nowhere", 400, "org_unit");
  ExpectProblem("p-perf", "/api/v1/indicators?priority=nothing", 400, "priority");
  ExpectProblem("p-perf", "/api/v1/indicators?status=dead", 400, "status");
  ExpectProblem("p-perf", "/api/v1/indicators?perspective=customer", 400, "perspective");
  ExpectProblem("p-perf", "/api/v1/indicators?perspective=PERSPECTIVE_UNSPECIFIED", 400,
                "perspective");
  ExpectProblem("p-perf", "/api/v1/indicators?frequency=FREQUENCY_HOURLY", 400, "frequency");
  ExpectProblem("p-perf", "/api/v1/indicators?limit=0", 400, "limit");
  ExpectProblem("p-perf", "/api/v1/indicators?limit=1001", 400, "limit");
  ExpectProblem("p-perf", "/api/v1/indicators?limit=ten", 400, "limit");
  // Reference data is as it stands now.
  ExpectProblem("p-perf", "/api/v1/indicators?as_of=2011-10-01T00:00:00Z", 400, "as_of");
  ExpectProblem("p-perf", "/api/v1/people/p-sm?at_position=3", 400, "at_position");
}

TEST_F(ListRoutesTest, IndicatorsArePagedById) {
  v1::IndicatorList first =
      Read<v1::IndicatorList>("p-perf", "/api/v1/indicators?status=all&limit=2");
  EXPECT_EQ(Ids(first), (Strings{"CA-1", "NI-192"}));
  EXPECT_EQ(first.next(), "WS-1");
  v1::IndicatorList second = Read<v1::IndicatorList>(
      "p-perf", "/api/v1/indicators?status=all&limit=2&from=" + first.next());
  EXPECT_EQ(Ids(second), (Strings{"WS-1"}));
  EXPECT_EQ(second.next(), "");
  const ClientResponse raw = Get("p-perf", "/api/v1/indicators?status=all&from=WS-1");
  EXPECT_NE(raw.body.find(R"("next":"")"), std::string::npos) << raw.body;
}

TEST_F(ListRoutesTest, OrgUnitsAreTheTreeForAnyoneWithARole) {
  const v1::OrgUnitList tree = Read<v1::OrgUnitList>("p-entry", "/api/v1/org-units");
  // Depth first, children by name ("Unit board-health" < "Unit dir-people" < "Unit dir-place").
  EXPECT_EQ(Ids(tree), (Strings{"council", "board-health", "dir-people", "svc-care", "dir-place",
                                "svc-homes", "svc-waste"}));
  ASSERT_EQ(tree.units_size(), 7);
  EXPECT_EQ(tree.units(0).depth(), 0u);
  EXPECT_EQ(tree.units(0).name(), "Anyshire Council");
  EXPECT_EQ(tree.units(3).depth(), 2u);
  EXPECT_EQ(tree.units(3).parent_unit_id(), "dir-people");
  EXPECT_EQ(tree.units(3).kind(), v1::ORG_UNIT_KIND_SERVICE);
  EXPECT_EQ(Ids(Read<v1::OrgUnitList>("p-board", "/api/v1/org-units?kind=ORG_UNIT_KIND_SERVICE")),
            (Strings{"svc-care", "svc-homes", "svc-waste"}));
  EXPECT_EQ(Ids(Read<v1::OrgUnitList>("p-entry", "/api/v1/org-units?org_unit=dir-place")),
            (Strings{"dir-place", "svc-homes", "svc-waste"}));
  EXPECT_TRUE(Read<v1::OrgUnitList>("p-entry", "/api/v1/org-units?status=closed").units().empty());
  const v1::OrgUnitView homes = Read<v1::OrgUnitView>("p-care", "/api/v1/org-units/svc-homes");
  EXPECT_EQ(homes.name(), "Unit svc-homes");
  EXPECT_EQ(homes.depth(), 2u);
  EXPECT_EQ(homes.parent_unit_id(), "dir-place");

  ExpectProblem("p-none", "/api/v1/org-units", 403);
  ExpectProblem("p-none", "/api/v1/org-units/svc-homes", 403);
  ExpectProblem("p-entry", "/api/v1/org-units/nowhere", 404, "unit_id");
  ExpectProblem("p-entry", "/api/v1/org-units?kind=SERVICE", 400, "kind");
  ExpectProblem("p-entry", "/api/v1/org-units?status=shut", 400, "status");
  ExpectProblem("p-entry", "/api/v1/org-units?org_unit=nowhere", 400, "org_unit");
}

TEST_F(ListRoutesTest, PeopleAreEveryoneForAdminsAndOneselfAndColleaguesForOthers) {
  const Strings everyone{"admin",   "p-audit",    "p-board", "p-care", "p-dir",
                         "p-entry", "p-entry2",   "p-lead",  "p-none", "p-perf",
                         "p-perf2", "p-scrutiny", "p-sm",    "p-sm2"};
  EXPECT_EQ(Ids(Read<v1::PersonList>("admin", "/api/v1/people")), everyone);
  EXPECT_EQ(Ids(Read<v1::PersonList>("p-perf", "/api/v1/people")), everyone);
  EXPECT_EQ(Ids(Read<v1::PersonList>("p-audit", "/api/v1/people")), everyone);
  // A data entry officer: themselves and the people of the service they work in.
  EXPECT_EQ(Ids(Read<v1::PersonList>("p-entry", "/api/v1/people")),
            (Strings{"p-entry", "p-entry2", "p-sm", "p-sm2"}));
  // A director: their directorate (their own home unit, and its services).
  EXPECT_EQ(Ids(Read<v1::PersonList>("p-dir", "/api/v1/people")),
            (Strings{"p-dir", "p-entry", "p-entry2", "p-sm", "p-sm2"}));
  // Without a role: only oneself.
  EXPECT_EQ(Ids(Read<v1::PersonList>("p-none", "/api/v1/people")), (Strings{"p-none"}));
  // Filters.
  EXPECT_EQ(Ids(Read<v1::PersonList>("p-perf", "/api/v1/people?role=ROLE_SERVICE_MANAGER")),
            (Strings{"p-care", "p-sm", "p-sm2"}));
  EXPECT_EQ(Ids(Read<v1::PersonList>("admin", "/api/v1/people?org_unit=dir-people")),
            (Strings{"p-care", "p-none"}));
  // Paging.
  v1::PersonList page = Read<v1::PersonList>("admin", "/api/v1/people?limit=2");
  EXPECT_EQ(Ids(page), (Strings{"admin", "p-audit"}));
  EXPECT_EQ(page.next(), "p-board");
  page = Read<v1::PersonList>("admin", "/api/v1/people?limit=13&from=p-audit");
  EXPECT_EQ(page.people_size(), 13);
  EXPECT_EQ(page.next(), "");

  const v1::PersonView sm = Read<v1::PersonView>("p-entry", "/api/v1/people/p-sm");
  EXPECT_EQ(sm.name(), "Person p-sm");
  EXPECT_EQ(sm.email(), "p-sm@anyshire.example");
  EXPECT_EQ(sm.home_unit_id(), "svc-homes");
  ASSERT_EQ(sm.grants_size(), 1);
  EXPECT_EQ(sm.grants(0).role(), v1::ROLE_SERVICE_MANAGER);
  EXPECT_EQ(sm.grants(0).scope_unit_id(), "svc-homes");
  EXPECT_TRUE(sm.grants(0).in_force());
  EXPECT_FALSE(sm.grants(0).grant_id().empty());
  EXPECT_EQ(Read<v1::PersonView>("p-none", "/api/v1/people/p-none").person_id(), "p-none");

  ExpectProblem("p-entry", "/api/v1/people/p-dir", 403);
  ExpectProblem("p-none", "/api/v1/people/p-care", 403);
  ExpectProblem("p-entry", "/api/v1/people?org_unit=council", 403);
  ExpectProblem("admin", "/api/v1/people/ghost", 404, "person_id");
  ExpectProblem("admin", "/api/v1/people?role=ROLE_BOSS", 400, "role");
  ExpectProblem("admin", "/api/v1/people?org_unit=nowhere", 400, "org_unit");
  ExpectProblem("admin", "/api/v1/people?limit=-1", 400, "limit");
}

TEST_F(ListRoutesTest, FindingsAreScopedToTheirUnitAndFiltered) {
  const v1::FindingList all = Read<v1::FindingList>("p-perf", "/api/v1/findings");
  ASSERT_EQ(all.findings_size(), 2);
  std::map<std::string, v1::FindingView> by_id;
  for (const auto& f : all.findings()) by_id[f.finding_id()] = f;
  const v1::FindingView& figure = by_id.at(figure_finding_);
  EXPECT_EQ(figure.subject().figure().indicator_id(), "NI-192");
  EXPECT_EQ(figure.unit_id(), "svc-homes");
  EXPECT_EQ(figure.status(), "responded");
  EXPECT_EQ(figure.responses(), 1u);
  EXPECT_EQ(figure.owner_person_id(), "p-sm");
  EXPECT_EQ(figure.raised_by(), "p-perf");
  EXPECT_EQ(figure.due().iso(), "2011-10-20");
  EXPECT_FALSE(figure.overdue());
  ASSERT_EQ(figure.entries_size(), 2);
  EXPECT_EQ(figure.entries(0).event_type(), "ChallengeFindingRaised");
  EXPECT_EQ(figure.entries(1).by(), "p-sm");
  EXPECT_EQ(figure.entries(1).text(), "The August tonnage is in.");
  const v1::FindingView& indicator = by_id.at(indicator_finding_);
  EXPECT_EQ(indicator.subject().indicator_id(), "CA-1");
  EXPECT_EQ(indicator.status(), "open");
  EXPECT_TRUE(indicator.overdue());  // due 6 October, now the 10th
  EXPECT_EQ(all.as_of().position(), head_);

  // Each scoped role sees the finding about its own unit.
  EXPECT_EQ(Ids(Read<v1::FindingList>("p-entry", "/api/v1/findings")), (Strings{figure_finding_}));
  EXPECT_EQ(Ids(Read<v1::FindingList>("p-care", "/api/v1/findings")),
            (Strings{indicator_finding_}));
  EXPECT_TRUE(Read<v1::FindingList>("p-none", "/api/v1/findings").findings().empty());
  // Filters.
  const std::string list = "/api/v1/findings?";
  EXPECT_EQ(Ids(Read<v1::FindingList>("p-perf", list + "status=open")),
            (Strings{indicator_finding_}));
  EXPECT_EQ(Ids(Read<v1::FindingList>("p-perf", list + "status=responded")),
            (Strings{figure_finding_}));
  EXPECT_EQ(Read<v1::FindingList>("p-perf", list + "status=unresolved").findings_size(), 2);
  EXPECT_TRUE(Read<v1::FindingList>("p-perf", list + "status=closed").findings().empty());
  EXPECT_EQ(Ids(Read<v1::FindingList>("p-perf", list + "period=FY2011-Q2")),
            (Strings{figure_finding_}));
  EXPECT_EQ(Ids(Read<v1::FindingList>("p-perf", list + "indicator=CA-1")),
            (Strings{indicator_finding_}));
  EXPECT_EQ(Ids(Read<v1::FindingList>("p-perf", list + "owner=p-sm")), (Strings{figure_finding_}));
  EXPECT_EQ(Ids(Read<v1::FindingList>("p-audit", list + "org_unit=dir-people")),
            (Strings{indicator_finding_}));
  EXPECT_EQ(Read<v1::FindingList>("p-perf", list + "stage=CHALLENGE_STAGE_CORPORATE_REVIEW")
                .findings_size(),
            2);
  EXPECT_TRUE(
      Read<v1::FindingList>("p-perf", list + "stage=CHALLENGE_STAGE_AUDIT").findings().empty());
  // As the log stood before the second finding was raised.
  EXPECT_EQ(Ids(Read<v1::FindingList>(
                "p-perf", fmt::format("{}at_position={}", list, before_second_finding_))),
            (Strings{figure_finding_}));
  // Paging.
  const v1::FindingList page = Read<v1::FindingList>("p-perf", list + "limit=1");
  ASSERT_EQ(page.findings_size(), 1);
  EXPECT_EQ(page.next(), all.findings(1).finding_id());

  // One finding.
  const v1::FindingView one =
      Read<v1::FindingView>("p-entry", "/api/v1/findings/" + figure_finding_);
  EXPECT_EQ(one.finding(), "The figure does not match the weighbridge returns");
  EXPECT_EQ(one.action_required(), "Reconcile with WasteDataFlow");
  EXPECT_EQ(one.stage(), v1::CHALLENGE_STAGE_CORPORATE_REVIEW);
  EXPECT_EQ(one.severity(), v1::SEVERITY_MEDIUM);
}

TEST_F(ListRoutesTest, FindingsRefuseAnotherUnitAndMalformedFilters) {
  ExpectProblem("p-care", "/api/v1/findings/" + figure_finding_, 403);
  ExpectProblem("p-entry", "/api/v1/findings?org_unit=dir-people", 403);
  ExpectProblem("p-perf", "/api/v1/findings/F-nothing", 404, "finding_id");
  ExpectProblem("p-perf", "/api/v1/findings?status=late", 400, "status");
  ExpectProblem("p-perf", "/api/v1/findings?period=Q2", 400, "period");
  ExpectProblem("p-perf", "/api/v1/findings?stage=audit", 400, "stage");
  ExpectProblem("p-perf", "/api/v1/findings?org_unit=nowhere", 400, "org_unit");
  ExpectProblem("p-perf", "/api/v1/findings?limit=5000", 400, "limit");
  ExpectProblem("p-perf", "/api/v1/findings?as_of=yesterday", 400, "as_of");
  ExpectProblem("p-perf", "/api/v1/findings?at_position=0", 400, "at_position");
}

TEST_F(ListRoutesTest, CyclesAreListedForAnyoneWithARole) {
  const v1::CycleList cycles = Read<v1::CycleList>("p-board", "/api/v1/cycles");
  ASSERT_EQ(cycles.cycles_size(), 1);
  const v1::CycleView& q2 = cycles.cycles(0);
  EXPECT_EQ(q2.workflow_id(), "chesterfield-service-first");
  EXPECT_EQ(q2.period(), "FY2011-Q2");
  EXPECT_EQ(q2.status(), "open");
  ASSERT_GT(q2.stages_size(), 0);
  EXPECT_EQ(q2.stages(0).stage_id(), "collation");
  EXPECT_FALSE(q2.stages(0).status().empty());
  EXPECT_EQ(cycles.as_of().position(), head_);
  // The list's entry is the single route's answer.
  const ClientResponse single =
      Get("p-entry", "/api/v1/cycles/chesterfield-service-first/FY2011-Q2");
  ASSERT_EQ(single.status, 200u) << single.body;
  v1::CycleView view;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(single.body, &view).ok());
  EXPECT_EQ(view.status(), "open");
  EXPECT_EQ(view.stages_size(), q2.stages_size());

  EXPECT_EQ(Read<v1::CycleList>("p-entry", "/api/v1/cycles?status=open").cycles_size(), 1);
  EXPECT_TRUE(Read<v1::CycleList>("p-entry", "/api/v1/cycles?status=closed").cycles().empty());
  EXPECT_EQ(Read<v1::CycleList>("p-entry", "/api/v1/cycles?period=FY2011-Q2").cycles_size(), 1);
  EXPECT_TRUE(Read<v1::CycleList>("p-entry", "/api/v1/cycles?period=FY2011-Q1").cycles().empty());
  EXPECT_TRUE(
      Read<v1::CycleList>("p-entry", "/api/v1/cycles?workflow=leeds-quarterly").cycles().empty());
  EXPECT_TRUE(Read<v1::CycleList>("p-entry", "/api/v1/cycles?at_position=1").cycles().empty());

  ExpectProblem("p-none", "/api/v1/cycles", 403);
  ExpectProblem("p-entry", "/api/v1/cycles?status=done", 400, "status");
  ExpectProblem("p-entry", "/api/v1/cycles?period=2011", 400, "period");
  ExpectProblem("p-entry", "/api/v1/cycles?as_of=2011-13-01T00:00:00Z", 400, "as_of");
}

// The lists answer in the protobuf JSON mapping like every other route: lowerCamelCase, enums
// by name, 64-bit numbers as strings.
TEST_F(ListRoutesTest, AnswersAreTheProtobufJsonMapping) {
  const ClientResponse findings = Get("p-perf", "/api/v1/findings");
  ASSERT_EQ(findings.status, 200u);
  EXPECT_NE(findings.body.find(fmt::format(R"("asOf":{{"position":"{}")", head_)),
            std::string::npos)
      << findings.body;
  EXPECT_NE(findings.body.find(R"("stage":"CHALLENGE_STAGE_CORPORATE_REVIEW")"), std::string::npos);
  EXPECT_NE(findings.body.find(R"("position":")"), std::string::npos);
  const ClientResponse people = Get("admin", "/api/v1/people/p-sm");
  EXPECT_NE(people.body.find(R"("role":"ROLE_SERVICE_MANAGER")"), std::string::npos) << people.body;
  EXPECT_NE(people.body.find(R"("inForce":true)"), std::string::npos) << people.body;
  const ClientResponse units = Get("admin", "/api/v1/org-units");
  EXPECT_NE(units.body.find(R"("kind":"ORG_UNIT_KIND_COUNCIL")"), std::string::npos) << units.body;
}

}  // namespace
}  // namespace goldthread::adapters
