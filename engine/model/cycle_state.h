// CycleState: one cycle (a workflow applied to a period) as its stream's events make it.
//
// Stage transitions (opened, fell due, completed, closed incomplete), review meetings and
// closures are all events on <tenant>/cycle/<workflow>/<period>; the scheduler and the cycle
// commands fold them into this before deciding anything.
//
// Threading: a plain value; not synchronised.
#ifndef GOLDTHREAD_ENGINE_MODEL_CYCLE_STATE_H_
#define GOLDTHREAD_ENGINE_MODEL_CYCLE_STATE_H_

#include <cstdint>
#include <map>
#include <set>
#include <string>

#include "goldthread/v1/events.pb.h"
#include "store/base/clock.h"
#include "store/event_store.h"

namespace goldthread::engine {

struct StageProgress {
  bool opened = false;
  bool fell_due = false;
  bool completed = false;
  bool on_time = false;
  bool closed_incomplete = false;
  // A review meeting recorded, or the stage closed by its role.
  bool meeting_recorded = false;
  bool closed_by_role = false;
  // When the meeting was recorded / the stage closed (for completion time).
  TimePoint settled_at;
};

struct CycleState {
  uint64_t stream_version = 0;
  std::string workflow_id;
  std::string period;
  TimePoint opened_at;
  std::map<std::string, StageProgress> stages;

  bool opened() const { return stream_version > 0; }
  void Apply(const store::Envelope& envelope, const goldthread::v1::Event& event);
};

// When an envelope was recorded, as a TimePoint.
TimePoint RecordedAt(const store::Envelope& envelope);

}  // namespace goldthread::engine

#endif  // GOLDTHREAD_ENGINE_MODEL_CYCLE_STATE_H_
