// LogSnapshot: the log as it stood at one position — what every read model is computed from.
//
// A read model (figure history, scorecard, performance report, assurance trail, outstanding
// work) is a pure function of a snapshot, so asking it "as of" a past position is the same code
// given an older snapshot. There are two kinds:
//
//   IndexedSnapshot (indexed_snapshot.h)  answers from the projections (StreamIndex,
//                                         CouncilHistory) and reads of just the events needed:
//                                         what the service uses; milliseconds on a large log.
//   FoldedSnapshot (fresh_fold.h)         folds the whole log up to the position in memory: the
//                                         reference the indexed one is tested against.
//
// Both must give equal answers for the same position; tests compare every read model built on
// each at random positions.
//
// Threading: a snapshot is used by one thread at a time.
#ifndef GOLDTHREAD_ENGINE_READ_LOG_SNAPSHOT_H_
#define GOLDTHREAD_ENGINE_READ_LOG_SNAPSHOT_H_

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "engine/model/council_model.h"
#include "engine/model/sign_off_progress.h"
#include "goldthread/v1/events.pb.h"
#include "goldthread/v1/read_models.pb.h"
#include "store/event_store.h"

namespace goldthread::engine {

// An event as recorded, decoded.
struct RecordedEvent {
  store::Envelope envelope;
  goldthread::v1::Event event;
};

// A figure known to the log: an indicator and one of its periods.
struct FigureKey {
  std::string indicator_id;
  std::string period;
  friend auto operator<=>(const FigureKey&, const FigureKey&) = default;
};

class LogSnapshot {
 public:
  virtual ~LogSnapshot() = default;

  // The levels this council signs figures off at, lowest first (its workflow's: SignOffLevelsOf
  // in workflow_timetables.h), set by whoever makes the snapshot. Default: service,
  // directorate, corporate verification, partnership.
  const std::vector<goldthread::v1::SignOffLevel>& sign_off_levels() const {
    return sign_off_levels_;
  }
  void set_sign_off_levels(std::vector<goldthread::v1::SignOffLevel> levels) {
    sign_off_levels_ = std::move(levels);
  }

  // The tenant the snapshot reads.
  virtual const std::string& tenant() const = 0;
  // The position the snapshot stands at (every event at or before it, none after) and when the
  // event there was recorded.
  virtual const goldthread::v1::LogPoint& point() const = 0;
  uint64_t position() const { return point().position(); }

  // The council's reference data: org units, people, indicators and priorities, with the
  // targets of `target_periods` (the targets of other periods may be missing). Plans, risks and
  // tokens are not included.
  virtual Result<CouncilModel> Council(const std::set<std::string>& target_periods) const = 0;

  // Every event of the figure's stream, in order (empty when it has none).
  virtual Result<std::vector<RecordedEvent>> FigureEvents(std::string_view indicator_id,
                                                          std::string_view period) const = 0;
  // The figure's current value: nullopt when it was never submitted or is declared not
  // available.
  virtual Result<std::optional<double>> FigureValue(std::string_view indicator_id,
                                                    std::string_view period) const = 0;
  // The figures with at least one event, whose period is `period`.
  virtual std::vector<FigureKey> FiguresOfPeriod(std::string_view period) const = 0;
  // Figures with at least one event and not locked.
  virtual std::vector<FigureKey> UnlockedFigures() const = 0;

  // Findings raised about `subject` (a figure, an indicator or a priority), in raised order.
  virtual std::vector<std::string> FindingsAbout(
      const goldthread::v1::FindingSubject& subject) const = 0;
  // Every finding raised, in id order.
  virtual std::vector<std::string> Findings() const = 0;
  virtual Result<std::vector<RecordedEvent>> FindingEvents(std::string_view finding_id) const = 0;

  // The latest progress report of a priority for a period / self-assessment of a unit for a
  // period, or nullopt.
  virtual Result<std::optional<RecordedEvent>> PriorityProgress(std::string_view priority_id,
                                                                std::string_view period) const = 0;
  virtual Result<std::optional<RecordedEvent>> SelfAssessment(std::string_view unit_id,
                                                              std::string_view period) const = 0;
  // Every risk's events, by risk id.
  virtual Result<std::map<std::string, std::vector<RecordedEvent>>> Risks() const = 0;
  // Every cycle's events, by "<workflow>/<period>".
  virtual Result<std::map<std::string, std::vector<RecordedEvent>>> Cycles() const = 0;

 private:
  std::vector<goldthread::v1::SignOffLevel> sign_off_levels_ = DefaultSignOffLevels();
};

}  // namespace goldthread::engine

#endif  // GOLDTHREAD_ENGINE_READ_LOG_SNAPSHOT_H_
