// Scorecard: an org unit's performance for one period (Leeds 3.6's directorate scorecard,
// Herefordshire 3.6's traffic lights, Peterborough 3.5's balanced scorecard).
//
// One row per live indicator owned at or below the unit (or, for a partnership board, signed
// off by it) that reports in the period: its value, target and RAG (rag.h: polarity and amber
// tolerance; grey with no figure, "not rated" with no target), the direction of travel against
// the previous period and the same period last year (direction_of_travel.h), where its
// sign-off stands, its commentary, and whether it was restated. Rows are grouped by priority
// (with the priority's progress summary and overall rating for the period) and by
// balanced-scorecard perspective; RAG counts roll up from each unit to the ones above it; and
// the self-assessments recorded for the period by the unit and the units below it are included.
//
// Which indicators report in a period: those whose own period (of their frequency) ends when the
// scorecard's period ends. A monthly indicator in a quarterly scorecard shows the quarter's last
// month; an annual indicator appears only in the scorecard of the year's last quarter (or month,
// or the year itself).
//
//   auto card = BuildScorecard(snapshot, "dir-place", "FY2011-Q2");
//
// Pure function of the snapshot; thread-safe as the snapshot is.
#ifndef GOLDTHREAD_ENGINE_READ_SCORECARD_H_
#define GOLDTHREAD_ENGINE_READ_SCORECARD_H_

#include <string_view>

#include "engine/read/log_snapshot.h"
#include "goldthread/v1/read_models.pb.h"

namespace goldthread::engine {

// InvalidArgument for a malformed unit id or period; NotFound when the unit does not exist at
// the snapshot.
Result<goldthread::v1::Scorecard> BuildScorecard(const LogSnapshot& snapshot,
                                                 std::string_view unit_id, std::string_view period);

// Adds one rating to the counts.
void CountRag(goldthread::v1::Rag rag, goldthread::v1::RagCounts* counts);

// The published scorecard (GET /api/v1/public/scorecards/..., the web's /public pages): only
// rows whose figure was published (its current version), without the internal sign-off
// detail; priority and perspective counts recomputed from those rows; priority summaries,
// roll-up and self-assessments left out (they summarise unpublished figures).
void KeepPublishedOnly(goldthread::v1::Scorecard* card);

}  // namespace goldthread::engine

#endif  // GOLDTHREAD_ENGINE_READ_SCORECARD_H_
