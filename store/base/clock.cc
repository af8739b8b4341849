#include "store/base/clock.h"

namespace goldthread {

TimePoint SystemClock::Now() const {
  return std::chrono::time_point_cast<std::chrono::microseconds>(std::chrono::system_clock::now());
}

const SystemClock& SystemClock::Instance() {
  static const SystemClock clock;
  return clock;
}

void SimulatedClock::Set(TimePoint t) {
  int64_t want = t.time_since_epoch().count();
  int64_t cur = now_us_.load();
  while (want > cur && !now_us_.compare_exchange_weak(cur, want)) {
  }
}

}  // namespace goldthread
