// Finding list: every challenge finding as it stood at a snapshot — what it is about, its owner
// and due day, its status, whether it is overdue, and every event of its stream in words
// (FindingView, FindingList in read_models.proto).
//
// "Overdue" is judged as the assurance trail judges it: open (not yet answered, or re-opened)
// after the end of its due day (Europe/London) at `evaluated_at`.
//
//   auto one = BuildFindingView(snapshot, "F-3", clock.Now());
//   auto all = BuildFindingList(snapshot, clock.Now());  // every finding, by id
//
// Who may read which finding is the API's question to the authority table (kReadFinding, on
// the finding's unit); nothing is filtered here.
//
// Pure functions of the snapshot; thread-safe as the snapshot is.
#ifndef GOLDTHREAD_ENGINE_READ_FINDING_LIST_H_
#define GOLDTHREAD_ENGINE_READ_FINDING_LIST_H_

#include <string_view>

#include "engine/read/log_snapshot.h"
#include "goldthread/v1/read_models.pb.h"
#include "store/base/clock.h"

namespace goldthread::engine {

// One finding; NotFound (field "finding_id") when no finding of that id was raised by the
// snapshot's position.
Result<goldthread::v1::FindingView> BuildFindingView(const LogSnapshot& snapshot,
                                                     std::string_view finding_id,
                                                     TimePoint evaluated_at);

// Every finding raised by the snapshot's position, in id order, with `as_of` and
// `evaluated_at` set and `next` empty.
Result<goldthread::v1::FindingList> BuildFindingList(const LogSnapshot& snapshot,
                                                     TimePoint evaluated_at);

}  // namespace goldthread::engine

#endif  // GOLDTHREAD_ENGINE_READ_FINDING_LIST_H_
