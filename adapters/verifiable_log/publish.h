// The log's tiles (C2SP tlog-tiles), read from the store's Merkle tree, served over HTTP and
// exported to a folder an auditor can be handed or that can be published as static files.
//
//   auto bytes = ReadTile(store, *tlog::ParseTilePath("tile/0/000.p/7"), checkpoint.size);
//   auto stats = ExportTiles(store, signed_checkpoint, verifier_key, "out/");
//
// An exported folder holds `checkpoint` (the signed note), `verifier-key` (the log's public
// key as a note verifier key) and `tile/...` for every full and partial tile of the
// checkpoint's tree (docs/VERIFYING.md). Functions; thread-safe as the store is.
#ifndef GOLDTHREAD_ADAPTERS_VERIFIABLE_LOG_PUBLISH_H_
#define GOLDTHREAD_ADAPTERS_VERIFIABLE_LOG_PUBLISH_H_

#include <cstdint>
#include <string>

#include "adapters/verifiable_log/checkpoints.h"
#include "store/base/errors.h"
#include "store/event_store.h"
#include "store/tlog/tiles.h"

namespace goldthread::adapters {

// The bytes of `tile` in a tree of `tree_size` leaves; kNotFound when the tile is not
// complete in that tree (a partial tile wider than the tree holds, a tile beyond it).
Result<std::string> ReadTile(const store::EventStore& store, const tlog::TileRef& tile,
                             uint64_t tree_size);

struct ExportStats {
  uint64_t tree_size = 0;
  uint64_t hash_tiles = 0;
  uint64_t entry_bundles = 0;
  uint64_t bytes = 0;
};
// Writes the checkpoint, the verifier key and every tile of the checkpoint's tree under
// `out_dir`, which must be missing or empty (kAlreadyExists otherwise).
Result<ExportStats> ExportTiles(const store::EventStore& store, const SignedCheckpoint& checkpoint,
                                const std::string& verifier_key, const std::string& out_dir);

}  // namespace goldthread::adapters

#endif  // GOLDTHREAD_ADAPTERS_VERIFIABLE_LOG_PUBLISH_H_
