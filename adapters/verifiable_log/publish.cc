#include "adapters/verifiable_log/publish.h"

#include <fmt/format.h>

#include <filesystem>

#include "store/base/atomic_file.h"

namespace goldthread::adapters {

namespace fs = std::filesystem;

Result<std::string> ReadTile(const store::EventStore& store, const tlog::TileRef& tile,
                             uint64_t tree_size) {
  if (!tlog::TileWithin(tile, tree_size)) {
    return MakeError(ErrorCode::kNotFound,
                     fmt::format("{} is not in the log's tree of {} events",
                                 tlog::TilePath(tile), tree_size),
                     "path");
  }
  const uint64_t from = tile.index * tlog::kTileWidth;
  if (tile.entries) {
    auto entries = store.LeafEntries(from, tile.width);
    if (!entries) return Unexpected(entries.error());
    if (entries->size() != tile.width) {
      return MakeError(ErrorCode::kDataLoss, "the store returned fewer entries than asked");
    }
    return tlog::EncodeEntryBundle(*entries);
  }
  auto hashes = store.TreeHashes(tile.level * tlog::kTileHeight, from, tile.width, tree_size);
  if (!hashes) return Unexpected(hashes.error());
  if (hashes->size() != tile.width) {
    return MakeError(ErrorCode::kDataLoss, "the store returned fewer tree hashes than asked");
  }
  std::string out;
  out.reserve(tile.width * 32);
  for (const std::string& h : *hashes) out += h;
  return out;
}

Result<ExportStats> ExportTiles(const store::EventStore& store, const SignedCheckpoint& checkpoint,
                                const std::string& verifier_key, const std::string& out_dir) {
  std::error_code ec;
  if (fs::exists(out_dir, ec) && !fs::is_empty(out_dir, ec)) {
    return MakeError(ErrorCode::kAlreadyExists,
                     fmt::format("{} is not empty: export into a new folder", out_dir), "out");
  }
  fs::create_directories(out_dir, ec);
  if (ec) {
    return MakeError(ErrorCode::kUnavailable,
                     fmt::format("cannot create {}: {}", out_dir, ec.message()), "out");
  }
  ExportStats stats;
  stats.tree_size = checkpoint.checkpoint.size;
  auto write = [&](const std::string& relative, std::string_view bytes) -> Status {
    const fs::path path = fs::path(out_dir) / relative;
    std::error_code mk;
    fs::create_directories(path.parent_path(), mk);
    if (auto s = WriteFileAtomically(path.string(), bytes); !s) return s;
    stats.bytes += bytes.size();
    return OkStatus();
  };
  for (const tlog::TileRef& tile : tlog::TilesForSize(checkpoint.checkpoint.size)) {
    auto bytes = ReadTile(store, tile, checkpoint.checkpoint.size);
    if (!bytes) return Unexpected(bytes.error());
    if (auto s = write(tlog::TilePath(tile), *bytes); !s) return Unexpected(s.error());
    ++(tile.entries ? stats.entry_bundles : stats.hash_tiles);
  }
  // Last, so a folder with a checkpoint is a complete export.
  if (auto s = write("verifier-key", verifier_key + "\n"); !s) return Unexpected(s.error());
  if (auto s = write("checkpoint", checkpoint.note); !s) return Unexpected(s.error());
  return stats;
}

}  // namespace goldthread::adapters
