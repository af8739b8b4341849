// The web interface's read pages (adapters/web/pages_reads.cc, pages_trail.cc): scorecards,
// published scorecards, cycle timetables and the assurance trail, fetched over HTTP as people
// signed in through the sign-in form, each as a role that may read it and one that may not.
#include <gtest/gtest.h>

#include <regex>

#include "adapters/http/http_server.h"
#include "adapters/http/metrics.h"
#include "adapters/web/form.h"
#include "adapters/web/password.h"
#include "adapters/web/web_app.h"
#include "engine/read/read_models.h"
#include "engine/timetable/workflow_timetables.h"
#include "tests/testing/council_fixture.h"
#include "tests/testing/forwarding_store.h"
#include "tests/testing/http_client.h"

namespace goldthread {
namespace {

namespace v1 = goldthread::v1;
using adapters::HttpServer;
using adapters::HttpServerOptions;
using adapters::Router;
using goldthread::testing::ClientResponse;
using goldthread::testing::CouncilFixture;
using goldthread::testing::HttpClient;

constexpr auto kService = v1::SIGN_OFF_LEVEL_SERVICE;
constexpr auto kDirectorate = v1::SIGN_OFF_LEVEL_DIRECTORATE;
constexpr auto kCorporate = v1::SIGN_OFF_LEVEL_CORPORATE_VERIFICATION;
constexpr auto kPartnership = v1::SIGN_OFF_LEVEL_PARTNERSHIP;

// A store whose verification can be made to fail, as a tampered log's would.
class TamperableStore : public goldthread::testing::ForwardingStore {
 public:
  using ForwardingStore::ForwardingStore;
  bool fail_verification = false;
  Result<store::VerifyReport> Verify(uint64_t from, uint64_t to) const override {
    auto report = ForwardingStore::Verify(from, to);
    if (report && fail_verification) {
      report->ok = false;
      report->first_bad_position = 3;
      report->problem = "payload digest does not match payload";
    }
    return report;
  }
};

class WebReadPagesTest : public CouncilFixture {
 protected:
  void SetUp() override {
    CouncilFixture::SetUp();
    auto set =
        engine::WorkflowSet::Load(engine::DefaultWorkflowsDir(), engine::DefaultBankHolidaysPath());
    ASSERT_TRUE(set) << set.error().ToString();
    timetables_ = engine::TimetablesFrom(*set);
    web_handler_ = std::make_unique<engine::CommandHandler>(
        store_.get(), clock_.get(),
        engine::HandlerOptions{.tenant = kTenant, .timetables = timetables_});
    tamperable_ = std::make_unique<TamperableStore>(store_.get());
    auto reads = engine::ReadModels::Open(tamperable_.get(), clock_.get(), {.tenant = kTenant});
    ASSERT_TRUE(reads) << reads.error().ToString();
    reads_ = std::move(*reads);
    auto web = web::WebApp::Create(
        web_handler_.get(), reads_.get(),
        {.web_dir = GOLDTHREAD_TEST_WEB_DIR, .timetables = timetables_, .worker_threads = 2});
    ASSERT_TRUE(web) << web.error().ToString();
    web_ = std::move(*web);
    web_->Register(&router_);
    HttpServerOptions options;
    options.port = 0;
    auto server = HttpServer::Start(options, &router_, &metrics_);
    ASSERT_TRUE(server) << server.error().ToString();
    server_ = std::move(*server);

    // HM-2 beside NI-192 on svc-homes, with a target it misses: red, never published.
    v1::Command define;
    define.mutable_define_indicator()->set_indicator_id("HM-2");
    *define.mutable_define_indicator()->mutable_definition() = QuarterlyDefinition("svc-homes");
    define.mutable_define_indicator()->mutable_definition()->set_title("Homes let on time");
    define.mutable_define_indicator()->mutable_definition()->clear_partnership_unit_id();
    MustRun("p-perf", define);
    v1::Command target;
    target.mutable_set_target()->set_indicator_id("HM-2");
    target.mutable_set_target()->set_period("FY2011-Q2");
    target.mutable_set_target()->set_target(50);
    target.mutable_set_target()->set_reason("service plan");
    MustRun("p-perf", target);

    v1::Command open;
    open.mutable_open_cycle()->set_workflow_id("chesterfield-service-first");
    open.mutable_open_cycle()->set_period("FY2011-Q2");
    auto opened = web_handler_->Execute({.actor = "p-perf", .command_id = "open-q2"}, open);
    ASSERT_TRUE(opened) << opened.error().ToString();

    // A day later (6 October 2011), the figures.
    clock_->Advance(std::chrono::hours(24));
    // NI-192: 61.2 against 60, green, signed off at every level and published.
    MustRun("p-entry", Submit("NI-192", "FY2011-Q2", 61.2, "bring sites reopened"));
    MustRun("p-sm", SignOff("NI-192", "FY2011-Q2", kService, 1));
    MustRun("p-dir", SignOff("NI-192", "FY2011-Q2", kDirectorate, 1));
    MustRun("p-perf", SignOff("NI-192", "FY2011-Q2", kCorporate, 1));
    MustRun("p-board", SignOff("NI-192", "FY2011-Q2", kPartnership, 1));
    v1::Command publish;
    publish.mutable_publish_figure()->set_indicator_id("NI-192");
    publish.mutable_publish_figure()->set_period("FY2011-Q2");
    MustRun("p-perf", publish);
    // HM-2: 40.0 against 50, red, only submitted.
    MustRun("p-entry", Submit("HM-2", "FY2011-Q2", 40.0, "two voids"));

    for (const char* person : {"p-sm", "p-care", "p-entry", "p-audit", "p-perf"}) {
      cookies_[person] = SignIn(person);
      ASSERT_FALSE(cookies_[person].empty()) << person;
    }
    head_ = Head();
  }

  void TearDown() override {
    // Not one of the reads wrote anything.
    EXPECT_EQ(Head(), head_);
    server_->Stop();
    web_->Drain();
    CouncilFixture::TearDown();
  }

  // Invites `person`, sets a password, and signs in through the form: the gt_session cookie.
  std::string SignIn(const std::string& person) {
    v1::Command invite;
    invite.mutable_invite_person()->set_person_id(person);
    const v1::CommandResult invited = MustRun("admin", invite);
    const std::string password = "correct horse battery " + person;
    auto hash = web::HashPassword(password);
    EXPECT_TRUE(hash);
    v1::Command set;
    set.mutable_set_password()->set_person_id(person);
    set.mutable_set_password()->set_invitation_token(invited.secret());
    set.mutable_set_password()->set_password_hash(*hash);
    MustRun(person, set);

    HttpClient client(server_->port());
    const ClientResponse form = client.Get("/sign-in");
    EXPECT_EQ(form.status, 200u);
    const std::string cookie = SessionCookie(form);
    std::smatch m;
    EXPECT_TRUE(
        std::regex_search(form.body, m, std::regex("name=\"csrf_token\" value=\"([^\"]+)\"")))
        << form.body;
    const std::string body = "email=" + web::UrlEncode(person + "@anyshire.example") +
                             "&password=" + web::UrlEncode(password) +
                             "&csrf_token=" + web::UrlEncode(m[1].str()) + "&next=%2Fmy-work";
    const ClientResponse signed_in =
        client.Request("POST", "/sign-in", body,
                       {{"Content-Type", "application/x-www-form-urlencoded"},
                        {"Cookie", "gt_session=" + cookie}});
    EXPECT_EQ(signed_in.status, 303u) << signed_in.body;
    const std::string after = SessionCookie(signed_in);
    return after.empty() ? cookie : after;
  }

  static std::string SessionCookie(const ClientResponse& r) {
    auto it = r.headers.find("set-cookie");
    if (it == r.headers.end()) return "";
    std::smatch m;
    if (!std::regex_search(it->second, m, std::regex("gt_session=([^;]+)"))) return "";
    return m[1].str();
  }

  ClientResponse Get(const std::string& who, const std::string& path) {
    HttpClient client(server_->port());
    std::map<std::string, std::string> headers;
    if (!who.empty()) headers["Cookie"] = "gt_session=" + cookies_.at(who);
    return client.Request("GET", path, "", headers);
  }

  engine::TimetableProvider timetables_;
  std::unique_ptr<engine::CommandHandler> web_handler_;
  std::unique_ptr<TamperableStore> tamperable_;
  std::unique_ptr<engine::ReadModels> reads_;
  std::unique_ptr<web::WebApp> web_;
  adapters::Metrics metrics_;
  Router router_;
  std::unique_ptr<HttpServer> server_;
  std::map<std::string, std::string> cookies_;
  uint64_t head_ = 0;
};

size_t Count(const std::string& text, const std::string& needle) {
  size_t n = 0;
  for (size_t at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) ++n;
  return n;
}

TEST_F(WebReadPagesTest, ScorecardShowsValuesRatingsAndLinks) {
  const ClientResponse r = Get("p-sm", "/scorecards/svc-homes/FY2011-Q2");
  ASSERT_EQ(r.status, 200u) << r.body;
  EXPECT_EQ(r.headers.at("content-type"), "text/html; charset=utf-8");
  EXPECT_NE(r.body.find("61.2%"), std::string::npos);
  EXPECT_NE(r.body.find("40.0%"), std::string::npos);
  EXPECT_NE(r.body.find("60.0%"), std::string::npos);  // NI-192's target
  EXPECT_NE(r.body.find("gt-rag gt-rag--green\">green</strong>"), std::string::npos);
  EXPECT_NE(r.body.find("gt-rag gt-rag--red\">red</strong>"), std::string::npos);
  EXPECT_NE(r.body.find("href=\"/figures/NI-192/FY2011-Q2/history\""), std::string::npos);
  EXPECT_NE(r.body.find("published"), std::string::npos);  // NI-192's sign-off state
  EXPECT_NE(r.body.find("/scorecards/svc-homes/FY2011-Q2.csv"), std::string::npos);
  EXPECT_NE(r.body.find("/scorecards/svc-homes/FY2011-Q2.xlsx"), std::string::npos);
  EXPECT_EQ(r.body.find("A past view"), std::string::npos);
}

TEST_F(WebReadPagesTest, ScorecardAsItStoodShowsThePast) {
  // The council was set up on 5 October 2011, the figures submitted on the 6th.
  const ClientResponse r = Get("p-sm", "/scorecards/svc-homes/FY2011-Q2?as_of_date=2011-10-05");
  ASSERT_EQ(r.status, 200u) << r.body;
  EXPECT_NE(r.body.find("A past view"), std::string::npos);
  EXPECT_EQ(r.body.find("61.2%"), std::string::npos);
  EXPECT_NE(r.body.find("Not submitted"), std::string::npos);
  // Before the unit existed: not found.
  EXPECT_EQ(Get("p-sm", "/scorecards/svc-homes/FY2011-Q2?as_of_date=2011-10-01").status, 404u);
}

TEST_F(WebReadPagesTest, ScorecardRefusalsAndMalformedRequests) {
  // A service manager of another service may not read svc-homes' scorecard.
  const ClientResponse refused = Get("p-care", "/scorecards/svc-homes/FY2011-Q2");
  EXPECT_EQ(refused.status, 403u) << refused.body;
  EXPECT_NE(refused.body.find("govuk-heading-l"), std::string::npos);
  EXPECT_EQ(refused.body.find("61.2"), std::string::npos);
  EXPECT_EQ(Get("p-care", "/scorecards/svc-homes/FY2011-Q2.csv").status, 403u);
  EXPECT_EQ(Get("p-sm", "/scorecards/svc-homes/not-a-period").status, 404u);
  EXPECT_EQ(Get("p-sm", "/scorecards/no-such-unit/FY2011-Q2").status, 404u);
  EXPECT_EQ(Get("p-sm", "/scorecards/svc-homes/FY2011-Q2?as_of_date=yesterday").status, 400u);
  EXPECT_EQ(Get("p-sm", "/scorecards/svc-homes/FY2011-Q2?format=pdf").status, 400u);
  EXPECT_EQ(Get("p-sm", "/scorecards?unit=svc-homes&period=Q9").status, 400u);
  // Signed out: to the sign-in page.
  const ClientResponse anonymous = Get("", "/scorecards/svc-homes/FY2011-Q2");
  EXPECT_EQ(anonymous.status, 303u);
  EXPECT_EQ(anonymous.headers.at("location").rfind("/sign-in", 0), 0u);
}

TEST_F(WebReadPagesTest, ChooserOffersReadableUnitsAndGoesToTheScorecard) {
  const ClientResponse chooser = Get("p-sm", "/scorecards");
  ASSERT_EQ(chooser.status, 200u) << chooser.body;
  EXPECT_NE(chooser.body.find("value=\"svc-homes\""), std::string::npos);
  EXPECT_EQ(chooser.body.find("value=\"svc-care\""), std::string::npos);
  // The newest cycle opened is the default period.
  EXPECT_NE(chooser.body.find("<option value=\"FY2011-Q2\" selected>"), std::string::npos);
  const ClientResponse go = Get("p-sm", "/scorecards?unit=svc-homes&period=FY2011-Q2");
  EXPECT_EQ(go.status, 303u);
  EXPECT_EQ(go.headers.at("location"), "/scorecards/svc-homes/FY2011-Q2");
}

TEST_F(WebReadPagesTest, ScorecardDownloads) {
  const ClientResponse csv = Get("p-sm", "/scorecards/svc-homes/FY2011-Q2.csv");
  ASSERT_EQ(csv.status, 200u) << csv.body;
  EXPECT_EQ(csv.headers.at("content-type"), "text/csv; charset=utf-8");
  EXPECT_EQ(csv.headers.at("content-disposition"),
            "attachment; filename=\"scorecard-svc-homes-FY2011-Q2.csv\"");
  EXPECT_EQ(Count(csv.body, "\r\n"), 3u) << csv.body;  // header and two indicators
  EXPECT_NE(csv.body.find("NI-192"), std::string::npos);
  EXPECT_NE(csv.body.find("HM-2"), std::string::npos);
  EXPECT_NE(csv.body.find("61.2"), std::string::npos);
  // ?format= answers the same.
  EXPECT_EQ(Get("p-sm", "/scorecards/svc-homes/FY2011-Q2?format=csv").body, csv.body);

  const ClientResponse xlsx = Get("p-sm", "/scorecards/svc-homes/FY2011-Q2.xlsx");
  ASSERT_EQ(xlsx.status, 200u);
  EXPECT_EQ(xlsx.headers.at("content-type"),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
  EXPECT_EQ(xlsx.headers.at("content-disposition"),
            "attachment; filename=\"scorecard-svc-homes-FY2011-Q2.xlsx\"");
  EXPECT_EQ(xlsx.body.substr(0, 2), "PK");  // a zip: the workbook
}

TEST_F(WebReadPagesTest, PublishedScorecardShowsOnlyPublishedFiguresToAnyone) {
  const ClientResponse r = Get("", "/public/svc-homes/FY2011-Q2");
  ASSERT_EQ(r.status, 200u) << r.body;
  EXPECT_NE(r.body.find("NI-192"), std::string::npos);
  EXPECT_NE(r.body.find("61.2%"), std::string::npos);
  EXPECT_EQ(r.body.find("HM-2"), std::string::npos);
  EXPECT_EQ(r.body.find("40.0%"), std::string::npos);
  // When it was published, in UK time (6 October 2011, 11am BST).
  EXPECT_NE(r.body.find("gt-published-on\">6 October 2011"), std::string::npos) << r.body;
  // No internal detail: no sign-off column, no link into the signed-in pages.
  EXPECT_EQ(r.body.find("/figures/"), std::string::npos);
  const ClientResponse list = Get("", "/public");
  ASSERT_EQ(list.status, 200u);
  EXPECT_NE(list.body.find("value=\"svc-homes\""), std::string::npos);
  // No downloads of the published scorecard: the .csv is not a period.
  EXPECT_EQ(Get("", "/public/svc-homes/FY2011-Q2.csv").status, 404u);
  EXPECT_EQ(Get("", "/public/svc-homes/nonsense").status, 404u);
}

TEST_F(WebReadPagesTest, CycleTimetable) {
  const ClientResponse list = Get("p-entry", "/cycles");
  ASSERT_EQ(list.status, 200u) << list.body;
  EXPECT_NE(list.body.find("href=\"/cycles/chesterfield-service-first/FY2011-Q2\""),
            std::string::npos);
  const ClientResponse cycle = Get("p-entry", "/cycles/chesterfield-service-first/FY2011-Q2");
  ASSERT_EQ(cycle.status, 200u) << cycle.body;
  EXPECT_NE(cycle.body.find("gt-status--"), std::string::npos);
  EXPECT_NE(cycle.body.find("Rung 1"), std::string::npos) << cycle.body;
  // Directorate sign-off is done for NI-192 only: HM-2 is outstanding.
  EXPECT_NE(cycle.body.find("HM-2 FY2011-Q2"), std::string::npos);
  EXPECT_EQ(Get("p-entry", "/cycles/chesterfield-service-first/FY2011-Q3").status, 404u);
  EXPECT_EQ(Get("p-entry", "/cycles/chesterfield-service-first/bad").status, 404u);
}

TEST_F(WebReadPagesTest, TrailShowsVerificationAndHeadHash) {
  const ClientResponse r = Get("p-audit", "/trail?period=FY2011-Q2");
  ASSERT_EQ(r.status, 200u) << r.body;
  auto verified = store_->Verify(1, Head());
  ASSERT_TRUE(verified);
  ASSERT_TRUE(verified->ok);
  EXPECT_NE(r.body.find("class=\"gt-verified"), std::string::npos);
  EXPECT_NE(r.body.find("id=\"head-hash\">" + verified->head_hash_hex + "<"), std::string::npos)
      << verified->head_hash_hex;
  EXPECT_NE(r.body.find("NI-192"), std::string::npos);
  EXPECT_NE(r.body.find("Fully signed off"), std::string::npos);
  EXPECT_NE(r.body.find("Sign-off chain"), std::string::npos);
  EXPECT_EQ(r.body.find("gt-verification-failed"), std::string::npos);
  // A directorate's trail, for its reader.
  EXPECT_EQ(Get("p-audit", "/trail?period=FY2011-Q2&directorate=dir-place").status, 200u);
}

TEST_F(WebReadPagesTest, TrailSaysPlainlyWhenVerificationFails) {
  tamperable_->fail_verification = true;
  const ClientResponse r = Get("p-audit", "/trail?period=FY2011-Q2");
  ASSERT_EQ(r.status, 200u) << r.body;
  EXPECT_NE(r.body.find("gt-verification-failed"), std::string::npos);
  EXPECT_NE(r.body.find("Verification failed"), std::string::npos);
  EXPECT_NE(r.body.find("payload digest does not match payload"), std::string::npos);
  EXPECT_EQ(r.body.find("class=\"gt-verified"), std::string::npos);
}

// Issue 16, defect 3: a damaged log still answered the trail (and its downloads) as if clean.
TEST_F(WebReadPagesTest, ADamagedLogStillAnswersTheTrailWith200) {
  tamperable_->fail_verification = true;
  const uint64_t head = Head();
  const ClientResponse page = Get("p-audit", "/trail?period=FY2011-Q2");
  ASSERT_EQ(page.status, 200u) << page.body;
  EXPECT_NE(page.body.find("role=\"alert\""), std::string::npos);
  EXPECT_EQ(page.body.find("id=\"downloads\""), std::string::npos) << "download links offered";
  EXPECT_NE(page.body.find("id=\"no-downloads\""), std::string::npos);
  for (const char* format : {"csv", "xlsx", "json", "html"}) {
    const ClientResponse r = Get("p-audit", std::string("/trail?period=FY2011-Q2&format=") + format);
    EXPECT_EQ(r.status, 503u) << format << ": " << r.body.substr(0, 200);
    EXPECT_EQ(r.headers.count("content-disposition"), 0u) << format;
    EXPECT_NE(r.body.find("position 3"), std::string::npos) << format;
  }
  EXPECT_EQ(Head(), head);
}

TEST_F(WebReadPagesTest, TrailIsRefusedToDataEntryAndChecksItsQuery) {
  const ClientResponse refused = Get("p-entry", "/trail?period=FY2011-Q2");
  EXPECT_EQ(refused.status, 403u);
  EXPECT_EQ(refused.body.find("head-hash"), std::string::npos);
  // Signed in already: the 403 page does not offer to sign in.
  EXPECT_EQ(refused.body.find("href=\"/sign-in\""), std::string::npos);
  EXPECT_EQ(Get("p-entry", "/trail?period=FY2011-Q2&format=csv").status, 403u);
  EXPECT_EQ(Get("p-audit", "/trail?period=Q9").status, 400u);
  EXPECT_EQ(Get("p-audit", "/trail?period=FY2011-Q2&as_of_date=nope").status, 400u);
  EXPECT_EQ(Get("p-audit", "/trail?period=FY2011-Q2&format=pdf").status, 400u);
  EXPECT_EQ(Get("p-audit", "/trail?period=FY2011-Q2&directorate=no-such").status, 404u);
}

TEST_F(WebReadPagesTest, TrailDownloads) {
  const std::string base = "/trail?period=FY2011-Q2&format=";
  const ClientResponse csv = Get("p-audit", base + "csv");
  ASSERT_EQ(csv.status, 200u);
  EXPECT_EQ(csv.headers.at("content-type"), "text/csv; charset=utf-8");
  EXPECT_EQ(csv.headers.at("content-disposition"),
            "attachment; filename=\"assurance-trail-FY2011-Q2.csv\"");
  EXPECT_NE(csv.body.find("NI-192"), std::string::npos);
  EXPECT_NE(csv.body.find("HM-2"), std::string::npos);
  const ClientResponse json = Get("p-audit", base + "json");
  ASSERT_EQ(json.status, 200u);
  EXPECT_EQ(json.headers.at("content-type"), "application/json");
  EXPECT_NE(json.body.find("\"fourEyesOk\""), std::string::npos);
  const ClientResponse html = Get("p-audit", base + "html");
  ASSERT_EQ(html.status, 200u);
  EXPECT_EQ(html.headers.at("content-type"), "text/html; charset=utf-8");
  EXPECT_NE(html.headers.at("content-disposition").find("attachment"), std::string::npos);
  const ClientResponse xlsx = Get("p-audit", base + "xlsx");
  ASSERT_EQ(xlsx.status, 200u);
  EXPECT_EQ(xlsx.headers.at("content-type"),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
  EXPECT_EQ(xlsx.body.substr(0, 2), "PK");
}

}  // namespace
}  // namespace goldthread
