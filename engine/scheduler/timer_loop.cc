#include "engine/scheduler/timer_loop.h"

#include <algorithm>

namespace goldthread::engine {

void TimerLoop::Start() {
  {
    MutexLock lock(mu_);
    stopping_ = false;
  }
  thread_ = std::thread([this] { Run(); });
}

void TimerLoop::Poke() {
  {
    MutexLock lock(mu_);
    poked_ = true;
  }
  wake_.SignalAll();
}

void TimerLoop::Stop() {
  {
    MutexLock lock(mu_);
    stopping_ = true;
  }
  wake_.SignalAll();
  if (thread_.joinable()) thread_.join();
}

void TimerLoop::Run() {
  while (true) {
    {
      MutexLock lock(mu_);
      if (stopping_) return;
      poked_ = false;  // what was appended before this run is seen by it
    }
    std::chrono::milliseconds sleep = options_.max_sleep;
    auto fired = options_.run_due();
    auto next =
        fired ? options_.next_due() : Result<std::optional<TimePoint>>(Unexpected(fired.error()));
    if (!next) {
      if (options_.on_error) options_.on_error(next.error());
      sleep = options_.retry;
    } else if (next->has_value()) {
      const auto until =
          std::chrono::duration_cast<std::chrono::milliseconds>(**next - options_.clock->Now());
      // A due instant in the past or now: run again at once (a millisecond for the clock).
      sleep = std::clamp(until + std::chrono::milliseconds(1), std::chrono::milliseconds(0),
                         options_.max_sleep);
    }
    MutexLock lock(mu_);
    const auto wake_at = std::chrono::steady_clock::now() + sleep;
    while (!stopping_ && !poked_) {
      if (!wake_.WaitUntil(mu_, wake_at)) break;
    }
    const bool poked = stopping_ || poked_;
    if (stopping_) return;
    if (poked) {
      // Gather the appends of the next `settle` into one run.
      const auto settled_at = std::chrono::steady_clock::now() + options_.settle;
      while (!stopping_) {
        if (!wake_.WaitUntil(mu_, settled_at)) break;
      }
      if (stopping_) return;
    }
  }
}

}  // namespace goldthread::engine
