// AsOf: which point of the log a read model is asked about — the head, a log position, or a
// past instant ("what the scorecard said the day it went to Cabinet").
//
// An instant maps to the last position recorded at or before it. The store's writer stamps
// each batch with one reading of its clock, so `recorded_at` does not decrease along the log and
// the mapping is a binary search over positions (about 25 reads on a log of ten million).
// Should the system clock ever step back, the search still ends at a position whose time is at
// or before the instant, though perhaps not the last such position.
//
//   auto point = ResolveAsOf(*store, AsOf::Time(cabinet_day));
//
// Pure functions over a store; thread-safe as the store is.
#ifndef GOLDTHREAD_ENGINE_READ_AS_OF_H_
#define GOLDTHREAD_ENGINE_READ_AS_OF_H_

#include <cstdint>
#include <optional>

#include "goldthread/v1/read_models.pb.h"
#include "store/base/clock.h"
#include "store/event_store.h"

namespace goldthread::engine {

struct AsOf {
  // At most one is set; neither means the head.
  std::optional<uint64_t> position;
  std::optional<TimePoint> time;

  static AsOf Head() { return {}; }
  static AsOf Position(uint64_t p) { return {.position = p}; }
  static AsOf Time(TimePoint t) { return {.time = t}; }
};

// The last position recorded at or before `t`; 0 when the log starts after `t`.
Result<uint64_t> PositionAtTime(const store::EventStore& store, TimePoint t);
// The point `position` names (with the recorded time of the event there). InvalidArgument,
// naming "as_of", when it lies beyond the head.
Result<goldthread::v1::LogPoint> PointAt(const store::EventStore& store, uint64_t position);
Result<goldthread::v1::LogPoint> ResolveAsOf(const store::EventStore& store, const AsOf& as_of);

}  // namespace goldthread::engine

#endif  // GOLDTHREAD_ENGINE_READ_AS_OF_H_
