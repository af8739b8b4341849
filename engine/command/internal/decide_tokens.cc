// API tokens: an admin issues one for a person (the secret is returned once); an admin or the
// token's own person revokes it.
#include <fmt/format.h>
#include <google/protobuf/util/time_util.h>

#include "engine/model/api_tokens.h"
#include "engine/model/authority.h"
#include "engine/model/event_codec.h"
#include "engine/command/internal/decide.h"

namespace goldthread::engine::internal {

namespace v1 = goldthread::v1;

namespace {

Result<Decision> Issue(const DecideContext& c, const v1::IssueApiToken& cmd) {
  const uint32_t days = cmd.expires_in_days() == 0 ? 90 : cmd.expires_in_days();
  if (days > 366) return InvalidField("expires_in_days", "a token lasts at most 366 days");
  if (auto s = LimitText(cmd.label(), "label", 200); !s) return Unexpected(s.error());
  const Person* person = c.model.FindPerson(cmd.person_id());
  if (person == nullptr) {
    return MakeError(ErrorCode::kNotFound, fmt::format("there is no person '{}'", cmd.person_id()),
                     "person_id");
  }
  if (auto a = Authorize(c.model, c.command.actor, {Action::kManagePeople}, person->home_unit_id,
                         c.today);
      !a) {
    return Unexpected(a.error());
  }
  const std::string id = DerivedId("T-", c.command.command_id);
  auto token = NewApiToken(id);
  if (!token) return Unexpected(token.error());
  v1::Event e;
  auto* t = e.mutable_api_token_issued();
  t->set_token_id(id);
  t->set_person_id(cmd.person_id());
  t->set_token_sha256(ApiTokenDigest(*token));
  *t->mutable_expires_at() = google::protobuf::util::TimeUtil::MicrosecondsToTimestamp(
      (c.now + std::chrono::hours(24 * days)).time_since_epoch().count());
  t->set_label(cmd.label());
  return Decision{.events = {std::move(e)}, .created_id = id, .secret = *token};
}

Result<Decision> Revoke(const DecideContext& c, const v1::RevokeApiToken& cmd) {
  if (auto s = LimitText(cmd.reason(), "reason", 2000); !s) return Unexpected(s.error());
  const ApiToken* token = c.model.FindToken(cmd.token_id());
  if (token == nullptr) {
    return MakeError(ErrorCode::kNotFound, fmt::format("there is no token '{}'", cmd.token_id()),
                     "token_id");
  }
  if (token->person_id != c.command.actor) {
    const Person* person = c.model.FindPerson(token->person_id);
    if (auto a = Authorize(c.model, c.command.actor, {Action::kManagePeople},
                           person == nullptr ? c.model.council_id() : person->home_unit_id,
                           c.today);
        !a) {
      return Unexpected(a.error());
    }
  }
  if (token->revoked) {
    return MakeError(ErrorCode::kFailedPrecondition,
                     fmt::format("token '{}' is already revoked", cmd.token_id()));
  }
  v1::Event e;
  e.mutable_api_token_revoked()->set_token_id(cmd.token_id());
  e.mutable_api_token_revoked()->set_reason(cmd.reason());
  return Decision{.events = {std::move(e)}};
}

}  // namespace

Result<Decision> DecideTokens(const DecideContext& c, const v1::Command& command) {
  switch (command.body_case()) {
    case v1::Command::kIssueApiToken:
      return Issue(c, command.issue_api_token());
    case v1::Command::kRevokeApiToken:
      return Revoke(c, command.revoke_api_token());
    default:
      return MakeError(ErrorCode::kInternal, "not a token command");
  }
}

}  // namespace goldthread::engine::internal
