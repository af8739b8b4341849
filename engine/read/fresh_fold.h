// FoldedSnapshot: a LogSnapshot made by folding the whole log from position 1 up to a position,
// in memory, with no projection involved — the plain meaning of "the log as it stood then".
//
// It is the reference the indexed read path is checked against (as-of answers must equal a
// fresh fold), and a way for an auditor to recompute any read model from the log alone. It
// costs a scan of the log up to the position and memory for every figure's and finding's
// events, so it is for tests and small logs, not for serving.
//
//   auto folded = FoldedSnapshot::Fold(*store, "demo", 1234);
//   auto scorecard = BuildScorecard(**folded, "dir-place", "FY2011-Q2");
//
// Threading: one thread at a time; the store must outlive Fold only.
#ifndef GOLDTHREAD_ENGINE_READ_FRESH_FOLD_H_
#define GOLDTHREAD_ENGINE_READ_FRESH_FOLD_H_

#include <map>
#include <memory>

#include "engine/read/log_snapshot.h"

namespace goldthread::engine {

class FoldedSnapshot final : public LogSnapshot {
 public:
  // Folds the tenant's events at positions 1..`position`. InvalidArgument beyond the head.
  static Result<std::unique_ptr<FoldedSnapshot>> Fold(const store::EventStore& store,
                                                      const std::string& tenant, uint64_t position);

  const std::string& tenant() const override { return tenant_; }
  const goldthread::v1::LogPoint& point() const override { return point_; }
  Result<CouncilModel> Council(const std::set<std::string>& target_periods) const override;
  Result<std::vector<RecordedEvent>> FigureEvents(std::string_view indicator_id,
                                                  std::string_view period) const override;
  Result<std::optional<double>> FigureValue(std::string_view indicator_id,
                                            std::string_view period) const override;
  std::vector<FigureKey> FiguresOfPeriod(std::string_view period) const override;
  std::vector<FigureKey> UnlockedFigures() const override;
  std::vector<std::string> FindingsAbout(
      const goldthread::v1::FindingSubject& subject) const override;
  std::vector<std::string> Findings() const override;
  Result<std::vector<RecordedEvent>> FindingEvents(std::string_view finding_id) const override;
  Result<std::optional<RecordedEvent>> PriorityProgress(std::string_view priority_id,
                                                        std::string_view period) const override;
  Result<std::optional<RecordedEvent>> SelfAssessment(std::string_view unit_id,
                                                      std::string_view period) const override;
  Result<std::map<std::string, std::vector<RecordedEvent>>> Risks() const override;
  Result<std::map<std::string, std::vector<RecordedEvent>>> Cycles() const override;

 private:
  explicit FoldedSnapshot(std::string tenant) : tenant_(tenant), model_(std::move(tenant)) {}

  std::string tenant_;
  goldthread::v1::LogPoint point_;
  CouncilModel model_;
  // Events by stream id without the tenant ("figure/NI-192/FY2011-Q2", "finding/F-1", ...),
  // for figure, finding, cycle and risk streams.
  std::map<std::string, std::vector<RecordedEvent>, std::less<>> streams_;
  // Latest PriorityProgressRecorded by "<priority>/<period>"; latest self-assessment by
  // "<unit>/<period>".
  std::map<std::string, RecordedEvent, std::less<>> progress_;
  std::map<std::string, RecordedEvent, std::less<>> assessments_;
};

}  // namespace goldthread::engine

#endif  // GOLDTHREAD_ENGINE_READ_FRESH_FOLD_H_
