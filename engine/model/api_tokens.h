// API tokens: issuing them (the secret) and recognising them (authentication).
//
// A token is "gt_<token id>_<secret>", where the secret is 64 hex digits of 256 random bits.
// Only SHA-256 of the whole token is recorded (ApiTokenIssued); the token id in the clear lets
// the holder be found without scanning, and the digest is compared in constant time.
//
// Pure functions over a CouncilModel (or none); thread-safe while the model is not changing.
#ifndef GOLDTHREAD_ENGINE_MODEL_API_TOKENS_H_
#define GOLDTHREAD_ENGINE_MODEL_API_TOKENS_H_

#include <string>
#include <string_view>

#include "engine/model/council_model.h"

namespace goldthread::engine {

// A new token for `token_id`, with a fresh secret from the OS's random source.
Result<std::string> NewApiToken(std::string_view token_id);
// SHA-256 of a token (32 bytes).
std::string ApiTokenDigest(std::string_view token);

// The person a bearer token acts as, on `now`. kUnauthenticated, saying which of missing,
// malformed, unknown, revoked or expired — never echoing the token.
Result<std::string> AuthenticateApiToken(const CouncilModel& model, std::string_view token,
                                         TimePoint now);

}  // namespace goldthread::engine

#endif  // GOLDTHREAD_ENGINE_MODEL_API_TOKENS_H_
