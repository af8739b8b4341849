// The append path: validation in the caller's thread, then the single writer thread that folds
// every queued append into one WriteBatch and one fsync (group commit).
//
// Why one writer: positions must be gapless and each hash depends on the previous one, so
// sequencing is inherently serial. Doing it on one thread means no lock is held across the
// fsync, and the fsync cost is shared by everyone who queued while the last one ran.
#include <fmt/format.h>
#include <openssl/rand.h>
#include <pthread.h>

#include <atomic>
#include <cstring>
#include <future>
#include <unordered_set>

#include "rocksdb/write_batch.h"
#include "store/base/errors.h"
#include "store/base/hex.h"
#include "store/base/sha256.h"
#include "store/internal/hash_chain.h"
#include "store/internal/keys.h"
#include "store/internal/live_subscription.h"
#include "store/internal/rocks_event_store.h"

namespace goldthread::store::internal {
namespace {

constexpr size_t kMaxTypeBytes = 128;
constexpr size_t kMaxIdBytes = 128;

bool IsStreamChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
         c == '_' || c == ':' || c == '/' || c == '@' || c == '-';
}

// Random bytes for event ids, drawn from OpenSSL's CSPRNG 4 KiB at a time: one RAND_bytes call
// per event (each checks the pid and looks up parameters) was a visible share of an append's
// CPU. A forked child discards its inherited buffer (the generation changes), so parent and
// child never hand out the same bytes.
std::atomic<uint64_t> random_generation{0};

void TakeRandomBytes(unsigned char* out, size_t n) {
  struct Buffer {
    unsigned char bytes[4096];
    size_t used = sizeof bytes;
    uint64_t generation = 0;
  };
  static const bool registered = [] {
    pthread_atfork(nullptr, nullptr, [] { random_generation.fetch_add(1); });
    return true;
  }();
  (void)registered;
  thread_local Buffer buffer;
  const uint64_t generation = random_generation.load(std::memory_order_relaxed);
  if (buffer.used + n > sizeof buffer.bytes || buffer.generation != generation) {
    if (RAND_bytes(buffer.bytes, sizeof buffer.bytes) != 1) {
      // OpenSSL's CSPRNG does not fail once seeded; if it ever does, refuse to invent ids.
      std::abort();
    }
    buffer.used = 0;
    buffer.generation = generation;
  }
  std::memcpy(out, buffer.bytes + buffer.used, n);
  buffer.used += n;
}

// A UUID v4 in lower-case hex with dashes (8-4-4-4-12).
std::string NewUuid() {
  unsigned char b[16];
  TakeRandomBytes(b, sizeof b);
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const std::string_view bytes(reinterpret_cast<const char*>(b), sizeof b);
  std::string out;
  out.reserve(36);
  AppendHex(&out, bytes.substr(0, 4));
  out.push_back('-');
  AppendHex(&out, bytes.substr(4, 2));
  out.push_back('-');
  AppendHex(&out, bytes.substr(6, 2));
  out.push_back('-');
  AppendHex(&out, bytes.substr(8, 2));
  out.push_back('-');
  AppendHex(&out, bytes.substr(10, 6));
  return out;
}

void SetTimestamp(google::protobuf::Timestamp* ts, TimePoint t) {
  const int64_t us = t.time_since_epoch().count();
  int64_t secs = us / 1'000'000;
  int64_t rem = us % 1'000'000;
  if (rem < 0) {
    rem += 1'000'000;
    --secs;
  }
  ts->set_seconds(secs);
  ts->set_nanos(static_cast<int32_t>(rem * 1000));
}

}  // namespace

Status RocksEventStore::Validate(AppendRequest& r) const {
  if (options_.read_only) {
    return MakeError(ErrorCode::kFailedPrecondition, "the store was opened read-only");
  }
  if (r.stream.empty()) return InvalidField("stream", "the stream id is empty");
  if (r.stream.size() > options_.max_stream_id_bytes) {
    return InvalidField("stream", fmt::format("the stream id is {} bytes; the limit is {}",
                                              r.stream.size(), options_.max_stream_id_bytes));
  }
  for (char c : r.stream) {
    if (!IsStreamChar(c)) {
      return InvalidField("stream", "a stream id may hold only letters, digits and . _ : / @ -");
    }
  }
  if (r.events.empty()) return InvalidField("events", "an append needs at least one event");
  if (r.events.size() > options_.max_events_per_append) {
    return InvalidField("events", fmt::format("an append may hold at most {} events, not {}",
                                              options_.max_events_per_append, r.events.size()));
  }
  if (r.expected.kind() == ExpectedVersion::Kind::kExact && r.expected.version() == 0) {
    return InvalidField("expected_version",
                        "expected version 0 is not a version; use no-stream for a new stream");
  }
  const std::pair<const char*, const std::string*> ids[] = {{"command_id", &r.command_id},
                                                            {"actor", &r.actor},
                                                            {"correlation_id", &r.correlation_id},
                                                            {"causation_id", &r.causation_id}};
  for (const auto& [field, id] : ids) {
    if (id->size() > kMaxIdBytes) {
      return InvalidField(field, fmt::format("the {} is {} bytes; ids are limited to {}", field,
                                             id->size(), kMaxIdBytes));
    }
  }
  for (size_t i = 0; i < r.events.size(); ++i) {
    NewEvent& e = r.events[i];
    // Built only for an error: validation runs for every event of every append.
    auto field = [i](std::string_view name) { return fmt::format("events[{}].{}", i, name); };
    if (e.type.empty() || e.type.size() > kMaxTypeBytes) {
      return InvalidField(field("type"),
                          fmt::format("an event type is 1 to {} bytes", kMaxTypeBytes));
    }
    if (e.payload.size() > options_.max_event_bytes) {
      return InvalidField(field("payload"),
                          fmt::format("the event is {} bytes; the limit is {}", e.payload.size(),
                                      options_.max_event_bytes));
    }
    if (e.event_id.size() > kMaxIdBytes) {
      return InvalidField(field("event_id"),
                          fmt::format("the event id is {} bytes; ids are limited to {}",
                                      e.event_id.size(), kMaxIdBytes));
    }
    if (e.causation_id.size() > kMaxIdBytes) {
      return InvalidField(field("causation_id"),
                          fmt::format("the causation id is {} bytes; ids are limited to {}",
                                      e.causation_id.size(), kMaxIdBytes));
    }
    if (e.event_id.empty()) e.event_id = NewUuid();
  }
  return OkStatus();
}

Result<AppendResult> RocksEventStore::Append(AppendRequest request) {
  std::promise<Result<AppendResult>> promise;
  auto future = promise.get_future();
  AppendAsync(std::move(request),
              [&promise](Result<AppendResult> r) { promise.set_value(std::move(r)); });
  return future.get();
}

void RocksEventStore::AppendAsync(AppendRequest request,
                                  std::function<void(Result<AppendResult>)> done) {
  if (Status s = Validate(request); !s) {
    done(Unexpected(std::move(s.error())));
    return;
  }
  {
    MutexLock lock(queue_mu_);
    if (!stopping_) {
      queue_.push_back(
          Pending{std::move(request), std::move(done), std::chrono::steady_clock::now()});
      queue_cv_.Signal();
      return;
    }
  }
  done(MakeError(ErrorCode::kUnavailable, "the store is closing"));
}

Result<std::vector<AppendResult>> RocksEventStore::AppendAll(std::vector<AppendRequest> requests) {
  std::promise<Result<std::vector<AppendResult>>> promise;
  auto future = promise.get_future();
  AppendAllAsync(std::move(requests), [&promise](Result<std::vector<AppendResult>> r) {
    promise.set_value(std::move(r));
  });
  return future.get();
}

void RocksEventStore::AppendAllAsync(std::vector<AppendRequest> requests,
                                     std::function<void(Result<std::vector<AppendResult>>)> done) {
  if (requests.empty()) {
    done(InvalidField("requests", "an atomic append needs at least one request"));
    return;
  }
  if (requests.size() > kMaxAppendsPerGroup) {
    done(InvalidField("requests",
                      fmt::format("an atomic append may hold at most {} requests, not {}",
                                  kMaxAppendsPerGroup, requests.size())));
    return;
  }
  for (size_t k = 0; k < requests.size(); ++k) {
    if (Status s = Validate(requests[k]); !s) {
      Error e = std::move(s.error());
      e.field = e.field.empty() ? fmt::format("requests[{}]", k)
                                : fmt::format("requests[{}].{}", k, e.field);
      e.message = fmt::format("request {} of {}: {}", k + 1, requests.size(), e.message);
      done(Unexpected(std::move(e)));
      return;
    }
  }
  {
    MutexLock lock(queue_mu_);
    if (!stopping_) {
      Pending p;
      p.group = std::move(requests);
      p.done_all = std::move(done);
      p.queued_at = std::chrono::steady_clock::now();
      queue_.push_back(std::move(p));
      queue_cv_.Signal();
      return;
    }
  }
  done(MakeError(ErrorCode::kUnavailable, "the store is closing"));
}

void RocksEventStore::WriterLoop() {
  std::vector<Pending> batch;
  while (true) {
    {
      MutexLock lock(queue_mu_);
      while (!stopping_ && queue_.empty()) queue_cv_.Wait(queue_mu_);
      if (queue_.empty()) return;  // stopping, and everything queued has been committed
      // Group-commit wait: when the last batch showed several concurrent appenders, give the
      // ones just acknowledged a moment to queue their next append, so one fsync covers them
      // all. A lone appender (last batch of one) never waits.
      if (recent_batch_peak_ > 1 && options_.group_commit_wait.count() > 0) {
        const size_t target = std::min(recent_batch_peak_, options_.max_batch_appends);
        const auto deadline = std::chrono::steady_clock::now() + options_.group_commit_wait;
        while (!stopping_ && queue_.size() < target) {
          if (!queue_cv_.WaitUntil(queue_mu_, deadline)) break;
        }
      }
      const size_t n = std::min(queue_.size(), options_.max_batch_appends);
      batch.reserve(n);
      for (size_t i = 0; i < n; ++i) {
        batch.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
    }
    // The largest batch of the last few, decaying, estimates how many appenders are active. It
    // drops by at least one per batch, so a lone appender stops waiting after a few appends.
    recent_batch_peak_ = std::max(batch.size(), recent_batch_peak_ - (recent_batch_peak_ + 7) / 8);
    CommitBatch(batch);
    batch.clear();
  }
}

Result<uint64_t> RocksEventStore::CurrentVersionForWriter(const std::string& stream) {
  if (auto it = stream_versions_.find(stream); it != stream_versions_.end()) return it->second;
  // Everything committed is published by now: the writer publishes before its next batch.
  auto v = ReadStreamVersion(stream, UINT64_MAX);
  if (!v) return Unexpected(v.error());
  if (stream_versions_.size() >= options_.stream_version_cache_entries) stream_versions_.clear();
  stream_versions_.emplace(stream, *v);
  return *v;
}

void RocksEventStore::PlanAppend(AppendRequest& r, size_t index, BatchPlan& b, Planned& plan) {
  if (!r.command_id.empty()) {
    if (auto it = b.commands.find(r.command_id); it != b.commands.end()) {
      b.duplicates.emplace_back(index, it->second);
      return;
    }
    std::string seen;
    rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), commands_cf_, r.command_id, &seen);
    if (s.ok() && seen.size() == 24) {
      plan.result = AppendResult{GetBigEndian64(seen), GetBigEndian64(seen.substr(8)),
                                 GetBigEndian64(seen.substr(16)), true};
      return;
    }
    if (!s.ok() && !s.IsNotFound()) {
      plan.result =
          MakeError(ErrorCode::kInternal, fmt::format("reading command ids: {}", s.ToString()));
      return;
    }
  }
  uint64_t current;
  if (auto it = b.overlay.find(r.stream); it != b.overlay.end()) {
    current = it->second;
  } else {
    auto v = CurrentVersionForWriter(r.stream);
    if (!v) {
      plan.result = Unexpected(v.error());
      return;
    }
    current = *v;
  }
  const ExpectedVersion& want = r.expected;
  if ((want.kind() == ExpectedVersion::Kind::kNoStream && current != 0) ||
      (want.kind() == ExpectedVersion::Kind::kExact && current != want.version())) {
    plan.result = ConflictError(r.stream, want.ToString(), current);
    return;
  }

  AppendResult result{b.position + 1, b.position + r.events.size(), current + r.events.size(),
                      false};
  plan.envelopes.reserve(r.events.size());
  for (size_t k = 0; k < r.events.size(); ++k) {
    NewEvent& ev = r.events[k];
    Envelope& e = plan.envelopes.emplace_back();
    e.set_event_id(std::move(ev.event_id));
    e.set_stream(r.stream);
    e.set_stream_version(current + 1 + k);
    e.set_position(++b.position);
    e.set_type(std::move(ev.type));
    *e.mutable_recorded_at() = b.now;
    e.set_actor(r.actor);
    e.set_command_id(r.command_id);
    e.set_correlation_id(r.correlation_id);
    e.set_causation_id(ev.causation_id.empty() ? r.causation_id : std::move(ev.causation_id));
    e.set_payload_sha256(Sha256(ev.payload));
    e.set_payload(std::move(ev.payload));
    e.set_format_version(kFormatVersion);
    e.set_previous_hash(b.previous);
    // The canonical bytes are both the chain's input and the tree's leaf entry.
    const std::string canonical = CanonicalBytes(e);
    b.previous = Sha256({b.previous, canonical});
    e.set_hash(b.previous);
    b.serialized.clear();
    e.SerializeToString(&b.serialized);
    b.wb.Put(log_cf_, LogKey(e.position()), b.serialized);
    if (options_.maintain_tree) {
      // The nodes go into the batch of the record that completes them: a crash never leaves a
      // record without its leaf, or a subtree without its stored hash.
      b.completed.clear();
      b.frontier.Append(tlog::LeafHash(canonical), &b.completed);
      for (const tlog::StoredNode& n : b.completed) {
        if (n.level % kTreeStride == 0) b.wb.Put(tree_cf_, TreeKey(n.level, n.index), n.hash);
      }
    }
    std::string pos_value;
    PutBigEndian64(&pos_value, e.position());
    b.wb.Put(streams_cf_, StreamKey(r.stream, e.stream_version()), pos_value);
  }
  b.overlay[r.stream] = result.stream_version;
  if (!r.command_id.empty()) {
    b.wb.Put(
        commands_cf_, r.command_id,
        EncodeCommandResult(result.first_position, result.last_position, result.stream_version));
    b.commands.emplace(r.command_id, index);
  }
  plan.result = result;
  plan.writes = true;
}

void RocksEventStore::PlanGroup(std::vector<AppendRequest>& group, size_t first_index, BatchPlan& b,
                                std::vector<Planned>& planned) {
  // Everything the group may change, to put back if one of its requests fails. The WriteBatch
  // has its own save point; the rest is small (the overlay holds at most one entry per stream
  // of this batch).
  const uint64_t position = b.position;
  const std::string previous = b.previous;
  const auto overlay = b.overlay;
  const size_t duplicates = b.duplicates.size();
  const tlog::TreeFrontier frontier = b.frontier;
  b.wb.SetSavePoint();
  std::optional<size_t> failed;
  for (size_t k = 0; k < group.size() && !failed; ++k) {
    PlanAppend(group[k], first_index + k, b, planned[first_index + k]);
    if (!planned[first_index + k].result) failed = k;
  }
  if (!failed) {
    // Cannot fail: the save point was set above.
    b.wb.PopSavePoint().PermitUncheckedError();
    return;
  }
  if (rocksdb::Status s = b.wb.RollbackToSavePoint(); !s.ok()) {
    // Cannot happen (the save point was set above); refuse to write a batch of unknown content.
    std::abort();
  }
  b.position = position;
  b.previous = previous;
  b.overlay = overlay;
  b.frontier = frontier;
  b.duplicates.resize(duplicates);
  Error cause = planned[first_index + *failed].result.error();
  for (size_t k = 0; k < group.size(); ++k) {
    Planned& plan = planned[first_index + k];
    if (plan.writes) b.commands.erase(group[k].command_id);
    plan.writes = false;
    plan.envelopes.clear();
  }
  Error e = cause;
  e.field = e.field.empty() ? fmt::format("requests[{}]", *failed)
                            : fmt::format("requests[{}].{}", *failed, e.field);
  e.message = fmt::format("request {} of {} (stream {}): {}; nothing of the {} was written",
                          *failed + 1, group.size(), group[*failed].stream, cause.message,
                          group.size() == 1 ? "request" : "requests");
  for (size_t k = 0; k < group.size(); ++k) planned[first_index + k].result = Unexpected(e);
}

void RocksEventStore::CommitBatch(std::vector<Pending>& batch) {
  if (failed_) {
    for (Pending& p : batch) p.Fail(*failed_);
    return;
  }
  // Every request of the batch has one slot in `planned`: a single append one, a group one per
  // request, in queue order.
  std::vector<size_t> first_index(batch.size());
  size_t requests = 0;
  for (size_t i = 0; i < batch.size(); ++i) {
    first_index[i] = requests;
    requests += batch[i].group.empty() ? 1 : batch[i].group.size();
  }
  std::vector<Planned> planned(requests);
  BatchPlan b;
  b.position = head_position();
  b.previous = head_hash_writer_;
  b.frontier = frontier_;
  SetTimestamp(&b.now, clock_->Now());

  for (size_t i = 0; i < batch.size(); ++i) {
    if (batch[i].group.empty()) {
      PlanAppend(batch[i].request, first_index[i], b, planned[first_index[i]]);
    } else {
      PlanGroup(batch[i].group, first_index[i], b, planned);
    }
  }

  const uint64_t position = b.position;
  const std::string& previous = b.previous;
  rocksdb::WriteBatch& wb = b.wb;
  if (wb.Count() > 0) {
    wb.Put(meta_cf_, kMetaHeadKey, EncodeHead(position, previous));
    rocksdb::WriteOptions wo;
    wo.sync = options_.durability == Durability::kSync;
    const auto write_started = std::chrono::steady_clock::now();
    rocksdb::Status s = db_->Write(wo, &wb);
    if (s.ok() && options_.on_commit) {
      const auto durable = std::chrono::steady_clock::now();
      CommitStats stats{.write = durable - write_started, .appends = batch.size()};
      stats.append_latencies.reserve(batch.size());
      for (const Planned& p : planned) stats.events += p.envelopes.size();
      for (size_t i = 0; i < batch.size(); ++i) {
        stats.append_latencies.push_back(durable - batch[i].queued_at);
      }
      options_.on_commit(stats);
    }
    if (!s.ok()) {
      // Nothing of this batch is acknowledged; the store refuses further appends because
      // RocksDB may now hold it in an unknown state until reopened.
      failed_ =
          Error{ErrorCode::kInternal,
                fmt::format("writing to the log failed: {}; restart goldthread", s.ToString()), "",
                std::nullopt};
      for (Planned& p : planned)
        if (p.writes) p.result = Unexpected(*failed_);
      stream_versions_.clear();
    } else {
      for (auto& [stream, version] : b.overlay) {
        if (stream_versions_.size() >= options_.stream_version_cache_entries &&
            !stream_versions_.contains(stream)) {
          stream_versions_.clear();
        }
        stream_versions_[stream] = version;
      }
      head_hash_writer_ = previous;
      std::string tree_root;
      if (options_.maintain_tree) {
        frontier_ = std::move(b.frontier);
        tree_root = frontier_.Root();
      }
      Publish(planned, position, previous, tree_root);
    }
  }
  for (auto [index, original] : b.duplicates) {
    planned[index].result = planned[original].result;
    if (planned[index].result) planned[index].result->duplicate = true;
  }
  for (size_t i = 0; i < batch.size(); ++i) {
    Pending& p = batch[i];
    if (p.group.empty()) {
      p.done(std::move(planned[first_index[i]].result));
      continue;
    }
    // A group succeeded only if every request did: a failed write after planning (or a
    // duplicate of a request that failed) fails the group as a whole.
    std::vector<AppendResult> results;
    std::optional<Error> error;
    for (size_t k = 0; k < p.group.size() && !error; ++k) {
      Result<AppendResult>& r = planned[first_index[i] + k].result;
      if (r) {
        results.push_back(*r);
      } else {
        error = r.error();
      }
    }
    if (error) {
      p.done_all(Unexpected(std::move(*error)));
    } else {
      p.done_all(std::move(results));
    }
  }
}

void RocksEventStore::Publish(const std::vector<Planned>& planned, uint64_t head,
                              const std::string& hash, const std::string& tree_root) {
  MutexLock lock(publish_mu_);
  {
    MutexLock hash_lock(head_hash_mu_);
    head_hash_ = hash;
    tree_root_ = tree_root;
    head_position_.store(head, std::memory_order_release);
  }
  if (live_.empty()) return;
  std::vector<const Envelope*> events;
  for (const Planned& p : planned)
    for (const Envelope& e : p.envelopes) events.push_back(&e);
  std::erase_if(live_, [&](LiveSubscription* s) { return !s->Deliver(events); });
}

}  // namespace goldthread::store::internal
