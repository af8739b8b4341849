// StreamIndex: the projection that tells read models where each figure's, finding's and cycle's
// events are in the log, so that "as of position P" is a read of exactly the events at or
// before P instead of a scan of the log.
//
// Per figure (indicator × period) it keeps the positions of every event on the figure's stream,
// the value each version set (so that a scorecard's previous-period and last-year values need
// no read at all) and where the figure was first locked; per finding, its positions and its
// subject (the join from a figure to the findings about it); per cycle, its positions. Stream
// versions are contiguous and their positions increase, so "the events of a stream at or before
// P" are its first k events, k = the number of its positions <= P.
//
// Persisted keys (see proto/goldthread/v1/projection_state.proto):
//   f/<indicator>/<period>  FigureIndexEntry
//   n/<finding>             FindingIndexEntry
//   c/<workflow>/<period>   PositionList
//
// Threading: not synchronised (see projection.h).
#ifndef GOLDTHREAD_ENGINE_PROJECTION_STREAM_INDEX_H_
#define GOLDTHREAD_ENGINE_PROJECTION_STREAM_INDEX_H_

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "engine/projection/projection.h"
#include "goldthread/v1/events.pb.h"

namespace goldthread::engine {

// The value a figure version set, from `position` on.
struct FigureValueChange {
  uint64_t position = 0;
  // nullopt: declared not available.
  std::optional<double> value;
};

struct FigureIndexEntry {
  std::vector<uint64_t> positions;
  std::vector<FigureValueChange> values;
  // Where it was first locked (0: never).
  uint64_t locked_position = 0;
  bool dirty = false;

  // How many of the figure's events lie at or before `position`.
  size_t CountAtOrBefore(uint64_t position) const;
  // The value set by the last version at or before `position`; nullopt when there is none or it
  // is "not available".
  std::optional<double> ValueAt(uint64_t position) const;
};

struct FindingIndexEntry {
  std::vector<uint64_t> positions;
  goldthread::v1::FindingSubject subject;
  std::string owner_person_id;
  std::string unit_id;
  bool dirty = false;

  size_t CountAtOrBefore(uint64_t position) const;
  // Where it was raised (0 when its first event was not a ChallengeFindingRaised).
  uint64_t raised_position() const { return positions.empty() ? 0 : positions.front(); }
};

struct CycleIndexEntry {
  std::string workflow_id;
  std::string period;
  std::vector<uint64_t> positions;
  bool dirty = false;
};

class StreamIndex final : public Projection {
 public:
  static constexpr char kName[] = "stream-index.v1";

  explicit StreamIndex(std::string tenant) : tenant_(std::move(tenant)) {}

  std::string_view name() const override { return kName; }
  Status Apply(const EventView& event) override;
  void TakeChanges(ProjectionChanges* out) override;
  Status Restore(std::string_view key, std::string_view value) override;
  Status FinishRestore() override;

  const std::string& tenant() const { return tenant_; }
  // Null when the figure has no events.
  const FigureIndexEntry* Figure(std::string_view indicator_id, std::string_view period) const;
  const FindingIndexEntry* Finding(std::string_view finding_id) const;
  // Findings about a figure / an indicator / a priority, in the order they were raised.
  const std::vector<std::string>& FindingsAbout(
      const goldthread::v1::FindingSubject& subject) const;
  // Indicators with a figure for `period`.
  const std::set<std::string>& IndicatorsWithFigures(std::string_view period) const;
  // Every period that has at least one figure, in id order.
  std::vector<std::string> PeriodsWithFigures() const;
  const std::unordered_map<std::string, FindingIndexEntry>& findings() const { return findings_; }
  const std::unordered_map<std::string, CycleIndexEntry>& cycles() const { return cycles_; }
  // Visits every figure: (indicator, period, entry).
  template <typename F>
  void ForEachFigure(F&& visit) const {
    for (const auto& [key, entry] : figures_) {
      const size_t slash = key.find('/');
      visit(std::string_view(key).substr(0, slash), std::string_view(key).substr(slash + 1), entry);
    }
  }
  size_t figure_count() const { return figures_.size(); }

 private:
  void IndexFinding(const std::string& id, const FindingIndexEntry& entry);
  static std::string SubjectKey(const goldthread::v1::FindingSubject& subject);

  const std::string tenant_;
  // Looks string keys up by string_view, so Apply needs no copy of the stream's tail.
  struct KeyHash {
    using is_transparent = void;
    size_t operator()(std::string_view key) const { return std::hash<std::string_view>{}(key); }
  };
  using FigureMap = std::unordered_map<std::string, FigureIndexEntry, KeyHash, std::equal_to<>>;

  // Keys: "<indicator>/<period>", "<finding>", "<workflow>/<period>".
  FigureMap figures_;
  std::unordered_map<std::string, FindingIndexEntry> findings_;
  std::unordered_map<std::string, CycleIndexEntry> cycles_;
  // Derived from the entries above (rebuilt by FinishRestore, never persisted).
  std::map<std::string, std::vector<std::string>, std::less<>> findings_by_subject_;
  std::map<std::string, std::set<std::string>, std::less<>> indicators_by_period_;
  // Entries changed since TakeChanges, by key kind.
  // The map's nodes (stable: an unordered_map never moves them).
  std::vector<FigureMap::value_type*> dirty_figures_;
  std::vector<std::string> dirty_findings_;
  std::vector<std::string> dirty_cycles_;
  // Reused to look entries up without allocating on every event.
  std::string key_buffer_;
};

}  // namespace goldthread::engine

#endif  // GOLDTHREAD_ENGINE_PROJECTION_STREAM_INDEX_H_
