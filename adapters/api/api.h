// Api: goldthread's JSON API under /api/v1, on the HTTP server.
//
// Every command is a POST whose body is the command message in the protobuf JSON mapping
// (lowerCamelCase fields), with ids named in the path filled in from it: for example
//   POST /api/v1/figures/NI-192/FY2011-Q2/sign-offs  {"level": "SIGN_OFF_LEVEL_SERVICE",
//                                                      "figureVersion": 1}
// runs SignOffFigure. The answer is the CommandResult (201, or 200 with `Idempotent-Replayed:
// true` for a repeat), with the written stream's version as its ETag; errors are RFC 9457
// problem documents naming the offending field. The route table in api.cc is the whole API;
// docs/openapi.json describes it and a test checks the two agree.
//
// Per request, in this order: authenticate the bearer token (401), rate-limit by token (429),
// check the body (UTF-8, nesting depth: 400), parse it (400), then the engine decides (403 for
// authority and four eyes, 404, 409, 412 for a stale If-Match, 422 for a reused
// Idempotency-Key with another body). Reads ask the same authority table as commands
// (engine/model/authority.h, the kRead* actions) before they read.
//
// Every route but /healthz, /metrics and /api/v1/openapi.json is posted to the worker pool
// (adapters/http/worker_pool.h) before anything else — authentication included, since it may
// catch the council model up from the store — so an I/O thread never waits for RocksDB or
// the model lock. An exception on the pool answers 500 instead of ending the process.
//
// Threading: Register once before the server starts; handlers run on I/O threads and post to
// the pool. The handler, scheduler, store and metrics are not owned and must outlive the Api.
#ifndef GOLDTHREAD_ADAPTERS_API_API_H_
#define GOLDTHREAD_ADAPTERS_API_API_H_

#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "adapters/http/http_types.h"
#include "adapters/http/metrics.h"
#include "adapters/http/rate_limiter.h"
#include "adapters/http/response_cache.h"
#include "adapters/http/worker_pool.h"
#include "adapters/verifiable_log/checkpoints.h"
#include "engine/command/command_handler.h"
#include "engine/model/authority.h"
#include "engine/read/read_models.h"
#include "engine/scheduler/scheduler.h"
#include "goldthread/v1/api.pb.h"
#include "store/base/mutex.h"
#include "store/base/thread_annotations.h"

namespace goldthread::adapters {

struct ApiOptions {
  // Threads that run engine work (commands wait for their fsync there, so several let group
  // commit batch them). Default: 32.
  int worker_threads = 32;
  // Requests per second per token, and the burst allowed; 0 turns the limit off. Default:
  // 200/s, burst 400.
  double requests_per_second = 200;
  double burst = 400;
  // Requests per second per client address for reads that need no token (published
  // scorecards), and the burst allowed; 0 turns the limit off. Default: 20/s, burst 40.
  double public_requests_per_second = 20;
  double public_burst = 40;
  // `serve --simulate`: the clock is simulated and POST /api/v1/clock moves it. Not owned.
  // Default: null (real time; the clock route answers 404).
  SimulatedClock* simulated_clock = nullptr;
  // Where docs/openapi.json is, served at /api/v1/openapi.json. Default: DataPath("openapi.json"),
  // the copy installed (or built) beside the binary.
  std::string openapi_path;
  // The read models (scorecards, reports, histories, outstanding work, trails). Not owned.
  // Default: null (those routes answer 503).
  engine::ReadModels* read_models = nullptr;
  // Bytes of read-model answers kept by log position (response_cache.h); 0 keeps none.
  // Default: 64 MiB.
  size_t response_cache_bytes = 64 << 20;
  // Signs the log's checkpoints; with it the verifiable log's routes are served
  // (adapters/verifiable_log/routes.h). Not owned. Default: null (those routes answer 404).
  Checkpointer* checkpointer = nullptr;
  // The log's checkpoint, key and tiles need no token (a council that publishes its log);
  // false keeps them behind the kVerifyLog authority like the proofs. Default: true.
  bool public_log = true;
  // Test seam: run on the worker pool before every pooled route's work (after nothing else);
  // a test makes it throw to check that an exception there answers 500 and the server keeps
  // serving. Default: none.
  std::function<void(const HttpRequest&)> before_work;
};

// A 400 problem naming `period` unless it is a canonical period id; nullopt when it is.
std::optional<HttpResponse> RefuseMalformedPeriod(const std::string& period);

class Api {
 public:
  Api(engine::CommandHandler* handler, engine::Scheduler* scheduler, Metrics* metrics,
      ApiOptions options);
  ~Api();
  Api(const Api&) = delete;
  Api& operator=(const Api&) = delete;

  // Adds every route (and /healthz, /readyz, /metrics) to `router`.
  void Register(Router* router);
  // Waits for engine work in flight (call after the server stopped).
  void Drain();

 private:
  // Who is calling, or the answer refusing them (401, 429).
  struct Admission {
    std::string person;
    std::optional<HttpResponse> refusal;
  };
  // Authenticates and rate-limits. On a pool thread.
  Admission Admit(const HttpRequest& request);
  // A 403 problem when `person` may not do the read `action` on `unit` today (authority.h);
  // nullopt when they may.
  // A store failure reading the model answers 503 (logged), never as if refused.
  std::optional<HttpResponse> RefuseRead(const std::string& person, engine::Action action,
                                         const std::string& unit);
  // The same for an action on the council as a whole (its id read in the same model read).
  std::optional<HttpResponse> RefuseRead(const std::string& person, engine::Action action);
  // Adds a route whose whole work (admission included) runs on the pool.
  void AddOnPool(Router* router, boost::beast::http::verb method, const char* path,
                 const char* name, std::function<HttpResponse(HttpRequest&)> work);
  HttpResponse Command(const std::string& field, HttpRequest& request);
  HttpResponse GetFigure(HttpRequest& request);
  HttpResponse GetLog(HttpRequest& request);
  HttpResponse GetVerify(HttpRequest& request);
  HttpResponse GetMe(HttpRequest& request);
  HttpResponse PostClock(HttpRequest& request);
  HttpResponse GetReady();
  // Read models (read_routes.cc). Each takes `as_of` (RFC 3339) or `at_position`.
  void RegisterReadRoutes(Router* router);
  // Admits the caller (unless public), resolves as_of/at_position, and runs `read` with them;
  // the caller's permission is checked inside `read` (it depends on what is read). On the pool.
  using ReadFn = std::function<HttpResponse(const std::string& person, const engine::AsOf&,
                                            const HttpRequest&)>;
  HttpResponse Read(HttpRequest& request, const ReadFn& read, bool public_route = false);
  HttpResponse GetScorecard(const std::string& person, const engine::AsOf& as_of,
                            const HttpRequest& request, bool published_only);
  HttpResponse GetReport(const std::string& person, const engine::AsOf& as_of,
                         const HttpRequest& request);
  HttpResponse GetHistory(const std::string& person, const engine::AsOf& as_of,
                          const HttpRequest& request);
  HttpResponse GetOutstanding(const std::string& person, const engine::AsOf& as_of,
                              const HttpRequest& request);
  HttpResponse GetLateReturns(const std::string& person, const engine::AsOf& as_of,
                              const HttpRequest& request);
  HttpResponse GetTrail(const std::string& person, const engine::AsOf& as_of,
                        const HttpRequest& request);
  HttpResponse GetEscalations(const std::string& person, const engine::AsOf& as_of,
                              const HttpRequest& request);
  HttpResponse GetCycle(const std::string& person, const HttpRequest& request);
  // Lists and their single items (list_routes.cc): reference data from the council model as it
  // stands now, findings and cycles from the read models.
  void RegisterListRoutes(Router* router);
  HttpResponse ListIndicators(const std::string& person, const HttpRequest& request);
  HttpResponse GetIndicator(const std::string& person, const HttpRequest& request);
  HttpResponse ListOrgUnits(const std::string& person, const HttpRequest& request);
  HttpResponse GetOrgUnit(const std::string& person, const HttpRequest& request);
  HttpResponse ListPeople(const std::string& person, const HttpRequest& request);
  HttpResponse GetPerson(const std::string& person, const HttpRequest& request);
  HttpResponse ListFindings(const std::string& person, const engine::AsOf& as_of,
                            const HttpRequest& request);
  HttpResponse GetFinding(const std::string& person, const engine::AsOf& as_of,
                          const HttpRequest& request);
  HttpResponse ListCycles(const std::string& person, const engine::AsOf& as_of,
                          const HttpRequest& request);
  // The answer of `compute` at the position `as_of` names, from the cache when it was computed
  // before. Only for answers that are a pure function of the position.
  HttpResponse AtPosition(const std::string& key, const engine::AsOf& as_of,
                          const std::function<HttpResponse(const engine::AsOf&)>& compute);
  // The org unit that owns an indicator / a priority; "" when unknown; the store's error when
  // the model could not be read (answer StoreUnavailable, not 404).
  Result<std::string> IndicatorUnit(const std::string& indicator_id);
  Result<std::string> PriorityUnit(const std::string& priority_id);
  Result<std::string> CouncilId();

  engine::CommandHandler* const handler_;
  engine::Scheduler* const scheduler_;
  Metrics* const metrics_;
  const ApiOptions options_;
  std::unique_ptr<RateLimiter> limiter_;
  std::unique_ptr<RateLimiter> public_limiter_;  // by client address, for public reads
  std::unique_ptr<WorkerPool> pool_;
  std::string openapi_;
  std::unique_ptr<ResponseCache> cache_;

  // The last full verification of the log (GET /api/v1/log/verification answers it unless
  // ?fresh=true); one verification runs at a time, under verify_mu_.
  Mutex verify_mu_;
  std::optional<goldthread::v1::LogVerification> last_verification_ GUARDED_BY(verify_mu_);
};

}  // namespace goldthread::adapters

#endif  // GOLDTHREAD_ADAPTERS_API_API_H_
