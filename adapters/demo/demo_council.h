// DemoCouncil: `goldthread demo` — a fictional council with years of performance history, made
// by running the real workflows in simulation, so a new user sees a quarter at work at once.
//
// The council is data (workflows/demo/ashcombe.textproto, read through council_seed.h); the
// default one, Ashcombe Borough Council, has 4 directorates, 12 services, a Health and Wellbeing
// partnership board, 5 priorities, 60 quarterly indicators across the four balanced-scorecard
// perspectives, a data entry officer and a head of service per service, a director per
// directorate, the performance team, the chief executive (CMT), a lead member, an executive
// member, a scrutiny member, an auditor, an administrator and a board member.
//
// Nothing is written directly: every event comes from engine::CommandHandler::Execute, acting
// as the person who would do it, or from engine::Scheduler (stages opening and falling due,
// reminders, escalations), while a SimulatedClock moves from the first quarter of the history
// to `today`. The store records the simulated clock, so recorded times are in the past and "as
// of" questions work. Each quarter: targets are set, the cycle opened, most figures submitted,
// signed off and verified on time; a few come in late (reminders and escalations fire), some
// are sent back and resubmitted, some amended with a reason; challenge findings are raised,
// answered and closed; review meetings are recorded; figures are locked and published after
// the corporate review. Figures run roughly 60% green, 25% amber, 15% red, each indicator
// drifting between them over time. Deterministic from `seed`.
//
// The newest ended quarter is the current cycle, worked only up to now: its late returners
// have not submitted. In the quarter before it one late figure still awaits sign-off and one
// corporate-review finding was never answered, so there is overdue work whatever the date.
//
//   auto report = CreateDemoCouncil({.data_dir = "var/goldthread", .today = day});
//   for (const DemoUser& u : report->users) ...  // their API tokens
//
// All or nothing: the store is built in a temporary sibling folder, closed, synced to disk and
// renamed into place only on success; a folder that already holds anything is refused.
//
// Threading: one call at a time per folder; blocks the caller for the whole generation.
#ifndef GOLDTHREAD_ADAPTERS_DEMO_DEMO_COUNCIL_H_
#define GOLDTHREAD_ADAPTERS_DEMO_DEMO_COUNCIL_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "engine/model/local_date.h"
#include "store/base/clock.h"
#include "store/base/errors.h"

namespace goldthread::adapters {

struct DemoOptions {
  // The folder the store is created in. Required; it must not exist, or be an empty folder.
  std::string data_dir;
  // The tenant (council) id; `goldthread serve --tenant` must match. Default: "demo".
  std::string tenant = "demo";
  // The day the demo stands at: the current cycle is the newest quarter ended before it.
  // Required.
  engine::LocalDay today;
  // The instant (on `today`) the simulated clock stops at, and the tokens are issued at.
  // Default (unset): 12:00 London time on `today`. `goldthread demo` passes the real now when
  // `today` is the real date, so that `serve` carries on from there.
  std::optional<TimePoint> now;
  // Years of history before the current cycle (4 quarterly cycles each), 1 to 10. Default: 3.
  int years = 3;
  // Seeds every random choice (values, who is late, what is sent back). Default: 2011.
  uint64_t seed = 2011;
  // Workflow files and bank holidays. Default: the source tree's workflows/; the calendar in
  // workflows_dir's calendars/ (BankHolidaysPathIn), or the source tree's when that is unset.
  std::string workflows_dir;
  std::string calendar_path;
  // The council's file (goldthread.v1.DemoCouncil in protobuf text format, see
  // proto/goldthread/v1/demo.proto). Default: DefaultDemoCouncilPath(), the Ashcombe Borough
  // Council of workflows/demo/ashcombe.textproto.
  std::string council_path;
  // The quarterly workflow the council runs. Default: chesterfield-service-first.
  std::string workflow_id = "chesterfield-service-first";
  // Days the demo users' API tokens are valid (1-366). Default: 90.
  uint32_t token_days = 90;
};

// A demo user: one per role, with an API token and a web sign-in.
struct DemoUser {
  std::string person_id;
  std::string name;
  std::string role;   // "data entry officer", "service manager", ...
  std::string scope;  // the unit the role is held on, by name
  std::string may;    // what the role may do, in a sentence
  std::string token;  // the bearer token (shown only here; only its hash is stored)
  // Signing in to the web interface: the person's e-mail address and a random password set
  // through an invitation (only its Argon2id hash is in the log).
  std::string email;
  std::string password;
};

struct DemoReport {
  std::string council_name;
  // The quarterly cycles run, oldest first; the last is the current one.
  std::vector<std::string> periods;
  std::string current_period;
  uint64_t events = 0;
  // Figures of the current cycle still not submitted at `now`.
  int figures_not_submitted = 0;
  std::vector<DemoUser> users;
};

// Creates the demo council in `options.data_dir` (see above). Errors: kAlreadyExists when the
// folder holds anything; kInvalidArgument for options out of range, or for a council file that
// does not parse or check (each problem named with file and line; nothing is created); kNotFound
// when that file cannot be read; otherwise the first
// failure of the simulation or the file system, with nothing left behind.
Result<DemoReport> CreateDemoCouncil(const DemoOptions& options);

}  // namespace goldthread::adapters

#endif  // GOLDTHREAD_ADAPTERS_DEMO_DEMO_COUNCIL_H_
