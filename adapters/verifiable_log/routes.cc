#include "adapters/verifiable_log/routes.h"

#include <charconv>
#include <memory>
#include <string>

#include "adapters/verifiable_log/proofs.h"
#include "adapters/verifiable_log/publish.h"
#include "store/tlog/tiles.h"

namespace goldthread::adapters {
namespace {

using boost::beast::http::verb;

HttpResponse Text(std::string body, const char* content_type, const char* cache) {
  HttpResponse r;
  r.content_type = content_type;
  r.body = std::move(body);
  r.headers.emplace_back("Cache-Control", cache);
  return r;
}

// A query parameter as a decimal uint64; nullopt when absent; a 400 problem when malformed.
struct Number {
  std::optional<uint64_t> value;
  std::optional<HttpResponse> problem;
};
Number QueryNumber(const HttpRequest& request, const std::string& name) {
  auto it = request.query.find(name);
  if (it == request.query.end()) return {};
  uint64_t v = 0;
  const std::string& s = it->second;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (s.empty() || ec != std::errc() || end != s.data() + s.size()) {
    return {.problem = Problem(400, "/problems/validation", "The request is not valid",
                               name + " must be a whole number of 0 or more", name)};
  }
  return {.value = v};
}

class LogRoutes {
 public:
  explicit LogRoutes(VerifiableLogRoutes r) : r_(std::move(r)) {}

  std::optional<HttpResponse> Refuse(const HttpRequest& request, bool file) const {
    if (r_.checkpointer == nullptr) {
      return Problem(404, "/problems/not-found", "Not found",
                     "this server does not sign its log (it was started without a log key)",
                     "path");
    }
    if (file && r_.public_log) return std::nullopt;
    return r_.authorize(request);
  }

  // The size proofs default to and tiles are served within: the latest checkpoint's, signing
  // the first one when there is none yet.
  Result<SignedCheckpoint> Current() const {
    auto latest = r_.checkpointer->Latest();
    if (!latest) return Unexpected(latest.error());
    if (*latest) return **latest;
    return r_.checkpointer->SignNow();
  }

  // The tree size a proof is for: ?tree_size= when given, else the latest checkpoint's.
  Result<uint64_t> TreeSizeOr(const Number& asked) const {
    if (asked.value) return *asked.value;
    auto cp = Current();
    if (!cp) return Unexpected(cp.error());
    return cp->checkpoint.size;
  }

  HttpResponse Checkpoint(const HttpRequest& request) const {
    if (auto refused = Refuse(request, true)) return std::move(*refused);
    auto cp = Current();
    if (!cp) return ProblemFromError(cp.error());
    return Text(cp->note, "text/plain; charset=utf-8", "no-cache");
  }

  HttpResponse VerifierKey(const HttpRequest& request) const {
    if (auto refused = Refuse(request, true)) return std::move(*refused);
    return Text(r_.checkpointer->signer().VerifierKey() + "\n", "text/plain; charset=utf-8",
                "public, max-age=3600");
  }

  HttpResponse Tile(const HttpRequest& request) const {
    if (auto refused = Refuse(request, true)) return std::move(*refused);
    auto tile = tlog::ParseTilePath("tile/" + request.params.at("tile_path"));
    if (!tile) return ProblemFromError(tile.error());
    // Within the whole tree, not only the latest checkpoint: a tile's bytes never change.
    const uint64_t size = r_.store->Head().position;
    auto bytes = ReadTile(*r_.store, *tile, size);
    if (!bytes) return ProblemFromError(bytes.error());
    return Text(std::move(*bytes), "application/octet-stream",
                "public, max-age=31536000, immutable");
  }

  HttpResponse Inclusion(const HttpRequest& request) const {
    if (auto refused = Refuse(request, false)) return std::move(*refused);
    Number position = QueryNumber(request, "position");
    Number leaf = QueryNumber(request, "leaf_index");
    Number size = QueryNumber(request, "tree_size");
    for (const Number* n : {&position, &leaf, &size}) {
      if (n->problem) return *n->problem;
    }
    if (position.value.has_value() == leaf.value.has_value()) {
      return Problem(400, "/problems/validation", "The request is not valid",
                     "give either position (1 or more) or leaf_index (position - 1)", "position");
    }
    if (position.value && *position.value == 0) {
      return Problem(400, "/problems/validation", "The request is not valid",
                     "positions start at 1", "position");
    }
    const uint64_t index = position.value ? *position.value - 1 : *leaf.value;
    auto tree_size = TreeSizeOr(size);
    if (!tree_size) return ProblemFromError(tree_size.error());
    auto json = InclusionProofJson(*r_.store, index, *tree_size);
    if (!json) return ProblemFromError(json.error());
    return Text(std::move(*json), "application/json", "no-cache");
  }

  HttpResponse Consistency(const HttpRequest& request) const {
    if (auto refused = Refuse(request, false)) return std::move(*refused);
    Number old_size = QueryNumber(request, "old_size");
    Number size = QueryNumber(request, "tree_size");
    for (const Number* n : {&old_size, &size}) {
      if (n->problem) return *n->problem;
    }
    if (!old_size.value) {
      return Problem(400, "/problems/validation", "The request is not valid",
                     "old_size (the earlier checkpoint's tree size) is required", "old_size");
    }
    auto tree_size = TreeSizeOr(size);
    if (!tree_size) return ProblemFromError(tree_size.error());
    auto json = ConsistencyProofJson(*r_.store, *old_size.value, *tree_size);
    if (!json) return ProblemFromError(json.error());
    return Text(std::move(*json), "application/json", "no-cache");
  }

 private:
  const VerifiableLogRoutes r_;
};

}  // namespace

void RegisterVerifiableLogRoutes(Router* router, VerifiableLogRoutes routes) {
  auto log = std::make_shared<const LogRoutes>(routes);
  auto add = [&](const std::string& path, const char* name,
                 HttpResponse (LogRoutes::*method)(const HttpRequest&) const) {
    router->Add(verb::get, path, name,
                routes.on_pool([log, method](HttpRequest& r) { return ((*log).*method)(r); }));
  };
  add("/log/checkpoint", "log_checkpoint", &LogRoutes::Checkpoint);
  add("/log/verifier-key", "log_verifier_key", &LogRoutes::VerifierKey);
  add("/log/tile/{tile_path...}", "log_tile", &LogRoutes::Tile);
  add("/api/v1/log/proofs/inclusion", "get_inclusion_proof", &LogRoutes::Inclusion);
  add("/api/v1/log/proofs/consistency", "get_consistency_proof", &LogRoutes::Consistency);
}

}  // namespace goldthread::adapters
