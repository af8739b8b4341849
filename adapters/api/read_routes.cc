// The read side of the API: scorecards, performance reports, figure histories, outstanding work,
// late returns, the assurance trail, escalations and cycles — each "as of" the head, a past
// instant (`as_of=<RFC 3339>`) or a log position (`at_position=N`).
//
// Who may read what is decided by the authority table (engine/model/authority.h, the kRead*
// actions), asked through Api::RefuseRead with the unit the answer belongs to:
//   - a unit's scorecard, a figure's history, a priority's report: the unit (its owner);
//   - the assurance trail and escalations: the council, or with `directorate=D`, D;
//   - late returns, and another person's outstanding work: the council;
//   - one's own outstanding work: every registered person; a cycle: anyone with a role;
//   - published scorecards: anyone, without a token, and only figures that were published.
// Permission is judged on today's roles, whatever point of the log is read.
#include <fmt/format.h>
#include <google/protobuf/util/json_util.h>
#include <google/protobuf/util/time_util.h>

#include <variant>

#include <spdlog/spdlog.h>

#include "adapters/api/api.h"
#include "adapters/formats/trail_export.h"
#include "adapters/http/http_server.h"
#include "engine/model/council_model.h"
#include "engine/model/local_date.h"
#include "engine/read/as_of.h"
#include "engine/read/cycle_list.h"
#include "engine/read/scorecard.h"

namespace goldthread::adapters {

namespace v1 = goldthread::v1;
using boost::beast::http::verb;
namespace pbutil = google::protobuf::util;

namespace {

HttpResponse JsonMessage(const google::protobuf::Message& m) {
  HttpResponse r;
  pbutil::JsonPrintOptions options;
  options.always_print_primitive_fields = true;
  if (!pbutil::MessageToJsonString(m, &r.body, options).ok()) {
    return Problem(500, "/problems/internal", "Internal error", "the answer could not be encoded");
  }
  return r;
}

HttpResponse NotFound(std::string detail, std::string field) {
  return Problem(404, "/problems/not-found", "Not found", detail, field);
}

// `as_of` or `at_position` from the query; an error response when malformed.
std::variant<engine::AsOf, HttpResponse> ParseAsOf(const HttpRequest& request) {
  auto time = request.query.find("as_of");
  auto position = request.query.find("at_position");
  if (time != request.query.end() && position != request.query.end()) {
    return Problem(400, "/problems/validation", "The request is not valid",
                   "give as_of or at_position, not both", "as_of");
  }
  if (time != request.query.end()) {
    google::protobuf::Timestamp ts;
    if (!pbutil::TimeUtil::FromString(time->second, &ts)) {
      return Problem(400, "/problems/validation", "The request is not valid",
                     "as_of must be an RFC 3339 time, e.g. 2011-10-24T09:00:00Z", "as_of");
    }
    return engine::AsOf::Time(
        TimePoint(std::chrono::microseconds(pbutil::TimeUtil::TimestampToMicroseconds(ts))));
  }
  if (position != request.query.end()) {
    const std::string& v = position->second;
    if (v.empty() || v.size() > 19 || v.find_first_not_of("0123456789") != std::string::npos ||
        std::stoull(v) == 0) {
      return Problem(400, "/problems/validation", "The request is not valid",
                     "at_position must be a log position, 1 or more", "at_position");
    }
    return engine::AsOf::Position(std::stoull(v));
  }
  return engine::AsOf::Head();
}

}  // namespace

Result<std::string> Api::IndicatorUnit(const std::string& indicator_id) {
  std::string unit;
  if (Status s = handler_->ReadModel([&](const engine::CouncilModel& model) {
        if (const auto* i = model.FindIndicator(indicator_id)) unit = i->definition.owning_unit_id();
      });
      !s) {
    return Unexpected(s.error());
  }
  return unit;
}

Result<std::string> Api::PriorityUnit(const std::string& priority_id) {
  std::string unit;
  if (Status s = handler_->ReadModel([&](const engine::CouncilModel& model) {
        auto it = model.priorities().find(priority_id);
        if (it != model.priorities().end()) unit = it->second.owner_unit_id;
      });
      !s) {
    return Unexpected(s.error());
  }
  return unit;
}

Result<std::string> Api::CouncilId() {
  std::string id;
  if (Status s = handler_->ReadModel(
          [&](const engine::CouncilModel& model) { id = model.council_id(); });
      !s) {
    return Unexpected(s.error());
  }
  return id;
}

HttpResponse Api::Read(HttpRequest& request, const ReadFn& read, bool public_route) {
  std::string person;
  if (public_route && public_limiter_) {
    // No token to limit by: the client's address is the key.
    auto decision = public_limiter_->Allow("addr:" + request.remote);
    if (!decision.allowed) return TooManyRequests(decision.retry_after_seconds);
  }
  if (!public_route) {
    Admission caller = Admit(request);
    if (caller.refusal) return std::move(*caller.refusal);
    person = caller.person;
  }
  if (options_.read_models == nullptr) {
    return Problem(503, "/problems/unavailable", "Not available",
                   "this server runs without read models");
  }
  auto as_of = ParseAsOf(request);
  if (auto* error = std::get_if<HttpResponse>(&as_of)) {
    error->actor = person;
    return std::move(*error);
  }
  HttpResponse r = read(person, std::get<engine::AsOf>(as_of), request);
  r.actor = person;
  return r;
}

HttpResponse Api::AtPosition(const std::string& key, const engine::AsOf& as_of,
                             const std::function<HttpResponse(const engine::AsOf&)>& compute) {
  if (cache_ == nullptr) return compute(as_of);
  // The head needs only its position for the key (no read of the event there); a past time is
  // resolved to its position by the binary search.
  uint64_t position = 0;
  if (!as_of.position && !as_of.time) {
    position = handler_->store().Head().position;
    if (position == 0) return compute(as_of);  // an empty log: nothing worth keeping
  } else {
    auto point = engine::ResolveAsOf(handler_->store(), as_of);
    if (!point) return ProblemFromError(point.error());
    position = point->position();
  }
  const std::string full_key = fmt::format("{}@{}", key, position);
  if (auto hit = cache_->Find(full_key)) return std::move(*hit);
  HttpResponse r = compute(engine::AsOf::Position(position));
  cache_->Put(full_key, r);
  return r;
}

HttpResponse Api::GetScorecard(const std::string& person, const engine::AsOf& as_of,
                               const HttpRequest& request, bool published_only) {
  const std::string& unit = request.params.at("unit_id");
  if (auto refused = RefuseRead(
          person,
          published_only ? engine::Action::kReadPublishedScorecard : engine::Action::kReadScorecard,
          unit)) {
    return std::move(*refused);
  }
  const std::string& period = request.params.at("period");
  return AtPosition(fmt::format("scorecard\n{}\n{}\n{}", unit, period, published_only), as_of,
                    [&](const engine::AsOf& at) {
                      auto card = options_.read_models->Scorecard(unit, period, at);
                      if (!card) return ProblemFromError(card.error());
                      if (published_only) engine::KeepPublishedOnly(&*card);
                      return JsonMessage(*card);
                    });
}

HttpResponse Api::GetReport(const std::string& person, const engine::AsOf& as_of,
                            const HttpRequest& request) {
  const std::string& priority = request.params.at("priority_id");
  const auto unit = PriorityUnit(priority);
  if (!unit) return StoreUnavailable(unit.error());
  if (unit->empty())
    return NotFound(fmt::format("there is no priority '{}'", priority), "priority_id");
  if (auto refused = RefuseRead(person, engine::Action::kReadReport, *unit)) {
    return std::move(*refused);
  }
  const std::string& period = request.params.at("period");
  return AtPosition(fmt::format("report\n{}\n{}", priority, period), as_of,
                    [&](const engine::AsOf& at) {
                      auto report = options_.read_models->PerformanceReport(priority, period, at);
                      if (!report) return ProblemFromError(report.error());
                      return JsonMessage(*report);
                    });
}

HttpResponse Api::GetHistory(const std::string& person, const engine::AsOf& as_of,
                             const HttpRequest& request) {
  const std::string& indicator = request.params.at("indicator_id");
  const auto unit = IndicatorUnit(indicator);
  if (!unit) return StoreUnavailable(unit.error());
  if (unit->empty()) {
    return NotFound(fmt::format("there is no indicator '{}'", indicator), "indicator_id");
  }
  if (auto refused = RefuseRead(person, engine::Action::kReadFigureHistory, *unit)) {
    return std::move(*refused);
  }
  if (auto refused = RefuseMalformedPeriod(request.params.at("period"))) {
    return std::move(*refused);
  }
  const std::string& period = request.params.at("period");
  return AtPosition(fmt::format("history\n{}\n{}", indicator, period), as_of,
                    [&](const engine::AsOf& at) {
                      auto history = options_.read_models->FigureHistory(indicator, period, at);
                      if (!history) return ProblemFromError(history.error());
                      return JsonMessage(*history);
                    });
}

HttpResponse Api::GetOutstanding(const std::string& person, const engine::AsOf& as_of,
                                 const HttpRequest& request) {
  auto it = request.params.find("person_id");
  const std::string whose = it == request.params.end() ? person : it->second;
  if (auto refused = RefuseRead(
          person,
          whose == person ? engine::Action::kReadOwnAccount : engine::Action::kReadOutstandingWork)) {
    return std::move(*refused);
  }
  if (whose != person) {
    bool known = false;
    if (Status s = handler_->ReadModel([&](const engine::CouncilModel& model) {
          known = model.FindPerson(whose) != nullptr;
        });
        !s) {
      return StoreUnavailable(s.error());
    }
    if (!known) return NotFound(fmt::format("there is no person '{}'", whose), "person_id");
  }
  auto work = options_.read_models->OutstandingWork(whose, as_of);
  if (!work) return ProblemFromError(work.error());
  return JsonMessage(*work);
}

HttpResponse Api::GetLateReturns(const std::string& person, const engine::AsOf& as_of,
                                 const HttpRequest&) {
  if (auto refused = RefuseRead(person, engine::Action::kReadLateReturns)) {
    return std::move(*refused);
  }
  auto late = options_.read_models->LateReturns(as_of);
  if (!late) return ProblemFromError(late.error());
  return JsonMessage(*late);
}

HttpResponse Api::GetTrail(const std::string& person, const engine::AsOf& as_of,
                           const HttpRequest& request) {
  auto directorate = request.query.find("directorate");
  if (auto refused = directorate == request.query.end()
                         ? RefuseRead(person, engine::Action::kReadAssuranceTrail)
                         : RefuseRead(person, engine::Action::kReadAssuranceTrail,
                                      directorate->second)) {
    return std::move(*refused);
  }
  auto format_it = request.query.find("format");
  const std::string format = format_it == request.query.end() ? "json" : format_it->second;
  if (format != "json" && format != "csv" && format != "html") {
    return Problem(400, "/problems/validation", "The request is not valid",
                   "format is json, csv or html", "format");
  }
  auto trail = options_.read_models->AssuranceTrail(
      request.params.at("period"), directorate == request.query.end() ? "" : directorate->second,
      as_of);
  if (!trail) return ProblemFromError(trail.error());
  if (!trail->verification().ok()) {
    // A damaged log seals nothing: no trail is handed out, in any format, that could be read
    // as a clean one (docs/openapi.json: 503).
    const auto& v = trail->verification();
    spdlog::error("api: the assurance trail for {} refused: the log fails verification at "
                  "position {}: {}",
                  trail->period(), v.first_bad_position(), v.problem());
    HttpResponse r = Problem(
        503, "/problems/log-damaged", "The log failed verification",
        fmt::format("the event log fails verification at position {} ({}); no assurance trail "
                    "can be sealed until it is restored from a backup (docs/OPERATIONS.md)",
                    v.first_bad_position(), v.problem()));
    r.body.pop_back();
    r.body += fmt::format(R"(,"firstBadPosition":{}}})", v.first_bad_position());
    return r;
  }
  // Sealed with a checkpoint of the tree it was computed from, signed with the log's key.
  if (options_.checkpointer != nullptr) {
    auto cp = options_.checkpointer->SignAt(trail->verification().tree_size());
    if (!cp) return ProblemFromError(cp.error());
    trail->mutable_verification()->set_checkpoint(cp->note);
  }
  HttpResponse r;
  if (format == "json") {
    auto json = engine::TrailToJson(*trail);
    if (!json) return ProblemFromError(json.error());
    r.body = std::move(*json);
  } else if (format == "csv") {
    r.content_type = "text/csv; charset=utf-8";
    r.body = engine::TrailToCsv(*trail);
    r.headers.emplace_back(
        "Content-Disposition",
        fmt::format("attachment; filename=\"assurance-trail-{}.csv\"", trail->period()));
  } else {
    r.content_type = "text/html; charset=utf-8";
    r.body = engine::TrailToHtml(*trail);
  }
  return r;
}

HttpResponse Api::GetEscalations(const std::string& person, const engine::AsOf& as_of,
                                 const HttpRequest& request) {
  auto period = request.query.find("period");
  if (period == request.query.end() || period->second.empty()) {
    return Problem(400, "/problems/validation", "The request is not valid",
                   "period is required, e.g. ?period=FY2011-Q2", "period");
  }
  auto directorate = request.query.find("directorate");
  if (auto refused =
          directorate == request.query.end()
              ? RefuseRead(person, engine::Action::kReadEscalations)
              : RefuseRead(person, engine::Action::kReadEscalations, directorate->second)) {
    return std::move(*refused);
  }
  auto status = request.query.find("status");
  const std::string wanted = status == request.query.end() ? "all" : status->second;
  if (wanted != "all" && wanted != "open") {
    return Problem(400, "/problems/validation", "The request is not valid", "status is open or all",
                   "status");
  }
  auto trail = options_.read_models->AssuranceTrail(
      period->second, directorate == request.query.end() ? "" : directorate->second, as_of);
  if (!trail) return ProblemFromError(trail.error());
  v1::EscalationList list;
  *list.mutable_as_of() = trail->as_of();
  for (const v1::TrailFigure& figure : trail->figures()) {
    for (const v1::TrailEscalation& e : figure.escalations()) {
      if (wanted == "open" && (e.resolved() || e.acknowledged())) continue;
      v1::FigureEscalation* out = list.add_escalations();
      out->set_indicator_id(figure.indicator_id());
      out->set_period(figure.period());
      *out->mutable_escalation() = e;
    }
  }
  return JsonMessage(list);
}

HttpResponse Api::GetCycle(const std::string& person, const HttpRequest& request) {
  const std::string& workflow = request.params.at("workflow_id");
  const std::string& period = request.params.at("period");
  if (auto refused = RefuseRead(person, engine::Action::kReadCycle)) {
    return std::move(*refused);
  }
  auto cycle = handler_->LoadCycle(workflow, period);
  if (!cycle) return ProblemFromError(cycle.error());
  if (!cycle->opened()) {
    return NotFound(fmt::format("no cycle of {} has been opened for {}", workflow, period),
                    "period");
  }
  if (!handler_->options().timetables) {
    return Problem(503, "/problems/unavailable", "Not available", "no timetables are loaded");
  }
  auto timetable = handler_->options().timetables(workflow, period);
  if (!timetable) return ProblemFromError(timetable.error());
  return JsonMessage(engine::CycleViewOf(*cycle, *timetable, handler_->clock().Now()));
}

void Api::RegisterReadRoutes(Router* router) {
  auto add = [&](const char* path, const char* name,
                 std::function<HttpResponse(Api*, const std::string&, const engine::AsOf&,
                                            const HttpRequest&)>
                     fn,
                 bool public_route = false) {
    AddOnPool(router, verb::get, path, name, [this, fn, public_route](HttpRequest& request) {
      return Read(
          request,
          [this, fn](const std::string& person, const engine::AsOf& as_of, const HttpRequest& r) {
            return fn(this, person, as_of, r);
          },
          public_route);
    });
  };
  add("/api/v1/scorecards/{unit_id}/{period}", "get_scorecard",
      [](Api* api, const std::string& p, const engine::AsOf& a, const HttpRequest& r) {
        return api->GetScorecard(p, a, r, false);
      });
  add(
      "/api/v1/public/scorecards/{unit_id}/{period}", "get_published_scorecard",
      [](Api* api, const std::string& p, const engine::AsOf& a, const HttpRequest& r) {
        return api->GetScorecard(p, a, r, true);
      },
      true);
  add("/api/v1/reports/{priority_id}/{period}", "get_performance_report", &Api::GetReport);
  add("/api/v1/figures/{indicator_id}/{period}/history", "get_figure_history", &Api::GetHistory);
  add("/api/v1/me/outstanding-work", "get_my_outstanding_work", &Api::GetOutstanding);
  add("/api/v1/people/{person_id}/outstanding-work", "get_outstanding_work", &Api::GetOutstanding);
  add("/api/v1/late-returns", "get_late_returns", &Api::GetLateReturns);
  add("/api/v1/trails/{period}", "get_assurance_trail", &Api::GetTrail);
  add("/api/v1/escalations", "list_escalations", &Api::GetEscalations);
  AddOnPool(router, verb::get, "/api/v1/cycles/{workflow_id}/{period}", "get_cycle",
            [this](HttpRequest& request) {
              Admission caller = Admit(request);
              if (caller.refusal) return std::move(*caller.refusal);
              HttpResponse r = GetCycle(caller.person, request);
              r.actor = caller.person;
              return r;
            });
}

}  // namespace goldthread::adapters
