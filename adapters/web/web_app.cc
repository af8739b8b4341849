#include "adapters/web/web_app.h"

#include <fmt/format.h>

#include "adapters/web/form.h"
#include "adapters/web/token.h"
#include "adapters/web/view.h"
#include "engine/model/local_date.h"

namespace goldthread::web {

namespace v1 = goldthread::v1;
using adapters::HttpRequest;
using adapters::HttpResponse;
using boost::beast::http::verb;

namespace {

// No inline script or style anywhere; nothing framed; forms post only here.
constexpr char kContentSecurityPolicy[] =
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; "
    "base-uri 'none'; object-src 'none'";

void AddSecurityHeaders(HttpResponse* r) {
  r->headers.emplace_back("Content-Security-Policy", kContentSecurityPolicy);
  r->headers.emplace_back("X-Content-Type-Options", "nosniff");
  r->headers.emplace_back("Referrer-Policy", "no-referrer");
  r->headers.emplace_back("X-Frame-Options", "DENY");
}

// Whether the browser reached us over HTTPS (directly, or through a proxy that says so).
bool OverTls(const HttpRequest& request) {
  return request.Header("x-forwarded-proto") == "https";
}

}  // namespace

unsigned StatusOfError(const Error& error) {
  const ErrorCode code = error.code;
  switch (code) {
    case ErrorCode::kInvalidArgument:
      return 400;
    case ErrorCode::kNotFound:
      return 404;
    case ErrorCode::kAlreadyExists:
    case ErrorCode::kConflict:
    case ErrorCode::kFailedPrecondition:
      return 409;
    case ErrorCode::kPermissionDenied:
      return 403;
    case ErrorCode::kUnauthenticated:
      return 401;
    case ErrorCode::kResourceExhausted:
      return 429;
    case ErrorCode::kUnavailable:
      return 503;
    default:
      return 500;
  }
}

namespace {

std::string TitleOf(unsigned status) {
  switch (status) {
    case 400:
      return "There is a problem with the request";
    case 401:
      return "Sign in to continue";
    case 403:
      return "You do not have permission to do this";
    case 404:
      return "Page not found";
    case 409:
      return "This cannot be done now";
    case 429:
      return "Too many attempts";
    case 503:
      return "Sorry, the service is unavailable";
    default:
      return "Sorry, there is a problem with the service";
  }
}

}  // namespace

Result<std::unique_ptr<WebApp>> WebApp::Create(engine::CommandHandler* handler,
                                               engine::ReadModels* reads, WebOptions options) {
  auto app = std::unique_ptr<WebApp>(new WebApp(handler, reads, std::move(options)));
  auto templates = TemplateSet::Load(app->options_.web_dir + "/templates");
  if (!templates) return Unexpected(templates.error());
  auto assets = StaticAssets::Load(app->options_.web_dir + "/static");
  if (!assets) return Unexpected(assets.error());
  app->templates_ = std::move(*templates);
  app->assets_ = std::move(*assets);
  return app;
}

WebApp::WebApp(engine::CommandHandler* handler, engine::ReadModels* reads, WebOptions options)
    : handler_(handler),
      reads_(reads),
      options_(std::move(options)),
      sessions_(options_.sessions),
      throttle_(options_.throttle),
      pool_(std::make_unique<adapters::WorkerPool>(options_.worker_threads)) {}

WebApp::~WebApp() { Drain(); }

void WebApp::Drain() { pool_->Drain(); }

void WebApp::Register(adapters::Router* router) {
  // Static files need no session and no engine: answered on the I/O thread from memory.
  for (const char* pattern : {"/assets/{file}", "/assets/{folder}/{file}"}) {
    router->Add(verb::get, pattern, "web_asset",
                [this](HttpRequest&& request, adapters::Responder respond) {
                  respond(Asset(request));
                });
  }
  AddPage(router, verb::get, "/", "web_home", Access::kAnyone, [this](Visit& visit) {
    return Redirect(visit, visit.person_id.empty() ? "/public" : "/my-work");
  });
  RegisterAccountPages(router);
  RegisterWorkPages(router);
  RegisterFigurePages(router);
  RegisterReadPages(router);
}

void WebApp::AddPage(adapters::Router* router, verb method, const char* pattern,
                     const char* name, Access access, PageFn page) {
  router->Add(method, pattern, name,
              pool_->Route([this, access, page = std::move(page)](HttpRequest& request) {
                return Serve(request, access, page);
              }));
}

HttpResponse WebApp::Serve(HttpRequest& request, Access access, const PageFn& page) {
  Visit visit{.request = request,
              .today = engine::LondonDayOf(handler_->clock().Now())};
  visit.session_id = CookieValue(request.Header("cookie"), kSessionCookie);
  std::optional<EndedSession> ended;
  visit.session = sessions_.Find(visit.session_id, &ended);
  if (ended) {
    // The session timed out: recorded as the person's sign-out, for the trail.
    v1::Command c;
    c.mutable_record_sign_out()->set_reason(ended->reason);
    c.mutable_record_sign_out()->set_remote_address(request.remote);
    (void)handler_->Execute({.actor = ended->person_id, .command_id = NewCommandId()}, c);
  }
  if (!visit.session) visit.session_id.clear();
  if (visit.session && !visit.session->person_id.empty()) {
    visit.person_id = visit.session->person_id;
    (void)handler_->ReadModel([&](const engine::CouncilModel& model) {
      if (const engine::Person* p = model.FindPerson(visit.person_id)) visit.person_name = p->name;
    });
  }
  HttpResponse r;
  if (access == Access::kSignedIn && visit.person_id.empty()) {
    r = Redirect(visit, "/sign-in?next=" + UrlEncode(request.target));
  } else if (request.method == verb::post) {
    auto form = Form(visit);
    const std::string sent = form ? (*form)["csrf_token"] : "";
    if (!visit.session || !TokensEqual(sent, visit.session->csrf_token)) {
      r = ErrorPage(visit, 403, "This form has expired",
                    "The form was not sent from this session, or the session ended. Nothing "
                    "was changed. Go back, reload the page and try again.");
    } else {
      r = page(visit);
    }
  } else {
    r = page(visit);
  }
  for (const std::string& cookie : visit.cookies) r.headers.emplace_back("Set-Cookie", cookie);
  AddSecurityHeaders(&r);
  r.headers.emplace_back("Cache-Control", "no-store");
  r.actor = visit.person_id;
  return r;
}

HttpResponse WebApp::Asset(const HttpRequest& request) {
  std::string path = request.params.count("folder") > 0
                         ? request.params.at("folder") + "/" + request.params.at("file")
                         : request.params.at("file");
  HttpResponse r;
  const web::Asset* asset = assets_->Find(path);
  if (asset == nullptr) {
    r.status = 404;
    r.content_type = "text/plain; charset=utf-8";
    r.body = "not found\n";
  } else {
    r.content_type = asset->content_type;
    r.body = asset->body;
    r.headers.emplace_back("Cache-Control", "public, max-age=31536000, immutable");
    r.headers.emplace_back("ETag", "\"" + asset->hash + "\"");
  }
  AddSecurityHeaders(&r);
  return r;
}

std::string WebApp::CouncilName() {
  std::string name = "goldthread";
  (void)handler_->ReadModel([&](const engine::CouncilModel& model) {
    if (const engine::OrgUnit* u = model.Unit(model.council_id())) name = u->name;
  });
  return name;
}

HttpResponse WebApp::Page(Visit& visit, unsigned status, const std::string& title,
                          const std::string& body_template, Data data) {
  if (!visit.session) {
    // Every page may hold a form (sign in, sign out): it needs a session for its CSRF token.
    visit.session_id = sessions_.Start("");
    visit.session = sessions_.Find(visit.session_id);
    visit.cookies.push_back(SetCookie(kSessionCookie, visit.session_id,
                                      {.secure = OverTls(visit.request)}));
  }
  data.set("csrf_token", visit.session->csrf_token);
  auto body = templates_->Render(body_template, data);
  if (!body) {
    return adapters::Problem(500, "/problems/internal", "Internal error", body.error().message);
  }
  Data layout;
  layout.set("title", title);
  layout.set("council_name", CouncilName());
  layout.set("content", *body);
  layout.set("csrf_token", visit.session->csrf_token);
  layout.set("css_url", assets_->Url("goldthread.css"));
  layout.set("govuk_css_url", assets_->Url("govuk-frontend.min.css"));
  layout.set("govuk_js_url", assets_->Url("govuk-frontend.min.js"));
  layout.set("js_url", assets_->Url("goldthread.js"));
  layout.set("favicon_url", assets_->Url("images/favicon.svg"));
  if (!visit.person_id.empty()) {
    Data person;
    person.set("name", visit.person_name.empty() ? visit.person_id : visit.person_name);
    person.set("id", visit.person_id);
    layout.set("person", person);
    List nav = NavigationFor(*handler_, visit.person_id, visit.today, visit.request.path);
    if (!nav.empty()) layout.set("has_nav", true);
    layout.set("nav", nav);
  }
  if (options_.simulated_clock) {
    layout.set("simulated_now", FormatLondonTime(handler_->clock().Now()));
  }
  auto html = templates_->Render("layout", layout);
  if (!html) {
    return adapters::Problem(500, "/problems/internal", "Internal error", html.error().message);
  }
  HttpResponse r;
  r.status = status;
  r.content_type = "text/html; charset=utf-8";
  r.body = std::move(*html);
  return r;
}

HttpResponse WebApp::ErrorPage(Visit& visit, unsigned status, const std::string& title,
                               const std::string& message) {
  Data data;
  data.set("heading", title);
  data.set("message", message);
  if (visit.person_id.empty()) data.set("offer_sign_in", true);
  return Page(visit, status, title, "error", std::move(data));
}

HttpResponse WebApp::ErrorPage(Visit& visit, const Error& error) {
  const unsigned status = StatusOfError(error);
  return ErrorPage(visit, status, TitleOf(status), error.message);
}

HttpResponse WebApp::Redirect(Visit& visit, const std::string& location) {
  (void)visit;
  HttpResponse r;
  r.status = 303;
  r.content_type = "text/plain; charset=utf-8";
  r.headers.emplace_back("Location", location);
  return r;
}

std::optional<std::map<std::string, std::string>> WebApp::Form(const Visit& visit) const {
  return ParseForm(visit.request.body);
}

std::string WebApp::NewCommandId() { return "web-" + RandomToken().substr(0, 32); }

Result<v1::CommandResult> WebApp::Execute(Visit& visit, const std::string& command_id,
                                          const v1::Command& command) {
  std::string id = command_id;
  if (id.empty() || id.size() > 100) id = NewCommandId();
  return handler_->Execute({.actor = visit.person_id, .command_id = id}, command);
}

std::optional<HttpResponse> WebApp::RefuseRead(Visit& visit, engine::Action action,
                                               const std::string& unit) {
  std::optional<Error> refused;
  auto s = handler_->ReadModel([&](const engine::CouncilModel& model) {
    auto a = engine::Authorize(model, visit.person_id, {action}, unit, visit.today);
    if (!a) refused = a.error();
  });
  if (!s) return ErrorPage(visit, s.error());
  if (refused) return ErrorPage(visit, *refused);
  return std::nullopt;
}

}  // namespace goldthread::web
