// YearSimulation: a small council working through a year of one workflow's cycles, with
// scripted behaviour, producing a transcript a person can read and check against the seed
// timetables.
//
// The council: 3 directorates, 8 services, a partnership board, 30 indicators (of the cycle's
// figure frequency), a data entry officer and a service manager per service, a director per
// directorate, the performance team, the corporate management team, a lead member, a scrutiny
// member and a partnership board member. Behaviour, every cycle:
//   - most figures are submitted on the first working day after their stage opens, and signed
//     off (at each level the workflow asks for) on the first working day after that stage opens;
//   - I-25 and I-26 are submitted two days after the collation deadline (late);
//   - I-27 is never submitted;
//   - I-28 is amended after its service sign-off, and signed off again;
//   - meetings are recorded and stages closed on the day before they fall due;
//   - in the first cycle, a finding about I-29 is raised at the first findings stage (or the
//     corporate review) and never answered (it goes overdue and escalates).
// The transcript lists, in log order, every stage transition, reminder, escalation and
// performance clinic with its local (Europe/London) time.
//
// Threading: one test thread.
#ifndef GOLDTHREAD_TESTS_TESTING_YEAR_SIMULATION_H_
#define GOLDTHREAD_TESTS_TESTING_YEAR_SIMULATION_H_

#include <string>
#include <vector>

#include "engine/command/command_handler.h"
#include "engine/model/local_date.h"
#include "store/base/errors.h"

namespace goldthread::testing {

struct YearSimulationOptions {
  std::string workflow_id;
  // The cycles to run, in order ("FY2011-Q1", ...).
  std::vector<std::string> periods;
  engine::TimetableProvider timetables;
  // When overdue findings climb (the workflow's finding_escalation); empty: the default.
  std::function<Result<std::vector<TimePoint>>(engine::LocalDay)> finding_escalation;
  // The levels figures are signed off at, lowest first (SignOffLevelsOf the workflow).
  std::vector<goldthread::v1::SignOffLevel> sign_off_levels = engine::HandlerOptions().sign_off_levels;
  // Where the store lives (a fresh folder).
  std::string data_dir;
};

// Runs the year and returns the transcript, or the first error.
Result<std::string> RunYearSimulation(const YearSimulationOptions& options);

}  // namespace goldthread::testing

#endif  // GOLDTHREAD_TESTS_TESTING_YEAR_SIMULATION_H_
