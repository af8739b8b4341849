#include "store/tlog/merkle.h"

#include <fmt/format.h>

#include <bit>

#include "store/base/sha256.h"

namespace goldthread::tlog {
namespace {

constexpr std::string_view kLeafPrefix("\x00", 1);
constexpr std::string_view kNodePrefix("\x01", 1);

// The largest power of two strictly below n (n >= 2): RFC 9162's split point k.
uint64_t SplitPoint(uint64_t n) { return std::bit_floor(n - 1); }

int Log2(uint64_t power_of_two) { return std::countr_zero(power_of_two); }

// MTH of leaves [lo, hi). Every range the RFC's recursion visits is a node of the tree: lo is a
// multiple of the largest power of two not above hi - lo, so the left part is one stored subtree.
Result<std::string> RangeHash(uint64_t lo, uint64_t hi, const HashAt& hash_at) {
  const uint64_t n = hi - lo;
  if (n == 0) return EmptyTreeRoot();
  if (std::has_single_bit(n)) return hash_at(Log2(n), lo >> Log2(n));
  const uint64_t k = SplitPoint(n);
  auto left = hash_at(Log2(k), lo >> Log2(k));
  if (!left) return left;
  auto right = RangeHash(lo + k, hi, hash_at);
  if (!right) return right;
  return NodeHash(*left, *right);
}

// PATH(m, D[lo:hi]) of RFC 9162 §2.1.3.1, appended to `out` leaf to root.
Status Path(uint64_t m, uint64_t lo, uint64_t hi, const HashAt& hash_at,
            std::vector<std::string>* out) {
  const uint64_t n = hi - lo;
  if (n <= 1) return OkStatus();
  const uint64_t k = SplitPoint(n);
  Result<std::string> sibling;
  if (m < k) {
    if (Status s = Path(m, lo, lo + k, hash_at, out); !s) return s;
    sibling = RangeHash(lo + k, hi, hash_at);
  } else {
    if (Status s = Path(m - k, lo + k, hi, hash_at, out); !s) return s;
    sibling = RangeHash(lo, lo + k, hash_at);
  }
  if (!sibling) return Unexpected(sibling.error());
  out->push_back(std::move(*sibling));
  return OkStatus();
}

// SUBPROOF(m, D[lo:hi], b) of RFC 9162 §2.1.4.1.
Status SubProof(uint64_t m, uint64_t lo, uint64_t hi, bool b, const HashAt& hash_at,
                std::vector<std::string>* out) {
  const uint64_t n = hi - lo;
  if (m == n) {
    if (b) return OkStatus();
    auto h = RangeHash(lo, hi, hash_at);
    if (!h) return Unexpected(h.error());
    out->push_back(std::move(*h));
    return OkStatus();
  }
  const uint64_t k = SplitPoint(n);
  Result<std::string> sibling;
  if (m <= k) {
    if (Status s = SubProof(m, lo, lo + k, b, hash_at, out); !s) return s;
    sibling = RangeHash(lo + k, hi, hash_at);
  } else {
    if (Status s = SubProof(m - k, lo + k, hi, false, hash_at, out); !s) return s;
    sibling = RangeHash(lo, lo + k, hash_at);
  }
  if (!sibling) return Unexpected(sibling.error());
  out->push_back(std::move(*sibling));
  return OkStatus();
}

bool AllHashes(const std::vector<std::string>& proof) {
  for (const std::string& p : proof)
    if (p.size() != kHashSize) return false;
  return true;
}

}  // namespace

std::string LeafHash(std::string_view entry) { return Sha256({kLeafPrefix, entry}); }

std::string NodeHash(std::string_view left, std::string_view right) {
  return Sha256({kNodePrefix, left, right});
}

std::string EmptyTreeRoot() { return Sha256(std::string_view()); }

HashAt TiledHashAt(HashRange stored, int stride) {
  return [stored = std::move(stored), stride](int level, uint64_t index) -> Result<std::string> {
    const int base = level - level % stride;
    const int up = level - base;
    const uint64_t count = uint64_t{1} << up;
    auto hashes = stored(base, index << up, count);
    if (!hashes) return Unexpected(hashes.error());
    std::vector<std::string>& h = *hashes;
    if (h.size() != count) {
      return MakeError(ErrorCode::kDataLoss,
                       fmt::format("tree node level {} index {} is missing", base,
                                   (index << up) + h.size()));
    }
    for (size_t n = h.size(); n > 1; n /= 2) {
      for (size_t i = 0; i < n / 2; ++i) h[i] = NodeHash(h[2 * i], h[2 * i + 1]);
    }
    return std::move(h[0]);
  };
}

Result<std::string> TreeRoot(uint64_t size, const HashAt& hash_at) {
  return RangeHash(0, size, hash_at);
}

Result<std::vector<std::string>> InclusionProof(uint64_t index, uint64_t size,
                                                const HashAt& hash_at) {
  if (index >= size) {
    return InvalidField("index", fmt::format("leaf index {} is not in a tree of {} leaves", index,
                                             size));
  }
  std::vector<std::string> proof;
  if (Status s = Path(index, 0, size, hash_at, &proof); !s) return Unexpected(s.error());
  return proof;
}

Result<std::vector<std::string>> ConsistencyProof(uint64_t old_size, uint64_t new_size,
                                                  const HashAt& hash_at) {
  if (old_size > new_size) {
    return InvalidField("old_size", fmt::format("old size {} is larger than new size {}",
                                                old_size, new_size));
  }
  std::vector<std::string> proof;
  if (old_size == 0 || old_size == new_size) return proof;
  if (Status s = SubProof(old_size, 0, new_size, true, hash_at, &proof); !s) {
    return Unexpected(s.error());
  }
  return proof;
}

bool VerifyInclusion(uint64_t index, uint64_t size, std::string_view leaf_hash,
                     const std::vector<std::string>& proof, std::string_view root) {
  if (index >= size || leaf_hash.size() != kHashSize || root.size() != kHashSize ||
      !AllHashes(proof)) {
    return false;
  }
  uint64_t fn = index;
  uint64_t sn = size - 1;
  std::string r(leaf_hash);
  for (const std::string& p : proof) {
    if (sn == 0) return false;
    if ((fn & 1) != 0 || fn == sn) {
      r = NodeHash(p, r);
      while ((fn & 1) == 0 && fn != 0) {
        fn >>= 1;
        sn >>= 1;
      }
    } else {
      r = NodeHash(r, p);
    }
    fn >>= 1;
    sn >>= 1;
  }
  return sn == 0 && r == root;
}

bool VerifyConsistency(uint64_t old_size, uint64_t new_size, std::string_view old_root,
                       std::string_view new_root, const std::vector<std::string>& proof) {
  if (old_size > new_size || old_root.size() != kHashSize || new_root.size() != kHashSize ||
      !AllHashes(proof)) {
    return false;
  }
  if (old_size == new_size) return proof.empty() && old_root == new_root;
  if (old_size == 0) return proof.empty() && old_root == EmptyTreeRoot();
  // RFC 9162 §2.1.4.2, steps 1-7.
  if (proof.empty()) return false;
  std::vector<std::string_view> path;
  if (std::has_single_bit(old_size)) path.push_back(old_root);
  for (const std::string& p : proof) path.push_back(p);
  uint64_t fn = old_size - 1;
  uint64_t sn = new_size - 1;
  while ((fn & 1) != 0) {
    fn >>= 1;
    sn >>= 1;
  }
  std::string fr(path[0]);
  std::string sr(path[0]);
  for (size_t i = 1; i < path.size(); ++i) {
    const std::string_view c = path[i];
    if (sn == 0) return false;
    if ((fn & 1) != 0 || fn == sn) {
      fr = NodeHash(c, fr);
      sr = NodeHash(c, sr);
      while ((fn & 1) == 0 && fn != 0) {
        fn >>= 1;
        sn >>= 1;
      }
    } else {
      sr = NodeHash(sr, c);
    }
    fn >>= 1;
    sn >>= 1;
  }
  return fr == old_root && sr == new_root && sn == 0;
}

Result<TreeFrontier> TreeFrontier::Restore(uint64_t size, const HashAt& hash_at) {
  TreeFrontier f;
  uint64_t covered = 0;
  for (int level = 63; level >= 0; --level) {
    const uint64_t span = uint64_t{1} << level;
    if ((size & span) == 0) continue;
    auto h = hash_at(level, covered >> level);
    if (!h) return Unexpected(h.error());
    if (h->size() != kHashSize) {
      return MakeError(ErrorCode::kDataLoss,
                       fmt::format("tree node level {} index {} is not a hash", level,
                                   covered >> level));
    }
    f.nodes_.push_back(StoredNode{level, covered >> level, std::move(*h)});
    covered += span;
  }
  f.size_ = size;
  return f;
}

void TreeFrontier::Append(std::string leaf_hash, std::vector<StoredNode>* completed) {
  nodes_.push_back(StoredNode{0, size_, std::move(leaf_hash)});
  ++size_;
  if (completed) completed->push_back(nodes_.back());
  while (nodes_.size() >= 2 && nodes_[nodes_.size() - 2].level == nodes_.back().level) {
    StoredNode& left = nodes_[nodes_.size() - 2];
    left.hash = NodeHash(left.hash, nodes_.back().hash);
    left.level += 1;
    left.index >>= 1;
    nodes_.pop_back();
    if (completed) completed->push_back(left);
  }
}

std::string TreeFrontier::Root() const {
  if (nodes_.empty()) return EmptyTreeRoot();
  std::string r = nodes_.back().hash;
  for (size_t i = nodes_.size() - 1; i-- > 0;) r = NodeHash(nodes_[i].hash, r);
  return r;
}

}  // namespace goldthread::tlog
