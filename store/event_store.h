// EventStore: goldthread's append-only, hash-chained event log on RocksDB.
//
// Every fact in goldthread (a figure submitted, a reminder issued, a finding closed) is an
// EventEnvelope appended here and never changed. The store gives:
//   - atomic appends to a stream with an expected version (optimistic concurrency);
//   - a gapless global order (positions 1, 2, 3, ...) and contiguous stream versions
//     (1, 2, 3, ... within each stream);
//   - group commit: one writer thread takes every concurrent append, assigns positions and
//     hashes in order and commits them in one WriteBatch with one fsync;
//   - idempotency: an append carrying a command id already seen returns the original result
//     and writes nothing;
//   - a SHA-256 hash chain over canonical bytes, checked by Verify;
//   - an RFC 6962 Merkle tree over the same bytes (leaf i is the record at position i+1),
//     maintained by the writer in the batches it commits: roots, inclusion and consistency
//     proofs, and the stored hashes and entries C2SP tlog-tiles serves;
//   - paged reads by stream and by position, both directions, and catch-up subscriptions.
//
// Example:
//   auto store = EventStore::Open("var/goldthread", StoreOptions{});
//   if (!store.ok()) return store.status();
//   NewEvent e{.type = "goldthread.v1.FigureSubmitted", .payload = bytes};
//   auto r = (*store)->Append({.stream = "demo/figure/NI-192/FY2011-Q2",
//                              .expected = ExpectedVersion::NoStream(),
//                              .events = {e}, .command_id = "cmd-1", .actor = "p-42"});
//
// Threading: an EventStore is safe to use from any number of threads. Append blocks the
// caller until its batch is durable; AppendAsync never blocks and calls back on the writer
// thread (or at once, for a request refused before it is queued). Reads never wait for the writer.
// The store owns its writer thread and joins it in the destructor, after completing every append
// already queued.
#ifndef GOLDTHREAD_STORE_EVENT_STORE_H_
#define GOLDTHREAD_STORE_EVENT_STORE_H_

#include <cstdint>
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "goldthread/v1/envelope.pb.h"
#include "store/base/clock.h"
#include "store/base/errors.h"

namespace goldthread::store {

using Envelope = goldthread::v1::EventEnvelope;

// What survives a crash once Append has returned OK.
enum class Durability {
  // WAL write plus fsync before acknowledging: an acknowledged event survives power loss.
  // What the server uses.
  kSync,
  // WAL write without fsync: survives a process crash, not a machine crash. For tests.
  kBuffered,
};

// What one group commit cost, for metrics (StoreOptions::on_commit).
struct CommitStats {
  // The RocksDB write of the batch, including its fsync in sync mode.
  std::chrono::nanoseconds write{0};
  size_t appends = 0;
  size_t events = 0;
  // Per append in the batch: from AppendAsync queuing it to the batch being durable.
  std::vector<std::chrono::nanoseconds> append_latencies;
};

struct StoreOptions {
  // Default: kSync.
  Durability durability = Durability::kSync;
  // Source of `recorded_at`. Not owned; must outlive the store. Default: the system clock.
  const Clock* clock = nullptr;
  // Open without the right to write (for verify and audit tools); Append fails. Several
  // read-only opens may run beside one writer process; they see the log as of their open.
  // Default: false.
  bool read_only = false;
  // Create an empty store when the folder holds none. Default: true.
  bool create_if_missing = true;
  // Most appends the writer folds into one WriteBatch and one fsync. Larger batches raise
  // throughput under many writers at the cost of the slowest caller's latency. Default: 1024.
  size_t max_batch_appends = 1024;
  // Longest the writer waits, after a batch with several appenders, for them to queue again
  // so that one fsync covers them all (it stops waiting as soon as as many are queued as were in
  // the last batch). Trades up to this much latency for fewer fsyncs under concurrency; a lone
  // appender never waits. Zero disables. Default: 200 microseconds.
  std::chrono::microseconds group_commit_wait{200};
  // Limits enforced on every append, each failing with InvalidArgument naming the field.
  // Default: 200 bytes; stream ids are [A-Za-z0-9._:/@-]+.
  size_t max_stream_id_bytes = 200;
  // Default: 1 MiB per event payload.
  size_t max_event_bytes = 1 << 20;
  // Default: 1000 events in one append.
  size_t max_events_per_append = 1000;
  // Streams whose current version the writer keeps in memory; beyond this the cache is
  // cleared and versions are read back from RocksDB. Default: 1,000,000 (about 100 MiB).
  size_t stream_version_cache_entries = 1'000'000;
  // Called on the writer thread after each batch is durable, before its appenders are told.
  // Must be quick and must not append. Default: none.
  std::function<void(const CommitStats&)> on_commit;
  // Maintain the Merkle tree (store/README.md, "The Merkle tree") in every batch. Off only to
  // measure its cost (bench_store): a store then answers the tree calls with FailedPrecondition,
  // and the next open with it on builds the missing part from the records. Default: true.
  bool maintain_tree = true;
};

// The optimistic-concurrency precondition of an append.
class ExpectedVersion {
 public:
  static ExpectedVersion Any() { return ExpectedVersion(Kind::kAny, 0); }
  static ExpectedVersion NoStream() { return ExpectedVersion(Kind::kNoStream, 0); }
  // The stream's current version must be exactly `v` (v >= 1; use NoStream for an empty one).
  static ExpectedVersion Exact(uint64_t v) { return ExpectedVersion(Kind::kExact, v); }

  enum class Kind { kAny, kNoStream, kExact };
  Kind kind() const { return kind_; }
  uint64_t version() const { return version_; }
  std::string ToString() const;

 private:
  ExpectedVersion(Kind k, uint64_t v) : kind_(k), version_(v) {}
  Kind kind_;
  uint64_t version_;
};

// One event to append. The store fills in position, version, time and hashes.
struct NewEvent {
  // Event type name, e.g. "goldthread.v1.FigureSubmitted". Required, at most 128 bytes.
  std::string type;
  // Serialised event message. At most StoreOptions::max_event_bytes.
  std::string payload;
  // Optional; a UUID v4 is generated when empty.
  std::string event_id;
  // Optional per-event causation id; defaults to the append's.
  std::string causation_id;
};

struct AppendRequest {
  std::string stream;
  ExpectedVersion expected = ExpectedVersion::Any();
  std::vector<NewEvent> events;
  // Optional but expected from every command: a repeat returns the first result, writes nothing.
  std::string command_id;
  std::string actor;
  std::string correlation_id;
  std::string causation_id;
};

struct AppendResult {
  // Positions written, inclusive. For a repeated command id, the original positions.
  uint64_t first_position = 0;
  uint64_t last_position = 0;
  // The stream's version after the append (the last event's version).
  uint64_t stream_version = 0;
  // True when the command id had been seen and nothing was written.
  bool duplicate = false;
};

enum class Direction { kForward, kBackward };

// A bounded page of a read, with the cursor to continue from.
struct ReadPage {
  std::vector<Envelope> events;
  // Where the next page starts (a position for ReadAll, a stream version for ReadStream), or
  // 0 when this page reached the end in the read's direction.
  uint64_t next = 0;
};

struct HeadInfo {
  uint64_t position = 0;  // 0 for an empty log
  std::string hash;       // 32 bytes; all zero for an empty log
  // The Merkle tree root of the first `position` records (32 bytes, paired with this position);
  // empty when the store serves no tree (see Tree()).
  std::string tree_root;
};

// The Merkle tree of the log at one size (RFC 9162 §2.1.1).
struct TreeHead {
  uint64_t size = 0;  // the number of leaves: the head position
  std::string root;   // 32 raw bytes; SHA-256 of nothing for the empty tree
};

struct VerifyReport {
  bool ok = true;
  // The first position that failed (0 when ok).
  uint64_t first_bad_position = 0;
  // What failed there, for a person: "payload digest does not match payload", "gap: ...".
  std::string problem;
  uint64_t events_checked = 0;
  uint64_t redacted_payloads = 0;
  // The head the check ran to, and its hash (hex): quote these in an assurance trail.
  uint64_t head_position = 0;
  std::string head_hash_hex;
  // Whether the stored Merkle tree nodes were checked against the records (false only for a
  // store written before the tree existed and not opened for writing since).
  bool tree_checked = false;
  // The tree root at head_position (hex), when the check reached the head and the tree was
  // checked; empty otherwise.
  std::string tree_root_hex;
};

// A change to one projection's persisted state (the `projections` column family), written by
// WriteProjections together with others in one batch.
struct ProjectionWrite {
  // The projection's name: 1-100 bytes of [A-Za-z0-9._:@-].
  std::string projection;
  // State to put and keys to delete, in the projection's own key space (any bytes, 1-1024).
  std::vector<std::pair<std::string, std::string>> puts;
  std::vector<std::string> deletes;
  // The last log position the projection's state covers once this is written (at most the
  // head); unset leaves the checkpoint as it is (for state that covers no position).
  std::optional<uint64_t> checkpoint;
};

struct SubscribeOptions {
  // Events held for a live subscriber that has not polled yet. When a subscriber falls this
  // far behind it is switched back to reading from RocksDB (catch-up) instead of making the
  // writer wait or growing memory: back-pressure never reaches appenders. Default: 4096.
  size_t live_buffer_events = 4096;
};

class EventStore;

// A catch-up subscription: delivers every event from a start position in order, reading from
// RocksDB until it reaches the head and then from the live feed, with no gap or duplicate
// across the switch (or across a fall-back to catch-up after overflow).
//
// Threading: Poll is called by one consumer thread at a time; Cancel may be called from any
// thread and wakes a blocked Poll. The subscription must not outlive its store.
class Subscription {
 public:
  virtual ~Subscription() = default;
  // Up to `max_events` next events. Waits up to `timeout` for the first one, returning an
  // empty vector on timeout. Returns Cancelled after Cancel.
  virtual Result<std::vector<Envelope>> Poll(size_t max_events,
                                             std::chrono::milliseconds timeout) = 0;
  virtual void Cancel() = 0;
  // The position the next delivered event will have.
  virtual uint64_t next_position() const = 0;
  // True while delivering from the live feed (false while catching up from disk).
  virtual bool is_live() const = 0;
};

// The bytes the Merkle tree hashes for `envelope`'s record (its leaf entry): the canonical
// bytes of store/README.md, which the hash chain covers too. Pure; thread-safe.
std::string LeafEntry(const Envelope& envelope);

class EventStore {
 public:
  // Opens (or creates) the store in `dir`. Fails with FailedPrecondition when the folder was
  // written by a newer format version, naming both versions; with Unavailable when another
  // process holds it open for writing; with InvalidArgument, naming the option, when a limit
  // in `options` is zero.
  static Result<std::unique_ptr<EventStore>> Open(const std::string& dir, StoreOptions options);
  virtual ~EventStore() = default;
  EventStore(const EventStore&) = delete;
  EventStore& operator=(const EventStore&) = delete;

  // Appends atomically: all of `request.events` or none. Returns once the batch holding it is
  // durable per StoreOptions::durability. Errors: InvalidArgument (limits, naming the field),
  // Conflict (a stale expected version; Error::current_version holds the stream's version),
  // FailedPrecondition (opened read-only), Unavailable (the store is closing), or Internal (a
  // RocksDB failure; the store then refuses every later append until reopened). On any error
  // nothing was written.
  virtual Result<AppendResult> Append(AppendRequest request) = 0;
  // As Append, without blocking: `done` runs on the writer thread once durable (keep it short:
  // post the result to your own executor). A request refused before it is queued (invalid,
  // read-only store, store closing) calls `done` at once, on the calling thread: do not hold a
  // lock that `done` takes.
  virtual void AppendAsync(AppendRequest request,
                           std::function<void(Result<AppendResult>)> done) = 0;

  // Appends several requests, to any streams, atomically: every request is checked as Append
  // checks it (limits, expected version) against the log as the earlier requests of the group
  // leave it (so two requests to one stream chain: the second expects the version after the
  // first), and either all are written in one WriteBatch or none is. For an import that must
  // apply whole or not at all. On success, one result per request, in order; a request whose
  // command id was seen before counts as done (duplicate = true, nothing written for it).
  // Errors: as Append, for the first request refused, with `field` prefixed by "requests[k]"
  // (k from 0; a conflict on the third: "requests[2].expected_version") and the message naming
  // it; InvalidArgument (field "requests") for an empty group
  // or more than kMaxAppendsPerGroup requests. On any error nothing of the group was written.
  virtual Result<std::vector<AppendResult>> AppendAll(std::vector<AppendRequest> requests) = 0;
  // As AppendAll, without blocking; `done` runs as AppendAsync's does.
  virtual void AppendAllAsync(std::vector<AppendRequest> requests,
                              std::function<void(Result<std::vector<AppendResult>>)> done) = 0;
  // Most requests in one AppendAll: the whole group is one RocksDB WriteBatch held in memory.
  static constexpr size_t kMaxAppendsPerGroup = 100'000;

  // Up to `max_count` (capped at 10,000) events of `stream` from `from_version` inclusive.
  // Backward reads with from_version 0 start at the stream's last event. An unknown stream
  // reads as empty.
  virtual Result<ReadPage> ReadStream(std::string_view stream, uint64_t from_version,
                                      Direction direction, size_t max_count) const = 0;
  // Up to `max_count` (capped at 10,000) events by global position from `from_position`
  // inclusive. Backward reads with from_position 0 start at the head.
  virtual Result<ReadPage> ReadAll(uint64_t from_position, Direction direction,
                                   size_t max_count) const = 0;
  // As ReadAll, refilling `page` and reusing its envelopes' memory: for scans of the whole
  // log (projection rebuilds, verify), where allocation would otherwise dominate.
  virtual Status ReadAllInto(uint64_t from_position, Direction direction, size_t max_count,
                             ReadPage* page) const = 0;
  // The stream's current version, 0 when it has no events. Like the reads, it counts only
  // events at or before the durable head.
  virtual Result<uint64_t> StreamVersion(std::string_view stream) const = 0;
  // The last durable position, its hash and the tree root at it.
  virtual HeadInfo Head() const = 0;
  // What an earlier append with this command id wrote (duplicate = true), or nullopt when the
  // id has not been seen. Lets a caller return a repeated command's first result before
  // re-validating it against state that has since moved on.
  virtual Result<std::optional<AppendResult>> FindCommand(std::string_view command_id) const = 0;

  // The Merkle tree (store/README.md, "The Merkle tree"): leaf i (from 0) is the canonical
  // bytes of the record at position i+1. Every call reads one RocksDB snapshot. Sizes beyond
  // the durable head are refused with InvalidArgument naming the argument. A store whose tree is
  // damaged or not yet built (read-only, from before the tree) answers DataLoss or
  // FailedPrecondition, saying which.
  //
  // The durable tree now: size == Head().position, its root; the pair is consistent.
  virtual Result<TreeHead> Tree() const = 0;
  // The root of the tree of the first `tree_size` leaves, for any size up to the head.
  virtual Result<std::string> TreeRoot(uint64_t tree_size) const = 0;
  // The RFC 9162 §2.1.3.1 inclusion proof of leaf `leaf_index` in the tree of `tree_size`
  // leaves, leaf to root. InvalidArgument naming `leaf_index` when leaf_index >= tree_size.
  virtual Result<std::vector<std::string>> InclusionProof(uint64_t leaf_index,
                                                          uint64_t tree_size) const = 0;
  // The RFC 9162 §2.1.4.1 consistency proof from `old_size` to `new_size`; empty when old_size
  // is 0 or equals new_size. InvalidArgument naming `old_size` when old_size > new_size, naming
  // `new_size` when it is beyond the head.
  virtual Result<std::vector<std::string>> ConsistencyProof(uint64_t old_size,
                                                            uint64_t new_size) const = 0;
  // The stored hashes at tree level `level` (0, 8, 16, ...: C2SP hash tile level level/8) for
  // indexes [from, from + count) whose subtrees are complete within `tree_size`: fewer than
  // `count` (maybe none) when the range passes the complete part. InvalidArgument naming `level`
  // when it is not a multiple of 8 below 64, `count` above 65,536.
  virtual Result<std::vector<std::string>> TreeHashes(int level, uint64_t from, uint64_t count,
                                                      uint64_t tree_size) const = 0;
  // The leaf entries (canonical bytes) of leaves [from_index, from_index + count) that are at or
  // before the durable head (fewer when the range passes it), for C2SP entry bundles.
  // InvalidArgument naming `count` above 10,000.
  virtual Result<std::vector<std::string>> LeafEntries(uint64_t from_index,
                                                       uint64_t count) const = 0;

  // Subscribes from `from_position` (1 for everything).
  virtual std::unique_ptr<Subscription> Subscribe(uint64_t from_position,
                                                  SubscribeOptions options) = 0;

  // Recomputes the chain over positions [from, to] (to = 0 means the head): each record's
  // presence, position, link to its predecessor, payload digest, hash and stream index entry,
  // and the Merkle tree: every stored node those records complete must equal the node computed
  // from them ("tree node level 8 index 3 does not match the records"); to the head, no node
  // may lie beyond it. Stops at the first failure and names it. Reads one RocksDB snapshot, taking the head from
  // the meta record in it, so appends made meanwhile are not checked and not mistaken for
  // damage. Returns an error only when it could not read.
  virtual Result<VerifyReport> Verify(uint64_t from, uint64_t to) const = 0;

  // Projection state (the `projections` column family). The log never reads it; projections in
  // engine/ keep what they fold here with the position it covers, so they resume after a
  // restart instead of replaying the log.
  //
  // Writes every change and checkpoint of `writes` in one RocksDB batch: after a crash all of it
  // is there or none. Written to the WAL without fsync whatever the durability option (the state
  // can always be rebuilt from the log): a machine crash may lose the latest writes, never part
  // of one, so a projection resumes from an older checkpoint with the state that matched it.
  // InvalidArgument naming the field for a bad name or key, or a checkpoint beyond the head;
  // FailedPrecondition on a read-only store.
  virtual Status WriteProjections(const std::vector<ProjectionWrite>& writes) = 0;
  // The projection's checkpoint, 0 when it has none.
  virtual Result<uint64_t> ProjectionCheckpoint(std::string_view projection) const = 0;
  // One state key's value, or nullopt.
  virtual Result<std::optional<std::string>> ReadProjection(std::string_view projection,
                                                            std::string_view key) const = 0;
  // Calls `visit` with every state key of the projection and its value, in key order, from one
  // consistent snapshot. An error from `visit` stops the scan and is returned.
  virtual Status ScanProjection(
      std::string_view projection,
      const std::function<Status(std::string_view key, std::string_view value)>& visit) const = 0;
  // Deletes the projection's state and checkpoint. FailedPrecondition on a read-only store.
  virtual Status DropProjection(std::string_view projection) = 0;

  // Writes a consistent backup of the open store into `backup_dir` (RocksDB BackupEngine;
  // incremental when the folder already holds backups).
  virtual Status CreateBackup(const std::string& backup_dir) = 0;
  // Restores the latest backup in `backup_dir` into `data_dir`, which must be missing or an empty
  // folder (RocksDB's restore deletes whatever the folder holds): FailedPrecondition otherwise,
  // NotFound when `backup_dir` holds no backups.
  static Status RestoreLatestBackup(const std::string& backup_dir, const std::string& data_dir);

  // The newest record format this binary reads and writes.
  static constexpr uint32_t kFormatVersion = 1;

 protected:
  EventStore() = default;
};

}  // namespace goldthread::store

#endif  // GOLDTHREAD_STORE_EVENT_STORE_H_
