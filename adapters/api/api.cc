#include "adapters/api/api.h"

#include <fmt/format.h>
#include <google/protobuf/util/json_util.h>
#include <google/protobuf/util/time_util.h>

#include <fstream>
#include <sstream>

#include "adapters/api/calendar_feed.h"
#include "adapters/http/http_server.h"
#include "adapters/http/json_guard.h"
#include "adapters/verifiable_log/routes.h"
#include "engine/model/event_codec.h"
#include "engine/model/local_date.h"
#include "engine/model/period.h"
#include "goldthread/v1/api.pb.h"
#include "store/base/data_dir.h"

namespace goldthread::adapters {

namespace v1 = goldthread::v1;
using boost::beast::http::verb;
namespace pbutil = google::protobuf::util;

namespace {

// A command route: the path, and the field of goldthread.v1.Command it runs.
struct CommandRoute {
  const char* path;
  const char* command;
};

// The whole command surface. Path captures are named after the command message's fields
// ("figure.indicator_id" reaches into a nested message).
constexpr CommandRoute kCommandRoutes[] = {
    {"/api/v1/org-units", "create_org_unit"},
    {"/api/v1/org-units/{unit_id}/rename", "rename_org_unit"},
    {"/api/v1/org-units/{unit_id}/move", "move_org_unit"},
    {"/api/v1/org-units/{unit_id}/close", "close_org_unit"},
    {"/api/v1/org-units/{unit_id}/accountable-person", "change_accountable_person"},
    {"/api/v1/people", "register_person"},
    {"/api/v1/people/{person_id}/roles", "grant_role"},
    {"/api/v1/people/{person_id}/roles/{grant_id}/revoke", "revoke_role"},
    {"/api/v1/people/{delegator_person_id}/delegations", "delegate_sign_off"},
    {"/api/v1/people/{delegator_person_id}/delegations/{delegation_id}/revoke",
     "revoke_sign_off_delegation"},
    {"/api/v1/tokens", "issue_api_token"},
    {"/api/v1/tokens/{token_id}/revoke", "revoke_api_token"},
    {"/api/v1/priorities", "define_priority"},
    {"/api/v1/priorities/{priority_id}/objectives", "add_objective"},
    {"/api/v1/priorities/{priority_id}/progress", "record_priority_progress"},
    {"/api/v1/indicators", "define_indicator"},
    {"/api/v1/indicators/{indicator_id}/revisions", "revise_indicator"},
    {"/api/v1/indicators/{indicator_id}/targets", "set_target"},
    {"/api/v1/indicators/{indicator_id}/retire", "retire_indicator"},
    {"/api/v1/cycles", "open_cycle"},
    {"/api/v1/cycles/{workflow_id}/{period}/stages/{stage_id}/meeting", "record_review_meeting"},
    {"/api/v1/cycles/{workflow_id}/{period}/stages/{stage_id}/close", "close_stage"},
    {"/api/v1/figures/{indicator_id}/{period}", "submit_figure"},
    {"/api/v1/figures/{indicator_id}/{period}/amendments", "amend_figure"},
    {"/api/v1/figures/{indicator_id}/{period}/sign-offs", "sign_off_figure"},
    {"/api/v1/figures/{indicator_id}/{period}/rejections", "reject_figure"},
    {"/api/v1/figures/{indicator_id}/{period}/queries", "raise_data_quality_query"},
    {"/api/v1/figures/{indicator_id}/{period}/queries/{query_id}/answer",
     "answer_data_quality_query"},
    {"/api/v1/figures/{indicator_id}/{period}/lock", "lock_figure"},
    {"/api/v1/figures/{indicator_id}/{period}/restatements", "restate_figure"},
    {"/api/v1/figures/{indicator_id}/{period}/publication", "publish_figure"},
    {"/api/v1/figures/{figure.indicator_id}/{figure.period}/escalations/{escalation_id}/"
     "acknowledge",
     "acknowledge_escalation"},
    {"/api/v1/findings", "raise_challenge_finding"},
    {"/api/v1/findings/{finding_id}/responses", "respond_to_challenge_finding"},
    {"/api/v1/findings/{finding_id}/accept", "accept_challenge_finding"},
    {"/api/v1/findings/{finding_id}/reopen", "reopen_challenge_finding"},
    {"/api/v1/findings/{finding_id}/close", "close_challenge_finding"},
    {"/api/v1/findings/{finding_id}/escalations/{escalation_id}/acknowledge",
     "acknowledge_escalation"},
    {"/api/v1/plans", "draft_plan"},
    {"/api/v1/plans/{plan_id}/certify", "certify_plan"},
    {"/api/v1/plans/{plan_id}/approvals", "approve_plan"},
    {"/api/v1/risks", "register_risk"},
    {"/api/v1/risks/{risk_id}/ratings", "rate_risk"},
    {"/api/v1/risks/{risk_id}/close", "close_risk"},
    {"/api/v1/self-assessments", "record_self_assessment"},
};

HttpResponse Json(unsigned status, std::string body) {
  HttpResponse r;
  r.status = status;
  r.body = std::move(body);
  return r;
}

std::string ToJson(const google::protobuf::Message& m) {
  std::string out;
  pbutil::JsonPrintOptions options;
  options.always_print_primitive_fields = true;
  if (!pbutil::MessageToJsonString(m, &out, options).ok()) return "null";
  return out;
}

// Sets a string field named by a dotted path ("figure.indicator_id") in `m`.
bool SetPathField(google::protobuf::Message* m, std::string_view path, const std::string& value) {
  const size_t dot = path.find('.');
  const auto* descriptor = m->GetDescriptor();
  const auto* field = descriptor->FindFieldByName(std::string(path.substr(0, dot)));
  if (field == nullptr) return false;
  if (dot != std::string_view::npos) {
    if (field->cpp_type() != google::protobuf::FieldDescriptor::CPPTYPE_MESSAGE) return false;
    return SetPathField(m->GetReflection()->MutableMessage(m, field), path.substr(dot + 1), value);
  }
  if (field->cpp_type() != google::protobuf::FieldDescriptor::CPPTYPE_STRING) return false;
  m->GetReflection()->SetString(m, field, value);
  return true;
}

// The one way the API decodes a JSON body into `message`: the guard (UTF-8, depth, duplicate
// keys, raw control characters), then the protobuf JSON parser refusing unknown fields. A 400
// problem naming the field when refused.
std::optional<HttpResponse> DecodeJsonBody(std::string_view body,
                                           google::protobuf::Message* message) {
  if (body.empty()) body = "{}";
  if (Status s = CheckJsonBody(body); !s) return ProblemFromError(s.error());
  pbutil::JsonParseOptions parse;
  parse.ignore_unknown_fields = false;
  auto parsed = pbutil::JsonStringToMessage(body, message, parse);
  if (!parsed.ok()) {
    return Problem(400, "/problems/malformed-json", "The body is not valid",
                   std::string(parsed.message()), "body");
  }
  return std::nullopt;
}

}  // namespace

// A 400 naming `period` unless it is a period id in its canonical form ("FY2011-Q2"): a read
// of a figure for no period answers no phantom figure.
std::optional<HttpResponse> RefuseMalformedPeriod(const std::string& period) {
  auto parsed = engine::Period::Parse(period);
  if (!parsed) {
    return Problem(400, "/problems/validation", "The request is not valid",
                   fmt::format("'{}' is not a period; a period looks like FY2011-Q2", period),
                   "period");
  }
  if (parsed->id() != period) {
    return Problem(400, "/problems/validation", "The request is not valid",
                   fmt::format("write the period as '{}'", parsed->id()), "period");
  }
  return std::nullopt;
}

namespace {

// "If-Match: \"7\"" or "7" → 7; 0 when absent; nullopt when malformed.
std::optional<uint64_t> ParseIfMatch(const std::string& header) {
  if (header.empty()) return 0;
  std::string v = header;
  if (v.size() >= 2 && v.front() == '"' && v.back() == '"') v = v.substr(1, v.size() - 2);
  if (v.empty() || v.size() > 19 || v.find_first_not_of("0123456789") != std::string::npos) {
    return std::nullopt;
  }
  return std::stoull(v);
}

std::string RandomCommandId() {
  static std::atomic<uint64_t> counter{0};
  return fmt::format("auto-{}-{}", std::chrono::steady_clock::now().time_since_epoch().count(),
                     ++counter);
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace

Api::Api(engine::CommandHandler* handler, engine::Scheduler* scheduler, Metrics* metrics,
         ApiOptions options)
    : handler_(handler),
      scheduler_(scheduler),
      metrics_(metrics),
      options_(std::move(options)),
      pool_(std::make_unique<WorkerPool>(options_.worker_threads)) {
  // A rate of 0 turns the limit off (a load test, or a proxy in front that limits instead).
  if (options_.requests_per_second > 0) {
    auto limiter = RateLimiter::Create(
        {.rate_per_second = options_.requests_per_second, .burst = options_.burst});
    if (limiter) limiter_ = std::move(*limiter);
  }
  if (options_.public_requests_per_second > 0) {
    auto limiter = RateLimiter::Create({.rate_per_second = options_.public_requests_per_second,
                                        .burst = options_.public_burst});
    if (limiter) public_limiter_ = std::move(*limiter);
  }
  openapi_ =
      ReadFile(options_.openapi_path.empty() ? DataPath("openapi.json") : options_.openapi_path);
  if (options_.response_cache_bytes > 0) {
    cache_ = std::make_unique<ResponseCache>(options_.response_cache_bytes);
    metrics_->Callback("goldthread_read_cache_hits", "Read-model answers served from the cache",
                       [this] { return static_cast<double>(cache_->hits()); });
    metrics_->Callback("goldthread_read_cache_misses", "Read-model answers computed",
                       [this] { return static_cast<double>(cache_->misses()); });
  }
  metrics_->Counter("goldthread_auth_failures_total", "Requests refused authentication");
  metrics_->Counter("goldthread_authz_refusals_total", "Commands refused for authority");
}

Api::~Api() { Drain(); }

void Api::Drain() { pool_->Drain(); }

void Api::AddOnPool(Router* router, verb method, const char* path, const char* name,
                    std::function<HttpResponse(HttpRequest&)> work) {
  if (options_.before_work) {
    work = [seam = options_.before_work, work = std::move(work)](HttpRequest& request) {
      seam(request);
      return work(request);
    };
  }
  router->Add(method, path, name, pool_->Route(std::move(work)));
}

Api::Admission Api::Admit(const HttpRequest& request) {
  const std::string header = request.Header("authorization");
  std::string token;
  if (header.rfind("Bearer ", 0) == 0) token = header.substr(7);
  auto person = handler_->Authenticate(token);
  if (!person) {
    metrics_->Counter("goldthread_auth_failures_total", "").Add({});
    return {.refusal = ProblemFromError(person.error())};
  }
  if (limiter_) {
    const std::string key = token.substr(0, token.rfind('_'));  // the token id, not the secret
    auto decision = limiter_->Allow(key);
    if (!decision.allowed) {
      HttpResponse r = TooManyRequests(decision.retry_after_seconds);
      r.actor = *person;
      return {.person = *person, .refusal = std::move(r)};
    }
  }
  return {.person = *person};
}

std::optional<HttpResponse> Api::RefuseRead(const std::string& person, engine::Action action,
                                            const std::string& unit) {
  Result<engine::Authority> allowed = MakeError(ErrorCode::kUnavailable, "the model is not read");
  Status read = handler_->ReadModel([&](const engine::CouncilModel& model) {
    allowed = engine::Authorize(model, person, {.action = action}, unit,
                                engine::LondonDayOf(handler_->clock().Now()));
  });
  if (!read) return StoreUnavailable(read.error());
  if (allowed) return std::nullopt;
  return Problem(403, "/problems/forbidden", "Not allowed", allowed.error().message);
}

std::optional<HttpResponse> Api::RefuseRead(const std::string& person, engine::Action action) {
  Result<engine::Authority> allowed = MakeError(ErrorCode::kUnavailable, "the model is not read");
  Status read = handler_->ReadModel([&](const engine::CouncilModel& model) {
    allowed = engine::Authorize(model, person, {.action = action}, model.council_id(),
                                engine::LondonDayOf(handler_->clock().Now()));
  });
  if (!read) return StoreUnavailable(read.error());
  if (allowed) return std::nullopt;
  return Problem(403, "/problems/forbidden", "Not allowed", allowed.error().message);
}

HttpResponse Api::Command(const std::string& field_name, HttpRequest& request) {
  Admission caller = Admit(request);
  if (caller.refusal) return std::move(*caller.refusal);
  const auto if_match = ParseIfMatch(request.Header("if-match"));
  if (!if_match) {
    return Problem(400, "/problems/validation", "The request is not valid",
                   "If-Match must be the figure's version as returned in its ETag, e.g. \"3\"",
                   "If-Match");
  }
  v1::Command command;
  const auto* field = v1::Command::descriptor()->FindFieldByName(field_name);
  auto* message = command.GetReflection()->MutableMessage(&command, field);
  if (auto refused = DecodeJsonBody(request.body, message)) return std::move(*refused);
  for (const auto& [name, value] : request.params) {
    if (!SetPathField(message, name, value)) {
      return Problem(500, "/problems/internal", "Route misconfigured", name);
    }
  }
  engine::CommandContext context{.actor = caller.person,
                                 .command_id = request.Header("idempotency-key"),
                                 .expected_version = *if_match};
  if (context.command_id.empty()) context.command_id = RandomCommandId();
  {
    auto result = handler_->Execute(context, command);
    if (!result) {
      HttpResponse r;
      const Error& e = result.error();
      if (e.code == ErrorCode::kAlreadyExists && e.field == "command_id") {
        r = Problem(422, "/problems/idempotency-key-reused",
                    "Idempotency-Key reused for a different request", e.message, "Idempotency-Key");
      } else if (e.code == ErrorCode::kConflict && e.field == "If-Match") {
        r = Problem(412, "/problems/stale-version", "Precondition failed", e.message, "If-Match");
        if (e.current_version) {
          r.headers.emplace_back("ETag", fmt::format("\"{}\"", *e.current_version));
        }
      } else {
        r = ProblemFromError(e);
      }
      if (e.code == ErrorCode::kPermissionDenied) {
        metrics_->Counter("goldthread_authz_refusals_total", "").Add({});
      }
      r.actor = context.actor;
      return r;
    }
    HttpResponse r = Json(result->duplicate() ? 200 : 201, ToJson(*result));
    r.headers.emplace_back("ETag", fmt::format("\"{}\"", result->stream_version()));
    if (result->duplicate()) r.headers.emplace_back("Idempotent-Replayed", "true");
    r.actor = context.actor;
    return r;
  }
}

HttpResponse Api::GetFigure(HttpRequest& request) {
  Admission caller = Admit(request);
  if (caller.refusal) return std::move(*caller.refusal);
  const std::string& indicator_id = request.params.at("indicator_id");
  const std::string& period = request.params.at("period");
  const auto unit = IndicatorUnit(indicator_id);
  if (!unit) return StoreUnavailable(unit.error());
  if (unit->empty()) {
    return Problem(404, "/problems/not-found", "Not found",
                   fmt::format("there is no indicator '{}'", indicator_id), "indicator_id");
  }
  if (auto refused = RefuseRead(caller.person, engine::Action::kReadFigure, *unit)) {
    return std::move(*refused);
  }
  if (auto refused = RefuseMalformedPeriod(period)) {
    refused->actor = caller.person;
    return std::move(*refused);
  }
  auto figure = handler_->LoadFigure(indicator_id, period);
  if (!figure) return ProblemFromError(figure.error());
  v1::FigureView view;
  view.set_indicator_id(indicator_id);
  view.set_period(period);
  view.set_figure_version(figure->figure_version);
  *view.mutable_value() = figure->value;
  view.set_commentary(figure->commentary);
  view.set_entered_by(figure->version_author);
  for (const auto& [level, s] : figure->sign_offs) {
    v1::FigureSignOffView* out = view.add_sign_offs();
    out->set_level(static_cast<v1::SignOffLevel>(level));
    out->set_by(s.person_id);
    out->set_on_behalf_of(s.on_behalf_of_person_id);
    out->set_role(s.role);
  }
  view.set_rejected(figure->rejected);
  view.set_open_queries(static_cast<uint32_t>(figure->OpenQueries()));
  view.set_locked(figure->locked);
  view.set_restated(figure->restated);
  view.set_published_version(figure->published_version);
  HttpResponse r = Json(200, ToJson(view));
  r.headers.emplace_back("ETag", fmt::format("\"{}\"", figure->stream_version));
  r.actor = caller.person;
  return r;
}

HttpResponse Api::GetLog(HttpRequest& request) {
  Admission caller = Admit(request);
  if (caller.refusal) return std::move(*caller.refusal);
  if (auto refused = RefuseRead(caller.person, engine::Action::kReadLog)) {
    refused->actor = caller.person;
    return std::move(*refused);
  }
  auto number = [&](const char* name, uint64_t fallback) -> std::optional<uint64_t> {
    auto it = request.query.find(name);
    if (it == request.query.end()) return fallback;
    if (it->second.empty() || it->second.size() > 19 ||
        it->second.find_first_not_of("0123456789") != std::string::npos) {
      return std::nullopt;
    }
    return std::stoull(it->second);
  };
  const auto from = number("from", 1);
  const auto limit = number("limit", 100);
  if (!from || !limit || *limit == 0 || *limit > 1000) {
    return Problem(400, "/problems/validation", "The request is not valid",
                   "from is a position (1 or more) and limit 1 to 1000", "limit");
  }
  auto stream = request.query.find("stream");
  if (stream != request.query.end()) {
    // Only this tenant's streams, and only streams that exist: another council's stream is
    // answered exactly as an unknown one, so its existence is not given away.
    const std::string prefix = handler_->options().tenant + "/";
    bool known = stream->second.size() > prefix.size() &&
                 stream->second.compare(0, prefix.size(), prefix) == 0;
    if (known) {
      auto version = handler_->store().StreamVersion(stream->second);
      if (!version) return ProblemFromError(version.error());
      known = *version > 0;
    }
    if (!known) {
      HttpResponse r = Problem(404, "/problems/not-found", "Not found",
                               fmt::format("there is no stream '{}'", stream->second), "stream");
      r.actor = caller.person;
      return r;
    }
  }
  Result<store::ReadPage> page =
      stream == request.query.end()
          ? handler_->store().ReadAll(*from, store::Direction::kForward, *limit)
          : handler_->store().ReadStream(stream->second, *from, store::Direction::kForward, *limit);
  if (!page) return ProblemFromError(page.error());
  v1::LogPage out;
  for (const auto& envelope : page->events) {
    v1::LogEntry* entry = out.add_events();
    auto event = engine::DecodeEvent(envelope);
    *entry->mutable_envelope() = envelope;
    entry->mutable_envelope()->clear_payload();
    if (event) {
      // A password's hash is for checking sign-ins, not for reading: never handed out.
      if (event->has_password_set()) event->mutable_password_set()->set_password_hash("(redacted)");
      *entry->mutable_event() = std::move(*event);
    }
  }
  out.set_next(page->next);
  HttpResponse r = Json(200, ToJson(out));
  r.actor = caller.person;
  return r;
}

HttpResponse Api::GetVerify(HttpRequest& request) {
  Admission caller = Admit(request);
  if (caller.refusal) return std::move(*caller.refusal);
  if (auto refused = RefuseRead(caller.person, engine::Action::kVerifyLog)) {
    refused->actor = caller.person;
    return std::move(*refused);
  }
  auto fresh_it = request.query.find("fresh");
  const bool fresh = fresh_it != request.query.end() && fresh_it->second == "true";
  if (fresh_it != request.query.end() && fresh_it->second != "true" &&
      fresh_it->second != "false") {
    return Problem(400, "/problems/validation", "The request is not valid",
                   "fresh is true or false", "fresh");
  }
  if (fresh) {
    if (auto refused = RefuseRead(caller.person, engine::Action::kVerifyLogFresh)) {
      refused->actor = caller.person;
      return std::move(*refused);
    }
  }
  v1::LogVerification out;
  {
    // One verification at a time: a second caller waits for the first and reads its result.
    MutexLock lock(verify_mu_);
    if (fresh || !last_verification_) {
      auto report = handler_->store().Verify(1, 0);
      if (!report) return StoreUnavailable(report.error());
      v1::LogVerification v;
      v.set_ok(report->ok);
      v.set_events_checked(report->events_checked);
      v.set_head_position(report->head_position);
      v.set_head_hash(report->head_hash_hex);
      v.set_first_bad_position(report->first_bad_position);
      v.set_problem(report->problem);
      v.set_redacted_payloads(report->redacted_payloads);
      *v.mutable_verified_at() = pbutil::TimeUtil::MicrosecondsToTimestamp(
          std::chrono::duration_cast<std::chrono::microseconds>(
              handler_->clock().Now().time_since_epoch())
              .count());
      last_verification_ = v;
      out = std::move(v);
    } else {
      out = *last_verification_;
      out.set_cached(true);
    }
  }
  HttpResponse r = Json(200, ToJson(out));
  r.actor = caller.person;
  return r;
}

HttpResponse Api::GetMe(HttpRequest& request) {
  Admission caller = Admit(request);
  if (caller.refusal) return std::move(*caller.refusal);
  if (auto refused = RefuseRead(caller.person, engine::Action::kReadOwnAccount)) {
    return std::move(*refused);
  }
  v1::CallerView view;
  view.set_person_id(caller.person);
  if (Status s = handler_->ReadModel([&](const engine::CouncilModel& model) {
        const engine::Person* p = model.FindPerson(caller.person);
        if (p == nullptr) return;
        view.set_name(p->name);
        const engine::LocalDay today = engine::LondonDayOf(handler_->clock().Now());
        for (const auto& g : p->grants) {
          if (!g.InForceOn(today)) continue;
          v1::RoleInForce* role = view.add_roles();
          role->set_role(g.role);
          role->set_scope(g.scope_unit_id);
        }
      });
      !s) {
    HttpResponse r = StoreUnavailable(s.error());
    r.actor = caller.person;
    return r;
  }
  HttpResponse r = Json(200, ToJson(view));
  r.actor = caller.person;
  return r;
}

HttpResponse Api::PostClock(HttpRequest& request) {
  if (options_.simulated_clock == nullptr) {
    return Problem(404, "/problems/not-simulating", "Not found",
                   "the clock can be moved only when the server runs with --simulate", "path");
  }
  Admission caller = Admit(request);
  if (caller.refusal) return std::move(*caller.refusal);
  // Moving the clock is an action of the authority table (kMoveClock): asked before the body is
  // looked at, so a refused caller learns nothing and nothing is written.
  if (auto refused = RefuseRead(caller.person, engine::Action::kMoveClock)) {
    metrics_->Counter("goldthread_authz_refusals_total", "").Add({});
    refused->actor = caller.person;
    return std::move(*refused);
  }
  // Body: {"advanceTo": "2011-10-24T09:00:00Z"}
  v1::AdvanceClock body;
  if (Status s = CheckJsonBody(request.body); !s) return ProblemFromError(s.error());
  if (DecodeJsonBody(request.body, &body) || !body.has_advance_to()) {
    return Problem(400, "/problems/validation", "The request is not valid",
                   "send {\"advanceTo\": \"<RFC 3339 time>\"}", "advanceTo");
  }
  const TimePoint target(
      std::chrono::microseconds(pbutil::TimeUtil::TimestampToMicroseconds(body.advance_to())));
  if (target < options_.simulated_clock->Now()) {
    return Problem(400, "/problems/validation", "The request is not valid",
                   "the simulated clock only moves forward", "advanceTo");
  }
  // The move is recorded (who, from, to) before anything it makes fall due; the engine decides
  // again who may move it.
  v1::Command move;
  *move.mutable_move_simulated_clock()->mutable_from() =
      pbutil::TimeUtil::MicrosecondsToTimestamp(std::chrono::duration_cast<std::chrono::microseconds>(
                                                    options_.simulated_clock->Now().time_since_epoch())
                                                    .count());
  *move.mutable_move_simulated_clock()->mutable_to() = body.advance_to();
  auto recorded =
      handler_->Execute({.actor = caller.person, .command_id = RandomCommandId()}, move);
  if (!recorded) {
    HttpResponse r = ProblemFromError(recorded.error());
    if (recorded.error().field == "to") {
      r = Problem(400, "/problems/validation", "The request is not valid",
                  recorded.error().message, "advanceTo");
    }
    r.actor = caller.person;
    return r;
  }
  auto fired = scheduler_->AdvanceTo(options_.simulated_clock, target);
  if (!fired) return ProblemFromError(fired.error());
  v1::ClockAdvanced out;
  *out.mutable_now() = body.advance_to();
  out.set_events_written(*fired);
  HttpResponse r = Json(200, ToJson(out));
  r.actor = caller.person;
  return r;
}

HttpResponse Api::GetReady() {
  // Ready: the store answers, and the read models are within one page (4,096 events) of the
  // log's head, so reads answer promptly instead of catching up first.
  const bool store_ok = static_cast<bool>(handler_->ReadModel([](const engine::CouncilModel&) {}));
  uint64_t lag = 0;
  if (options_.read_models != nullptr) {
    const uint64_t head = handler_->store().Head().position;
    const uint64_t applied = options_.read_models->runner().position();
    lag = head > applied ? head - applied : 0;
  }
  const bool ready = store_ok && lag <= 4096;
  return Json(ready ? 200 : 503,
              fmt::format(R"({{"status":"{}","storeOpen":{},"projectionLagEvents":{}}})",
                          ready ? "ready" : "starting", store_ok, lag));
}

void Api::Register(Router* router) {
  for (const CommandRoute& route : kCommandRoutes) {
    const std::string field = route.command;
    AddOnPool(router, verb::post, route.path, route.command,
              [this, field](HttpRequest& request) { return Command(field, request); });
  }
  RegisterReadRoutes(router);
  RegisterListRoutes(router);
  RegisterCalendarFeed(
      router, handler_, options_.read_models,
      [this](std::function<void()> work) { pool_->Post(std::move(work)); },
      [this](const std::string& remote) -> std::optional<HttpResponse> {
        // A feed token is a credential: guessing them is limited per client address.
        if (!public_limiter_) return std::nullopt;
        auto decision = public_limiter_->Allow("addr:" + remote);
        if (decision.allowed) return std::nullopt;
        return TooManyRequests(decision.retry_after_seconds);
      });
  AddOnPool(router, verb::get, "/api/v1/figures/{indicator_id}/{period}", "get_figure",
            [this](HttpRequest& r) { return GetFigure(r); });
  AddOnPool(router, verb::get, "/api/v1/log", "get_log",
            [this](HttpRequest& r) { return GetLog(r); });
  AddOnPool(router, verb::get, "/api/v1/log/verification", "get_verification",
            [this](HttpRequest& r) { return GetVerify(r); });
  {
    RegisterVerifiableLogRoutes(
        router, {.store = handler_ != nullptr ? &handler_->store() : nullptr,
                 .checkpointer = options_.checkpointer,
                 .public_log = options_.public_log,
                 .authorize = [this](const HttpRequest& request) -> std::optional<HttpResponse> {
                   Admission caller = Admit(request);
                   if (caller.refusal) return std::move(caller.refusal);
                   return RefuseRead(caller.person, engine::Action::kVerifyLog);
                 },
                 .on_pool = [this](std::function<HttpResponse(HttpRequest&)> work) {
                   return pool_->Route(std::move(work));
                 }});
  }
  AddOnPool(router, verb::get, "/api/v1/me", "get_me", [this](HttpRequest& r) { return GetMe(r); });
  AddOnPool(router, verb::post, "/api/v1/clock", "post_clock",
            [this](HttpRequest& r) { return PostClock(r); });
  // Static answers stay on the I/O thread: nothing there can wait.
  router->Add(verb::get, "/api/v1/openapi.json", "openapi",
              [this](HttpRequest&&, Responder respond) { respond(Json(200, openapi_)); });
  router->Add(verb::get, "/healthz", "healthz", [](HttpRequest&&, Responder respond) {
    respond(Json(200, R"({"status":"alive"})"));
  });
  // Readiness takes the model lock and reads the store's head: on the pool.
  AddOnPool(router, verb::get, "/readyz", "readyz", [this](HttpRequest&) { return GetReady(); });
  router->Add(verb::get, "/metrics", "metrics", MetricsHandler(metrics_));
}

}  // namespace goldthread::adapters
