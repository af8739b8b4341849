// The Merkle tree of a verifiable log, as RFC 6962 / RFC 9162 §2.1 define it (the tree of
// Certificate Transparency and of C2SP tlog-tiles): leaf and node hashing, the root of any
// size, inclusion and consistency proofs and their verifiers, and TreeFrontier, the compact
// range an appender keeps to extend the tree one leaf at a time.
//
//   TreeFrontier f;
//   std::vector<StoredNode> done;
//   f.Append(LeafHash(entry), &done);        // `done`: every subtree this leaf completed
//   auto proof = InclusionProof(3, f.size(), hash_at);
//   bool ok = VerifyInclusion(3, f.size(), LeafHash(entry3), *proof, f.Root());
//
// The functions that read hashes take a HashAt: the caller's store of complete subtree hashes
// (store/ keeps levels 0, 8, 16, ... and TiledHashAt computes the others from them). Everything
// here is a pure function or a value type; thread-safe as values are. Hashes are 32 raw bytes.
#ifndef GOLDTHREAD_STORE_TLOG_MERKLE_H_
#define GOLDTHREAD_STORE_TLOG_MERKLE_H_

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "store/base/errors.h"

namespace goldthread::tlog {

inline constexpr size_t kHashSize = 32;

// SHA-256(0x00 ‖ entry): the hash of one leaf.
std::string LeafHash(std::string_view entry);
// SHA-256(0x01 ‖ left ‖ right): the hash of an interior node.
std::string NodeHash(std::string_view left, std::string_view right);
// SHA-256 of nothing: the root of the tree of size 0 (RFC 9162 §2.1.1; not 32 zero bytes).
std::string EmptyTreeRoot();

// The hash of the complete subtree at `level` (0: the leaf hashes) whose leaves are
// [index·2^level, (index+1)·2^level). Called only for subtrees complete in the tree asked about.
using HashAt = std::function<Result<std::string>(int level, uint64_t index)>;
// `count` stored hashes at `level` from index `from` (for a store that keeps only some levels).
using HashRange =
    std::function<Result<std::vector<std::string>>(int level, uint64_t from, uint64_t count)>;

// A HashAt over a store that keeps every level that is a multiple of `stride` (8 for C2SP
// tiles): a level in between is folded from at most 2^(stride-1) stored hashes read in one range.
HashAt TiledHashAt(HashRange stored, int stride = 8);

// MTH of the first `size` leaves (RFC 9162 §2.1.1). EmptyTreeRoot() for size 0.
Result<std::string> TreeRoot(uint64_t size, const HashAt& hash_at);
// The audit path of leaf `index` in the tree of `size` leaves, leaf to root (RFC 9162 §2.1.3.1).
// InvalidArgument naming `index` when index >= size (so also for size 0).
Result<std::vector<std::string>> InclusionProof(uint64_t index, uint64_t size,
                                                const HashAt& hash_at);
// The proof that the tree of `old_size` is a prefix of the tree of `new_size` (RFC 9162
// §2.1.4.1). Empty when old_size is 0 or equals new_size. InvalidArgument naming `old_size` when
// old_size > new_size.
Result<std::vector<std::string>> ConsistencyProof(uint64_t old_size, uint64_t new_size,
                                                  const HashAt& hash_at);

// RFC 9162 §2.1.3.2. False for index >= size or any hash that is not 32 bytes.
bool VerifyInclusion(uint64_t index, uint64_t size, std::string_view leaf_hash,
                     const std::vector<std::string>& proof, std::string_view root);
// RFC 9162 §2.1.4.2 for 0 < old_size < new_size. The RFC leaves the edges out; here
// old_size == new_size holds with an empty proof and equal roots, old_size == 0 with an empty
// proof and old_root == EmptyTreeRoot(), and old_size > new_size never.
bool VerifyConsistency(uint64_t old_size, uint64_t new_size, std::string_view old_root,
                       std::string_view new_root, const std::vector<std::string>& proof);

// One complete subtree: its level, its index at that level, its hash.
struct StoredNode {
  int level = 0;
  uint64_t index = 0;
  std::string hash;
  bool operator==(const StoredNode&) const = default;
};

// The roots of the maximal complete subtrees of the tree (one per set bit of its size, largest
// first; at most 64), enough to append a leaf and to compute the root without reading anything.
// A value type; not thread-safe for concurrent mutation.
class TreeFrontier {
 public:
  TreeFrontier() = default;
  // The frontier of the tree of `size` leaves, its subtrees read through `hash_at`.
  static Result<TreeFrontier> Restore(uint64_t size, const HashAt& hash_at);

  // Appends the leaf with hash `leaf_hash`. Appends to `completed` (when not null) every subtree
  // this leaf completes, from the leaf itself (level 0) upwards.
  void Append(std::string leaf_hash, std::vector<StoredNode>* completed);
  // MTH of the tree so far; EmptyTreeRoot() when empty.
  std::string Root() const;
  uint64_t size() const { return size_; }
  // The subtrees, largest (leftmost) first.
  const std::vector<StoredNode>& nodes() const { return nodes_; }

 private:
  uint64_t size_ = 0;
  std::vector<StoredNode> nodes_;
};

}  // namespace goldthread::tlog

#endif  // GOLDTHREAD_STORE_TLOG_MERKLE_H_
