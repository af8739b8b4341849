// WebApp: goldthread's web interface — server-rendered HTML pages at `/`, on the same HTTP
// server and engine as the JSON API under /api/v1.
//
// Pages are rendered on the server from the read models (templates.h) and submitted as ordinary
// HTML forms to handlers that run the same CommandHandler commands as the API, decided by the
// same deciders and the same authority table: one engine, one set of rules. Every page works
// without JavaScript; GOV.UK Frontend's script only improves some components.
//
// Per request, on the worker pool (never an I/O thread): find the session from its cookie
// (sessions.h), send a page that needs a signed-in person to /sign-in when there is none, check
// a POST's CSRF token against the session's (403, nothing written, when it is missing or
// wrong), then the page. Every answer carries the security headers: a Content-Security-Policy
// allowing no inline script or style and no framing, X-Content-Type-Options: nosniff,
// Referrer-Policy: no-referrer (invitation links carry a secret), and Cache-Control: no-store
// for pages. Refusals are pages a person can act on (403 says what role it needs, 404 what was
// not found), never JSON.
//
// Threading: Register once before the server starts; handlers post to the pool. The handler
// and read models are not owned and must outlive the WebApp.
#ifndef GOLDTHREAD_ADAPTERS_WEB_WEB_APP_H_
#define GOLDTHREAD_ADAPTERS_WEB_WEB_APP_H_

#include <memory>
#include <functional>
#include <optional>
#include <string>

#include "adapters/http/http_types.h"
#include "adapters/http/worker_pool.h"
#include "adapters/web/sessions.h"
#include "adapters/web/sign_in_throttle.h"
#include "adapters/web/static_assets.h"
#include "adapters/web/templates.h"
#include "engine/command/command_handler.h"
#include "engine/model/authority.h"
#include "engine/read/read_models.h"

namespace goldthread::web {

// The HTTP status a page answers for an engine error (400, 403, 404, 409, ...).
unsigned StatusOfError(const Error& error);

struct WebOptions {
  // The folder holding templates/ and static/ (share/goldthread/web). Required.
  std::string web_dir;
  SessionOptions sessions;
  SignInThrottleOptions throttle;
  // The timetables cycles run on (for the timetable pages); may be empty.
  engine::TimetableProvider timetables;
  // `serve --simulate`: pages say the clock is simulated. Default: false.
  bool simulated_clock = false;
  // Threads rendering pages. Default: 8.
  int worker_threads = 8;
  // Signs a checkpoint of the log's first `size` events (docs/VERIFYING.md), which the trail
  // page and its downloads carry. Default: none (the trail says the server holds no key).
  std::function<Result<std::string>(uint64_t size)> sign_checkpoint;
};

// One request as the pages see it: who is asking (from the session) and what to add to the
// answer.
struct Visit {
  adapters::HttpRequest& request;
  std::string session_id;
  std::optional<Session> session;
  // The signed-in person, or "" for a visitor.
  std::string person_id;
  std::string person_name;
  // Set-Cookie values to send.
  std::vector<std::string> cookies;
  // Today on the engine's clock (Europe/London).
  engine::LocalDay today;
};

class WebApp {
 public:
  // Loads the templates and static files under options.web_dir. kNotFound / kInvalidArgument
  // naming the file when one is missing or does not parse.
  static Result<std::unique_ptr<WebApp>> Create(engine::CommandHandler* handler,
                                                engine::ReadModels* reads, WebOptions options);
  ~WebApp();
  WebApp(const WebApp&) = delete;
  WebApp& operator=(const WebApp&) = delete;

  // Adds every page and /assets/ to `router`.
  void Register(adapters::Router* router);
  // Waits for pages in flight (after the server stopped).
  void Drain();

 private:
  WebApp(engine::CommandHandler* handler, engine::ReadModels* reads, WebOptions options);

  enum class Access { kAnyone, kSignedIn };
  using PageFn = std::function<adapters::HttpResponse(Visit&)>;
  // A page route: on the pool, session found, sign-in required when kSignedIn, CSRF checked
  // for POST, security headers added.
  void AddPage(adapters::Router* router, boost::beast::http::verb method, const char* pattern,
               const char* name, Access access, PageFn page);
  adapters::HttpResponse Serve(adapters::HttpRequest& request, Access access, const PageFn& page);
  adapters::HttpResponse Asset(const adapters::HttpRequest& request);

  // Rendering (web_app.cc).
  // `body_template` rendered with `data`, inside the layout titled `title`.
  adapters::HttpResponse Page(Visit& visit, unsigned status, const std::string& title,
                              const std::string& body_template, Data data);
  adapters::HttpResponse ErrorPage(Visit& visit, unsigned status, const std::string& title,
                                   const std::string& message);
  adapters::HttpResponse ErrorPage(Visit& visit, const Error& error);
  adapters::HttpResponse Redirect(Visit& visit, const std::string& location);
  // The form fields of a POST; nullopt when the body is not a form.
  std::optional<std::map<std::string, std::string>> Form(const Visit& visit) const;
  // A fresh idempotency key for a form (a double-click repeats the command, written once).
  static std::string NewCommandId();
  // Runs `command` as the visitor, with the form's command id.
  Result<goldthread::v1::CommandResult> Execute(Visit& visit, const std::string& command_id,
                                                const goldthread::v1::Command& command);
  // A 403 page when the visitor may not do the read `action` on `unit` today.
  std::optional<adapters::HttpResponse> RefuseRead(Visit& visit, engine::Action action,
                                                   const std::string& unit);
  // The council's name for the header.
  std::string CouncilName();

  // Pages, by file.
  void RegisterAccountPages(adapters::Router* router);  // pages_account.cc
  adapters::HttpResponse GetSignIn(Visit& visit);
  adapters::HttpResponse PostSignIn(Visit& visit);
  adapters::HttpResponse PostSignOut(Visit& visit);
  adapters::HttpResponse GetInvitation(Visit& visit);
  adapters::HttpResponse PostInvitation(Visit& visit);
  adapters::HttpResponse GetPeople(Visit& visit);
  adapters::HttpResponse PostInvite(Visit& visit);
  adapters::HttpResponse SignInForm(Visit& visit, unsigned status, const std::string& email,
                                    const std::string& next, List errors);

  void RegisterWorkPages(adapters::Router* router);  // pages_work.cc
  adapters::HttpResponse GetMyWork(Visit& visit);

  void RegisterFigurePages(adapters::Router* router);  // pages_figure.cc
  adapters::HttpResponse GetFigure(Visit& visit);
  adapters::HttpResponse PostFigure(Visit& visit);
  adapters::HttpResponse GetSignOff(Visit& visit);
  adapters::HttpResponse PostSignOff(Visit& visit);
  adapters::HttpResponse GetHistory(Visit& visit);
  adapters::HttpResponse FigureForm(Visit& visit, unsigned status,
                                    const std::map<std::string, std::string>& values, List errors);
  adapters::HttpResponse SignOffForm(Visit& visit, unsigned status,
                                     const std::map<std::string, std::string>& values, List errors);

  void RegisterReadPages(adapters::Router* router);  // pages_reads.cc
  adapters::HttpResponse GetScorecardChooser(Visit& visit, bool published);
  adapters::HttpResponse GetScorecardPage(Visit& visit, bool published);
  // The period a chooser starts at: the newest cycle opened, else the last quarter ended.
  std::string DefaultPeriod(Visit& visit);

  void RegisterTrailPages(adapters::Router* router);  // pages_trail.cc
  adapters::HttpResponse GetCycles(Visit& visit);
  adapters::HttpResponse GetCycle(Visit& visit);
  adapters::HttpResponse GetTrail(Visit& visit);
  std::string CouncilId();

  engine::CommandHandler* const handler_;
  engine::ReadModels* const reads_;
  const WebOptions options_;
  std::unique_ptr<TemplateSet> templates_;
  std::unique_ptr<StaticAssets> assets_;
  SessionStore sessions_;
  SignInThrottle throttle_;
  std::unique_ptr<adapters::WorkerPool> pool_;
};

}  // namespace goldthread::web

#endif  // GOLDTHREAD_ADAPTERS_WEB_WEB_APP_H_
