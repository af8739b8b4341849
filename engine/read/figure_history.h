// Figure history: everything that happened to one figure (an indicator for a period), in log
// order — each value with who entered it and when, amendments with their reasons, sign-offs and
// rejections at each level, data-quality queries and answers, reminders and escalations,
// challenge findings about the figure (from their own streams, joined by subject), the lock,
// restatements and publication — and "as reported": the value each sign-off, each committee
// (the lock) and publication saw, marked superseded when a later version replaced it.
//
//   auto history = BuildFigureHistory(snapshot, "NI-192", "FY2011-Q2");
//   for (const auto& entry : history->entries()) ... entry.summary() ...
//
// Asked of an older snapshot, it is the history as it stood then: the answer equals the one a
// fold of the log up to that position gives.
//
// Pure function of the snapshot; thread-safe as the snapshot is.
#ifndef GOLDTHREAD_ENGINE_READ_FIGURE_HISTORY_H_
#define GOLDTHREAD_ENGINE_READ_FIGURE_HISTORY_H_

#include <string_view>

#include "engine/model/figure_state.h"
#include "engine/read/log_snapshot.h"
#include "goldthread/v1/read_models.pb.h"

namespace goldthread::engine {

// InvalidArgument for a malformed indicator id or period; NotFound when the indicator is unknown
// at the snapshot and the figure has no events.
Result<goldthread::v1::FigureHistory> BuildFigureHistory(const LogSnapshot& snapshot,
                                                         std::string_view indicator_id,
                                                         std::string_view period);

// The read model's summary of a folded figure.
goldthread::v1::FigureSummary SummariseFigure(const FigureState& state);

}  // namespace goldthread::engine

#endif  // GOLDTHREAD_ENGINE_READ_FIGURE_HISTORY_H_
