// Opening, reading, verifying and backing up the RocksDB event store. The append path (the
// group-commit writer) is in group_commit.cc.
#include "store/internal/rocks_event_store.h"

#include <fmt/format.h>
#include <pthread.h>

#include <algorithm>
#include <filesystem>

#include "rocksdb/table.h"
#include "rocksdb/utilities/backup_engine.h"
#include "store/base/hex.h"
#include "store/base/sha256.h"
#include "store/internal/hash_chain.h"
#include "store/internal/keys.h"
#include "store/internal/live_subscription.h"

namespace goldthread::store {

std::string ExpectedVersion::ToString() const {
  switch (kind_) {
    case Kind::kAny:
      return "any version";
    case Kind::kNoStream:
      return "no stream";
    case Kind::kExact:
      return fmt::format("version {}", version_);
  }
  return "?";
}

Result<std::unique_ptr<EventStore>> EventStore::Open(const std::string& dir, StoreOptions options) {
  return internal::RocksEventStore::OpenImpl(dir, options);
}

namespace internal {
namespace {

constexpr size_t kMaxPage = 10'000;

// Only for a failed `s`.
Failure FromRocks(const rocksdb::Status& s, std::string_view what) {
  return MakeError(ErrorCode::kInternal, fmt::format("{}: {}", what, s.ToString()));
}

// The families of a store; `with_tree` false for a read-only open of a store from before the
// tree (a read-only open cannot create the family).
std::vector<rocksdb::ColumnFamilyDescriptor> Families(bool with_tree) {
  rocksdb::ColumnFamilyOptions cf;
  // The log is read mostly in long forward scans (projection rebuilds, subscriptions catching
  // up, Verify): 32 KiB blocks instead of 4 KiB cut the scanning thread's CPU time per event by
  // about a third in bench_store (fewer block lookups, allocations and cache operations).
  rocksdb::ColumnFamilyOptions log = cf;
  rocksdb::BlockBasedTableOptions log_table;
  log_table.block_size = 32 << 10;
  log.table_factory.reset(rocksdb::NewBlockBasedTableFactory(log_table));
  std::vector<rocksdb::ColumnFamilyDescriptor> families = {{rocksdb::kDefaultColumnFamilyName, cf},
                                                           {kLogFamily, log},
                                                           {kStreamsFamily, cf},
                                                           {kMetaFamily, cf},
                                                           {kCommandsFamily, cf},
                                                           {kProjectionsFamily, cf}};
  if (with_tree) families.push_back({kTreeFamily, cf});
  return families;
}

}  // namespace

Result<std::unique_ptr<EventStore>> RocksEventStore::OpenImpl(const std::string& dir,
                                                              StoreOptions options) {
  namespace fs = std::filesystem;
  // A zero limit would refuse every append (or, for the batch size, stall the writer).
  for (const auto& [name, value] :
       {std::pair<const char*, size_t>{"max_batch_appends", options.max_batch_appends},
        {"max_stream_id_bytes", options.max_stream_id_bytes},
        {"max_events_per_append", options.max_events_per_append}}) {
    if (value == 0)
      return InvalidField(name, fmt::format("StoreOptions::{} must be at least 1", name));
  }
  const bool exists = fs::exists(fs::path(dir) / "CURRENT");
  if (!exists && (options.read_only || !options.create_if_missing)) {
    return MakeError(ErrorCode::kNotFound, fmt::format("no goldthread store in {}", dir));
  }
  rocksdb::DBOptions db_options;
  db_options.create_if_missing = options.create_if_missing;
  db_options.create_missing_column_families = !options.read_only;
  db_options.max_background_jobs = 2;
  db_options.info_log_level = rocksdb::InfoLogLevel::WARN_LEVEL;
  db_options.keep_log_file_num = 5;

  bool with_tree = true;
  if (options.read_only) {
    std::vector<std::string> names;
    if (rocksdb::DB::ListColumnFamilies(db_options, dir, &names).ok()) {
      with_tree = std::find(names.begin(), names.end(), kTreeFamily) != names.end();
    }
  }
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* raw = nullptr;
  rocksdb::Status s =
      options.read_only
          ? rocksdb::DB::OpenForReadOnly(db_options, dir, Families(with_tree), &handles, &raw)
          : rocksdb::DB::Open(db_options, dir, Families(with_tree), &handles, &raw);
  if (!s.ok()) {
    if (s.IsIOError() && s.ToString().find("lock") != std::string::npos) {
      return MakeError(ErrorCode::kUnavailable,
                       fmt::format("{} is open in another goldthread process; stop it first "
                                   "(verify and history can run beside it read-only)",
                                   dir));
    }
    return FromRocks(s, fmt::format("opening the store in {}", dir));
  }
  std::unique_ptr<rocksdb::DB> db(raw);
  auto close_handles = [&] {
    for (auto* h : handles) db->DestroyColumnFamilyHandle(h).PermitUncheckedError();
  };

  // Refuse a store written by a newer binary before touching anything.
  std::string format;
  s = db->Get(rocksdb::ReadOptions(), handles[3], kMetaFormatKey, &format);
  if (s.ok()) {
    if (format.size() != 4 || GetBigEndian32(format) == 0) {
      close_handles();
      return MakeError(ErrorCode::kDataLoss,
                       fmt::format("the format version recorded in {} is unreadable ({} bytes); "
                                   "restore the store from a backup",
                                   dir, format.size()));
    }
    const uint32_t stored = GetBigEndian32(format);
    if (stored > kFormatVersion) {
      close_handles();
      return MakeError(
          ErrorCode::kFailedPrecondition,
          fmt::format("the store in {} was written in format version {}, and this goldthread reads "
                      "format versions up to {}; upgrade goldthread to open it",
                      dir, stored, kFormatVersion));
    }
  } else if (s.IsNotFound()) {
    if (!options.read_only) {
      std::string v;
      PutBigEndian32(&v, kFormatVersion);
      rocksdb::WriteOptions wo;
      wo.sync = true;
      s = db->Put(wo, handles[3], kMetaFormatKey, v);
      if (!s.ok()) {
        close_handles();
        return FromRocks(s, "writing the format version");
      }
    }
  } else {
    close_handles();
    return FromRocks(s, "reading the format version");
  }

  auto store = std::unique_ptr<RocksEventStore>(
      new RocksEventStore(dir, options, std::move(db), std::move(handles)));
  std::string head;
  s = store->db_->Get(rocksdb::ReadOptions(), store->meta_cf_, kMetaHeadKey, &head);
  if (s.ok() && head.size() == 8 + kHashBytes) {
    store->head_hash_writer_ = head.substr(8);
  } else if (s.IsNotFound()) {
    store->head_hash_writer_ = std::string(kHashBytes, '\0');
  } else {
    return MakeError(ErrorCode::kDataLoss, fmt::format("the head record in {} is unreadable", dir));
  }
  {
    // No other thread has the store yet; the lock is for the analysis.
    MutexLock lock(store->head_hash_mu_);
    if (s.ok()) store->head_position_.store(GetBigEndian64(head));
    store->head_hash_ = store->head_hash_writer_;
  }
  if (Status t = store->OpenTree(store->head_position()); !t) return Unexpected(t.error());
  {
    MutexLock lock(store->head_hash_mu_);
    // A tree that cannot be served has no root to publish.
    if (!store->tree_error_) store->tree_root_ = store->frontier_.Root();
  }
  if (!options.read_only) {
    store->writer_ = std::thread([s = store.get()] {
      // Named so that `top -H` and perf show the group-commit writer (15 characters at most).
      pthread_setname_np(pthread_self(), "gt-store-writer");
      s->WriterLoop();
    });
  }
  return std::unique_ptr<EventStore>(std::move(store));
}

RocksEventStore::RocksEventStore(std::string dir, StoreOptions options,
                                 std::unique_ptr<rocksdb::DB> db,
                                 std::vector<rocksdb::ColumnFamilyHandle*> handles)
    : dir_(std::move(dir)),
      options_(options),
      clock_(options.clock ? options.clock : &SystemClock::Instance()),
      db_(std::move(db)),
      handles_(std::move(handles)) {
  log_cf_ = handles_[1];
  streams_cf_ = handles_[2];
  meta_cf_ = handles_[3];
  commands_cf_ = handles_[4];
  projections_cf_ = handles_[5];
  if (handles_.size() > 6) tree_cf_ = handles_[6];
}

RocksEventStore::~RocksEventStore() {
  {
    MutexLock lock(queue_mu_);
    stopping_ = true;
  }
  queue_cv_.SignalAll();
  if (writer_.joinable()) writer_.join();
  {
    MutexLock lock(publish_mu_);
    for (LiveSubscription* s : live_) s->StoreClosing();
  }
  for (auto* h : handles_) db_->DestroyColumnFamilyHandle(h).PermitUncheckedError();
  db_->Close().PermitUncheckedError();
}

void RocksEventStore::Register(LiveSubscription* s) { live_.push_back(s); }

void RocksEventStore::Unregister(LiveSubscription* s) {
  MutexLock lock(publish_mu_);
  live_.erase(std::remove(live_.begin(), live_.end(), s), live_.end());
}

HeadInfo RocksEventStore::Head() const {
  // Publish changes the position and the hash together under this lock, so they always pair.
  MutexLock lock(head_hash_mu_);
  return HeadInfo{head_position_.load(std::memory_order_acquire), head_hash_, tree_root_};
}

Result<uint64_t> RocksEventStore::ReadStreamVersion(std::string_view stream,
                                                    uint64_t max_position) const {
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions(), streams_cf_));
  const std::string prefix = StreamPrefix(stream);
  for (it->SeekForPrev(StreamKey(stream, UINT64_MAX)); it->Valid(); it->Prev()) {
    rocksdb::Slice key = it->key();
    if (key.size() != prefix.size() + 8 || !key.starts_with(prefix)) return 0;
    // An entry past `max_position` belongs to a batch written but not yet published.
    if (it->value().size() == 8 &&
        GetBigEndian64(std::string_view(it->value().data(), 8)) > max_position) {
      continue;
    }
    return GetBigEndian64(std::string_view(key.data() + prefix.size(), 8));
  }
  if (!it->status().ok()) return FromRocks(it->status(), "reading a stream version");
  return 0;
}

Result<uint64_t> RocksEventStore::StreamVersion(std::string_view stream) const {
  return ReadStreamVersion(stream, head_position());
}

Result<std::optional<AppendResult>> RocksEventStore::FindCommand(
    std::string_view command_id) const {
  if (command_id.empty()) return std::optional<AppendResult>();
  std::string seen;
  rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), commands_cf_,
                               rocksdb::Slice(command_id.data(), command_id.size()), &seen);
  if (s.IsNotFound()) return std::optional<AppendResult>();
  if (!s.ok() || seen.size() != 24) {
    return MakeError(ErrorCode::kInternal, fmt::format("reading command ids: {}", s.ToString()));
  }
  return std::optional<AppendResult>(
      AppendResult{GetBigEndian64(seen), GetBigEndian64(std::string_view(seen).substr(8)),
                   GetBigEndian64(std::string_view(seen).substr(16)), true});
}

Result<ReadPage> RocksEventStore::ReadAll(uint64_t from_position, Direction direction,
                                          size_t max_count) const {
  ReadPage page;
  if (Status s = ReadAllInto(from_position, direction, max_count, &page); !s) {
    return Unexpected(std::move(s.error()));
  }
  return page;
}

Status RocksEventStore::ReadAllInto(uint64_t from_position, Direction direction, size_t max_count,
                                    ReadPage* page) const {
  max_count = std::clamp<size_t>(max_count, 1, kMaxPage);
  const uint64_t head = head_position();
  page->next = 0;
  size_t n = 0;
  // Parses the iterator's record into the next slot, reusing an existing envelope if any.
  auto take = [&](rocksdb::Iterator* it, uint64_t pos) -> Status {
    if (n == page->events.size()) page->events.emplace_back();
    Envelope& e = page->events[n++];
    if (!e.ParseFromArray(it->value().data(), static_cast<int>(it->value().size()))) {
      return MakeError(ErrorCode::kDataLoss,
                       fmt::format("record at position {} does not parse", pos));
    }
    return OkStatus();
  };
  if (head > 0) {
    rocksdb::ReadOptions ro;
    // Long pages are sequential scans, worth reading ahead 2 MiB from disk; for short ones
    // (a subscription catching up a few events) the readahead cost four times the read.
    if (max_count >= 1000) ro.readahead_size = 2 << 20;
    std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(ro, log_cf_));
    if (direction == Direction::kForward) {
      if (from_position == 0) from_position = 1;
      for (it->Seek(LogKey(from_position)); from_position <= head && it->Valid(); it->Next()) {
        const uint64_t pos = GetBigEndian64(std::string_view(it->key().data(), 8));
        if (pos > head) break;
        if (n == max_count) {
          page->next = pos;
          break;
        }
        if (Status s = take(it.get(), pos); !s) return s;
      }
    } else {
      if (from_position == 0 || from_position > head) from_position = head;
      for (it->SeekForPrev(LogKey(from_position)); it->Valid(); it->Prev()) {
        const uint64_t pos = GetBigEndian64(std::string_view(it->key().data(), 8));
        if (n == max_count) {
          page->next = pos;
          break;
        }
        if (Status s = take(it.get(), pos); !s) return s;
      }
    }
    if (!it->status().ok()) return FromRocks(it->status(), "reading the log");
  }
  page->events.resize(n);
  return OkStatus();
}

Result<ReadPage> RocksEventStore::ReadStream(std::string_view stream, uint64_t from_version,
                                             Direction direction, size_t max_count) const {
  max_count = std::clamp<size_t>(max_count, 1, kMaxPage);
  const uint64_t head = head_position();
  const std::string prefix = StreamPrefix(stream);
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions(), streams_cf_));
  std::vector<std::string> keys;
  ReadPage page;
  auto take = [&]() -> bool {  // false when the scan should stop
    rocksdb::Slice key = it->key();
    if (key.size() != prefix.size() + 8 || !key.starts_with(prefix)) return false;
    const uint64_t version = GetBigEndian64(std::string_view(key.data() + prefix.size(), 8));
    const uint64_t pos = GetBigEndian64(std::string_view(it->value().data(), 8));
    if (pos > head) return direction == Direction::kBackward;  // not yet durable: skip
    if (keys.size() == max_count) {
      page.next = version;
      return false;
    }
    keys.push_back(LogKey(pos));
    return true;
  };
  if (direction == Direction::kForward) {
    for (it->Seek(StreamKey(stream, std::max<uint64_t>(from_version, 1))); it->Valid(); it->Next())
      if (!take()) break;
  } else {
    for (it->SeekForPrev(StreamKey(stream, from_version == 0 ? UINT64_MAX : from_version));
         it->Valid(); it->Prev())
      if (!take()) break;
  }
  if (!it->status().ok()) return FromRocks(it->status(), "reading a stream");
  if (keys.empty()) return page;
  std::vector<rocksdb::Slice> slices(keys.begin(), keys.end());
  std::vector<rocksdb::PinnableSlice> values(keys.size());
  std::vector<rocksdb::Status> statuses(keys.size());
  db_->MultiGet(rocksdb::ReadOptions(), log_cf_, keys.size(), slices.data(), values.data(),
                statuses.data());
  page.events.resize(keys.size());
  for (size_t i = 0; i < keys.size(); ++i) {
    const uint64_t pos = GetBigEndian64(keys[i]);
    if (!statuses[i].ok()) {
      return MakeError(ErrorCode::kDataLoss,
                       fmt::format("stream {} names position {}, which cannot be read: {}", stream,
                                   pos, statuses[i].ToString()));
    }
    if (!page.events[i].ParseFromArray(values[i].data(), static_cast<int>(values[i].size()))) {
      return MakeError(ErrorCode::kDataLoss,
                       fmt::format("record at position {} does not parse", pos));
    }
  }
  return page;
}

std::unique_ptr<Subscription> RocksEventStore::Subscribe(uint64_t from_position,
                                                         SubscribeOptions options) {
  return std::make_unique<LiveSubscription>(this, from_position, options);
}

Result<VerifyReport> RocksEventStore::Verify(uint64_t from, uint64_t to) const {
  // Everything is read from one snapshot, and the head from the meta record in it (the writer
  // commits records and head in one batch), so appends made meanwhile are neither checked nor
  // mistaken for records beyond the head.
  const rocksdb::Snapshot* snapshot = db_->GetSnapshot();
  struct SnapshotRelease {
    rocksdb::DB* db;
    const rocksdb::Snapshot* snapshot;
    ~SnapshotRelease() { db->ReleaseSnapshot(snapshot); }
  } release{db_.get(), snapshot};
  rocksdb::ReadOptions ro;
  ro.snapshot = snapshot;
  HeadInfo head{0, std::string(kHashBytes, '\0')};
  {
    std::string value;
    rocksdb::Status s = db_->Get(ro, meta_cf_, kMetaHeadKey, &value);
    if (s.ok()) {
      if (value.size() != 8 + kHashBytes) {
        return MakeError(ErrorCode::kDataLoss, "the head record is unreadable");
      }
      head = HeadInfo{GetBigEndian64(value), value.substr(8)};
    } else if (!s.IsNotFound()) {
      return FromRocks(s, "reading the head");
    }
  }
  VerifyReport report;
  report.head_position = head.position;
  report.head_hash_hex = HexEncode(head.hash);
  if (from == 0) from = 1;
  if (to == 0 || to > head.position) to = head.position;
  auto fail = [&](uint64_t pos, std::string problem) {
    report.ok = false;
    report.first_bad_position = pos;
    report.problem = std::move(problem);
    return report;
  };
  if (from > to) {
    if (head.position == 0) {
      // An empty log: nothing may lie in it.
      std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(ro, log_cf_));
      it->SeekToFirst();
      if (it->Valid()) return fail(1, "a record exists beyond the recorded head");
      if (tree_cf_ != nullptr && options_.maintain_tree) {
        std::unique_ptr<rocksdb::Iterator> t(db_->NewIterator(ro, tree_cf_));
        t->SeekToFirst();
        if (t->Valid()) return fail(1, "a tree node lies beyond the recorded head");
        report.tree_checked = true;
        report.tree_root_hex = HexEncode(tlog::EmptyTreeRoot());
      }
    }
    return report;
  }

  std::string previous(kHashBytes, '\0');
  if (from > 1) {
    std::string value;
    rocksdb::Status s = db_->Get(ro, log_cf_, LogKey(from - 1), &value);
    if (s.IsNotFound()) return fail(from - 1, "gap: the record is missing");
    if (!s.ok()) return FromRocks(s, "reading the log");
    Envelope anchor;
    if (!anchor.ParseFromString(value)) return fail(from - 1, "the record does not parse");
    previous = anchor.hash();
  }

  // The tree is checked unless the store predates it: no family, or no node at all while
  // records exist (a writer builds it at its next open).
  std::unique_ptr<rocksdb::Iterator> tree_it;
  tlog::TreeFrontier frontier;
  std::vector<tlog::StoredNode> completed;
  if (tree_cf_ != nullptr && options_.maintain_tree) {
    tree_it.reset(db_->NewIterator(ro, tree_cf_));
    tree_it->SeekToFirst();
    if (!tree_it->status().ok()) return FromRocks(tree_it->status(), "reading the Merkle tree");
    report.tree_checked = tree_it->Valid();
    if (!report.tree_checked) tree_it.reset();
  }
  if (tree_it && from > 1) {
    // Checking from the middle trusts the stored subtrees left of `from`.
    auto restored = tlog::TreeFrontier::Restore(from - 1, StoredHashAt(ro));
    if (!restored) {
      return fail(from - 1, fmt::format("the Merkle tree cannot be restored at size {}: {}",
                                        from - 1, restored.error().message));
    }
    frontier = std::move(*restored);
  }
  if (tree_it) tree_it->Seek(TreeKey(0, from - 1));
  // The node the records computed against the stored one; empty when they agree.
  std::string tree_value;
  auto check_node = [&](const tlog::StoredNode& n) -> std::string {
    if (n.level == 0) {
      // Level 0 is read with one iterator walking beside the log.
      const bool found = tree_it->Valid() && tree_it->key() == rocksdb::Slice(TreeKey(0, n.index));
      const bool same = found && tree_it->value() == rocksdb::Slice(n.hash);
      if (found) tree_it->Next();
      if (!tree_it->status().ok()) return "the Merkle tree cannot be read";
      if (same) return "";
      return fmt::format("tree node level 0 index {} {}", n.index,
                         found ? "does not match the records" : "is missing");
    }
    rocksdb::Status s = db_->Get(ro, tree_cf_, TreeKey(n.level, n.index), &tree_value);
    if (s.ok() && tree_value == n.hash) return "";
    return fmt::format("tree node level {} index {} {}", n.level, n.index,
                       s.IsNotFound() ? "is missing" : "does not match the records");
  };

  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(ro, log_cf_));
  uint64_t expected = from;
  Envelope e;
  std::string index_value;
  for (it->Seek(LogKey(from)); expected <= to; it->Next(), ++expected) {
    if (!it->Valid() || it->key().size() != 8) {
      if (!it->status().ok()) return FromRocks(it->status(), "reading the log");
      return fail(expected, "gap: the record is missing");
    }
    const uint64_t pos = GetBigEndian64(std::string_view(it->key().data(), 8));
    if (pos != expected) return fail(expected, "gap: the record is missing");
    if (!e.ParseFromArray(it->value().data(), static_cast<int>(it->value().size()))) {
      return fail(pos, "the record does not parse");
    }
    if (e.position() != pos) {
      return fail(pos, fmt::format("the record says it is at position {}", e.position()));
    }
    if (e.previous_hash() != previous) {
      return fail(pos, "the link to the previous record does not match its hash");
    }
    if (e.payload_redacted()) {
      ++report.redacted_payloads;
    } else if (Sha256(e.payload()) != e.payload_sha256()) {
      return fail(pos, "the payload digest does not match the payload");
    }
    const std::string canonical = CanonicalBytes(e);
    const std::string computed = Sha256({previous, canonical});
    if (computed != e.hash()) {
      return fail(pos, "the record's hash does not match its contents");
    }
    if (tree_it) {
      completed.clear();
      frontier.Append(tlog::LeafHash(canonical), &completed);
      for (const tlog::StoredNode& n : completed) {
        if (n.level % kTreeStride != 0) continue;
        if (std::string problem = check_node(n); !problem.empty()) return fail(pos, problem);
      }
    }
    rocksdb::Status s =
        db_->Get(ro, streams_cf_, StreamKey(e.stream(), e.stream_version()), &index_value);
    if (!s.ok() || index_value.size() != 8 || GetBigEndian64(index_value) != pos) {
      return fail(
          pos, fmt::format("the stream index entry for {} version {} does not point at this record",
                           e.stream(), e.stream_version()));
    }
    previous = computed;
    ++report.events_checked;
  }
  if (to == head.position) {
    if (previous != head.hash) return fail(to, "the head hash does not match the last record");
    if (it->Valid()) {
      return fail(head.position + 1, "a record exists beyond the recorded head");
    }
    if (tree_it) {
      // No stored subtree may cover a leaf beyond the head.
      for (int level = 0; level < 64; level += kTreeStride) {
        std::unique_ptr<rocksdb::Iterator> t(db_->NewIterator(ro, tree_cf_));
        t->Seek(TreeKey(level, head.position >> level));
        if (t->Valid() && t->key().size() == 9 && t->key()[0] == level) {
          return fail(head.position + 1,
                      fmt::format("tree node level {} index {} lies beyond the head", level,
                                  GetBigEndian64(std::string_view(t->key().data() + 1, 8))));
        }
      }
      report.tree_root_hex = HexEncode(frontier.Root());
    }
  }
  return report;
}

Status RocksEventStore::CreateBackup(const std::string& backup_dir) {
  rocksdb::BackupEngine* raw = nullptr;
  rocksdb::IOStatus s = rocksdb::BackupEngine::Open(rocksdb::Env::Default(),
                                                    rocksdb::BackupEngineOptions(backup_dir), &raw);
  if (!s.ok()) return FromRocks(s, fmt::format("opening backups in {}", backup_dir));
  std::unique_ptr<rocksdb::BackupEngine> engine(raw);
  rocksdb::CreateBackupOptions create;
  create.flush_before_backup = true;
  s = engine->CreateNewBackup(create, db_.get());
  if (!s.ok()) return FromRocks(s, fmt::format("backing up into {}", backup_dir));
  return OkStatus();
}

}  // namespace internal

Status EventStore::RestoreLatestBackup(const std::string& backup_dir, const std::string& data_dir) {
  namespace fs = std::filesystem;
  // RocksDB's restore deletes whatever the target folder holds, so only an empty or missing
  // folder is accepted.
  std::error_code ec;
  if (fs::exists(data_dir, ec) &&
      (!fs::is_directory(data_dir, ec) || !fs::is_empty(data_dir, ec))) {
    return MakeError(
        ErrorCode::kFailedPrecondition,
        fmt::format("{} is not an empty folder{}; restore into an empty folder", data_dir,
                    fs::exists(fs::path(data_dir) / "CURRENT") ? " (it holds a store)" : ""));
  }
  if (!fs::exists(fs::path(backup_dir) / "meta")) {
    return MakeError(ErrorCode::kNotFound, fmt::format("no backups in {}", backup_dir));
  }
  rocksdb::BackupEngineReadOnly* raw = nullptr;
  rocksdb::IOStatus s = rocksdb::BackupEngineReadOnly::Open(
      rocksdb::Env::Default(), rocksdb::BackupEngineOptions(backup_dir), &raw);
  if (!s.ok()) return internal::FromRocks(s, fmt::format("opening backups in {}", backup_dir));
  std::unique_ptr<rocksdb::BackupEngineReadOnly> engine(raw);
  s = engine->RestoreDBFromLatestBackup(data_dir, data_dir);
  if (!s.ok()) return internal::FromRocks(s, fmt::format("restoring into {}", data_dir));
  return OkStatus();
}

}  // namespace goldthread::store
