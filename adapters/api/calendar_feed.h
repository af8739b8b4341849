// The private calendar feed route: GET /api/v1/calendars/{feed_token}.ics answers the token's
// person's deadlines as iCalendar (adapters/ical.h), for a calendar client to subscribe to.
//
// The token in the URL is the only credential (calendar clients send no headers), so:
//   - it is a calendar feed token (engine/calendar_feed_tokens.h), good for nothing else, and
//     revocable and expiring like an API token;
//   - the route is added with Router::AddSecretPath: the access log shows
//     "/api/v1/calendars/{feed}", never the token; nothing else here logs it;
//   - an unknown, revoked or expired token, or a path not ending ".ics", is one 404 with the
//     same body, so the URL space reveals nothing;
//   - the answer is `Cache-Control: private, max-age=900` and `Referrer-Policy: no-referrer`.
//
//   RegisterCalendarFeed(router, handler_, options_.read_models,
//                        [this](std::function<void()> work) { pool_->Post(std::move(work)); });
//
// Threading: register before the server starts. The handler runs on an I/O thread and hands
// the store work to `run_off_io` (the API's worker pool); it answers from there, with a 500
// problem document if the work throws. `handler` and
// `reads` are not owned and must outlive the server.
#ifndef GOLDTHREAD_ADAPTERS_API_CALENDAR_FEED_H_
#define GOLDTHREAD_ADAPTERS_API_CALENDAR_FEED_H_

#include <functional>
#include <optional>

#include "adapters/http/http_types.h"
#include "engine/command/command_handler.h"
#include "engine/read/read_models.h"

namespace goldthread::adapters {

// Adds the route to `router`. With `reads` null the route answers 503. `refuse`, when set, is
// asked first with the client's address and may answer instead (the API's per-address limit
// on reads without a bearer token: 429).
void RegisterCalendarFeed(
    Router* router, engine::CommandHandler* handler, engine::ReadModels* reads,
    std::function<void(std::function<void()>)> run_off_io,
    std::function<std::optional<HttpResponse>(const std::string& remote)> refuse = {});

// The answer for one feed token (what the route sends), for tests and the CLI.
HttpResponse CalendarFeedResponse(engine::CommandHandler& handler, engine::ReadModels* reads,
                                  std::string_view feed_file);

}  // namespace goldthread::adapters

#endif  // GOLDTHREAD_ADAPTERS_API_CALENDAR_FEED_H_
