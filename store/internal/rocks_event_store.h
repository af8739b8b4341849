// RocksEventStore: the RocksDB implementation of EventStore. Private to store/.
//
// Lifecycle: constructed by EventStore::Open, which starts the writer thread (unless read-only).
// The destructor stops accepting appends, lets the writer finish every queued one, joins it,
// cancels live subscriptions and closes RocksDB.
//
// Threads: any thread may call the public methods. The writer thread alone assigns positions
// and hashes and writes to RocksDB; see the "writer thread only" fields.
#ifndef GOLDTHREAD_STORE_INTERNAL_ROCKS_EVENT_STORE_H_
#define GOLDTHREAD_STORE_INTERNAL_ROCKS_EVENT_STORE_H_

#include <atomic>
#include <deque>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "rocksdb/db.h"
#include "rocksdb/write_batch.h"
#include "store/base/mutex.h"
#include "store/base/thread_annotations.h"
#include "store/event_store.h"
#include "store/tlog/merkle.h"

namespace goldthread::store::internal {

class LiveSubscription;

class RocksEventStore final : public EventStore {
 public:
  static Result<std::unique_ptr<EventStore>> OpenImpl(const std::string& dir, StoreOptions options);
  ~RocksEventStore() override;

  Result<AppendResult> Append(AppendRequest request) override;
  void AppendAsync(AppendRequest request, std::function<void(Result<AppendResult>)> done) override;
  Result<std::vector<AppendResult>> AppendAll(std::vector<AppendRequest> requests) override;
  void AppendAllAsync(std::vector<AppendRequest> requests,
                      std::function<void(Result<std::vector<AppendResult>>)> done) override;
  Result<ReadPage> ReadStream(std::string_view stream, uint64_t from_version, Direction direction,
                              size_t max_count) const override;
  Result<ReadPage> ReadAll(uint64_t from_position, Direction direction,
                           size_t max_count) const override;
  Status ReadAllInto(uint64_t from_position, Direction direction, size_t max_count,
                     ReadPage* page) const override;
  Result<uint64_t> StreamVersion(std::string_view stream) const override;
  HeadInfo Head() const override;
  Result<std::optional<AppendResult>> FindCommand(std::string_view command_id) const override;
  std::unique_ptr<Subscription> Subscribe(uint64_t from_position,
                                          SubscribeOptions options) override;
  Result<VerifyReport> Verify(uint64_t from, uint64_t to) const override;
  // The Merkle tree: tree.cc.
  Result<TreeHead> Tree() const override;
  Result<std::string> TreeRoot(uint64_t tree_size) const override;
  Result<std::vector<std::string>> InclusionProof(uint64_t leaf_index,
                                                  uint64_t tree_size) const override;
  Result<std::vector<std::string>> ConsistencyProof(uint64_t old_size,
                                                    uint64_t new_size) const override;
  Result<std::vector<std::string>> TreeHashes(int level, uint64_t from, uint64_t count,
                                              uint64_t tree_size) const override;
  Result<std::vector<std::string>> LeafEntries(uint64_t from_index, uint64_t count) const override;
  Status CreateBackup(const std::string& backup_dir) override;
  // Projection state: projection_state.cc.
  Status WriteProjections(const std::vector<ProjectionWrite>& writes) override;
  Result<uint64_t> ProjectionCheckpoint(std::string_view projection) const override;
  Result<std::optional<std::string>> ReadProjection(std::string_view projection,
                                                    std::string_view key) const override;
  Status ScanProjection(std::string_view projection,
                        const std::function<Status(std::string_view key, std::string_view value)>&
                            visit) const override;
  Status DropProjection(std::string_view projection) override;

  // Used by LiveSubscription.
  uint64_t head_position() const { return head_position_.load(std::memory_order_acquire); }
  // The lock that orders head advances against subscriber registration: taken by the writer
  // to publish, and by a subscription going live (before its own lock).
  Mutex& publish_mu() RETURN_CAPABILITY(publish_mu_) { return publish_mu_; }
  void Register(LiveSubscription* s) REQUIRES(publish_mu_);
  void Unregister(LiveSubscription* s) EXCLUDES(publish_mu_);

 private:
  // One queued append (`request`, answered through `done`), or one atomic group of appends
  // (`group` non-empty, answered through `done_all`).
  struct Pending {
    AppendRequest request;
    std::function<void(Result<AppendResult>)> done;
    std::chrono::steady_clock::time_point queued_at;
    std::vector<AppendRequest> group;
    std::function<void(Result<std::vector<AppendResult>>)> done_all;

    void Fail(const Error& e) {
      if (group.empty()) {
        done(Unexpected(e));
      } else {
        done_all(Unexpected(e));
      }
    }
  };
  // Outcome of one queued append inside a batch.
  struct Planned {
    Result<AppendResult> result = AppendResult{};
    std::vector<Envelope> envelopes;  // events to publish once durable
    bool writes = false;
  };
  // Where the log will be once the requests planned so far in a batch are written.
  struct BatchPlan {
    rocksdb::WriteBatch wb;
    uint64_t position = 0;                              // the last position planned
    std::string previous;                               // its hash
    std::unordered_map<std::string, uint64_t> overlay;  // stream versions after the batch
    std::unordered_map<std::string, size_t> commands;   // command id -> request that writes it
    std::vector<std::pair<size_t, size_t>> duplicates;  // (request, request it repeats)
    tlog::TreeFrontier frontier;  // the tree after the requests planned so far
    google::protobuf::Timestamp now;
    std::string serialized;                 // scratch
    std::vector<tlog::StoredNode> completed;  // scratch
  };

  RocksEventStore(std::string dir, StoreOptions options, std::unique_ptr<rocksdb::DB> db,
                  std::vector<rocksdb::ColumnFamilyHandle*> handles);
  Status Validate(AppendRequest& request) const;
  void WriterLoop();
  void CommitBatch(std::vector<Pending>& batch);
  // Plans request `index` of the batch into `b`; on refusal leaves `b` as it was and puts the
  // error in plan.result.
  void PlanAppend(AppendRequest& request, size_t index, BatchPlan& b, Planned& plan);
  // Plans a group all or nothing: when one request is refused, `b` is rolled back to before the
  // group and every request of the group gets the first refusal, naming it.
  void PlanGroup(std::vector<AppendRequest>& group, size_t first_index, BatchPlan& b,
                 std::vector<Planned>& planned);
  Result<uint64_t> CurrentVersionForWriter(const std::string& stream);
  // The stream's last version whose record is at or before `max_position`.
  Result<uint64_t> ReadStreamVersion(std::string_view stream, uint64_t max_position) const;
  void Publish(const std::vector<Planned>& planned, uint64_t head, const std::string& hash,
               const std::string& tree_root) EXCLUDES(publish_mu_, head_hash_mu_);
  // At open, before the writer starts: restores the frontier from the stored nodes and, when
  // writable, builds the nodes of records they do not cover from the records. Leaves tree_error_
  // set when it cannot (damage; a read-only store whose tree is incomplete).
  Status OpenTree(uint64_t head);
  // Reads `count` stored hashes at `level` from `from` in `ro` (fewer at a gap or the end).
  Result<std::vector<std::string>> ReadTreeRange(const rocksdb::ReadOptions& ro, int level,
                                                 uint64_t from, uint64_t count) const;
  tlog::HashAt StoredHashAt(const rocksdb::ReadOptions& ro) const;
  // The tree error when the tree cannot be served, or a check of `tree_size` against the head.
  Status CheckTreeSize(uint64_t tree_size, const char* field) const;

  // Constant after construction.
  const std::string dir_;
  const StoreOptions options_;
  const Clock* const clock_;
  std::unique_ptr<rocksdb::DB> db_;
  std::vector<rocksdb::ColumnFamilyHandle*> handles_;  // owned; destroyed before db_
  rocksdb::ColumnFamilyHandle* log_cf_ = nullptr;
  rocksdb::ColumnFamilyHandle* streams_cf_ = nullptr;
  rocksdb::ColumnFamilyHandle* meta_cf_ = nullptr;
  rocksdb::ColumnFamilyHandle* commands_cf_ = nullptr;
  rocksdb::ColumnFamilyHandle* projections_cf_ = nullptr;
  rocksdb::ColumnFamilyHandle* tree_cf_ = nullptr;
  // Why the tree cannot be served or extended (set at open only): damage, or an incomplete tree
  // in a read-only store, or maintain_tree off. The writer then refuses appends with it.
  std::optional<Error> tree_error_;

  // Protected by queue_mu_.
  Mutex queue_mu_;
  CondVar queue_cv_;
  std::deque<Pending> queue_ GUARDED_BY(queue_mu_);
  bool stopping_ GUARDED_BY(queue_mu_) = false;

  // Writer thread only.
  std::unordered_map<std::string, uint64_t> stream_versions_;
  size_t recent_batch_peak_ = 0;
  std::string head_hash_writer_;
  tlog::TreeFrontier frontier_;  // the durable tree
  std::optional<Error> failed_;  // once a RocksDB write fails, every later append fails with it

  // Durable head: written by the writer under publish_mu_ and head_hash_mu_ together (so Head()
  // reads a position and its own hash); the position alone is read lock-free by anyone.
  std::atomic<uint64_t> head_position_{0};
  mutable Mutex head_hash_mu_ ACQUIRED_AFTER(publish_mu_);
  std::string head_hash_ GUARDED_BY(head_hash_mu_);
  std::string tree_root_ GUARDED_BY(head_hash_mu_);  // of the tree of head_position_ leaves

  // Protected by publish_mu_.
  Mutex publish_mu_;
  std::vector<LiveSubscription*> live_ GUARDED_BY(publish_mu_);

  std::thread writer_;
};

}  // namespace goldthread::store::internal

#endif  // GOLDTHREAD_STORE_INTERNAL_ROCKS_EVENT_STORE_H_
