// Schedule: one cycle's timetable, resolved from its workflow, its period and the calendar.
//
// A workflow says when stages open and fall due relative to a period's end, in local days,
// weeks and working days; ScheduleCycle turns that into instants for one period: each stage
// that occurs in the period with its open and due instants (UTC), its reminders and its
// escalation rungs with the roles they go to, and the figure periods the cycle collects.
// Nothing here is stored: the cycle state machine recomputes its timers from this, the cycle's
// events and the clock, so the result depends only on the three inputs (same inputs, same
// timetable) and costs a few microseconds.
//
//   Result<CycleSchedule> s = ScheduleCycle(*workflow, *Period::Parse("FY2011-Q2"), calendar);
//   s->stages[0].due_at;  // chesterfield-service-first collation: end of 21 October 2011
//
// Instants: a stage opens at the START of its `opens` day and falls due at the END of its `due`
// day (the last microsecond before the next local midnight), unless the rule gives a time.
// Reminders and escalation rungs go out at the workflow's notice time (default 09:00 local) on
// their day: a reminder `days_before` (calendar or working) days before the due day, a rung
// `days_after` days after it. With working days both land on working days: a rung one working
// day after a Friday deadline fires at 09:00 on Monday (Tuesday after a bank holiday Monday).
// A reminder that would come before the stage opens is left out.
//
// Threading: pure functions of their arguments; call from any thread. The results are values,
// except `StageSchedule::definition`, which points into the Workflow and lives as long as it.
#ifndef GOLDTHREAD_ENGINE_TIMETABLE_SCHEDULE_H_
#define GOLDTHREAD_ENGINE_TIMETABLE_SCHEDULE_H_

#include <cstdint>
#include <string>
#include <vector>

#include "engine/timetable/calendar.h"
#include "engine/model/period.h"
#include "engine/timetable/workflow.h"
#include "goldthread/v1/common.pb.h"
#include "store/base/clock.h"
#include "store/base/errors.h"

namespace goldthread::engine {

struct ScheduledReminder {
  // Stable within the stage ("5wd-before", "2d-before"): fit for an idempotency key.
  std::string id;
  // For people: "5 working days before", "1 day before".
  std::string label;
  TimePoint at;
  // The reminder's roles, or the stage's responsible roles when it names none.
  std::vector<goldthread::v1::Role> roles;
};

struct ScheduledRung {
  uint32_t rung = 0;  // 1-based, in ladder order
  TimePoint at;
  std::vector<goldthread::v1::Role> roles;
};

struct StageSchedule {
  // Position in workflow.definition().stages().
  int stage_index = 0;
  // The stage's definition (id, title, completion rule, responsible roles, challenge stage);
  // points into the Workflow, valid while it lives.
  const goldthread::v1::StageDefinition* definition = nullptr;
  // The local days the stage opens on and falls due on.
  LocalDay opens_on;
  LocalDay due_on;
  TimePoint opens_at;
  TimePoint due_at;
  // Ascending `at`; all after opens_at and before due_at.
  std::vector<ScheduledReminder> reminders;
  // The stage's ordinary ladder (empty id and rungs when it has none), ascending `at`.
  std::string ladder_id;
  std::vector<ScheduledRung> ladder;
  // Its partnership ladder, for partnership items (Leeds 3.10), when it has one.
  std::string partnership_ladder_id;
  std::vector<ScheduledRung> partnership_ladder;

  const std::string& id() const { return definition->id(); }
};

struct CycleSchedule {
  std::string workflow_id;
  Period period;
  // For each frequency the workflow collects (in its order), the period of that frequency
  // ending on the cycle period's end date, when there is one: FY2011-Q2 collecting QUARTERLY
  // and MONTHLY gives FY2011-Q2 and FY2011-M06; FY2011-M07 collecting QUARTERLY gives none.
  std::vector<Period> figure_periods;
  // The stages that occur in this period, in workflow order.
  std::vector<StageSchedule> stages;
  // The earliest stage opening, and the latest due instant or escalation rung (when the cycle
  // has nothing left to time).
  TimePoint opens_at;
  TimePoint ends_at;
};

// The timetable of `workflow`'s cycle for `period`. Errors: InvalidArgument (field "period")
// when the workflow does not open cycles for such a period (wrong frequency, or a month its
// cadence leaves out); FailedPrecondition when a date the timetable needs falls outside the
// years the calendar's bank holidays cover (extend the data file), when a rule names no day in
// this period, or when a stage would fall due before it opens once bank holidays are counted.
Result<CycleSchedule> ScheduleCycle(const Workflow& workflow, const Period& period,
                                    const Calendar& calendar);

// When an unanswered challenge finding due on `due_day` climbs its owner's management line,
// per the workflow's finding_escalation: element 0 goes to the owner's manager, element 1 to
// that manager's manager, and so on; at the notice time on each day. Empty when the workflow
// has no finding escalation. FailedPrecondition when a day falls outside the calendar's years.
Result<std::vector<TimePoint>> FindingEscalationInstants(const Workflow& workflow, LocalDay due_day,
                                                         const Calendar& calendar);

}  // namespace goldthread::engine

#endif  // GOLDTHREAD_ENGINE_TIMETABLE_SCHEDULE_H_
