// TimerLoop: the thread that runs the scheduler in real time. It fires what is due, then sleeps
// until the next due instant (Scheduler::NextDue) — not polling — unless something is appended
// first (Poke), since a new event can move the next due instant (a submission completes a
// stage; a cycle opens). Pokes are gathered for `settle` before the loop runs again, so a busy
// server re-derives its timers at most once per `settle`, not once per append.
//
//   TimerLoop loop({.run_due = [&] { return scheduler.RunDue(); },
//                   .next_due = [&] { return scheduler.NextDue(); }});
//   loop.Start();  ... store on_commit: loop.Poke(); ...  loop.Stop();
//
// Threading: Start and Stop from one thread; Poke from any thread (it only notifies). The loop's
// own thread calls run_due and next_due. A failure is logged through `on_error` and retried
// after `retry`.
#ifndef GOLDTHREAD_ENGINE_SCHEDULER_TIMER_LOOP_H_
#define GOLDTHREAD_ENGINE_SCHEDULER_TIMER_LOOP_H_

#include <chrono>
#include <functional>
#include <optional>
#include <thread>

#include "store/base/clock.h"
#include "store/base/errors.h"
#include "store/base/mutex.h"
#include "store/base/thread_annotations.h"

namespace goldthread::engine {

struct TimerLoopOptions {
  // Fires what is due now; returns how many events it wrote. Required.
  std::function<Result<size_t>()> run_due;
  // The next instant something falls due, or nullopt when nothing is pending. Required.
  std::function<Result<std::optional<TimePoint>>()> next_due;
  // The clock next_due's instants are on. Default: the system clock.
  const Clock* clock = &SystemClock::Instance();
  // How long pokes are gathered before the loop runs again. Default: 200 ms.
  std::chrono::milliseconds settle{200};
  // The longest sleep, so a clock stepped forward (NTP) is noticed. Default: 1 hour.
  std::chrono::milliseconds max_sleep{std::chrono::hours(1)};
  // Wait after a failed run before trying again. Default: 5 s.
  std::chrono::milliseconds retry{5000};
  // Told of each failure. Default: none.
  std::function<void(const Error&)> on_error;
};

class TimerLoop {
 public:
  explicit TimerLoop(TimerLoopOptions options) : options_(std::move(options)) {}
  TimerLoop(const TimerLoop&) = delete;
  TimerLoop& operator=(const TimerLoop&) = delete;
  ~TimerLoop() { Stop(); }

  void Start() EXCLUDES(mu_);
  // Something was appended: run again (after `settle`) rather than sleeping on.
  void Poke() EXCLUDES(mu_);
  // Stops and joins the thread; idempotent.
  void Stop() EXCLUDES(mu_);

 private:
  void Run() EXCLUDES(mu_);

  const TimerLoopOptions options_;  // constant after construction
  Mutex mu_;
  CondVar wake_;
  bool poked_ GUARDED_BY(mu_) = false;
  bool stopping_ GUARDED_BY(mu_) = false;
  std::thread thread_;  // Start/Stop's thread only
};

}  // namespace goldthread::engine

#endif  // GOLDTHREAD_ENGINE_SCHEDULER_TIMER_LOOP_H_
