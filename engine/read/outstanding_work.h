// Outstanding work: what is due from a person, and, for the performance team, who is late
// across the council.
//
// The work the log implies, council-wide:
//   - each live indicator's most recent ended period(s) without a figure: submit it (data entry
//     and service managers of the owning unit);
//   - each figure not yet locked: amend it when sent back; otherwise sign it off at the lowest
//     level it lacks (the level's role holders on the level's unit, less the version's author and
//     anyone who signed another level of the version — four eyes); answer each open
//     data-quality query (data entry and service managers);
//   - each finding: answer it while open (its owner); judge or close it once answered or
//     accepted (whoever raised it).
// Deadlines: a finding's due date (the end of that London day); for figures, whatever the
// DeadlineProvider says — the seam where the workflow engine's stage deadlines plug in. An item
// is late when its deadline has passed, or, with no deadline known, when an escalation has
// already been raised about it (an escalation means a deadline was missed).
//
//   auto mine = BuildOutstandingWork(snapshot, "p-sm", {.evaluated_at = clock.Now()});
//   auto late = BuildLateReturns(snapshot, {.evaluated_at = clock.Now(), .deadlines = &cycles});
//
// Pure functions of the snapshot and options; thread-safe as the snapshot and provider are.
#ifndef GOLDTHREAD_ENGINE_READ_OUTSTANDING_WORK_H_
#define GOLDTHREAD_ENGINE_READ_OUTSTANDING_WORK_H_

#include <optional>
#include <string_view>

#include "engine/read/log_snapshot.h"
#include "goldthread/v1/read_models.pb.h"
#include "store/base/clock.h"

namespace goldthread::engine {

// When work on a figure falls due. Implementations must be thread-safe.
class DeadlineProvider {
 public:
  virtual ~DeadlineProvider() = default;
  // The deadline for `kind` of work on the figure (WORK_KIND_SUBMIT_FIGURE,
  // WORK_KIND_AMEND_FIGURE, WORK_KIND_SIGN_OFF_FIGURE at `level`, WORK_KIND_ANSWER_QUERY), or
  // nullopt when no workflow sets one.
  virtual std::optional<TimePoint> FigureDeadline(std::string_view indicator_id,
                                                  std::string_view period,
                                                  goldthread::v1::WorkKind kind,
                                                  goldthread::v1::SignOffLevel level) const = 0;
};

struct OutstandingOptions {
  // The instant deadlines are judged against. Required.
  TimePoint evaluated_at;
  // Figure deadlines; null means none are known. Not owned.
  const DeadlineProvider* deadlines = nullptr;
  // How many of each indicator's most recent ended periods must have a figure. Default: 1.
  int periods_back = 1;
};

// NotFound when the person is not registered at the snapshot.
Result<goldthread::v1::OutstandingWork> BuildOutstandingWork(const LogSnapshot& snapshot,
                                                             std::string_view person_id,
                                                             const OutstandingOptions& options);
Result<goldthread::v1::LateReturns> BuildLateReturns(const LogSnapshot& snapshot,
                                                     const OutstandingOptions& options);

}  // namespace goldthread::engine

#endif  // GOLDTHREAD_ENGINE_READ_OUTSTANDING_WORK_H_
