// IndexedSnapshot: a LogSnapshot answered from the read index (StreamIndex, CouncilHistory)
// and reads of just the events needed — a figure's first k events where k of its positions are
// at or before the snapshot's position — so "as of" any position costs what the answer needs,
// not what the log holds.
//
//   auto held = runner.Read();   // shared lock on the projections
//   IndexedSnapshot snapshot(store, held.index, point, std::move(held.lock));
//   auto history = BuildFigureHistory(snapshot, "NI-192", "FY2011-Q2");
//
// The index must have applied the log at least up to the snapshot's position (the runner checks
// this before handing one out) and must not change while the snapshot lives: the snapshot holds
// the runner's shared lock, so keep it briefly.
//
// Threading: one thread at a time.
#ifndef GOLDTHREAD_ENGINE_READ_INDEXED_SNAPSHOT_H_
#define GOLDTHREAD_ENGINE_READ_INDEXED_SNAPSHOT_H_

#include <shared_mutex>

#include "engine/read/log_snapshot.h"
#include "engine/read/read_index.h"
#include "store/base/mutex.h"

namespace goldthread::engine {

class IndexedSnapshot final : public LogSnapshot {
 public:
  // `store` and `index` are not owned and must outlive the snapshot.
  IndexedSnapshot(const store::EventStore* store, const ReadIndex* index,
                  goldthread::v1::LogPoint point, std::shared_lock<SharedMutex> lock);

  const std::string& tenant() const override;
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
  // The first `count` events of `stream`, decoded.
  Result<std::vector<RecordedEvent>> ReadFirst(const std::string& stream, size_t count) const;

  const store::EventStore* const store_;
  const ReadIndex* const index_;
  const goldthread::v1::LogPoint point_;
  std::shared_lock<SharedMutex> lock_;
};

}  // namespace goldthread::engine

#endif  // GOLDTHREAD_ENGINE_READ_INDEXED_SNAPSHOT_H_
