// ProjectionRunner: feeds a ProjectionSet every event of the log, in order, exactly once;
// persists its state with the position it covers; resumes from there after a restart; follows
// the log live; and rebuilds it from position zero beside the live one, taking over when the
// rebuild has caught up.
//
//   auto runner = ProjectionRunner::Open(store, [] { return std::make_unique<ReadIndex>("demo"); },
//                                        {});
//   (*runner)->CatchUp();          // applies what the log holds beyond the checkpoint
//   (*runner)->StartFollowing();   // then applies new events as they are appended
//   auto held = (*runner)->Read(); // shared lock; held.set is consistent at held.position
//
// Persistence. Each projection's state lives in the store's `projections` column family under
// "<projection name>@<generation>", and every write of it carries the position it covers, in
// the same batch (EventStore::WriteProjections). Open restores each projection and its
// checkpoint; events at or before a projection's checkpoint are never applied to it again, and
// every event after it is applied before anything later — so after any crash, no event is
// applied twice and none is skipped. A checkpoint is written every `checkpoint_every_events`
// while catching up, when a catch-up ends, and when the follower goes idle.
//
// Rebuild. Rebuild replays the log from position zero into a fresh set under the next
// generation, checkpointing as it goes (an interrupted rebuild resumes where it stopped), while
// readers keep reading the live set. Once it is within a page of the head it takes the lock,
// applies the last events, and in one batch writes its final state and makes its generation the
// active one; readers then see the new set, and the old generation's state is dropped.
//
// Threading: every method may be called from any thread. Appliers (CatchUp, the follower, the
// last step of Rebuild) are serialised; they take the exclusive lock one page at a time, so a
// reader waits at most one page. Read holds the shared lock for as long as its result lives.
// The store must outlive the runner; the destructor stops the follower (without checkpointing:
// what was not checkpointed is applied again, once, at the next start).
#ifndef GOLDTHREAD_ENGINE_PROJECTION_PROJECTION_RUNNER_H_
#define GOLDTHREAD_ENGINE_PROJECTION_PROJECTION_RUNNER_H_

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <shared_mutex>
#include <thread>
#include <vector>

#include "engine/projection/projection.h"
#include "store/base/mutex.h"
#include "store/base/thread_annotations.h"
#include "store/event_store.h"

namespace goldthread::engine {

using ProjectionSetFactory = std::function<std::unique_ptr<ProjectionSet>()>;

struct ProjectionRunnerOptions {
  // Events read from the log per page (at most 10,000); the exclusive lock is held while one
  // page is applied. Default: 4096.
  size_t page_events = 4096;
  // Events applied between two checkpoints while catching up or rebuilding. Fewer means less
  // to apply again after a crash and more writes. Default: 500,000.
  uint64_t checkpoint_every_events = 500'000;
  // Write a checkpoint when CatchUp reaches the head. Default: true (tests of crash recovery
  // turn it off to leave applied-but-unsaved events behind).
  bool checkpoint_when_caught_up = true;
  // How long the follower waits for new events before checkpointing what it has applied.
  // Default: 500 ms.
  std::chrono::milliseconds follower_idle{500};
  // Keep state in the store. When false, nothing is written or restored and every start
  // replays the log. Default: true.
  bool persist = true;
  // Restore the active generation's state at Open. False starts the live set empty at position
  // 0 without reading it: only for a runner whose one job is Rebuild (RebuildReadIndex, run
  // while nothing serves the store), which replaces the live set without reading it — it saves
  // the time and memory of loading a set about to be dropped. Default: true.
  bool restore = true;
};

struct RebuildProgress {
  // Log position the rebuild has applied, and the head it is heading for.
  uint64_t position = 0;
  uint64_t head = 0;
  // Events applied by this run (a resumed rebuild does not count what it restored).
  uint64_t events_done = 0;
  double events_per_second = 0;
  // At the current rate; 0 when unknown.
  double seconds_remaining = 0;
};

struct RebuildOptions {
  // Called about every `progress_every`, and once at the end. Runs on the rebuilding thread.
  std::function<void(const RebuildProgress&)> progress;
  std::chrono::milliseconds progress_every{1000};
  // Events read per page while replaying (at most 10,000). Default: 10,000.
  size_t page_events = 10'000;
  // Discard what an interrupted rebuild left and start from position zero. Default: resume it.
  bool from_scratch = false;
  // Stop once this position is applied, checkpoint, and do not take over: a later Rebuild
  // resumes from there (a rebuild spread over quiet hours). Default: run to the end.
  std::optional<uint64_t> pause_at;
};

struct RebuildReport {
  uint64_t position = 0;
  uint64_t events_applied = 0;
  // Where an interrupted rebuild had got to (0 when it started from zero).
  uint64_t resumed_from = 0;
  double seconds = 0;
  double events_per_second = 0;
  // The generation now active.
  uint32_t generation = 0;
  // True when the new generation took over (false when paused).
  bool took_over = false;
};

class ProjectionRunner {
 public:
  // Restores the set's active generation from the store (or starts empty). The factory makes
  // empty sets, for the first start and for rebuilds.
  static Result<std::unique_ptr<ProjectionRunner>> Open(store::EventStore* store,
                                                        ProjectionSetFactory factory,
                                                        ProjectionRunnerOptions options = {});
  ~ProjectionRunner();
  ProjectionRunner(const ProjectionRunner&) = delete;
  ProjectionRunner& operator=(const ProjectionRunner&) = delete;

  // Applies every event after position() up to the head as it is when called (or up to
  // `until`, when given and lower). Returns the new position. A projection's error stops the
  // runner: this and every later call return it, and the runner must be opened again.
  Result<uint64_t> CatchUp(std::optional<uint64_t> until = std::nullopt) EXCLUDES(apply_mu_);
  // Writes what changed since the last checkpoint, with the positions it covers.
  Status Checkpoint() EXCLUDES(apply_mu_);
  // Starts a thread that applies new events as they are appended. Call after CatchUp.
  void StartFollowing() EXCLUDES(follow_mu_);
  // Stops that thread (checkpointing what it applied). Safe to call when not following.
  void StopFollowing() EXCLUDES(follow_mu_, apply_mu_);
  // Rebuilds from position zero beside the live set and takes over (see above).
  Result<RebuildReport> Rebuild(const RebuildOptions& options = {}) EXCLUDES(apply_mu_, mu_);

  // The last position every projection has applied (0 before any).
  uint64_t position() const { return position_.load(std::memory_order_acquire); }
  uint32_t generation() const { return generation_.load(std::memory_order_acquire); }

  // The set under the shared lock, consistent at `position` for as long as this lives.
  struct Held {
    std::shared_lock<SharedMutex> lock;
    const ProjectionSet* set = nullptr;
    uint64_t position = 0;
  };
  Held Read() const;

  // Where a projection's state is kept: "<name>@<generation>".
  static std::string StorageName(std::string_view projection, uint32_t generation);
  // The store key (in projection kRegistry) that names a set's active generation.
  static constexpr char kRegistry[] = "projection-generations";

 private:
  // A set with how far each of its projections has applied the log.
  struct Fed {
    std::unique_ptr<ProjectionSet> set;
    std::vector<uint64_t> applied;  // per projection, in set->projections() order
    uint64_t position() const;
  };

  ProjectionRunner(store::EventStore* store, ProjectionSetFactory factory,
                   ProjectionRunnerOptions options);
  Result<Fed> Load(uint32_t generation) const;
  // Applies the events after each projection's position, up to `until`; returns how many
  // positions that was.
  static Result<uint64_t> Apply(Fed* fed, const std::vector<store::Envelope>& events,
                                uint64_t until);
  // Takes `fed`'s changes since the last call, as writes carrying each projection's checkpoint
  // (under the exclusive lock for the live set: it touches the projections).
  std::vector<store::ProjectionWrite> Collect(Fed* fed, uint32_t generation) const;
  // Writes them in one batch (no lock needed).
  Status Write(std::vector<store::ProjectionWrite> writes) const;
  // Collect under the exclusive lock, then Write.
  Status CheckpointLocked() REQUIRES(apply_mu_) EXCLUDES(mu_);
  void FollowLoop() EXCLUDES(follow_mu_, apply_mu_);

  store::EventStore* const store_;
  const ProjectionSetFactory factory_;
  const ProjectionRunnerOptions options_;

  Mutex rebuild_mu_ ACQUIRED_BEFORE(apply_mu_);  // one Rebuild at a time
  Mutex apply_mu_ ACQUIRED_BEFORE(mu_);          // serialises appliers
  uint64_t unsaved_ GUARDED_BY(apply_mu_) = 0;   // events applied since the last checkpoint
  std::optional<Error> failed_ GUARDED_BY(apply_mu_);
  mutable SharedMutex mu_;
  Fed live_ GUARDED_BY(mu_);           // read shared, written exclusive
  std::atomic<uint64_t> position_{0};  // live_.position(), written under mu_
  std::atomic<uint32_t> generation_{1};

  Mutex follow_mu_;
  bool stop_following_ GUARDED_BY(follow_mu_) = false;
  std::unique_ptr<store::Subscription> subscription_ GUARDED_BY(follow_mu_);  // the follower's
  std::thread follower_;  // started and joined by StartFollowing / StopFollowing / destructor
};

}  // namespace goldthread::engine

#endif  // GOLDTHREAD_ENGINE_PROJECTION_PROJECTION_RUNNER_H_
