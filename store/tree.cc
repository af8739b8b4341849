// The Merkle tree over the log (store/README.md, "The Merkle tree"): restoring and building it
// at open, and the reads that serve roots, proofs, hash tiles and entries. The writer's side (a
// leaf and its completed nodes in every record's batch) is in group_commit.cc; Verify's check is
// in rocks_event_store.cc.
#include <fmt/format.h>

#include <algorithm>
#include <cstdio>

#include "store/internal/hash_chain.h"
#include "store/internal/keys.h"
#include "store/internal/rocks_event_store.h"

namespace goldthread::store::internal {
namespace {

constexpr uint64_t kMaxTreeHashes = 1 << 16;
constexpr uint64_t kMaxLeafEntries = 10'000;
// Leaves per WriteBatch when building the tree of an older store at open.
constexpr size_t kBuildBatchLeaves = 100'000;

Failure FromRocks(const rocksdb::Status& s, std::string_view what) {
  return MakeError(ErrorCode::kInternal, fmt::format("{}: {}", what, s.ToString()));
}

// One RocksDB snapshot for the length of a call.
class ScopedSnapshot {
 public:
  explicit ScopedSnapshot(rocksdb::DB* db) : db_(db), snapshot_(db->GetSnapshot()) {
    ro_.snapshot = snapshot_;
  }
  ~ScopedSnapshot() { db_->ReleaseSnapshot(snapshot_); }
  ScopedSnapshot(const ScopedSnapshot&) = delete;
  ScopedSnapshot& operator=(const ScopedSnapshot&) = delete;
  const rocksdb::ReadOptions& read_options() const { return ro_; }

 private:
  rocksdb::DB* db_;
  const rocksdb::Snapshot* snapshot_;
  rocksdb::ReadOptions ro_;
};

}  // namespace

Result<std::vector<std::string>> RocksEventStore::ReadTreeRange(const rocksdb::ReadOptions& ro,
                                                                int level, uint64_t from,
                                                                uint64_t count) const {
  std::vector<std::string> out;
  if (count == 0) return out;
  if (count == 1) {
    std::string value;
    rocksdb::Status s = db_->Get(ro, tree_cf_, TreeKey(level, from), &value);
    if (s.IsNotFound()) return out;
    if (!s.ok()) return FromRocks(s, "reading the Merkle tree");
    out.push_back(std::move(value));
    return out;
  }
  out.reserve(count);
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(ro, tree_cf_));
  const std::string first = TreeKey(level, from);
  for (it->Seek(first); it->Valid() && out.size() < count; it->Next()) {
    if (it->key() != rocksdb::Slice(TreeKey(level, from + out.size()))) break;  // a gap or the end
    out.push_back(it->value().ToString());
  }
  if (!it->status().ok()) return FromRocks(it->status(), "reading the Merkle tree");
  return out;
}

tlog::HashAt RocksEventStore::StoredHashAt(const rocksdb::ReadOptions& ro) const {
  return tlog::TiledHashAt(
      [this, ro](int level, uint64_t from, uint64_t count) -> Result<std::vector<std::string>> {
        auto hashes = ReadTreeRange(ro, level, from, count);
        if (hashes && hashes->size() < count) {
          return MakeError(ErrorCode::kDataLoss,
                           fmt::format("tree node level {} index {} is missing", level,
                                       from + hashes->size()));
        }
        return hashes;
      },
      kTreeStride);
}

Status RocksEventStore::OpenTree(uint64_t head) {
  // The store still opens when the tree cannot be served, so that reads and Verify work; the
  // tree calls answer with the reason and a writer refuses appends rather than extend a tree
  // it cannot trust.
  auto refuse = [&](ErrorCode code, std::string message) -> Status {
    tree_error_ = Error{code, message, "", std::nullopt};
    if (!options_.read_only) {
      failed_ = Error{code, message + "; appends are refused until the store is repaired", "",
                      std::nullopt};
    }
    return OkStatus();
  };
  if (!options_.maintain_tree) {
    tree_error_ = Error{ErrorCode::kFailedPrecondition,
                        "the store was opened with StoreOptions::maintain_tree off", "",
                        std::nullopt};
    return OkStatus();
  }
  if (tree_cf_ == nullptr) {
    return refuse(ErrorCode::kFailedPrecondition,
                  "the store was written before the Merkle tree existed; open it for writing "
                  "once (goldthread serve) to build the tree");
  }
  // How many leaves the stored nodes cover: the last level-0 node.
  uint64_t covered = 0;
  {
    std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions(), tree_cf_));
    it->SeekForPrev(TreeKey(0, UINT64_MAX));
    if (it->Valid() && it->key().size() == 9 && it->key()[0] == 0) {
      covered = GetBigEndian64(std::string_view(it->key().data() + 1, 8)) + 1;
    }
    if (!it->status().ok()) return FromRocks(it->status(), "reading the Merkle tree");
  }
  if (covered > head) {
    return refuse(ErrorCode::kDataLoss,
                  fmt::format("the Merkle tree holds {} leaves but the log ends at position {}; "
                              "run goldthread verify and restore the store from a backup",
                              covered, head));
  }
  auto restored = tlog::TreeFrontier::Restore(covered, StoredHashAt(rocksdb::ReadOptions()));
  if (!restored) {
    return refuse(ErrorCode::kDataLoss,
                  fmt::format("the Merkle tree of {} leaves cannot be restored ({}); run "
                              "goldthread verify and restore the store from a backup",
                              covered, restored.error().message));
  }
  frontier_ = std::move(*restored);
  if (covered == head) return OkStatus();
  if (options_.read_only) {
    return refuse(ErrorCode::kFailedPrecondition,
                  fmt::format("the Merkle tree covers {} of the {} records; open the store for "
                              "writing once (goldthread serve) to build the rest",
                              covered, head));
  }
  // A store from before the tree (or one an older goldthread appended to): its records are the
  // truth, so the missing leaves are built from them, in order, so that a crash part-way leaves
  // a prefix the next open continues from.
  std::fprintf(stderr,
               "goldthread store: building the Merkle tree for positions %llu to %llu of %s from "
               "the records\n",
               static_cast<unsigned long long>(covered + 1), static_cast<unsigned long long>(head),
               dir_.c_str());
  ReadPage page;
  rocksdb::WriteBatch wb;
  std::vector<tlog::StoredNode> completed;
  uint64_t next = covered + 1;
  while (next <= head) {
    if (Status s = ReadAllInto(next, Direction::kForward, 10'000, &page); !s) return s;
    if (page.events.empty() || page.events.front().position() != next) {
      return refuse(ErrorCode::kDataLoss,
                    fmt::format("the Merkle tree cannot be built: the record at position {} is "
                                "missing; run goldthread verify",
                                next));
    }
    for (const Envelope& e : page.events) {
      if (e.position() != next) {
        return refuse(ErrorCode::kDataLoss,
                      fmt::format("the Merkle tree cannot be built: the record at position {} "
                                  "is missing; run goldthread verify",
                                  next));
      }
      completed.clear();
      frontier_.Append(tlog::LeafHash(CanonicalBytes(e)), &completed);
      for (const tlog::StoredNode& n : completed) {
        if (n.level % kTreeStride == 0) wb.Put(tree_cf_, TreeKey(n.level, n.index), n.hash);
      }
      ++next;
    }
    if (wb.Count() >= kBuildBatchLeaves || next > head) {
      rocksdb::WriteOptions wo;
      wo.sync = true;
      if (rocksdb::Status s = db_->Write(wo, &wb); !s.ok()) {
        return FromRocks(s, "writing the Merkle tree");
      }
      wb.Clear();
    }
  }
  std::fprintf(stderr, "goldthread store: the Merkle tree of %llu leaves is built\n",
               static_cast<unsigned long long>(head));
  return OkStatus();
}

Status RocksEventStore::CheckTreeSize(uint64_t tree_size, const char* field) const {
  if (tree_error_) return Unexpected(*tree_error_);
  const uint64_t head = head_position();
  if (tree_size > head) {
    return InvalidField(field, fmt::format("tree size {} is beyond the log, which holds {} records",
                                           tree_size, head));
  }
  return OkStatus();
}

Result<TreeHead> RocksEventStore::Tree() const {
  if (tree_error_) return Unexpected(*tree_error_);
  MutexLock lock(head_hash_mu_);
  return TreeHead{head_position_.load(std::memory_order_acquire), tree_root_};
}

Result<std::string> RocksEventStore::TreeRoot(uint64_t tree_size) const {
  if (Status s = CheckTreeSize(tree_size, "tree_size"); !s) return Unexpected(s.error());
  ScopedSnapshot snapshot(db_.get());
  return tlog::TreeRoot(tree_size, StoredHashAt(snapshot.read_options()));
}

Result<std::vector<std::string>> RocksEventStore::InclusionProof(uint64_t leaf_index,
                                                                 uint64_t tree_size) const {
  if (Status s = CheckTreeSize(tree_size, "tree_size"); !s) return Unexpected(s.error());
  if (leaf_index >= tree_size) {
    return InvalidField("leaf_index", fmt::format("leaf {} is not in the tree of {} leaves",
                                                  leaf_index, tree_size));
  }
  ScopedSnapshot snapshot(db_.get());
  return tlog::InclusionProof(leaf_index, tree_size, StoredHashAt(snapshot.read_options()));
}

Result<std::vector<std::string>> RocksEventStore::ConsistencyProof(uint64_t old_size,
                                                                   uint64_t new_size) const {
  if (Status s = CheckTreeSize(new_size, "new_size"); !s) return Unexpected(s.error());
  if (old_size > new_size) {
    return InvalidField("old_size", fmt::format("old size {} is larger than new size {}",
                                                old_size, new_size));
  }
  ScopedSnapshot snapshot(db_.get());
  return tlog::ConsistencyProof(old_size, new_size, StoredHashAt(snapshot.read_options()));
}

Result<std::vector<std::string>> RocksEventStore::TreeHashes(int level, uint64_t from,
                                                             uint64_t count,
                                                             uint64_t tree_size) const {
  if (level < 0 || level >= 64 || level % kTreeStride != 0) {
    return InvalidField("level", fmt::format("tree level {} is not stored; the stored levels are "
                                             "the multiples of {} below 64",
                                             level, kTreeStride));
  }
  if (count > kMaxTreeHashes) {
    return InvalidField("count", fmt::format("at most {} hashes at a time, not {}",
                                             kMaxTreeHashes, count));
  }
  if (Status s = CheckTreeSize(tree_size, "tree_size"); !s) return Unexpected(s.error());
  const uint64_t complete = tree_size >> level;
  if (from >= complete) return std::vector<std::string>();
  const uint64_t n = std::min(count, complete - from);
  ScopedSnapshot snapshot(db_.get());
  auto hashes = ReadTreeRange(snapshot.read_options(), level, from, n);
  if (hashes && hashes->size() < n) {
    return MakeError(ErrorCode::kDataLoss, fmt::format("tree node level {} index {} is missing",
                                                       level, from + hashes->size()));
  }
  return hashes;
}

Result<std::vector<std::string>> RocksEventStore::LeafEntries(uint64_t from_index,
                                                              uint64_t count) const {
  if (count > kMaxLeafEntries) {
    return InvalidField("count", fmt::format("at most {} entries at a time, not {}",
                                             kMaxLeafEntries, count));
  }
  std::vector<std::string> out;
  const uint64_t head = head_position();
  if (from_index >= head || count == 0) return out;
  const uint64_t n = std::min(count, head - from_index);
  ScopedSnapshot snapshot(db_.get());
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(snapshot.read_options(), log_cf_));
  Envelope e;
  out.reserve(n);
  uint64_t pos = from_index + 1;
  for (it->Seek(LogKey(pos)); out.size() < n; it->Next(), ++pos) {
    if (!it->Valid() || it->key() != rocksdb::Slice(LogKey(pos))) {
      if (!it->status().ok()) return FromRocks(it->status(), "reading the log");
      return MakeError(ErrorCode::kDataLoss,
                       fmt::format("gap: the record at position {} is missing", pos));
    }
    if (!e.ParseFromArray(it->value().data(), static_cast<int>(it->value().size()))) {
      return MakeError(ErrorCode::kDataLoss,
                       fmt::format("record at position {} does not parse", pos));
    }
    out.push_back(CanonicalBytes(e));
  }
  return out;
}

}  // namespace goldthread::store::internal
