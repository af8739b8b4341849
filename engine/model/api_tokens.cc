#include "engine/model/api_tokens.h"

#include <fmt/format.h>
#include <openssl/crypto.h>
#include <openssl/rand.h>

#include "store/base/hex.h"
#include "store/base/sha256.h"

namespace goldthread::engine {

Result<std::string> NewApiToken(std::string_view token_id) {
  unsigned char secret[32];
  if (RAND_bytes(secret, sizeof secret) != 1) {
    return MakeError(ErrorCode::kInternal, "the random source failed; no token was issued");
  }
  std::string token = fmt::format("gt_{}_", token_id);
  token += HexEncode(secret, sizeof secret);
  OPENSSL_cleanse(secret, sizeof secret);
  return token;
}

std::string ApiTokenDigest(std::string_view token) {
  return Sha256(token);
}

Result<std::string> AuthenticateApiToken(const CouncilModel& model, std::string_view token,
                                         TimePoint now) {
  auto refuse = [](std::string_view why) {
    return MakeError(ErrorCode::kUnauthenticated, std::string(why), "Authorization");
  };
  if (token.empty()) return refuse("no bearer token: send Authorization: Bearer <token>");
  // gt_<id>_<64 hex>
  if (token.size() < 3 + 1 + 64 + 1 || token.substr(0, 3) != "gt_") {
    return refuse("the bearer token is not a goldthread token");
  }
  const size_t split = token.rfind('_');
  if (split == std::string_view::npos || split <= 3 || token.size() - split - 1 != 64) {
    return refuse("the bearer token is not a goldthread token");
  }
  const std::string_view id = token.substr(3, split - 3);
  const ApiToken* known = model.FindToken(id);
  const std::string digest = ApiTokenDigest(token);
  if (known == nullptr || known->token_sha256.size() != digest.size() ||
      CRYPTO_memcmp(known->token_sha256.data(), digest.data(), digest.size()) != 0) {
    return refuse("the bearer token is not recognised");
  }
  if (known->revoked) return refuse("the bearer token has been revoked");
  if (now >= known->expires_at) return refuse("the bearer token has expired; ask for a new one");
  return known->person_id;
}

}  // namespace goldthread::engine
