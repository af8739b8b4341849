// Calendar feed tokens: the secret in a person's private calendar URL
// (GET /api/v1/calendars/{token}.ics), which a calendar client (Outlook, Google, Apple) fetches
// without any other credential.
//
// A feed token is "gtcal_<token id>_<64 hex digits>" (256 random bits). It is recorded like an
// API token, as ApiTokenIssued with label kCalendarFeedLabel and only the SHA-256 of the whole
// string, so it is listed, expires and is revoked (RevokeApiToken, by the person or an admin,
// or RevokeCalendarFeedAsOperator) like one. It grants nothing else: as a bearer token it is
// refused (API tokens start "gt_", and the digest of any rewriting differs), and an API token
// is refused as a feed token. Never log it: the HTTP route is registered with
// Router::AddSecretPath so the access log shows the route's pattern only.
//
// Threading: as CommandHandler (any thread).
#ifndef GOLDTHREAD_ENGINE_COMMAND_CALENDAR_FEED_TOKENS_H_
#define GOLDTHREAD_ENGINE_COMMAND_CALENDAR_FEED_TOKENS_H_

#include <string>
#include <string_view>

#include "engine/command/command_handler.h"

namespace goldthread::engine {

inline constexpr char kCalendarFeedLabel[] = "calendar feed";

// For the operator's command line (`goldthread calendar-feed issue`): issues a feed token for
// a registered person, valid `days` (1-366), recorded with actor "system/operator". The
// result's `secret` is the token, shown this once; `created_id` its token id.
Result<goldthread::v1::CommandResult> IssueCalendarFeedAsOperator(CommandHandler& handler,
                                                                  const std::string& person_id,
                                                                  uint32_t days);
// Revokes a token by id (feed or API token), recorded with actor "system/operator". NotFound
// for an unknown id; FailedPrecondition when already revoked.
Status RevokeCalendarFeedAsOperator(CommandHandler& handler, const std::string& token_id,
                                    const std::string& reason);

// The person whose feed `token` opens, now. kUnauthenticated — the same message for unknown,
// malformed, revoked and expired tokens, so the URL reveals nothing — when it opens none.
Result<std::string> AuthenticateCalendarFeed(CommandHandler& handler, std::string_view token);

}  // namespace goldthread::engine

#endif  // GOLDTHREAD_ENGINE_COMMAND_CALENDAR_FEED_TOKENS_H_
