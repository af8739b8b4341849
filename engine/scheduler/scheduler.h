// Scheduler: drives every open cycle through its timetable — stages opening, falling due and
// completing, reminders before each deadline, escalations up the ladder after it, findings past
// their due date, and performance clinics for indicators that stay red.
//
// Timers are never stored. The scheduler folds the log (the council model, every figure,
// finding and cycle), resolves each open cycle's timetable (a pure function of the workflow,
// the period and the calendar), and derives what should have happened by now. Each action is
// appended with a command id derived from what it is ("<tenant>/system/scheduler/rem/<cycle>/
// <stage>/<item>/<reminder>"), so the store's idempotency makes a second engine, a restart or a
// retry unable to issue anything twice; what fell due while the engine was stopped fires at the
// next RunDue, with `late_by_seconds` saying how late.
//
// Reminders and escalations land on the stream of the item they are about (the figure, the
// finding, the priority, or the cycle for meeting and closure stages), addressed to the people
// holding the stage's responsible roles (or the rung's roles) on a scope covering the item's unit.
// A stage completes at the moment the last item is done (the recorded time of the event that
// finished it), on time or late against its deadline; escalations stop once the item is done. The
// cycle ends when its last stage falls due or its last escalation rung is reached, the later; a
// stage still incomplete then is closed incomplete.
//
//   Scheduler scheduler(store.get(), &clock, {.tenant = "demo", .timetables = provider});
//   scheduler.RunDue();                               // in service, after each wake-up
//   scheduler.AdvanceTo(&simulated_clock, next_week);  // in simulation: fires on the way
//
// Threading: the methods take an internal mutex; call from one scheduler thread (several calls
// in parallel are safe but serialised). The store and clock must outlive the scheduler.
#ifndef GOLDTHREAD_ENGINE_SCHEDULER_SCHEDULER_H_
#define GOLDTHREAD_ENGINE_SCHEDULER_SCHEDULER_H_

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "engine/model/council_model.h"
#include "engine/model/cycle_state.h"
#include "engine/model/figure_state.h"
#include "engine/model/finding_state.h"
#include "engine/timetable/cycle_timetable.h"
#include "store/base/mutex.h"
#include "store/base/thread_annotations.h"
#include "store/event_store.h"

namespace goldthread::engine {

struct SchedulerOptions {
  // The tenant whose cycles this scheduler drives. Required.
  std::string tenant;
  // Resolves a cycle's workflow and period into its timetable. Required.
  TimetableProvider timetables;
  // The actor recorded on everything the scheduler writes. Default: "system/scheduler".
  std::string actor = "system/scheduler";
  // When an unanswered finding due on a day climbs its owner's management line: element 0 to
  // the owner's manager, element 1 to theirs, ... (the workflow's finding_escalation, see
  // FindingEscalationsFrom). Default (empty): the end of the due day, then 7 days later.
  std::function<Result<std::vector<TimePoint>>(LocalDay due)> finding_escalation;
  // How long the owner of a performance-clinic finding has to answer it. Default: 28 days.
  int clinic_days_to_respond = 28;
};

// Something the scheduler will do, for NextDue and for people ("what is pending").
struct ScheduledAction {
  TimePoint at;
  std::string stream;
  std::string key;  // the idempotency key (command id)
  goldthread::v1::Event event;
};

class Scheduler {
 public:
  Scheduler(store::EventStore* store, const Clock* clock, SchedulerOptions options);
  Scheduler(const Scheduler&) = delete;
  Scheduler& operator=(const Scheduler&) = delete;

  // Catches up with the log, then appends, in order of due instant, everything due at or
  // before now that has not been written yet. Returns how many events it wrote.
  Result<size_t> RunDue();
  // The earliest instant after now at which something falls due, or nullopt when nothing is
  // pending (no open cycle has work left that a timer could fire).
  Result<std::optional<TimePoint>> NextDue();
  // For simulation: moves `clock` forward to `until`, stopping at each due instant on the way
  // to fire what falls due then, in order. Returns the events written.
  Result<size_t> AdvanceTo(SimulatedClock* clock, TimePoint until);
  // Actions derived but not yet due (a gauge for /metrics).
  size_t pending() const EXCLUDES(mu_);
  // How late, in seconds, the most recent timer fired against its due instant (a gauge).
  double last_lateness_seconds() const EXCLUDES(mu_);

 private:
  struct FigureTrack {
    FigureState state;
    uint64_t stream_version = 0;  // of the figure's stream, as folded
    TimePoint submitted_at;
    std::map<int, TimePoint> signed_at;  // by level, for the current version
  };
  struct FindingTrack {
    FindingState state;
    TimePoint raised_at;
    TimePoint responded_at;
  };
  // One thing a stage waits for.
  struct Item {
    std::string stream;
    std::string unit;
    std::string outstanding;
    bool partnership = false;
    bool done = false;
    TimePoint done_at;
    std::string owner;  // a finding's owner: reminded personally
  };

  Status CatchUpLocked() REQUIRES(mu_);
  void Apply(const store::Envelope& envelope, const goldthread::v1::Event& event) REQUIRES(mu_);
  // Every action the log implies, due or not, not yet written.
  Result<std::vector<ScheduledAction>> DeriveLocked() REQUIRES(mu_);
  Status DeriveCycle(const std::string& stream, const CycleState& cycle,
                     std::vector<ScheduledAction>* out) REQUIRES(mu_);
  void DeriveFindingEscalations(std::vector<ScheduledAction>* out) REQUIRES(mu_);
  void DeriveClinics(const CycleTimetable& timetable, std::vector<ScheduledAction>* out)
      REQUIRES(mu_);
  std::vector<Item> ItemsFor(const TimedStage& stage, const CycleTimetable& timetable,
                             const CycleState& cycle) const REQUIRES(mu_);
  std::vector<std::string> Recipients(const std::vector<goldthread::v1::Role>& roles,
                                      const Item& item) const REQUIRES(mu_);
  Result<const CycleTimetable*> TimetableFor(const std::string& stream, const CycleState& cycle)
      REQUIRES(mu_);
  std::string Key(std::string_view suffix) const;
  void Add(std::vector<ScheduledAction>* out, TimePoint at, std::string stream, std::string key,
           goldthread::v1::Event event) const REQUIRES(mu_);
  Result<size_t> FireDueLocked() REQUIRES(mu_);
  // The version of `stream` this scheduler has folded (0: none of its events).
  uint64_t FoldedVersionLocked(const std::string& stream) const REQUIRES(mu_);

  // Actions appended in one AppendAll; more wait for the next round.
  static constexpr size_t kMaxActionsPerAppend = 10'000;
  // Fresh decisions after a conflict before the run fails.
  static constexpr int kMaxConflictRetries = 20;

  store::EventStore* const store_;
  const Clock* const clock_;
  const SchedulerOptions options_;

  mutable Mutex mu_;
  CouncilModel model_ GUARDED_BY(mu_);
  uint64_t position_ GUARDED_BY(mu_) = 0;
  std::map<std::string, FigureTrack> figures_ GUARDED_BY(mu_);    // by stream
  std::map<std::string, FindingTrack> findings_ GUARDED_BY(mu_);  // by finding id
  std::map<std::string, CycleState> cycles_ GUARDED_BY(mu_);      // by stream
  // When each priority's progress was recorded, by priority id then period.
  std::map<std::string, std::map<std::string, TimePoint>> priority_progress_ GUARDED_BY(mu_);
  std::map<std::string, CycleTimetable> timetables_ GUARDED_BY(mu_);  // by cycle stream
  // Versions of the finding, priority and cycle streams folded (figures keep theirs in their
  // track).
  std::map<std::string, uint64_t> stream_versions_ GUARDED_BY(mu_);
  std::set<std::string> written_ GUARDED_BY(mu_);  // keys already in the log
  size_t pending_ GUARDED_BY(mu_) = 0;
  double last_lateness_seconds_ GUARDED_BY(mu_) = 0;
};

}  // namespace goldthread::engine

#endif  // GOLDTHREAD_ENGINE_SCHEDULER_SCHEDULER_H_
