// SchedulerState: what the scheduler knows of the log, as a checkpointed projection, so that a
// restart resumes from its checkpoint instead of folding the log from position 1.
//
// It keeps, for one tenant: the council model (units, people, role grants, indicators and
// targets, priorities), each figure's submission and current sign-offs, each finding's status,
// each cycle's stage progress, when each priority's progress was recorded, the version of every
// stream the scheduler may write to (the expected version of its appends), and the reminders
// and escalations already recorded for each stage still open (so the same action is not derived
// again; dropped once the stage is completed or closed, when nothing more is derived for it).
//
// Persistence (projection "scheduler-timers.v1", formats in
// proto/goldthread/v1/projection_state.proto): figures, findings, cycles, priorities and fired
// actions as compact messages, written when they change; the council model as the events it
// folds (every event of the tenant not on a figure, finding, cycle or delivery stream), each
// written once and folded again at restore — a few thousand events for a council, against a log
// of millions. The council model's own format is thus never serialised: a new kind of reference
// event is kept and folded like the others.
//
// Threading: not synchronised. The scheduler's ProjectionRunner applies events to it, and the
// scheduler reads it, both under the scheduler's mutex.
#ifndef GOLDTHREAD_ENGINE_SCHEDULER_SCHEDULER_STATE_H_
#define GOLDTHREAD_ENGINE_SCHEDULER_SCHEDULER_STATE_H_

#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "engine/model/council_model.h"
#include "engine/model/cycle_state.h"
#include "engine/model/figure_state.h"
#include "engine/model/finding_state.h"
#include "engine/projection/projection.h"

namespace goldthread::engine {

class SchedulerState : public Projection {
 public:
  struct FigureTrack {
    // Only the fields the scheduler reads survive a restore: stream_version, figure_version,
    // value and the levels of sign_offs.
    FigureState state;
    TimePoint submitted_at;
    std::map<int, TimePoint> signed_at;  // by level, for the current version
  };
  struct FindingTrack {
    // Restored: stream_version, status, raised, raised_by, responses, reopenings.
    FindingState state;
    TimePoint raised_at;
    TimePoint responded_at;
    // Command ids of the escalations up the owner's line already recorded.
    std::set<std::string> escalations_fired;
  };
  struct PriorityTrack {
    uint64_t stream_version = 0;
    std::map<std::string, TimePoint> progress_recorded_at;  // by period
  };

  static constexpr char kName[] = "scheduler-timers.v1";

  // `actor`: the scheduler's, whose recorded reminders and escalations count as fired.
  SchedulerState(std::string tenant, std::string actor);

  std::string_view name() const override { return kName; }
  Status Apply(const EventView& event) override;
  void TakeChanges(ProjectionChanges* out) override;
  Status Restore(std::string_view key, std::string_view value) override;

  const CouncilModel& model() const { return model_; }
  const std::map<std::string, FigureTrack>& figures() const { return figures_; }     // by stream
  const std::map<std::string, FindingTrack>& findings() const { return findings_; }  // by id
  const std::map<std::string, CycleState>& cycles() const { return cycles_; }        // by stream
  const std::map<std::string, PriorityTrack>& priorities() const { return priorities_; }  // by id
  // The version of `stream` folded (0: none of its events), for a figure, finding, priority or
  // cycle stream.
  uint64_t FoldedVersion(const std::string& stream) const;
  // Command ids of the reminders and escalations recorded for the stage `group`
  // ("<workflow>/<period>/<stage>"); null when none.
  const std::set<std::string>* Fired(const std::string& group) const;
  // How many stages have fired actions kept (a gauge for tests: bounded by the stages open).
  size_t fired_groups() const { return fired_.size(); }

 private:
  void ApplyDecoded(const store::Envelope& envelope, const goldthread::v1::Event& event);

  const std::string tenant_;
  const std::string actor_;

  CouncilModel model_;
  std::map<std::string, FigureTrack> figures_;
  std::map<std::string, FindingTrack> findings_;
  std::map<std::string, CycleState> cycles_;
  std::map<std::string, PriorityTrack> priorities_;
  std::map<std::string, std::set<std::string>> fired_;  // by "<workflow>/<period>/<stage>"

  // Changed since TakeChanges, as store keys ("f/<stream>", ...); journal entries to put.
  std::set<std::string> dirty_;
  std::vector<std::pair<std::string, std::string>> journal_;
};

// The set the scheduler's runner keeps: its one SchedulerState.
class SchedulerStateSet : public ProjectionSet {
 public:
  static constexpr char kName[] = "scheduler";
  SchedulerStateSet(std::string tenant, std::string actor)
      : state_(std::move(tenant), std::move(actor)) {}
  std::string_view name() const override { return kName; }
  std::vector<Projection*> projections() override { return {&state_}; }
  SchedulerState& state() { return state_; }
  const SchedulerState& state() const { return state_; }

 private:
  SchedulerState state_;
};

}  // namespace goldthread::engine

#endif  // GOLDTHREAD_ENGINE_SCHEDULER_SCHEDULER_STATE_H_
