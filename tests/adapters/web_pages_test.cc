// The web pages over HTTP: every form refused for malformed, out-of-range or unauthorised input
// with a page saying why and nothing written; the security headers; sign-in's answers.
#include <gtest/gtest.h>

#include <regex>

#include "adapters/http/http_server.h"
#include "adapters/web/password.h"
#include "adapters/web/web_app.h"
#include "engine/read/read_models.h"
#include "tests/testing/council_fixture.h"
#include "tests/testing/http_client.h"

namespace goldthread::web {
namespace {

namespace v1 = goldthread::v1;
using goldthread::testing::ClientResponse;
using goldthread::testing::HttpClient;

constexpr char kForm[] = "application/x-www-form-urlencoded";

class WebPagesTest : public goldthread::testing::CouncilFixture {
 protected:
  void SetUp() override {
    CouncilFixture::SetUp();
    auto reads = engine::ReadModels::Open(store_.get(), clock_.get(), {.tenant = kTenant});
    ASSERT_TRUE(reads) << reads.error().ToString();
    reads_ = std::move(*reads);
    auto app = WebApp::Create(handler_.get(), reads_.get(),
                              {.web_dir = GOLDTHREAD_TEST_WEB_DIR, .worker_threads = 2});
    ASSERT_TRUE(app) << app.error().ToString();
    app_ = std::move(*app);
    app_->Register(&router_);
    adapters::HttpServerOptions options;
    options.port = 0;
    auto server = adapters::HttpServer::Start(options, &router_, &metrics_);
    ASSERT_TRUE(server) << server.error().ToString();
    server_ = std::move(*server);
    for (const char* person : {"p-entry", "p-sm", "p-care", "admin"}) GiveAccount(person);
  }
  void TearDown() override {
    server_->Stop();
    app_->Drain();
  }

  void GiveAccount(const std::string& person) {
    v1::Command invite;
    invite.mutable_invite_person()->set_person_id(person);
    auto invited = MustRun("admin", invite);
    v1::Command set;
    set.mutable_set_password()->set_person_id(person);
    set.mutable_set_password()->set_invitation_token(invited.secret());
    set.mutable_set_password()->set_password_hash(*HashPassword(person + "-password"));
    MustRun(person, set);
  }

  struct Browser {
    std::string cookie;
    std::string csrf;
  };
  static std::string CookieOf(const ClientResponse& r) {
    auto it = r.headers.find("set-cookie");
    if (it == r.headers.end()) return "";
    return it->second.substr(0, it->second.find(';'));
  }
  static std::string CsrfOf(const std::string& html) {
    std::smatch m;
    return std::regex_search(html, m, std::regex(R"re(name="csrf_token" value="([0-9a-f]+)")re"))
               ? m[1].str()
               : "";
  }
  ClientResponse Get(const Browser& b, const std::string& path) {
    return client().Request("GET", path, "", {{"Cookie", b.cookie}});
  }
  ClientResponse Post(const Browser& b, const std::string& path, const std::string& body) {
    return client().Request("POST", path, body, {{"Cookie", b.cookie}, {"Content-Type", kForm}});
  }
  // Signs `person` in through the form; the browser then carries the new session.
  Browser SignIn(const std::string& person) {
    Browser b;
    ClientResponse form = client().Get("/sign-in");
    b.cookie = CookieOf(form);
    b.csrf = CsrfOf(form.body);
    ClientResponse r = Post(b, "/sign-in",
                            "csrf_token=" + b.csrf + "&email=" + person +
                                "%40anyshire.example&password=" + person + "-password");
    EXPECT_EQ(r.status, 303u) << r.body;
    b.cookie = CookieOf(r);
    b.csrf = CsrfOf(Get(b, "/my-work").body);
    return b;
  }
  // POSTs as `b` and expects `status` with `text` on the page and nothing written.
  void ExpectRefusedPost(const Browser& b, const std::string& path, const std::string& body,
                         unsigned status, const std::string& text) {
    const uint64_t before = Head();
    ClientResponse r = Post(b, path, body);
    EXPECT_EQ(r.status, status) << path << " " << body << "\n" << r.body.substr(0, 2000);
    EXPECT_NE(r.body.find(text), std::string::npos) << "no '" << text << "' for " << body;
    EXPECT_EQ(r.headers["content-type"], "text/html; charset=utf-8");
    EXPECT_EQ(Head(), before) << "nothing written for " << body;
  }

  HttpClient& client() {
    if (!client_) client_ = std::make_unique<HttpClient>(server_->port());
    return *client_;
  }

  adapters::Metrics metrics_;
  adapters::Router router_;
  std::unique_ptr<engine::ReadModels> reads_;
  std::unique_ptr<WebApp> app_;
  std::unique_ptr<adapters::HttpServer> server_;
  std::unique_ptr<HttpClient> client_;
};

TEST_F(WebPagesTest, EnteringAFigureRefusesMalformedAndOutOfRangeInput) {
  Browser b = SignIn("p-entry");
  const std::string path = "/figures/NI-192/FY2011-Q2";
  const std::string csrf = "csrf_token=" + b.csrf;
  ExpectRefusedPost(b, path, csrf + "&action=submit&value=abc", 400, "as a number");
  ExpectRefusedPost(b, path, csrf + "&action=submit&value=", 400, "Enter the figure");
  ExpectRefusedPost(b, path, csrf + "&action=submit&value=1e999", 400, "as a number");
  ExpectRefusedPost(b, path, csrf + "&action=submit&value=250", 400, "");  // range 0-100
  ExpectRefusedPost(b, path, csrf + "&action=launch&value=5", 400, "Choose what to do");
  // Red (target 60) without commentary: the engine's rule, shown at the field.
  ExpectRefusedPost(b, path, csrf + "&action=submit&value=20", 400, "commentary");
  ExpectRefusedPost(b, "/figures/NOPE-1/FY2011-Q2", csrf + "&action=submit&value=5", 404, "");
  ExpectRefusedPost(b, path, csrf + "&action=amend&value=61&reason=", 400, "reason");
  // A check shows the rating and writes nothing.
  ExpectRefusedPost(b, path, csrf + "&action=check&value=20", 200, "would be rated");
  const uint64_t before = Head();
  ClientResponse ok = Post(b, path, csrf + "&action=submit&value=61.5&command_id=web-test-1");
  EXPECT_EQ(ok.status, 303u) << ok.body;
  EXPECT_EQ(Head(), before + 1);
  // The same form sent twice (a double click) is written once.
  EXPECT_EQ(Post(b, path, csrf + "&action=submit&value=61.5&command_id=web-test-1").status, 303u);
  EXPECT_EQ(Head(), before + 1);
}

TEST_F(WebPagesTest, FormsWithoutTheSessionsCsrfTokenAreRefused) {
  Browser b = SignIn("p-entry");
  ExpectRefusedPost(b, "/figures/NI-192/FY2011-Q2", "action=submit&value=61", 403, "expired");
  ExpectRefusedPost(b, "/figures/NI-192/FY2011-Q2",
                    "csrf_token=" + std::string(64, '0') + "&action=submit&value=61", 403,
                    "expired");
  ExpectRefusedPost(b, "/figures/NI-192/FY2011-Q2", "csrf_token=%zz", 403, "expired");
  Browser other = SignIn("p-sm");
  ExpectRefusedPost(b, "/figures/NI-192/FY2011-Q2",
                    "csrf_token=" + other.csrf + "&action=submit&value=61", 403, "expired");
}

TEST_F(WebPagesTest, WhatARoleMayNotDoIsRefusedWithAPage) {
  Browser care = SignIn("p-care");  // service manager of another service
  ExpectRefusedPost(care, "/figures/NI-192/FY2011-Q2",
                    "csrf_token=" + care.csrf + "&action=submit&value=61&commentary=x", 403,
                    "permission");
  EXPECT_EQ(Get(care, "/figures/NI-192/FY2011-Q2/sign-off").status, 403u);
  Browser entry = SignIn("p-entry");
  EXPECT_EQ(Get(entry, "/people").status, 403u);
  ExpectRefusedPost(entry, "/people/p-sm/invitations", "csrf_token=" + entry.csrf, 403,
                    "permission");
  EXPECT_EQ(Get(entry, "/figures/NI-192/FY2011-Q2/sign-off").status, 403u)
      << "a data entry officer signs nothing off";
  // No session: pages send the visitor to sign in, and a POST writes nothing.
  Browser nobody;
  ClientResponse r = Get(nobody, "/my-work");
  EXPECT_EQ(r.status, 303u);
  EXPECT_EQ(r.headers["location"], "/sign-in?next=%2Fmy-work");
  const uint64_t before = Head();
  EXPECT_EQ(Post(nobody, "/figures/NI-192/FY2011-Q2", "action=submit&value=61").status, 303u);
  EXPECT_EQ(Head(), before);
}

TEST_F(WebPagesTest, SignOffFormRefusesBadLevelsVersionsAndMissingReasons) {
  MustRun("p-entry", Submit("NI-192", "FY2011-Q2", 61.5));
  Browser sm = SignIn("p-sm");
  const std::string path = "/figures/NI-192/FY2011-Q2/sign-off";
  const std::string csrf = "csrf_token=" + sm.csrf;
  ExpectRefusedPost(sm, path, csrf + "&action=sign_off&figure_version=1", 400, "Select the level");
  ExpectRefusedPost(sm, path, csrf + "&action=sign_off&level=LEVEL_GOLD&figure_version=1", 400,
                    "Select the level");
  ExpectRefusedPost(sm, path,
                    csrf + "&action=sign_off&level=SIGN_OFF_LEVEL_SERVICE&figure_version=abc",
                    400, "version");
  ExpectRefusedPost(sm, path,
                    csrf + "&action=sign_off&level=SIGN_OFF_LEVEL_SERVICE&figure_version=9", 409,
                    "");
  ExpectRefusedPost(sm, path, csrf + "&action=send_back&level=SIGN_OFF_LEVEL_SERVICE&reason=",
                    400, "why you are sending");
  // Above the person's level: the authority table refuses.
  ExpectRefusedPost(sm, path,
                    csrf + "&action=sign_off&level=SIGN_OFF_LEVEL_DIRECTORATE&figure_version=1",
                    403, "");
  const uint64_t before = Head();
  EXPECT_EQ(Post(sm, path, csrf + "&action=sign_off&level=SIGN_OFF_LEVEL_SERVICE&figure_version=1")
                .status,
            303u);
  EXPECT_EQ(Head(), before + 1);
}

TEST_F(WebPagesTest, SignInAnswers) {
  ClientResponse form = client().Get("/sign-in");
  Browser b{.cookie = CookieOf(form), .csrf = CsrfOf(form.body)};
  const std::string csrf = "csrf_token=" + b.csrf;
  uint64_t before = Head();
  ExpectRefusedPost(b, "/sign-in", csrf + "&email=&password=", 400, "Enter your e-mail address");
  EXPECT_EQ(Head(), before);
  // A wrong password and an unknown address read the same, and each is recorded.
  ClientResponse wrong = Post(b, "/sign-in", csrf + "&email=p-entry%40anyshire.example&password=x");
  ClientResponse unknown = Post(b, "/sign-in", csrf + "&email=who%40nowhere.example&password=x");
  EXPECT_EQ(wrong.status, 401u);
  EXPECT_EQ(unknown.status, 401u);
  EXPECT_NE(wrong.body.find("is not right"), std::string::npos);
  EXPECT_NE(unknown.body.find("is not right"), std::string::npos);
  EXPECT_EQ(Head(), before + 2) << "two SignInFailed events";
  // After sign-in the visitor goes only to a path on this site.
  ClientResponse in = Post(b, "/sign-in",
                           csrf + "&email=P-ENTRY%40anyshire.example&password=p-entry-password"
                                  "&next=%2F%2Fevil.example%2F");
  EXPECT_EQ(in.status, 303u);
  EXPECT_EQ(in.headers["location"], "/my-work");
  EXPECT_NE(CookieOf(in), b.cookie) << "the session id rotates";
  EXPECT_NE(in.headers["set-cookie"].find("HttpOnly; SameSite=Lax"), std::string::npos);
}

TEST_F(WebPagesTest, InvitationsAndPasswords) {
  Browser admin = SignIn("admin");
  ClientResponse invited =
      Post(admin, "/people/p-entry2/invitations", "csrf_token=" + admin.csrf);
  ASSERT_EQ(invited.status, 201u) << invited.body;
  std::smatch m;
  ASSERT_TRUE(std::regex_search(invited.body, m, std::regex(R"(invitation=(inv_[A-Za-z0-9_-]+))")));
  const std::string token = m[1].str();
  Browser visitor;
  ClientResponse page = Get(visitor, "/set-password?invitation=" + token);
  ASSERT_EQ(page.status, 200u);
  visitor.cookie = CookieOf(page);
  visitor.csrf = CsrfOf(page.body);
  const std::string base = "csrf_token=" + visitor.csrf + "&invitation=" + token;
  ExpectRefusedPost(visitor, "/set-password", base + "&password=short&confirm_password=short",
                    400, "10 characters or more");
  ExpectRefusedPost(visitor, "/set-password",
                    base + "&password=long+enough+one&confirm_password=long+enough+two", 400,
                    "do not match");
  ExpectRefusedPost(visitor, "/set-password",
                    "csrf_token=" + visitor.csrf + "&invitation=inv_forged_" +
                        std::string(64, 'a') + "&password=long+enough+one&confirm_password=long+enough+one",
                    400, "not recognised");
  EXPECT_EQ(Get(visitor, "/set-password?invitation=junk").status, 400u);
  const uint64_t before = Head();
  EXPECT_EQ(Post(visitor, "/set-password",
                 base + "&password=long+enough+one&confirm_password=long+enough+one")
                .status,
            303u);
  EXPECT_EQ(Head(), before + 1);
  ExpectRefusedPost(visitor, "/set-password",
                    base + "&password=long+enough+one&confirm_password=long+enough+one", 400,
                    "used already");
}

TEST_F(WebPagesTest, SecurityHeadersOnPagesAndLongLivedAssets) {
  ClientResponse page = client().Get("/sign-in");
  EXPECT_NE(page.headers["content-security-policy"].find("script-src 'self'"), std::string::npos);
  EXPECT_NE(page.headers["content-security-policy"].find("frame-ancestors 'none'"),
            std::string::npos);
  EXPECT_EQ(page.headers["content-security-policy"].find("unsafe-inline"), std::string::npos);
  EXPECT_EQ(page.headers["x-content-type-options"], "nosniff");
  EXPECT_EQ(page.headers["referrer-policy"], "no-referrer");
  EXPECT_EQ(page.headers["cache-control"], "no-store");
  EXPECT_EQ(page.body.find("style=\""), std::string::npos) << "no inline style";
  EXPECT_EQ(page.body.find("<script>"), std::string::npos) << "no inline script";
  ClientResponse css = client().Get("/assets/govuk-frontend.min.css");
  EXPECT_EQ(css.status, 200u);
  EXPECT_EQ(css.headers["cache-control"], "public, max-age=31536000, immutable");
  EXPECT_EQ(css.body.find("GDS Transport"), std::string::npos) << "not the GOV.UK font";
  EXPECT_EQ(client().Get("/assets/../CMakeLists.txt").status, 404u);
  EXPECT_EQ(client().Get("/assets/nope.css").status, 404u);
}

}  // namespace
}  // namespace goldthread::web
