// Web sign-in accounts: invitation links and what the model knows of a person's password.
//
// An invitation is "inv_<invitation id>_<64 hex digits>" (256 random bits), shown once to the
// administrator who issued it and e-mailed to the person; only its SHA-256 is recorded
// (InvitationIssued). It sets a password once, within 72 hours, and only while it is the
// person's latest invitation. Passwords themselves are hashed by the web adapter (Argon2id);
// the engine only ever sees and records the hash.
//
// Pure functions over a CouncilModel; thread-safe while the model is not changing.
#ifndef GOLDTHREAD_ENGINE_MODEL_ACCOUNTS_H_
#define GOLDTHREAD_ENGINE_MODEL_ACCOUNTS_H_

#include <chrono>
#include <string>
#include <string_view>

#include "engine/model/council_model.h"

namespace goldthread::engine {

// How long an invitation link may be used.
inline constexpr std::chrono::hours kInvitationLifetime{72};

// A new invitation token for `invitation_id`, from the OS's random source.
Result<std::string> NewInvitationToken(std::string_view invitation_id);
// SHA-256 of an invitation token (32 bytes).
std::string InvitationDigest(std::string_view token);

// The invitation `token` stands for, usable on `now`. kUnauthenticated saying which of
// malformed, unknown, used, replaced by a newer invitation or expired — never echoing the token.
Result<const Invitation*> UsableInvitation(const CouncilModel& model, std::string_view token,
                                           TimePoint now);

}  // namespace goldthread::engine

#endif  // GOLDTHREAD_ENGINE_MODEL_ACCOUNTS_H_
