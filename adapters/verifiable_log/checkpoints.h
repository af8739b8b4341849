// Checkpointer: signs the log's Merkle tree as a C2SP checkpoint and keeps what it signed.
//
//   Checkpointer checkpoints(store, std::move(signer), {.every = 60s, .every_events = 1000});
//   Result<SignedCheckpoint> now = checkpoints.SignNow();        // e.g. when a trail is sealed
//   checkpoints.MaybeSign();                                      // serve's loop, once a second
//
// Kept in the store's projection area (projection "tlog.checkpoints": key "latest" and, per
// checkpoint, its tree size as 8 big-endian bytes; the value is the signed note), which is not
// the log: signing never appends an event, so the tree it signs is never moved by signing.
// Threading: every method may be called from any thread (one mutex orders signing).
#ifndef GOLDTHREAD_ADAPTERS_VERIFIABLE_LOG_CHECKPOINTS_H_
#define GOLDTHREAD_ADAPTERS_VERIFIABLE_LOG_CHECKPOINTS_H_

#include <chrono>
#include <mutex>
#include <optional>
#include <string>

#include "store/base/errors.h"
#include "store/event_store.h"
#include "store/tlog/checkpoint.h"
#include "store/tlog/note.h"

namespace goldthread::adapters {

inline constexpr std::string_view kCheckpointsProjection = "tlog.checkpoints";

struct SignedCheckpoint {
  tlog::Checkpoint checkpoint;
  std::string note;  // the whole signed note, as served at /log/checkpoint
};

struct CheckpointPolicy {
  // A new checkpoint when the tree has grown and this long has passed since the last one...
  std::chrono::seconds every{60};
  // ...or at once when it has grown by this many events.
  uint64_t every_events = 1000;
};

// The latest checkpoint kept in `store`, without a key (read-only commands); nullopt if none.
Result<std::optional<SignedCheckpoint>> ReadLatestCheckpoint(const store::EventStore& store);

// The signed checkpoint of the tree's first `size` leaves, not kept anywhere (for a read-only
// command that holds the key).
Result<std::string> SignTreeCheckpoint(const store::EventStore& store, const tlog::NoteSigner& signer,
                                       uint64_t size);

class Checkpointer {
 public:
  Checkpointer(store::EventStore* store, tlog::NoteSigner signer, CheckpointPolicy policy = {});

  // Signs the tree as it stands now and keeps it; when the latest kept checkpoint already has
  // this size, returns that one instead.
  Result<SignedCheckpoint> SignNow();
  // A checkpoint of the tree's first `size` leaves (at most the tree's size), kept by its
  // size: what a trail sealed at an earlier position carries. SignNow when `size` is today's.
  Result<SignedCheckpoint> SignAt(uint64_t size);
  // Signs if the policy says one is due (or none was ever signed); nullopt when not due.
  Result<std::optional<SignedCheckpoint>> MaybeSign();
  // The latest kept checkpoint; nullopt before the first.
  Result<std::optional<SignedCheckpoint>> Latest() const;

  const tlog::NoteSigner& signer() const { return signer_; }

 private:
  store::EventStore* const store_;
  const tlog::NoteSigner signer_;
  const CheckpointPolicy policy_;
  std::mutex mu_;  // orders SignNow/MaybeSign
  std::optional<std::chrono::steady_clock::time_point> last_signed_at_;
};

}  // namespace goldthread::adapters

#endif  // GOLDTHREAD_ADAPTERS_VERIFIABLE_LOG_CHECKPOINTS_H_
