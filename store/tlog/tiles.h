// Tiles (C2SP tlog-tiles): the log published as static files an auditor can fetch and check.
//
//   tile/<L>/<N>[.p/<W>]        hash tile: W (full: 256) consecutive 32-byte hashes at tree
//                               level 8·L, indexes 256·N .. 256·N+W-1, concatenated
//   tile/entries/<N>[.p/<W>]    entry bundle: leaves 256·N .. 256·N+W-1, each as a big-endian
//                               uint16 length and then the leaf's bytes
//
// N is written in groups of three digits, each but the last prefixed "x" (1234067 is
// x001/x234/067). A full tile has no ".p/<W>"; a partial one has 1 ≤ W ≤ 255.
// Pure functions; thread-safe.
#ifndef GOLDTHREAD_STORE_TLOG_TILES_H_
#define GOLDTHREAD_STORE_TLOG_TILES_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "store/base/errors.h"

namespace goldthread::tlog {

inline constexpr int kTileHeight = 8;
inline constexpr uint32_t kTileWidth = 256;
inline constexpr int kMaxTileLevel = 7;  // 8 levels of 8: every tree a uint64 size can hold

struct TileRef {
  bool entries = false;  // an entry bundle; `level` is then 0
  int level = 0;         // tile level L (tree level 8·L)
  uint64_t index = 0;    // N
  uint32_t width = kTileWidth;

  bool operator==(const TileRef&) const = default;
};

// "x001/x234/067" for 1234067.
std::string EncodeTileIndex(uint64_t n);
// The path of `tile` relative to the log's prefix ("tile/0/x001/067.p/5").
std::string TilePath(const TileRef& tile);
// Parses a path as TilePath writes it; anything else is kInvalidArgument naming `path`.
Result<TileRef> ParseTilePath(std::string_view path);

// Every tile (hash tiles of each level, then entry bundles) of a tree of `size` leaves: the
// full ones and, where a level ends part-way through a tile, that partial tile.
std::vector<TileRef> TilesForSize(uint64_t size);
// Whether `tile` lies within a tree of `size`: its hashes or entries all exist there.
bool TileWithin(const TileRef& tile, uint64_t size);

// An entry bundle of `entries` (each at most 65,535 bytes; kInvalidArgument otherwise).
Result<std::string> EncodeEntryBundle(const std::vector<std::string>& entries);
Result<std::vector<std::string>> DecodeEntryBundle(std::string_view bundle);

}  // namespace goldthread::tlog

#endif  // GOLDTHREAD_STORE_TLOG_TILES_H_
