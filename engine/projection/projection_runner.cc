#include "engine/projection/projection_runner.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <deque>
#include <future>

namespace goldthread::engine {

namespace {

using SteadyClock = std::chrono::steady_clock;

double SecondsSince(SteadyClock::time_point start) {
  return std::chrono::duration<double>(SteadyClock::now() - start).count();
}

// Reads the log ahead of a rebuild on a thread of its own, a few pages at a time, so that
// reading page n+1 overlaps applying page n (on two cores a rebuild then runs at about the
// slower of the two instead of their sum). Pages come back in order; Next(p) hands out the page
// that starts at position p, restarting the read there when the one read ahead starts
// elsewhere (after an apply stopped mid-page at a pause position). It stops at the end of the
// log: the caller reads the last pages itself.
//
// Threading: Next and Release are called by one thread; the reader thread is joined by the
// destructor. The store must outlive it.
class ReadAhead {
 public:
  ReadAhead(const store::EventStore* store, size_t page_events)
      : store_(store), page_events_(page_events) {
    for (auto& page : pages_) free_.push_back(&page);
  }
  ~ReadAhead() { Stop(); }
  ReadAhead(const ReadAhead&) = delete;
  ReadAhead& operator=(const ReadAhead&) = delete;

  // The page starting at `position`, or an empty page at the end of the log. Valid until the
  // next call to Next, which gives it back.
  Result<const store::ReadPage*> Next(uint64_t position) EXCLUDES(mu_) {
    MutexLock lock(mu_);
    if (current_ != nullptr) {
      free_.push_back(current_);
      current_ = nullptr;
      cv_.SignalAll();
    }
    bool fresh = false;
    while (true) {
      if (!reader_.joinable()) {
        Start(position);
        fresh = true;
      }
      while (ready_.empty() && !finished_) cv_.Wait(mu_);
      if (!ready_.empty()) {
        store::ReadPage* page = ready_.front();
        if (page->events.front().position() == position) {
          ready_.pop_front();
          current_ = page;
          return page;
        }
        if (fresh) {
          return MakeError(ErrorCode::kDataLoss,
                           fmt::format("a read of the log from position {} began at {}", position,
                                       page->events.front().position()));
        }
      } else if (error_) {
        return Unexpected(*error_);
      } else if (fresh) {
        return &empty_;  // a read from `position` found the end of the log
      }
      // What was read ahead starts elsewhere, or the reader stopped at an earlier end of the
      // log: read again from `position`.
      lock.Unlock();
      Stop();
      lock.Lock();
    }
  }

 private:
  // Requires no reader running.
  void Start(uint64_t position) REQUIRES(mu_) {
    next_ = position;
    finished_ = false;
    stop_ = false;
    error_.reset();
    for (store::ReadPage* page : ready_) free_.push_back(page);
    ready_.clear();
    reader_ = std::thread([this] { Run(); });
  }

  void Stop() EXCLUDES(mu_) {
    {
      MutexLock lock(mu_);
      stop_ = true;
      cv_.SignalAll();
    }
    if (reader_.joinable()) reader_.join();
  }

  void Run() EXCLUDES(mu_) {
    MutexLock lock(mu_);
    while (true) {
      while (!stop_ && free_.empty()) cv_.Wait(mu_);
      if (stop_ || next_ == 0) break;
      store::ReadPage* page = free_.back();
      free_.pop_back();
      const uint64_t from = next_;
      lock.Unlock();
      auto read = store_->ReadAllInto(from, store::Direction::kForward, page_events_, page);
      lock.Lock();
      if (!read) {
        error_ = read.error();
        free_.push_back(page);
        break;
      }
      if (page->events.empty()) {
        free_.push_back(page);
        next_ = 0;
        break;
      }
      next_ = page->next;
      ready_.push_back(page);
      cv_.SignalAll();
    }
    finished_ = true;
    cv_.SignalAll();
  }

  const store::EventStore* const store_;
  const size_t page_events_;
  std::array<store::ReadPage, 4> pages_;
  const store::ReadPage empty_;

  Mutex mu_;
  CondVar cv_;
  std::thread reader_;  // started by Next (under mu_), joined by Stop (without it)
  std::vector<store::ReadPage*> free_ GUARDED_BY(mu_);
  std::deque<store::ReadPage*> ready_ GUARDED_BY(mu_);  // in log order
  store::ReadPage* current_ GUARDED_BY(mu_) = nullptr;  // handed out
  uint64_t next_ GUARDED_BY(mu_) = 0;                   // where it reads next, 0 at the end
  bool finished_ GUARDED_BY(mu_) = false;               // the reader has stopped
  bool stop_ GUARDED_BY(mu_) = false;
  std::optional<Error> error_ GUARDED_BY(mu_);
};

}  // namespace

std::string ProjectionRunner::StorageName(std::string_view projection, uint32_t generation) {
  return fmt::format("{}@{}", projection, generation);
}

uint64_t ProjectionRunner::Fed::position() const {
  if (applied.empty()) return 0;
  return *std::min_element(applied.begin(), applied.end());
}

ProjectionRunner::ProjectionRunner(store::EventStore* store, ProjectionSetFactory factory,
                                   ProjectionRunnerOptions options)
    : store_(store), factory_(std::move(factory)), options_(options) {}

ProjectionRunner::~ProjectionRunner() {
  {
    MutexLock lock(follow_mu_);
    stop_following_ = true;
    if (subscription_) subscription_->Cancel();
  }
  if (follower_.joinable()) follower_.join();
}

Result<std::unique_ptr<ProjectionRunner>> ProjectionRunner::Open(store::EventStore* store,
                                                                 ProjectionSetFactory factory,
                                                                 ProjectionRunnerOptions options) {
  options.page_events = std::clamp<size_t>(options.page_events, 1, 10'000);
  options.checkpoint_every_events = std::max<uint64_t>(options.checkpoint_every_events, 1);
  std::unique_ptr<ProjectionRunner> runner(
      new ProjectionRunner(store, std::move(factory), options));
  uint32_t generation = 1;
  if (options.persist) {
    const std::unique_ptr<ProjectionSet> probe = runner->factory_();
    auto active = store->ReadProjection(kRegistry, probe->name());
    if (!active) return Unexpected(active.error());
    if (*active) {
      const std::string& text = **active;
      auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), generation);
      if (ec != std::errc() || ptr != text.data() + text.size() || generation == 0) {
        return MakeError(ErrorCode::kDataLoss,
                         fmt::format("the active generation of projection set {} reads '{}'; "
                                     "rebuild the projections",
                                     probe->name(), text));
      }
    }
  }
  Fed fed;
  if (options.restore) {
    auto loaded = runner->Load(generation);
    if (!loaded) return Unexpected(loaded.error());
    fed = std::move(*loaded);
  } else {
    fed.set = runner->factory_();
    fed.applied.assign(fed.set->projections().size(), 0);
  }
  if (options.persist && generation > 1) {
    // A crash between a rebuild's switch and its clean-up leaves the old generation behind.
    for (Projection* p : fed.set->projections()) {
      IgnoreError(store->DropProjection(StorageName(p->name(), generation - 1)));  // garbage
    }
  }
  {
    WriterMutexLock lock(runner->mu_);  // no other thread has the runner yet; for the analysis
    runner->live_ = std::move(fed);
    runner->position_.store(runner->live_.position(), std::memory_order_release);
  }
  runner->generation_.store(generation, std::memory_order_release);
  return runner;
}

Result<ProjectionRunner::Fed> ProjectionRunner::Load(uint32_t generation) const {
  Fed fed;
  fed.set = factory_();
  const uint64_t head = store_->Head().position;
  for (Projection* p : fed.set->projections()) {
    uint64_t checkpoint = 0;
    if (options_.persist) {
      const std::string name = StorageName(p->name(), generation);
      auto cp = store_->ProjectionCheckpoint(name);
      if (!cp) return Unexpected(cp.error());
      if (*cp > head) {
        return MakeError(ErrorCode::kFailedPrecondition,
                         fmt::format("projection {} covers the log up to position {}, beyond its "
                                     "head ({}): the log was restored from an older backup; "
                                     "rebuild the projections",
                                     name, *cp, head));
      }
      checkpoint = *cp;
      if (auto s = store_->ScanProjection(
              name,
              [&](std::string_view key, std::string_view value) { return p->Restore(key, value); });
          !s) {
        return Unexpected(s.error());
      }
    }
    if (auto s = p->FinishRestore(); !s) return Unexpected(s.error());
    fed.applied.push_back(checkpoint);
  }
  return fed;
}

Result<uint64_t> ProjectionRunner::Apply(Fed* fed, const std::vector<store::Envelope>& events,
                                         uint64_t until) {
  const std::vector<Projection*> projections = fed->set->projections();
  uint64_t applied = 0;
  for (const store::Envelope& e : events) {
    const uint64_t position = e.position();
    if (position > until) break;
    EventView view(e);
    bool any = false;
    for (size_t i = 0; i < projections.size(); ++i) {
      if (fed->applied[i] >= position) continue;  // already folded: never apply twice
      if (fed->applied[i] + 1 != position) {
        return MakeError(ErrorCode::kInternal,
                         fmt::format("projection {} is at position {} and was offered {}",
                                     projections[i]->name(), fed->applied[i], position));
      }
      if (auto s = projections[i]->Apply(view); !s) return Unexpected(s.error());
      fed->applied[i] = position;
      any = true;
    }
    applied += any ? 1 : 0;
  }
  return applied;
}

std::vector<store::ProjectionWrite> ProjectionRunner::Collect(Fed* fed, uint32_t generation) const {
  std::vector<store::ProjectionWrite> writes;
  const std::vector<Projection*> projections = fed->set->projections();
  for (size_t i = 0; i < projections.size(); ++i) {
    ProjectionChanges changes;
    projections[i]->TakeChanges(&changes);
    writes.push_back({.projection = StorageName(projections[i]->name(), generation),
                      .puts = std::move(changes.puts),
                      .deletes = std::move(changes.deletes),
                      .checkpoint = fed->applied[i]});
  }
  return writes;
}

Status ProjectionRunner::Write(std::vector<store::ProjectionWrite> writes) const {
  if (!options_.persist) return OkStatus();
  // In key order: RocksDB's memtable inserts a run of ascending keys far faster than the same
  // keys at random (each insert starts from where the last one ended), and the projections hand
  // over their changes in hash order. A rebuild writes every key at least once, so this halves
  // its write time. Stable, so a key put twice keeps its last value.
  for (store::ProjectionWrite& w : writes) {
    std::stable_sort(w.puts.begin(), w.puts.end(),
                     [](const auto& a, const auto& b) { return a.first < b.first; });
  }
  return store_->WriteProjections(writes);
}

Status ProjectionRunner::CheckpointLocked() {
  std::vector<store::ProjectionWrite> writes;
  {
    WriterMutexLock lock(mu_);
    writes = Collect(&live_, generation());
  }
  if (auto s = Write(std::move(writes)); !s) return s;
  unsaved_ = 0;
  return OkStatus();
}

Status ProjectionRunner::Checkpoint() {
  MutexLock apply(apply_mu_);
  if (failed_) return Unexpected(*failed_);
  return CheckpointLocked();
}

Result<uint64_t> ProjectionRunner::CatchUp(std::optional<uint64_t> until) {
  MutexLock apply(apply_mu_);
  if (failed_) return Unexpected(*failed_);
  const uint64_t target = std::min(store_->Head().position, until.value_or(UINT64_MAX));
  store::ReadPage page;
  bool applied_any = false;
  while (position() < target) {
    if (auto r = store_->ReadAllInto(position() + 1, store::Direction::kForward,
                                     options_.page_events, &page);
        !r) {
      return Unexpected(r.error());
    }
    if (page.events.empty()) break;
    Result<uint64_t> applied = uint64_t{0};
    {
      WriterMutexLock lock(mu_);
      applied = Apply(&live_, page.events, target);
      position_.store(live_.position(), std::memory_order_release);
    }
    if (!applied) {
      failed_ = applied.error();
      return Unexpected(applied.error());
    }
    unsaved_ += *applied;
    applied_any |= *applied > 0;
    if (unsaved_ >= options_.checkpoint_every_events) {
      if (auto s = CheckpointLocked(); !s) return Unexpected(s.error());
    }
  }
  if (options_.checkpoint_when_caught_up && unsaved_ > 0 && applied_any) {
    if (auto s = CheckpointLocked(); !s) return Unexpected(s.error());
  }
  return position();
}

void ProjectionRunner::StartFollowing() {
  MutexLock lock(follow_mu_);
  if (follower_.joinable()) return;
  stop_following_ = false;
  subscription_ = store_->Subscribe(position() + 1, store::SubscribeOptions{});
  follower_ = std::thread([this] { FollowLoop(); });
}

void ProjectionRunner::StopFollowing() {
  {
    MutexLock lock(follow_mu_);
    if (!follower_.joinable()) return;
    stop_following_ = true;
    subscription_->Cancel();
  }
  follower_.join();
  {
    MutexLock lock(follow_mu_);
    subscription_.reset();
  }
  IgnoreError(Checkpoint());  // a failed runner reports its error on the next call
}

void ProjectionRunner::FollowLoop() {
  store::Subscription* subscription;
  {
    MutexLock lock(follow_mu_);
    subscription = subscription_.get();
  }
  while (true) {
    {
      MutexLock lock(follow_mu_);
      if (stop_following_) return;
    }
    auto events = subscription->Poll(options_.page_events, options_.follower_idle);
    if (!events) return;  // cancelled, or the store is closing
    MutexLock apply(apply_mu_);
    if (failed_) return;
    if (events->empty()) {
      if (unsaved_ > 0) IgnoreError(CheckpointLocked());  // retried when idle again
      continue;
    }
    Result<uint64_t> applied = uint64_t{0};
    {
      WriterMutexLock lock(mu_);
      applied = Apply(&live_, *events, UINT64_MAX);
      position_.store(live_.position(), std::memory_order_release);
    }
    if (!applied) {
      failed_ = applied.error();
      return;
    }
    unsaved_ += *applied;
    if (unsaved_ >= options_.checkpoint_every_events) IgnoreError(CheckpointLocked());
  }
}

Result<RebuildReport> ProjectionRunner::Rebuild(const RebuildOptions& options) {
  // rebuild_mu_ guards no field, so a std::unique_lock (which the analysis does not follow)
  // is enough for its try-lock.
  std::unique_lock<Mutex> one(rebuild_mu_, std::try_to_lock);
  if (!one.owns_lock()) {
    return MakeError(ErrorCode::kFailedPrecondition, "a rebuild is already running");
  }
  const uint32_t old_generation = generation();
  const uint32_t next = old_generation + 1;
  if (options.from_scratch && options_.persist) {
    const std::unique_ptr<ProjectionSet> probe = factory_();
    for (Projection* p : probe->projections()) {
      if (auto s = store_->DropProjection(StorageName(p->name(), next)); !s) {
        return Unexpected(s.error());
      }
    }
  }
  auto loaded = Load(next);
  if (!loaded) return Unexpected(loaded.error());
  Fed fed = std::move(*loaded);
  RebuildReport report;
  report.resumed_from = fed.position();
  const auto start = SteadyClock::now();
  auto last_progress = start;
  uint64_t unsaved = 0;
  auto progress = [&](uint64_t head) {
    if (!options.progress) return;
    RebuildProgress p;
    p.position = fed.position();
    p.head = head;
    p.events_done = report.events_applied;
    const double seconds = SecondsSince(start);
    p.events_per_second = seconds > 0 ? static_cast<double>(report.events_applied) / seconds : 0;
    p.seconds_remaining =
        p.events_per_second > 0 ? static_cast<double>(head - p.position) / p.events_per_second : 0;
    options.progress(p);
  };
  const size_t page_events = std::clamp<size_t>(options.page_events, 1, 10'000);
  // Applies the page at fed.position() + 1, read ahead (`ahead`) or read here (null).
  auto apply_page = [&](store::ReadPage* page, uint64_t until, ReadAhead* ahead) -> Status {
    const store::ReadPage* read = page;
    if (ahead != nullptr) {
      auto next = ahead->Next(fed.position() + 1);
      if (!next) return Unexpected(next.error());
      read = *next;
    } else if (auto r = store_->ReadAllInto(fed.position() + 1, store::Direction::kForward,
                                            page_events, page);
               !r) {
      return r;
    }
    if (read->events.empty()) {
      return MakeError(ErrorCode::kDataLoss,
                       fmt::format("the log has no position {}", fed.position() + 1));
    }
    auto applied = Apply(&fed, read->events, until);
    if (!applied) return Unexpected(applied.error());
    report.events_applied += *applied;
    unsaved += *applied;
    return OkStatus();
  };

  // Beside the live set: no lock, checkpointing into the new generation as it goes, with the
  // log read ahead on a second thread and each checkpoint written behind on a third while the
  // next events are applied (one write at a time, in order: each waits for the one before).
  store::ReadPage page;
  ReadAhead ahead(store_, page_events);
  std::future<Status> writing;
  auto finish_writing = [&]() -> Status { return writing.valid() ? writing.get() : OkStatus(); };
  auto write_behind = [&](std::vector<store::ProjectionWrite> writes) -> Status {
    if (auto s = finish_writing(); !s) return s;
    writing = std::async(std::launch::async,
                         [this, w = std::move(writes)]() mutable { return Write(std::move(w)); });
    return OkStatus();
  };
  while (true) {
    const uint64_t head = store_->Head().position;
    if (options.pause_at && fed.position() >= std::min(*options.pause_at, head)) {
      if (auto s = finish_writing(); !s) return Unexpected(s.error());
      if (auto s = Write(Collect(&fed, next)); !s) return Unexpected(s.error());
      report.position = fed.position();
      report.seconds = SecondsSince(start);
      report.generation = old_generation;
      return report;
    }
    if (!options.pause_at && head - fed.position() <= options_.page_events) break;
    if (auto s =
            apply_page(&page, options.pause_at ? std::min(*options.pause_at, head) : head, &ahead);
        !s) {
      return Unexpected(s.error());
    }
    if (unsaved >= options_.checkpoint_every_events) {
      if (auto s = write_behind(Collect(&fed, next)); !s) return Unexpected(s.error());
      unsaved = 0;
    }
    if (SteadyClock::now() - last_progress >= options.progress_every) {
      last_progress = SteadyClock::now();
      progress(head);
    }
  }

  if (auto s = finish_writing(); !s) return Unexpected(s.error());

  // Take over: the last events under the lock, the final state and the switch in one batch.
  std::unique_ptr<ProjectionSet> retired;
  {
    MutexLock apply(apply_mu_);
    WriterMutexLock lock(mu_);
    const uint64_t head = store_->Head().position;
    while (fed.position() < head) {
      if (auto s = apply_page(&page, head, nullptr); !s) return Unexpected(s.error());
    }
    std::vector<store::ProjectionWrite> writes = Collect(&fed, next);
    writes.push_back(
        {.projection = kRegistry, .puts = {{std::string(fed.set->name()), std::to_string(next)}}});
    if (auto s = Write(std::move(writes)); !s) return Unexpected(s.error());
    retired = std::move(live_.set);
    live_ = std::move(fed);
    position_.store(live_.position(), std::memory_order_release);
    generation_.store(next, std::memory_order_release);
    unsaved_ = 0;
    failed_.reset();
    report.position = live_.position();
  }
  if (options_.persist) {
    for (Projection* p : retired->projections()) {
      IgnoreError(store_->DropProjection(StorageName(p->name(), old_generation)));  // garbage
    }
  }
  report.seconds = SecondsSince(start);
  report.events_per_second =
      report.seconds > 0 ? static_cast<double>(report.events_applied) / report.seconds : 0;
  report.generation = next;
  report.took_over = true;
  if (options.progress) {
    options.progress({.position = report.position,
                      .head = report.position,
                      .events_done = report.events_applied,
                      .events_per_second = report.events_per_second,
                      .seconds_remaining = 0});
  }
  return report;
}

// The shared lock moves into the Held it returns, which the analysis cannot follow.
ProjectionRunner::Held ProjectionRunner::Read() const NO_THREAD_SAFETY_ANALYSIS {
  std::shared_lock<SharedMutex> lock(mu_);
  const uint64_t p = position();
  return Held{std::move(lock), live_.set.get(), p};
}

}  // namespace goldthread::engine
