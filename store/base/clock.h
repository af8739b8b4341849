// Clock: the one source of "now" for goldthread.
//
// Everything that reads the time takes a `const Clock&` (or `Clock*`), never calls
// std::chrono::system_clock directly, so tests and `--simulate` mode can run a year of
// deadlines in milliseconds. Both implementations are safe to call from any thread.
#ifndef GOLDTHREAD_STORE_BASE_CLOCK_H_
#define GOLDTHREAD_STORE_BASE_CLOCK_H_

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <vector>

namespace goldthread {

using TimePoint = std::chrono::time_point<std::chrono::system_clock, std::chrono::microseconds>;

class Clock {
 public:
  virtual ~Clock() = default;
  // The current UTC instant, to the microsecond.
  virtual TimePoint Now() const = 0;
};

// The machine's clock. Stateless; `Instance()` is shared by everything in the process.
class SystemClock final : public Clock {
 public:
  TimePoint Now() const override;
  static const SystemClock& Instance();
};

// A clock that only moves when told to. Used by tests and by `serve --simulate`.
// Time never goes backwards: `Set` to an earlier instant is ignored.
class SimulatedClock final : public Clock {
 public:
  explicit SimulatedClock(TimePoint start) : now_us_(start.time_since_epoch().count()) {}
  TimePoint Now() const override { return TimePoint(std::chrono::microseconds(now_us_.load())); }
  // Moves the clock forward to `t` (no-op when `t` is not later than now).
  void Set(TimePoint t);
  void Advance(std::chrono::microseconds d) { Set(Now() + d); }

 private:
  std::atomic<int64_t> now_us_;
};

}  // namespace goldthread

#endif  // GOLDTHREAD_STORE_BASE_CLOCK_H_
