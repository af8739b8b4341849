// WorkflowTimetables: the loaded workflows and the calendar, as the TimetableProvider the
// command handler (OpenCycle) and the scheduler use.
//
// A cycle's timetable is ScheduleCycle(workflow, period, calendar) (schedule.h) restated in the
// engine's terms (cycle_timetable.h): what completes each stage, who is responsible, and every
// instant. It is recomputed on demand: timers are never stored.
//
//   auto set = WorkflowSet::Load(DefaultWorkflowsDir(), DefaultBankHolidaysPath());
//   HandlerOptions options{.tenant = "demo", .timetables = TimetablesFrom(*set)};
//
// Threading: a WorkflowSet is immutable after Load; the provider may be called from any thread.
#ifndef GOLDTHREAD_ENGINE_TIMETABLE_WORKFLOW_TIMETABLES_H_
#define GOLDTHREAD_ENGINE_TIMETABLE_WORKFLOW_TIMETABLES_H_

#include <memory>
#include <string>

#include "engine/timetable/calendar.h"
#include "engine/timetable/cycle_timetable.h"
#include "engine/timetable/schedule.h"
#include "engine/timetable/workflow.h"

namespace goldthread::engine {

struct WorkflowSet {
  WorkflowCatalogue catalogue;
  Calendar calendar;

  // Loads every workflow under `workflows_path` and the bank holidays at `calendar_path`;
  // the errors name the file and line.
  static Result<std::shared_ptr<const WorkflowSet>> Load(const std::string& workflows_path,
                                                         const std::string& calendar_path);
};

// The sign-off levels the workflow's stages ask for, lowest first (for HandlerOptions); the
// default order when it asks for none.
std::vector<goldthread::v1::SignOffLevel> SignOffLevelsOf(const Workflow& workflow);

// The timetable of one cycle in the engine's terms.
CycleTimetable ToCycleTimetable(const Workflow& workflow, const CycleSchedule& schedule);

// Resolves (workflow id, period) against `set`: NotFound for an unknown workflow (field
// workflow_id), InvalidArgument for a period the workflow does not open cycles for.
TimetableProvider TimetablesFrom(std::shared_ptr<const WorkflowSet> set);
// When overdue findings climb, per the finding_escalation of workflow `workflow_id` (the
// council's main timetable); the scheduler's default when that workflow has none.
std::function<Result<std::vector<TimePoint>>(LocalDay)> FindingEscalationsFrom(
    std::shared_ptr<const WorkflowSet> set, const std::string& workflow_id);

}  // namespace goldthread::engine

#endif  // GOLDTHREAD_ENGINE_TIMETABLE_WORKFLOW_TIMETABLES_H_
