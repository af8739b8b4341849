// Cycle views: a cycle's stages with their open and due instants, reminders and status
// (CycleView), and every cycle opened as of a snapshot (CycleList), in read_models.proto.
//
// A stage's status: "completed on time" / "completed late" / "closed incomplete" from its
// events; otherwise "overdue" once it fell due (or is open past its due instant at
// `evaluated_at`), "open", or "pending". A cycle is "open" while any stage is pending, open or
// overdue and "closed" once every stage is settled; "unknown" (and no stages) when its
// workflow's timetable cannot be had any more.
//
//   v1::CycleView view = CycleViewOf(state, *timetables("chesterfield-service-first",
//                                                       "FY2011-Q2"), clock.Now());
//   auto all = BuildCycleList(snapshot, timetables, clock.Now());
//
// Pure functions of their arguments; thread-safe as the snapshot and the provider are.
#ifndef GOLDTHREAD_ENGINE_READ_CYCLE_LIST_H_
#define GOLDTHREAD_ENGINE_READ_CYCLE_LIST_H_

#include "engine/model/cycle_state.h"
#include "engine/read/log_snapshot.h"
#include "engine/timetable/cycle_timetable.h"
#include "goldthread/v1/read_models.pb.h"
#include "store/base/clock.h"

namespace goldthread::engine {

// The cycle `state` (opened) with the stages of `timetable` (its workflow's, for its period).
goldthread::v1::CycleView CycleViewOf(const CycleState& state, const CycleTimetable& timetable,
                                      TimePoint evaluated_at);

// Every cycle opened by the snapshot's position, newest period first, then by workflow id;
// `timetables` gives each its stages (a cycle whose timetable it refuses is listed with status
// "unknown"). `as_of` and `evaluated_at` set.
Result<goldthread::v1::CycleList> BuildCycleList(const LogSnapshot& snapshot,
                                                 const TimetableProvider& timetables,
                                                 TimePoint evaluated_at);

}  // namespace goldthread::engine

#endif  // GOLDTHREAD_ENGINE_READ_CYCLE_LIST_H_
