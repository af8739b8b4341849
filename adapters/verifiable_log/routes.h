// The verifiable log over HTTP (docs/VERIFYING.md, docs/openapi.json):
//
//   GET /log/checkpoint                      the latest signed checkpoint (text/plain)
//   GET /log/verifier-key                    the log's public key as a note verifier key
//   GET /log/tile/<L>/<N>[.p/<W>]            hash tiles, and
//   GET /log/tile/entries/<N>[.p/<W>]        entry bundles (C2SP tlog-tiles; immutable),
//                                            one route: /log/tile/{tile_path...}
//   GET /api/v1/log/proofs/inclusion?position=P[&tree_size=S]   (or leaf_index=P-1)
//   GET /api/v1/log/proofs/consistency?old_size=M[&tree_size=N]
//
// tree_size defaults to the latest checkpoint's. A council that publishes its log answers the
// /log/ files to anyone (`public_log`); otherwise, and for the proofs always, `authorize`
// decides (the API passes the kVerifyLog authority check).
#ifndef GOLDTHREAD_ADAPTERS_VERIFIABLE_LOG_ROUTES_H_
#define GOLDTHREAD_ADAPTERS_VERIFIABLE_LOG_ROUTES_H_

#include <functional>
#include <optional>

#include "adapters/http/http_types.h"
#include "adapters/verifiable_log/checkpoints.h"
#include "store/event_store.h"

namespace goldthread::adapters {

struct VerifiableLogRoutes {
  const store::EventStore* store = nullptr;
  // Null: every route answers 404 (a server without a log key).
  Checkpointer* checkpointer = nullptr;
  // The tiles, checkpoint and key need no token. Default: true.
  bool public_log = true;
  // The refusal (401, 403, 429) for a request that may not read the log; nullopt to let it.
  std::function<std::optional<HttpResponse>(const HttpRequest&)> authorize;
  // Wraps work to run off the I/O threads (WorkerPool::Route).
  std::function<Handler(std::function<HttpResponse(HttpRequest&)>)> on_pool;
};

void RegisterVerifiableLogRoutes(Router* router, VerifiableLogRoutes routes);

}  // namespace goldthread::adapters

#endif  // GOLDTHREAD_ADAPTERS_VERIFIABLE_LOG_ROUTES_H_
