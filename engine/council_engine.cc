#include "engine/council_engine.h"

#include <fmt/format.h>

#include <cstdlib>

namespace goldthread::engine {

Result<CouncilRules> RulesFor(const CouncilOptions& options) {
  CouncilRules rules;
  rules.commands.tenant = options.tenant;
  rules.scheduler.tenant = options.tenant;
  if (options.workflows == nullptr) return rules;
  const Workflow* main = options.workflows->catalogue.Find(options.main_workflow);
  if (main == nullptr) {
    return InvalidField("workflow", options.main_workflow.empty()
                                        ? std::string("the council's main workflow is required")
                                        : fmt::format("--workflow {} is not among the loaded "
                                                      "workflows",
                                                      options.main_workflow));
  }
  rules.commands.distinct_people_across_levels =
      main->definition().distinct_signers_across_levels();
  rules.commands.sign_off_levels = SignOffLevelsOf(*main);
  rules.commands.timetables = TimetablesFrom(options.workflows);
  rules.scheduler.timetables = rules.commands.timetables;
  rules.scheduler.finding_escalation =
      FindingEscalationsFrom(options.workflows, options.main_workflow);
  return rules;
}

Result<std::shared_ptr<const WorkflowSet>> LoadWorkflows(const std::string& dir,
                                                         const std::string& calendar_path) {
  std::string folder = dir;
  if (folder.empty()) {
    const char* env = std::getenv("GOLDTHREAD_WORKFLOWS");
    if (env != nullptr && *env != '\0') folder = env;
  }
  const std::string calendar = !calendar_path.empty() ? calendar_path
                               : folder.empty()       ? DefaultBankHolidaysPath()
                                                      : BankHolidaysPathIn(folder);
  return WorkflowSet::Load(folder.empty() ? DefaultWorkflowsDir() : folder, calendar);
}

Result<std::unique_ptr<CouncilEngine>> CouncilEngine::Open(store::EventStore* store,
                                                           const Clock* clock,
                                                           CouncilOptions options) {
  auto rules = RulesFor(options);
  if (!rules) return Unexpected(rules.error());
  std::unique_ptr<CouncilEngine> engine(
      new CouncilEngine(store, std::move(options), std::move(*rules)));
  const CouncilOptions& o = engine->options_;
  engine->commands_ = std::make_unique<CommandHandler>(store, clock, engine->rules_.commands);
  engine->scheduler_ = std::make_unique<Scheduler>(store, clock, engine->rules_.scheduler);
  if (o.open_read_models) {
    ReadModelOptions read_options{.tenant = o.tenant, .runner = o.runner};
    if (o.workflows != nullptr) {
      engine->deadlines_ =
          std::make_unique<TimetableDeadlines>(o.main_workflow, TimetablesFrom(o.workflows));
      read_options.deadlines = engine->deadlines_.get();
      read_options.sign_off_levels = engine->rules_.commands.sign_off_levels;
    }
    auto reads = ReadModels::Open(store, clock, std::move(read_options));
    if (!reads) return Unexpected(reads.error());
    if (auto caught_up = (*reads)->runner().CatchUp(); !caught_up) {
      return MakeError(caught_up.error().code,
                       "bringing the read models up to date: " + caught_up.error().message);
    }
    engine->reads_ = std::move(*reads);
  }
  return engine;
}

}  // namespace goldthread::engine
