#include "adapters/api/calendar_feed.h"

#include "adapters/formats/ical.h"
#include "adapters/http/worker_pool.h"
#include "engine/command/calendar_feed_tokens.h"

namespace goldthread::adapters {
namespace {

constexpr std::string_view kSuffix = ".ics";

HttpResponse NotFound() {
  return Problem(404, "/problems/not-found", "No such calendar",
                 "this calendar link is not valid (it may have been revoked or have expired): "
                 "ask for a new one",
                 "");
}

}  // namespace

HttpResponse CalendarFeedResponse(engine::CommandHandler& handler, engine::ReadModels* reads,
                                  std::string_view feed_file) {
  if (!feed_file.ends_with(kSuffix)) return NotFound();
  const std::string_view token = feed_file.substr(0, feed_file.size() - kSuffix.size());
  auto person = engine::AuthenticateCalendarFeed(handler, token);
  if (!person) {
    if (person.error().code == ErrorCode::kUnauthenticated) return NotFound();
    return StoreUnavailable(person.error());
  }
  if (reads == nullptr) {
    return Problem(503, "/problems/unavailable", "Read models not running",
                   "the calendar is not available on this server yet", "");
  }
  auto work = reads->OutstandingWork(*person);
  if (!work) return ProblemFromError(work.error());
  HttpResponse response;
  response.content_type = "text/calendar; charset=utf-8";
  response.body = DeadlinesCalendar(*work, handler.options().tenant);
  response.headers = {{"Cache-Control", "private, max-age=900"},
                      {"Referrer-Policy", "no-referrer"},
                      {"Content-Disposition", "inline; filename=\"deadlines.ics\""}};
  response.actor = *person;
  return response;
}

void RegisterCalendarFeed(
    Router* router, engine::CommandHandler* handler, engine::ReadModels* reads,
    std::function<void(std::function<void()>)> run_off_io,
    std::function<std::optional<HttpResponse>(const std::string& remote)> refuse) {
  router->AddSecretPath(
      boost::beast::http::verb::get, "/api/v1/calendars/{feed}", "calendar_feed",
      [handler, reads, run_off_io, refuse](HttpRequest&& request, Responder respond) {
        if (refuse) {
          if (auto refused = refuse(request.remote)) return respond(std::move(*refused));
        }
        std::string feed = request.params["feed"];
        run_off_io([handler, reads, feed = std::move(feed), respond = std::move(respond)] {
          respond(
              AnswerOrInternalError([&] { return CalendarFeedResponse(*handler, reads, feed); }));
        });
      });
}

}  // namespace goldthread::adapters
