// SimulatedTimeline: a script of what simulated people do and when, run against the scheduler
// on a simulated clock, so that everything the timetable makes happen in between (stages
// opening and falling due, reminders, escalations) is written in its place among their actions.
//
// The demo council (demo_council.cc) and the test year simulation
// (tests/testing/year_simulation.cc) plan each cycle's actions up front, then run them here:
//
//   SimulatedTimeline timeline;
//   timeline.Plan(at, "submit HOU-01 FY2026-Q2", [&] { return Submit(...); });
//   ...
//   Status s = timeline.Run(scheduler, clock, end, [](TimePoint t) { return "on " + Day(t); });
//
// Threading: one thread; Run calls the actions and the scheduler on the caller's thread.
#ifndef GOLDTHREAD_ADAPTERS_DEMO_SIMULATED_TIMELINE_H_
#define GOLDTHREAD_ADAPTERS_DEMO_SIMULATED_TIMELINE_H_

#include <functional>
#include <string>
#include <vector>

#include "engine/scheduler/scheduler.h"
#include "store/base/clock.h"
#include "store/base/errors.h"

namespace goldthread::adapters {

class SimulatedTimeline {
 public:
  // Adds `run`, described as `what` (for errors), at instant `at`. Actions at the same instant
  // run in the order they were planned, whatever order they are planned in relative to others.
  void Plan(TimePoint at, std::string what, std::function<Status()> run);

  // The number of actions planned.
  size_t size() const { return actions_.size(); }

  // Runs every action planned at or before `end` in time order. Before each, when its instant
  // is after the clock's, `scheduler` advances `clock` to it, firing what falls due on the way;
  // after the last, it advances to `end`. Actions planned after `end` are not run.
  // Errors: the scheduler's error as it is; an action's error with its code and the message
  // "<what> <when(at)>: <message>", after which nothing more runs. Runs once: a second call
  // runs nothing and only advances to `end`.
  [[nodiscard]] Status Run(engine::Scheduler& scheduler, SimulatedClock& clock, TimePoint end,
                           const std::function<std::string(TimePoint)>& when);

 private:
  struct Action {
    TimePoint at;
    int order;  // keeps same-instant actions in plan order
    std::string what;
    std::function<Status()> run;
  };
  std::vector<Action> actions_;
};

}  // namespace goldthread::adapters

#endif  // GOLDTHREAD_ADAPTERS_DEMO_SIMULATED_TIMELINE_H_
