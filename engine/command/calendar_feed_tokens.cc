#include "engine/command/calendar_feed_tokens.h"

#include <fmt/format.h>
#include <openssl/crypto.h>
#include <openssl/rand.h>

#include "engine/model/api_tokens.h"
#include "engine/model/event_codec.h"

namespace goldthread::engine {
namespace {

namespace v1 = goldthread::v1;

constexpr std::string_view kPrefix = "gtcal_";
constexpr char kOperator[] = "system/operator";

}  // namespace

Result<v1::CommandResult> IssueCalendarFeedAsOperator(CommandHandler& handler,
                                                      const std::string& person_id, uint32_t days) {
  if (days == 0 || days > 366) return InvalidField("days", "a feed token lasts 1 to 366 days");
  bool known = false;
  if (auto s = handler.ReadModel(
          [&](const CouncilModel& model) { known = model.FindPerson(person_id) != nullptr; });
      !s) {
    return Unexpected(s.error());
  }
  if (!known) {
    return MakeError(ErrorCode::kNotFound, fmt::format("there is no person '{}'", person_id),
                     "person_id");
  }
  unsigned char nonce[16];
  if (RAND_bytes(nonce, sizeof nonce) != 1) {
    return MakeError(ErrorCode::kInternal, "the random source failed");
  }
  const std::string id = DerivedId("C-", std::string(reinterpret_cast<char*>(nonce), 16));
  auto api_form = NewApiToken(id);  // "gt_<id>_<secret>"
  if (!api_form) return Unexpected(api_form.error());
  const std::string token = std::string(kPrefix) + api_form->substr(3);
  OPENSSL_cleanse(api_form->data(), api_form->size());
  v1::Event e;
  auto* t = e.mutable_api_token_issued();
  t->set_token_id(id);
  t->set_person_id(person_id);
  t->set_token_sha256(ApiTokenDigest(token));
  t->mutable_expires_at()->set_seconds(
      std::chrono::duration_cast<std::chrono::seconds>(
          (handler.clock().Now() + std::chrono::hours(24 * days)).time_since_epoch())
          .count());
  t->set_label(kCalendarFeedLabel);
  const std::string stream = TokenStream(handler.options().tenant, id);
  auto r = handler.store().Append({.stream = stream,
                                   .expected = store::ExpectedVersion::NoStream(),
                                   .events = {EncodeEvent(e)},
                                   .actor = kOperator});
  if (!r) return Unexpected(r.error());
  v1::CommandResult result;
  result.set_stream(stream);
  result.set_first_position(r->first_position);
  result.set_last_position(r->last_position);
  result.set_stream_version(r->stream_version);
  result.set_created_id(id);
  result.set_secret(token);
  return result;
}

Status RevokeCalendarFeedAsOperator(CommandHandler& handler, const std::string& token_id,
                                    const std::string& reason) {
  std::optional<bool> revoked;  // unset: no such token
  if (auto s = handler.ReadModel([&](const CouncilModel& model) {
        if (const ApiToken* t = model.FindToken(token_id)) revoked = t->revoked;
      });
      !s) {
    return s;
  }
  if (!revoked) {
    return MakeError(ErrorCode::kNotFound, fmt::format("there is no token '{}'", token_id),
                     "token_id");
  }
  if (*revoked) {
    return MakeError(ErrorCode::kFailedPrecondition,
                     fmt::format("token '{}' is already revoked", token_id));
  }
  v1::Event e;
  e.mutable_api_token_revoked()->set_token_id(token_id);
  e.mutable_api_token_revoked()->set_reason(reason);
  auto r = handler.store().Append({.stream = TokenStream(handler.options().tenant, token_id),
                                   .events = {EncodeEvent(e)},
                                   .actor = kOperator});
  if (!r) return Unexpected(r.error());
  return OkStatus();
}

Result<std::string> AuthenticateCalendarFeed(CommandHandler& handler, std::string_view token) {
  auto refuse = [] {
    return MakeError(ErrorCode::kUnauthenticated,
                     "this calendar link is not valid (it may have been revoked or have "
                     "expired): ask for a new one",
                     "token");
  };
  // gtcal_<id>_<64 hex>
  if (token.size() < kPrefix.size() + 1 + 1 + 64 || !token.starts_with(kPrefix)) return refuse();
  const size_t split = token.rfind('_');
  if (split <= kPrefix.size() || token.size() - split - 1 != 64) return refuse();
  const std::string_view id = token.substr(kPrefix.size(), split - kPrefix.size());
  const std::string digest = ApiTokenDigest(token);
  const TimePoint now = handler.clock().Now();
  std::optional<std::string> person;
  if (auto s = handler.ReadModel([&](const CouncilModel& model) {
        const ApiToken* known = model.FindToken(id);
        if (known == nullptr || known->token_sha256.size() != digest.size() ||
            CRYPTO_memcmp(known->token_sha256.data(), digest.data(), digest.size()) != 0 ||
            known->revoked || now >= known->expires_at) {
          return;
        }
        person = known->person_id;
      });
      !s) {
    return Unexpected(s.error());
  }
  if (!person) return refuse();
  return *person;
}

}  // namespace goldthread::engine
