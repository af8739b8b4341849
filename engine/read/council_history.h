// CouncilHistory: the projection that keeps the council's reference data — org units, people,
// indicators, targets, priorities and their progress, self-assessments, risks — as the events
// that made it, grouped by the thing they are about, so that the reference data "as of" any
// position is a fold of a few hundred events rather than of the log.
//
// Each piece of reference data depends only on its own events (a target on the TargetSet events
// for its indicator and period, a person on their stream, ...), so folding the events of the
// pieces a read model needs, at or before P, in position order, gives exactly what a fold of
// the whole log up to P says about them. ModelAt does that into a CouncilModel.
//
// Persisted keys (values: goldthread.v1.RecordedEnvelopes, envelopes trimmed to what a fold
// reads: position, stream, version, type, time, actor, payload):
//   org                          the org stream
//   person/<id>                  a person's stream
//   indicator/<id>               an indicator's stream without its targets
//   target/<id>/<period>         the TargetSet events for one period
//   priority/<id>                a priority's stream without its progress reports
//   progress/<id>/<period>       PriorityProgressRecorded for one period
//   assessment/<unit>/<period>   a self-assessment stream
//   risk/<id>                    a risk's stream
// Plans and API tokens are not kept (no read model shows them).
//
// Threading: not synchronised (see projection.h).
#ifndef GOLDTHREAD_ENGINE_READ_COUNCIL_HISTORY_H_
#define GOLDTHREAD_ENGINE_READ_COUNCIL_HISTORY_H_

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "engine/model/council_model.h"
#include "engine/projection/projection.h"
#include "engine/read/log_snapshot.h"
#include "store/base/mutex.h"
#include "store/base/thread_annotations.h"

namespace goldthread::engine {

class CouncilHistory final : public Projection {
 public:
  static constexpr char kName[] = "council-history.v1";

  explicit CouncilHistory(std::string tenant) : tenant_(std::move(tenant)) {}

  std::string_view name() const override { return kName; }
  Status Apply(const EventView& event) override;
  void TakeChanges(ProjectionChanges* out) override;
  Status Restore(std::string_view key, std::string_view value) override;
  Status FinishRestore() override;

  // The council model as of `position`: org units, people, indicators and priorities as a fold
  // of the log up to `position` would have them, with the targets of `target_periods` only.
  // Plans, risks and tokens are not included.
  //
  // Reference data changes rarely (a target is set once a year), so every position between two
  // of its events has the same model: the last few models built are kept, keyed by the last
  // event the fold takes in (and the target periods), and a later ask for any position with the
  // same last event gets a copy without folding again. Safe beside other readers (the memo has
  // its own lock); the events a memoised model was folded from never change, so it never goes
  // stale.
  Result<CouncilModel> ModelAt(uint64_t position,
                               const std::set<std::string>& target_periods) const;
  // The latest event at or before `position` under `key` ("progress/<id>/<period>",
  // "assessment/<unit>/<period>"), or nullopt.
  Result<std::optional<RecordedEvent>> LatestAt(std::string_view key, uint64_t position) const;
  // Every event at or before `position` of every key starting with `prefix` ("risk/"), grouped
  // by key.
  Result<std::map<std::string, std::vector<RecordedEvent>>> EventsAt(std::string_view prefix,
                                                                     uint64_t position) const;

 private:
  // The key an event is kept under, or "" when it is not reference data.
  Result<std::string> KeyFor(const EventView& event) const;

  // The position of the last event ModelAt(position, target_periods) folds in (0: none).
  uint64_t LastModelEvent(uint64_t position, const std::set<std::string>& target_periods) const;

  const std::string tenant_;
  std::map<std::string, std::vector<store::Envelope>, std::less<>> events_;
  std::set<std::string> dirty_;
  // Positions of the events ModelAt folds, in increasing order (derived; rebuilt by
  // FinishRestore): org, people, priorities and indicators, and the targets by period.
  std::vector<uint64_t> reference_positions_;
  std::map<std::string, std::vector<uint64_t>, std::less<>> target_positions_;

  // The memo of built models (see ModelAt), most recently used last.
  struct Memo {
    uint64_t last_event = 0;
    std::set<std::string> target_periods;
    std::shared_ptr<const CouncilModel> model;
  };
  static constexpr size_t kMemoSize = 16;
  mutable Mutex memo_mu_;
  mutable std::vector<Memo> memo_ GUARDED_BY(memo_mu_);
};

}  // namespace goldthread::engine

#endif  // GOLDTHREAD_ENGINE_READ_COUNCIL_HISTORY_H_
