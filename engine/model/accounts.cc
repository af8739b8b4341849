#include "engine/model/accounts.h"

#include <fmt/format.h>
#include <openssl/crypto.h>
#include <openssl/rand.h>

#include "store/base/hex.h"
#include "store/base/sha256.h"

namespace goldthread::engine {

Result<std::string> NewInvitationToken(std::string_view invitation_id) {
  unsigned char secret[32];
  if (RAND_bytes(secret, sizeof secret) != 1) {
    return MakeError(ErrorCode::kInternal, "the random source failed; no invitation was issued");
  }
  std::string token = fmt::format("inv_{}_", invitation_id);
  token += HexEncode(secret, sizeof secret);
  OPENSSL_cleanse(secret, sizeof secret);
  return token;
}

std::string InvitationDigest(std::string_view token) { return Sha256(token); }

Result<const Invitation*> UsableInvitation(const CouncilModel& model, std::string_view token,
                                           TimePoint now) {
  auto refuse = [](std::string_view why) {
    return MakeError(ErrorCode::kUnauthenticated, std::string(why), "invitation_token");
  };
  constexpr std::string_view kPrefix = "inv_";
  const size_t split = token.rfind('_');
  if (token.substr(0, kPrefix.size()) != kPrefix || split == std::string_view::npos ||
      split <= kPrefix.size() || token.size() - split - 1 != 64) {
    return refuse("this is not a goldthread invitation link");
  }
  const Invitation* known = model.FindInvitation(token.substr(kPrefix.size(), split - kPrefix.size()));
  const std::string digest = InvitationDigest(token);
  if (known == nullptr || known->token_sha256.size() != digest.size() ||
      CRYPTO_memcmp(known->token_sha256.data(), digest.data(), digest.size()) != 0) {
    return refuse("this invitation link is not recognised; ask an administrator for a new one");
  }
  if (known->used) {
    return refuse("this invitation link has been used already; sign in with your password");
  }
  const Account* account = model.FindAccount(known->person_id);
  if (account != nullptr && account->latest_invitation_id != known->id) {
    return refuse("a newer invitation replaced this link; use the latest one you were sent");
  }
  if (now >= known->expires_at) {
    return refuse("this invitation link has expired; ask an administrator for a new one");
  }
  return known;
}

}  // namespace goldthread::engine
