#include "engine/read/as_of.h"

#include <fmt/format.h>

#include "engine/model/cycle_state.h"

namespace goldthread::engine {

namespace {

Result<store::Envelope> EnvelopeAt(const store::EventStore& store, uint64_t position) {
  auto page = store.ReadAll(position, store::Direction::kForward, 1);
  if (!page) return Unexpected(page.error());
  if (page->events.empty() || page->events[0].position() != position) {
    return MakeError(ErrorCode::kDataLoss,
                     fmt::format("position {} is missing from the log", position));
  }
  return std::move(page->events[0]);
}

}  // namespace

Result<uint64_t> PositionAtTime(const store::EventStore& store, TimePoint t) {
  // Invariant: every position < lo is at or before t; every position > hi is after it.
  uint64_t lo = 1, hi = store.Head().position;
  while (lo <= hi) {
    const uint64_t mid = lo + (hi - lo) / 2;
    auto e = EnvelopeAt(store, mid);
    if (!e) return Unexpected(e.error());
    if (RecordedAt(*e) <= t) {
      lo = mid + 1;
    } else {
      hi = mid - 1;
    }
  }
  return lo - 1;
}

Result<goldthread::v1::LogPoint> PointAt(const store::EventStore& store, uint64_t position) {
  const uint64_t head = store.Head().position;
  if (position > head) {
    return InvalidField("as_of",
                        fmt::format("position {} is beyond the log's head ({})", position, head));
  }
  goldthread::v1::LogPoint point;
  point.set_position(position);
  if (position > 0) {
    auto e = EnvelopeAt(store, position);
    if (!e) return Unexpected(e.error());
    *point.mutable_recorded_at() = e->recorded_at();
  }
  return point;
}

Result<goldthread::v1::LogPoint> ResolveAsOf(const store::EventStore& store, const AsOf& as_of) {
  if (as_of.position && as_of.time) {
    return InvalidField("as_of", "give a position or a time, not both");
  }
  uint64_t position = store.Head().position;
  if (as_of.position) {
    position = *as_of.position;
  } else if (as_of.time) {
    auto p = PositionAtTime(store, *as_of.time);
    if (!p) return Unexpected(p.error());
    position = *p;
  }
  return PointAt(store, position);
}

}  // namespace goldthread::engine
