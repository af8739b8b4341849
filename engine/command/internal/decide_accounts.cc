// Web sign-in accounts: an admin invites a person; the person sets a password with the
// invitation; the web adapter records sign-ins, sign-outs and failures. The password is hashed
// by the adapter and never reaches the engine.
#include <fmt/format.h>
#include <google/protobuf/util/time_util.h>

#include "engine/command/internal/decide.h"
#include "engine/model/accounts.h"
#include "engine/model/authority.h"
#include "engine/model/event_codec.h"

namespace goldthread::engine::internal {

namespace v1 = goldthread::v1;

namespace {

constexpr size_t kMaxAddress = 100;
constexpr size_t kMaxUserAgent = 500;

Result<Decision> Invite(const DecideContext& c, const v1::InvitePerson& cmd) {
  const Person* person = c.model.FindPerson(cmd.person_id());
  if (person == nullptr) {
    return MakeError(ErrorCode::kNotFound, fmt::format("there is no person '{}'", cmd.person_id()),
                     "person_id");
  }
  // The operator holding the data folder invites the first administrator, who has no one to
  // invite them.
  if (c.command.actor != kOperatorActor) {
    if (auto a = Authorize(c.model, c.command.actor, {Action::kManagePeople},
                           person->home_unit_id, c.today);
        !a) {
      return Unexpected(a.error());
    }
  }
  if (person->email.empty()) {
    return MakeError(ErrorCode::kFailedPrecondition,
                     fmt::format("{} has no e-mail address to sign in with; record one first",
                                 person->name),
                     "person_id");
  }
  const std::string id = DerivedId("I-", c.command.command_id);
  auto token = NewInvitationToken(id);
  if (!token) return Unexpected(token.error());
  v1::Event e;
  auto* i = e.mutable_invitation_issued();
  i->set_invitation_id(id);
  i->set_person_id(cmd.person_id());
  i->set_token_sha256(InvitationDigest(*token));
  *i->mutable_expires_at() = google::protobuf::util::TimeUtil::MicrosecondsToTimestamp(
      std::chrono::duration_cast<std::chrono::microseconds>(
          (c.now + kInvitationLifetime).time_since_epoch())
          .count());
  return Decision{.events = {std::move(e)}, .created_id = id, .secret = *token};
}

Result<Decision> SetPassword(const DecideContext& c, const v1::SetPassword& cmd) {
  // Argon2id in libsodium's string form; anything else is not what the adapter sends.
  if (cmd.password_hash().rfind("$argon2id$", 0) != 0 || cmd.password_hash().size() > 256) {
    return InvalidField("password_hash", "the password hash is not an Argon2id hash");
  }
  auto invitation = UsableInvitation(c.model, cmd.invitation_token(), c.now);
  if (!invitation) return Unexpected(invitation.error());
  if ((*invitation)->person_id != cmd.person_id() || c.command.actor != cmd.person_id()) {
    return MakeError(ErrorCode::kPermissionDenied,
                     "this invitation is for someone else: only its person may use it",
                     "invitation_token");
  }
  return One([&](v1::Event& e) {
    auto* p = e.mutable_password_set();
    p->set_person_id(cmd.person_id());
    p->set_invitation_id((*invitation)->id);
    p->set_password_hash(cmd.password_hash());
  });
}

// The actor must be a person with a password: only they can have signed in or out.
Status RequireAccount(const DecideContext& c) {
  const Account* account = c.model.FindAccount(c.command.actor);
  if (account == nullptr || account->password_hash.empty()) {
    return MakeError(ErrorCode::kFailedPrecondition,
                     fmt::format("'{}' has no web account", c.command.actor));
  }
  return OkStatus();
}

Result<Decision> SignIn(const DecideContext& c, const v1::RecordSignIn& cmd) {
  if (auto s = LimitText(cmd.remote_address(), "remote_address", kMaxAddress); !s) {
    return Unexpected(s.error());
  }
  if (auto s = RequireAccount(c); !s) return Unexpected(s.error());
  return One([&](v1::Event& e) {
    auto* s = e.mutable_signed_in();
    s->set_person_id(c.command.actor);
    s->set_remote_address(cmd.remote_address());
    s->set_user_agent(cmd.user_agent().substr(0, kMaxUserAgent));
  });
}

Result<Decision> SignOut(const DecideContext& c, const v1::RecordSignOut& cmd) {
  if (cmd.reason() == v1::SIGN_OUT_REASON_UNSPECIFIED || !v1::SignOutReason_IsValid(cmd.reason())) {
    return InvalidField("reason", "say why the session ended");
  }
  if (auto s = LimitText(cmd.remote_address(), "remote_address", kMaxAddress); !s) {
    return Unexpected(s.error());
  }
  if (auto s = RequireAccount(c); !s) return Unexpected(s.error());
  return One([&](v1::Event& e) {
    auto* s = e.mutable_signed_out();
    s->set_person_id(c.command.actor);
    s->set_reason(cmd.reason());
    s->set_remote_address(cmd.remote_address());
  });
}

Result<Decision> SignInFailure(const DecideContext& c, const v1::RecordSignInFailure& cmd) {
  if (c.command.actor != kWebSystemActor) {
    return MakeError(ErrorCode::kPermissionDenied,
                     "only the web interface records failed sign-ins");
  }
  if (auto s = RequireText(cmd.reason(), "reason", 200); !s) return Unexpected(s.error());
  if (auto s = LimitText(cmd.remote_address(), "remote_address", kMaxAddress); !s) {
    return Unexpected(s.error());
  }
  if (!cmd.person_id().empty() && c.model.FindPerson(cmd.person_id()) == nullptr) {
    return MakeError(ErrorCode::kNotFound, fmt::format("there is no person '{}'", cmd.person_id()),
                     "person_id");
  }
  return One([&](v1::Event& e) {
    auto* f = e.mutable_sign_in_failed();
    f->set_email(cmd.email().substr(0, 254));
    f->set_person_id(cmd.person_id());
    f->set_remote_address(cmd.remote_address());
    f->set_reason(cmd.reason());
  });
}

}  // namespace

Result<Decision> DecideAccounts(const DecideContext& c, const v1::Command& command) {
  switch (command.body_case()) {
    case v1::Command::kInvitePerson:
      return Invite(c, command.invite_person());
    case v1::Command::kSetPassword:
      return SetPassword(c, command.set_password());
    case v1::Command::kRecordSignIn:
      return SignIn(c, command.record_sign_in());
    case v1::Command::kRecordSignOut:
      return SignOut(c, command.record_sign_out());
    case v1::Command::kRecordSignInFailure:
      return SignInFailure(c, command.record_sign_in_failure());
    default:
      return MakeError(ErrorCode::kInternal, "not an account command");
  }
}

}  // namespace goldthread::engine::internal
