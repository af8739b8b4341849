// Scheduler: drives every open cycle through its timetable — stages opening, falling due and
// completing, reminders before each deadline, escalations up the ladder after it, findings past
// their due date, and performance clinics for indicators that stay red.
//
// Timers are never stored. The scheduler folds the log (the council model, every figure,
// finding and cycle: SchedulerState, a projection checkpointed in the store, so a restart folds
// only what came after its checkpoint), resolves each open cycle's timetable (a pure function of
// the workflow, the period and the calendar), and derives what should have happened by now and
// has not: a stage's openings, deadlines and completions from the cycle's events, its reminders
// and escalations from those recorded on its items' streams. Each action is appended expecting
// the version of its stream the decision was made on (ExpectedVersion::Exact, or NoStream), with
// a command id derived from what it is ("<tenant>/system/scheduler/rem/<cycle>/<stage>/<item>/
// <reminder>"), so a second engine, a restart or a retry cannot issue anything twice; what fell
// due while the engine was stopped fires at the next RunDue, with `late_by_seconds` saying how
// late.
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
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "engine/model/council_model.h"
#include "engine/model/cycle_state.h"
#include "engine/projection/projection_runner.h"
#include "engine/scheduler/scheduler_state.h"
#include "engine/timetable/cycle_timetable.h"
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
  // Keep the scheduler's state (scheduler_state.h) in the store with its checkpoint, so that a
  // restart folds only the log after it. False: nothing is written and every start folds the
  // log from position 1 (for a second scheduler on a store whose first one keeps the state:
  // two writers of one projection's state would overwrite each other's checkpoints). Default:
  // true.
  bool persist_state = true;
  // Least time between two checkpoints of that state after a catch-up (they are also written
  // every 100,000 events while catching up, and when the scheduler is destroyed). What was not
  // checkpointed when the process dies is folded again, once, at the next start. Default: 2 s.
  std::chrono::milliseconds checkpoint_interval{2000};
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
  // Checkpoints the state folded since the last checkpoint (errors are dropped: what is not
  // saved is folded again at the next start).
  ~Scheduler();
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
  size_t pending() const;
  // How late, in seconds, the most recent timer fired against its due instant (a gauge).
  double last_lateness_seconds() const;

 private:
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

  // Opens the runner (restoring the checkpointed state) on first use, then applies the log up
  // to its head, checkpointing every `checkpoint_interval`.
  Status CatchUpLocked();
  // Every action the log implies, due or not, not yet written.
  Result<std::vector<ScheduledAction>> DeriveLocked();
  Status DeriveCycle(const std::string& stream, const CycleState& cycle,
                     std::vector<ScheduledAction>* out);
  void DeriveFindingEscalations(std::vector<ScheduledAction>* out);
  void DeriveClinics(const CycleTimetable& timetable, std::vector<ScheduledAction>* out);
  std::vector<Item> ItemsFor(const TimedStage& stage, const CycleTimetable& timetable,
                             const CycleState& cycle) const;
  std::vector<std::string> Recipients(const std::vector<goldthread::v1::Role>& roles,
                                      const Item& item) const;
  Result<const CycleTimetable*> TimetableFor(const std::string& stream, const CycleState& cycle);
  std::string Key(std::string_view suffix) const;
  // Adds the action unless `fired` (what was recorded for its stage) holds its key.
  void Add(std::vector<ScheduledAction>* out, TimePoint at, std::string stream, std::string key,
           goldthread::v1::Event event, const std::set<std::string>* fired = nullptr) const;
  Result<size_t> FireDueLocked();

  // Actions appended in one AppendAll; more wait for the next round.
  static constexpr size_t kMaxActionsPerAppend = 10'000;
  // Fresh decisions after a conflict before the run fails.
  static constexpr int kMaxConflictRetries = 20;

  store::EventStore* const store_;
  const Clock* const clock_;
  const SchedulerOptions options_;

  mutable std::mutex mu_;
  // The log as the scheduler knows it: a checkpointed projection (scheduler_state.h) that only
  // this scheduler applies to, under mu_, so reading it under mu_ needs no other lock. Opened
  // at the first catch-up; state_ points into runner_'s set.
  std::unique_ptr<ProjectionRunner> runner_;               // guarded by mu_
  const SchedulerState* state_ = nullptr;                  // guarded by mu_
  std::chrono::steady_clock::time_point last_checkpoint_;  // guarded by mu_
  std::map<std::string, CycleTimetable> timetables_;       // by cycle stream; guarded by mu_
  size_t pending_ = 0;                                     // guarded by mu_
  double last_lateness_seconds_ = 0;                       // guarded by mu_
};

}  // namespace goldthread::engine

#endif  // GOLDTHREAD_ENGINE_SCHEDULER_SCHEDULER_H_
