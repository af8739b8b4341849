// Signing in and out, setting a password from an invitation, and inviting people.
//
//   GET  /sign-in[?next=/path]     the form          POST /sign-in     check, start a session
//   POST /sign-out                 end the session
//   GET  /set-password?invitation=<token>            POST /set-password
//   GET  /people                   people and their accounts (admins)
//   POST /people/{person_id}/invitations             invite (shows the one-time link)
//
// A sign-in replaces the visitor's session with a new one (the id rotates). Wrong passwords,
// unknown addresses and refusals while throttled look the same to the visitor ("The e-mail
// address or password is not right") and are recorded as SignInFailed; the password is never
// logged or recorded, only its Argon2id hash when it is set.
#include <fmt/format.h>

#include "adapters/web/form.h"
#include "adapters/web/password.h"
#include "adapters/web/view.h"
#include "adapters/web/web_app.h"
#include "engine/model/accounts.h"
#include "engine/model/authority.h"

namespace goldthread::web {

namespace v1 = goldthread::v1;
using adapters::HttpResponse;
using boost::beast::http::verb;

namespace {

constexpr size_t kMinPassword = 10;
constexpr size_t kMaxPassword = 128;

// Only a path on this site: never "//evil.example" or "https://...".
std::string SafeNext(const std::string& next) {
  if (next.size() < 1 || next[0] != '/' || (next.size() > 1 && (next[1] == '/' || next[1] == '\\'))) {
    return "/my-work";
  }
  return next;
}

// The address a person signs in from, for the record.
std::string RemoteOf(const adapters::HttpRequest& request) { return request.remote; }

}  // namespace

void WebApp::RegisterAccountPages(adapters::Router* router) {
  AddPage(router, verb::get, "/sign-in", "web_sign_in", Access::kAnyone,
          [this](Visit& v) { return GetSignIn(v); });
  AddPage(router, verb::post, "/sign-in", "web_sign_in", Access::kAnyone,
          [this](Visit& v) { return PostSignIn(v); });
  AddPage(router, verb::post, "/sign-out", "web_sign_out", Access::kAnyone,
          [this](Visit& v) { return PostSignOut(v); });
  AddPage(router, verb::get, "/set-password", "web_set_password", Access::kAnyone,
          [this](Visit& v) { return GetInvitation(v); });
  AddPage(router, verb::post, "/set-password", "web_set_password", Access::kAnyone,
          [this](Visit& v) { return PostInvitation(v); });
  AddPage(router, verb::get, "/people", "web_people", Access::kSignedIn,
          [this](Visit& v) { return GetPeople(v); });
  AddPage(router, verb::post, "/people/{person_id}/invitations", "web_invite", Access::kSignedIn,
          [this](Visit& v) { return PostInvite(v); });
}

HttpResponse WebApp::SignInForm(Visit& visit, unsigned status, const std::string& email,
                                const std::string& next, List errors) {
  Data data;
  data.set("email", email);
  data.set("next", next);
  if (!errors.empty()) {
    data.set("errors", errors);
    data.set("has_errors", true);
  }
  return Page(visit, status, errors.empty() ? "Sign in" : "Error: Sign in", "sign_in",
              std::move(data));
}

HttpResponse WebApp::GetSignIn(Visit& visit) {
  if (!visit.person_id.empty()) return Redirect(visit, "/my-work");
  auto it = visit.request.query.find("next");
  return SignInForm(visit, 200, "", SafeNext(it == visit.request.query.end() ? "" : it->second),
                    {});
}

HttpResponse WebApp::PostSignIn(Visit& visit) {
  auto form = Form(visit);
  std::string email = (*form)["email"];
  const std::string password = (*form)["password"];
  const std::string next = SafeNext((*form)["next"]);
  while (!email.empty() && std::isspace(static_cast<unsigned char>(email.back()))) email.pop_back();
  while (!email.empty() && std::isspace(static_cast<unsigned char>(email.front()))) {
    email.erase(email.begin());
  }
  List errors;
  if (email.empty()) errors.push_back(ErrorItem("email", "Enter your e-mail address"));
  if (password.empty()) errors.push_back(ErrorItem("password", "Enter your password"));
  if (!errors.empty()) return SignInForm(visit, 400, email, next, std::move(errors));
  if (email.size() > 254 || password.size() > kMaxPassword) {
    errors.push_back(ErrorItem("email", "The e-mail address or password is not right"));
    return SignInForm(visit, 400, email.substr(0, 254), next, std::move(errors));
  }
  const std::string remote = RemoteOf(visit.request);
  std::string lowered = email;
  for (char& c : lowered) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));

  auto record_failure = [&](const std::string& person, const std::string& reason) {
    throttle_.RecordFailure(lowered, remote);
    v1::Command c;
    auto* f = c.mutable_record_sign_in_failure();
    f->set_email(lowered);
    f->set_person_id(person);
    f->set_remote_address(remote);
    f->set_reason(reason);
    (void)handler_->Execute({.actor = engine::kWebSystemActor, .command_id = NewCommandId()}, c);
  };

  std::string person_id;
  std::string stored_hash;
  (void)handler_->ReadModel([&](const engine::CouncilModel& model) {
    if (const engine::Person* p = model.FindPersonByEmail(lowered)) {
      person_id = p->id;
      if (const engine::Account* a = model.FindAccount(p->id)) stored_hash = a->password_hash;
    }
  });
  if (const long wait = throttle_.RetryAfterSeconds(lowered, remote); wait > 0) {
    record_failure(person_id, "locked out after too many failed attempts");
    errors.push_back(ErrorItem(
        "email", fmt::format("Too many failed attempts to sign in. Wait {} minute{} and try again",
                             (wait + 59) / 60, (wait + 59) / 60 == 1 ? "" : "s")));
    HttpResponse r = SignInForm(visit, 429, email, next, std::move(errors));
    r.headers.emplace_back("Retry-After", std::to_string(wait));
    return r;
  }

  // Check a password even when there is none to check, so the time taken does not tell
  // whether the address has an account.
  static const std::string kDummy = HashPassword("goldthread-no-account").value_or("");
  const bool ok = VerifyPassword(stored_hash.empty() ? kDummy : stored_hash, password) &&
                  !stored_hash.empty();
  if (!ok) {
    record_failure(person_id, person_id.empty()       ? "no account for that address"
                              : stored_hash.empty() ? "no password set"
                                                    : "wrong password");
    errors.push_back(ErrorItem("email", "The e-mail address or password is not right"));
    return SignInForm(visit, 401, email, next, std::move(errors));
  }
  throttle_.RecordSuccess(lowered);
  v1::Command c;
  c.mutable_record_sign_in()->set_remote_address(remote);
  c.mutable_record_sign_in()->set_user_agent(visit.request.Header("user-agent"));
  if (auto r = handler_->Execute({.actor = person_id, .command_id = NewCommandId()}, c); !r) {
    return ErrorPage(visit, r.error());
  }
  // Rotate: the anonymous session (and any id planted in the browser) ends here.
  sessions_.End(visit.session_id);
  visit.session_id = sessions_.Start(person_id);
  visit.session = sessions_.Find(visit.session_id);
  visit.person_id = person_id;
  visit.cookies.push_back(SetCookie(
      kSessionCookie, visit.session_id,
      {.secure = visit.request.Header("x-forwarded-proto") == "https"}));
  return Redirect(visit, next);
}

HttpResponse WebApp::PostSignOut(Visit& visit) {
  const std::string person = sessions_.End(visit.session_id);
  if (!person.empty()) {
    v1::Command c;
    c.mutable_record_sign_out()->set_reason(v1::SIGN_OUT_REASON_REQUESTED);
    c.mutable_record_sign_out()->set_remote_address(RemoteOf(visit.request));
    (void)handler_->Execute({.actor = person, .command_id = NewCommandId()}, c);
  }
  visit.session.reset();
  visit.session_id.clear();
  visit.person_id.clear();
  visit.cookies.push_back(SetCookie(kSessionCookie, "", {.max_age_seconds = -1}));
  return Redirect(visit, "/sign-in?signed_out=1");
}

namespace {
struct InvitationView {
  std::string person_id;
  std::string name;
  std::string email;
};
}  // namespace

HttpResponse WebApp::GetInvitation(Visit& visit) {
  auto it = visit.request.query.find("invitation");
  const std::string token = it == visit.request.query.end() ? "" : it->second;
  std::optional<Error> refused;
  InvitationView view;
  (void)handler_->ReadModel([&](const engine::CouncilModel& model) {
    auto inv = engine::UsableInvitation(model, token, handler_->clock().Now());
    if (!inv) {
      refused = inv.error();
      return;
    }
    view.person_id = (*inv)->person_id;
    if (const engine::Person* p = model.FindPerson(view.person_id)) {
      view.name = p->name;
      view.email = p->email;
    }
  });
  if (refused) return ErrorPage(visit, 400, "This invitation link cannot be used", refused->message);
  Data data;
  data.set("invitation", token);
  data.set("name", view.name);
  data.set("email", view.email);
  data.set("min_length", std::to_string(kMinPassword));
  return Page(visit, 200, "Set your password", "set_password", std::move(data));
}

HttpResponse WebApp::PostInvitation(Visit& visit) {
  auto form = Form(visit);
  const std::string token = (*form)["invitation"];
  const std::string password = (*form)["password"];
  const std::string confirm = (*form)["confirm_password"];
  InvitationView view;
  std::optional<Error> refused;
  (void)handler_->ReadModel([&](const engine::CouncilModel& model) {
    auto inv = engine::UsableInvitation(model, token, handler_->clock().Now());
    if (!inv) {
      refused = inv.error();
      return;
    }
    view.person_id = (*inv)->person_id;
    if (const engine::Person* p = model.FindPerson(view.person_id)) {
      view.name = p->name;
      view.email = p->email;
    }
  });
  if (refused) return ErrorPage(visit, 400, "This invitation link cannot be used", refused->message);
  List errors;
  if (password.size() < kMinPassword) {
    errors.push_back(ErrorItem(
        "password", fmt::format("Password must be {} characters or more", kMinPassword)));
  } else if (password.size() > kMaxPassword) {
    errors.push_back(ErrorItem(
        "password", fmt::format("Password must be {} characters or fewer", kMaxPassword)));
  } else if (password != confirm) {
    errors.push_back(ErrorItem("confirm_password", "The passwords do not match"));
  }
  if (!errors.empty()) {
    Data data;
    data.set("invitation", token);
    data.set("name", view.name);
    data.set("email", view.email);
    data.set("min_length", std::to_string(kMinPassword));
    data.set("errors", errors);
    data.set("has_errors", true);
    return Page(visit, 400, "Error: Set your password", "set_password", std::move(data));
  }
  auto hash = HashPassword(password);
  if (!hash) return ErrorPage(visit, 500, "Sorry, there is a problem", "the password could not be hashed");
  v1::Command c;
  auto* set = c.mutable_set_password();
  set->set_person_id(view.person_id);
  set->set_invitation_token(token);
  set->set_password_hash(*hash);
  if (auto r = handler_->Execute({.actor = view.person_id, .command_id = NewCommandId()}, c); !r) {
    return ErrorPage(visit, r.error());
  }
  return Redirect(visit, "/sign-in?password_set=1");
}

HttpResponse WebApp::GetPeople(Visit& visit) {
  std::string council;
  List people;
  std::optional<Error> refused;
  (void)handler_->ReadModel([&](const engine::CouncilModel& model) {
    council = model.council_id();
    if (auto a = engine::Authorize(model, visit.person_id, {engine::Action::kManagePeople},
                                   council, visit.today);
        !a) {
      refused = a.error();
      return;
    }
    for (const auto& [id, p] : model.people()) {
      Data d;
      d.set("id", id);
      d.set("name", p.name);
      d.set("email", p.email);
      d.set("job_title", p.job_title);
      if (const engine::OrgUnit* u = model.Unit(p.home_unit_id)) d.set("unit", u->name);
      const engine::Account* a = model.FindAccount(id);
      if (a != nullptr && !a->password_hash.empty()) {
        d.set("status", "Can sign in");
        d.set("status_key", "green");
      } else if (a != nullptr) {
        d.set("status", "Invited");
        d.set("status_key", "blue");
      } else {
        d.set("status", "Not invited");
        d.set("status_key", "grey");
      }
      if (!p.email.empty()) d.set("can_invite", true);
      people.push_back(d);
    }
  });
  if (refused) return ErrorPage(visit, *refused);
  Data data;
  data.set("people", people);
  data.set("command_id", NewCommandId());
  return Page(visit, 200, "People", "people", std::move(data));
}

HttpResponse WebApp::PostInvite(Visit& visit) {
  auto form = Form(visit);
  v1::Command c;
  c.mutable_invite_person()->set_person_id(visit.request.params["person_id"]);
  auto r = Execute(visit, NewCommandId(), c);
  if (!r) return ErrorPage(visit, r.error());
  std::string host = visit.request.Header("host");
  if (host.empty()) host = "127.0.0.1";
  const std::string scheme = visit.request.Header("x-forwarded-proto") == "https" ? "https" : "http";
  std::string name;
  std::string email;
  (void)handler_->ReadModel([&](const engine::CouncilModel& model) {
    if (const engine::Person* p = model.FindPerson(visit.request.params["person_id"])) {
      name = p->name;
      email = p->email;
    }
  });
  Data data;
  data.set("name", name);
  data.set("email", email);
  data.set("link", fmt::format("{}://{}/set-password?invitation={}", scheme, host, r->secret()));
  data.set("hours", std::to_string(engine::kInvitationLifetime.count()));
  return Page(visit, 201, "Invitation created", "invited", std::move(data));
}

}  // namespace goldthread::web
