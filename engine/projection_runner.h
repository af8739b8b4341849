// ProjectionRunner: feeds a ProjectionSet every event of the log, in order, exactly once, and
// hands read models a consistent view of it.
//
//   ProjectionRunner runner(store, std::make_unique<ReadIndex>("demo"));
//   runner.CatchUp();               // applies everything after runner.position() up to the head
//   auto held = runner.Read();      // shared lock; held.set is consistent at held.position
//
// Threading: CatchUp takes the exclusive lock one page of events at a time, so readers wait at
// most one page; Read holds the shared lock for as long as the returned object lives. All
// methods may be called from any thread. The store must outlive the runner.
#ifndef GOLDTHREAD_ENGINE_PROJECTION_RUNNER_H_
#define GOLDTHREAD_ENGINE_PROJECTION_RUNNER_H_

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <shared_mutex>

#include "engine/projection.h"
#include "store/event_store.h"

namespace goldthread::engine {

struct ProjectionRunnerOptions {
  // Events read from the log per page; the exclusive lock is held while one page is applied.
  // Default: 4096.
  size_t page_events = 4096;
};

class ProjectionRunner {
 public:
  ProjectionRunner(store::EventStore* store, std::unique_ptr<ProjectionSet> set,
                   ProjectionRunnerOptions options = {});
  ProjectionRunner(const ProjectionRunner&) = delete;
  ProjectionRunner& operator=(const ProjectionRunner&) = delete;

  // Applies every event after position() up to the head as it is when called. Returns the new
  // position. An error from a projection stops it at the event before.
  Result<uint64_t> CatchUp();
  // The last position applied (0 before any).
  uint64_t position() const { return position_.load(std::memory_order_acquire); }

  // The set under the shared lock, consistent at `position` for as long as this lives.
  struct Held {
    std::shared_lock<std::shared_mutex> lock;
    const ProjectionSet* set = nullptr;
    uint64_t position = 0;
  };
  Held Read() const;

 private:
  store::EventStore* const store_;
  const ProjectionRunnerOptions options_;

  std::mutex catch_up_mu_;  // one CatchUp at a time
  mutable std::shared_mutex mu_;
  std::unique_ptr<ProjectionSet> set_;  // guarded by mu_
  std::atomic<uint64_t> position_{0};   // written under mu_ (exclusive)
};

}  // namespace goldthread::engine

#endif  // GOLDTHREAD_ENGINE_PROJECTION_RUNNER_H_
