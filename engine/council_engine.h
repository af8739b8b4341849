// CouncilEngine: one council's engine — its command handler, scheduler and read models —
// assembled from one set of council rules. Every way into goldthread (serve, the command line,
// the demo, the test fixtures) opens the engine here, so a command is decided under the same
// rules whichever door it came through: an import is judged with the council's sign-off levels
// and timetables exactly as `serve` judges the same command over HTTP.
//
//   auto workflows = LoadWorkflows("");                       // the shipped workflows/
//   auto engine = CouncilEngine::Open(store.get(), &clock,
//                                     {.tenant = "demo", .workflows = *workflows,
//                                      .main_workflow = "chesterfield-service-first"});
//   (*engine)->commands().Execute(context, command);
//   (*engine)->scheduler().RunDue();
//
// The council's rules come from its main workflow (RulesFor): the sign-off levels its stages
// ask for, whether one person may sign a version off at two levels, when overdue findings climb,
// and the figure deadlines shown in outstanding work. Without workflows the engine decides with
// the defaults (every sign-off level, distinct signers) and refuses to open cycles.
//
// Threading: as its parts — commands() and reads() from any thread, scheduler() from one
// scheduler thread. The store and clock are not owned and must outlive the engine.
#ifndef GOLDTHREAD_ENGINE_COUNCIL_ENGINE_H_
#define GOLDTHREAD_ENGINE_COUNCIL_ENGINE_H_

#include <memory>
#include <string>

#include "engine/command/command_handler.h"
#include "engine/projection/projection_runner.h"
#include "engine/read/read_models.h"
#include "engine/read/timetable_deadlines.h"
#include "engine/scheduler/scheduler.h"
#include "engine/timetable/workflow_timetables.h"
#include "store/event_store.h"

namespace goldthread::engine {

struct CouncilOptions {
  // The council served; the first segment of every stream. Required.
  std::string tenant;
  // The timetables cycles can be opened for. Default (null): none — cycles cannot be opened
  // and the rules are the defaults.
  std::shared_ptr<const WorkflowSet> workflows;
  // The council's main timetable, one of `workflows`: its sign-off levels, signer rule, finding
  // escalation and figure deadlines apply to every figure. Required when `workflows` is set.
  std::string main_workflow;
  // Opens the read models (checkpointed projections, caught up with the log at Open). Default:
  // false — commands and the scheduler only, as a one-off command line write needs.
  bool open_read_models = false;
  // How the read models' projections run and checkpoint (when open_read_models).
  ProjectionRunnerOptions runner;
};

// The rules one council's commands and timers are decided under, derived from its options.
struct CouncilRules {
  HandlerOptions commands;
  SchedulerOptions scheduler;
};

// The rules for `options`: InvalidArgument (field "workflow") when main_workflow is not among
// the workflows, or is missing while workflows are given.
Result<CouncilRules> RulesFor(const CouncilOptions& options);

// The workflows under `dir` with the bank holidays in its calendars/, as every command loads
// them; an empty `dir` means $GOLDTHREAD_WORKFLOWS when set, else the shipped workflows/.
// `calendar_path`, when given, overrides where the bank holidays come from.
Result<std::shared_ptr<const WorkflowSet>> LoadWorkflows(const std::string& dir,
                                                         const std::string& calendar_path = "");

class CouncilEngine {
 public:
  // Builds the engine. Errors: RulesFor's, and a store failure while the read models catch up.
  static Result<std::unique_ptr<CouncilEngine>> Open(store::EventStore* store, const Clock* clock,
                                                     CouncilOptions options);
  CouncilEngine(const CouncilEngine&) = delete;
  CouncilEngine& operator=(const CouncilEngine&) = delete;

  CommandHandler& commands() { return *commands_; }
  Scheduler& scheduler() { return *scheduler_; }
  // The read models; null unless CouncilOptions::open_read_models.
  ReadModels* reads() { return reads_.get(); }

  const CouncilOptions& options() const { return options_; }
  const CouncilRules& rules() const { return rules_; }
  store::EventStore& store() const { return *store_; }

 private:
  CouncilEngine(store::EventStore* store, CouncilOptions options, CouncilRules rules)
      : store_(store), options_(std::move(options)), rules_(std::move(rules)) {}

  // Constant after Open.
  store::EventStore* const store_;
  const CouncilOptions options_;
  const CouncilRules rules_;
  std::unique_ptr<TimetableDeadlines> deadlines_;  // before reads_, which points at it
  std::unique_ptr<CommandHandler> commands_;
  std::unique_ptr<Scheduler> scheduler_;
  std::unique_ptr<ReadModels> reads_;
};

}  // namespace goldthread::engine

#endif  // GOLDTHREAD_ENGINE_COUNCIL_ENGINE_H_
