#include "store/tlog/tiles.h"

#include <charconv>

namespace goldthread::tlog {
namespace {

Failure BadPath(std::string_view why) {
  return InvalidField("path", "not a tile path: " + std::string(why));
}

// A decimal number with no leading zeros (except "0" itself), at most `max_digits` long.
bool ParseDecimal(std::string_view s, size_t max_digits, uint64_t* out) {
  if (s.empty() || s.size() > max_digits || (s.size() > 1 && s[0] == '0')) return false;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), *out);
  return ec == std::errc() && end == s.data() + s.size();
}

// The number of hashes at tree level 8·level that are complete in a tree of `size` leaves.
uint64_t HashesAt(int level, uint64_t size) {
  return level * kTileHeight >= 64 ? 0 : size >> (level * kTileHeight);
}

}  // namespace

std::string EncodeTileIndex(uint64_t n) {
  std::string groups = std::to_string(n % 1000);
  groups.insert(0, 3 - groups.size(), '0');
  for (n /= 1000; n > 0; n /= 1000) {
    std::string g = std::to_string(n % 1000);
    g.insert(0, 3 - g.size(), '0');
    groups = "x" + g + "/" + groups;
  }
  return groups;
}

std::string TilePath(const TileRef& tile) {
  std::string path = tile.entries ? "tile/entries/" : "tile/" + std::to_string(tile.level) + "/";
  path += EncodeTileIndex(tile.index);
  if (tile.width != kTileWidth) path += ".p/" + std::to_string(tile.width);
  return path;
}

Result<TileRef> ParseTilePath(std::string_view path) {
  if (path.substr(0, 5) != "tile/") return BadPath("it does not start with tile/");
  path.remove_prefix(5);
  TileRef tile;
  size_t slash = path.find('/');
  if (slash == std::string_view::npos) return BadPath("no tile index");
  std::string_view level = path.substr(0, slash);
  path.remove_prefix(slash + 1);
  if (level == "entries") {
    tile.entries = true;
  } else {
    uint64_t l = 0;
    if (!ParseDecimal(level, 1, &l) || l > kMaxTileLevel) return BadPath("the level is not 0-7");
    tile.level = static_cast<int>(l);
  }
  // The index: "x" groups, then a last group of three digits, then perhaps ".p/<W>".
  uint64_t index = 0;
  while (!path.empty() && path[0] == 'x') {
    if (path.size() < 5 || path[4] != '/') return BadPath("an x group is not three digits");
    uint64_t g = 0;
    std::string_view digits = path.substr(1, 3);
    auto [end, ec] = std::from_chars(digits.data(), digits.data() + 3, g);
    if (ec != std::errc() || end != digits.data() + 3) return BadPath("an x group is not digits");
    if (index > (UINT64_MAX - g) / 1000) return BadPath("the index is too large");
    index = index * 1000 + g;
    path.remove_prefix(5);
  }
  if (path.size() < 3) return BadPath("the last group is not three digits");
  uint64_t last = 0;
  std::string_view digits = path.substr(0, 3);
  auto [end, ec] = std::from_chars(digits.data(), digits.data() + 3, last);
  if (ec != std::errc() || end != digits.data() + 3) return BadPath("the last group is not digits");
  if (index > (UINT64_MAX - last) / 1000) return BadPath("the index is too large");
  tile.index = index * 1000 + last;
  path.remove_prefix(3);
  if (!path.empty()) {
    if (path.substr(0, 3) != ".p/") return BadPath("unexpected text after the index");
    uint64_t w = 0;
    if (!ParseDecimal(path.substr(3), 3, &w) || w == 0 || w >= kTileWidth) {
      return BadPath("a partial tile's width is 1-255");
    }
    tile.width = static_cast<uint32_t>(w);
  }
  return tile;
}

bool TileWithin(const TileRef& tile, uint64_t size) {
  uint64_t available = HashesAt(tile.entries ? 0 : tile.level, size);
  if (tile.index > (UINT64_MAX - tile.width) / kTileWidth) return false;
  return tile.index * kTileWidth + tile.width <= available;
}

std::vector<TileRef> TilesForSize(uint64_t size) {
  std::vector<TileRef> tiles;
  auto add_level = [&](bool entries, int level) {
    uint64_t n = HashesAt(level, size);
    for (uint64_t i = 0; i < n / kTileWidth; ++i) tiles.push_back({entries, level, i, kTileWidth});
    if (n % kTileWidth != 0) {
      tiles.push_back({entries, level, n / kTileWidth, static_cast<uint32_t>(n % kTileWidth)});
    }
  };
  for (int level = 0; level <= kMaxTileLevel && HashesAt(level, size) > 0; ++level) {
    add_level(false, level);
  }
  add_level(true, 0);
  return tiles;
}

Result<std::string> EncodeEntryBundle(const std::vector<std::string>& entries) {
  std::string out;
  for (size_t i = 0; i < entries.size(); ++i) {
    const std::string& e = entries[i];
    if (e.size() > 0xffff) {
      return InvalidField("entries[" + std::to_string(i) + "]", "an entry is over 65,535 bytes");
    }
    out.push_back(static_cast<char>(e.size() >> 8));
    out.push_back(static_cast<char>(e.size() & 0xff));
    out += e;
  }
  return out;
}

Result<std::vector<std::string>> DecodeEntryBundle(std::string_view bundle) {
  std::vector<std::string> entries;
  while (!bundle.empty()) {
    if (bundle.size() < 2) return InvalidField("bundle", "a length is cut short");
    size_t n = (size_t{static_cast<unsigned char>(bundle[0])} << 8) |
               static_cast<unsigned char>(bundle[1]);
    if (bundle.size() < 2 + n) return InvalidField("bundle", "an entry is cut short");
    entries.emplace_back(bundle.substr(2, n));
    bundle.remove_prefix(2 + n);
  }
  return entries;
}

}  // namespace goldthread::tlog
