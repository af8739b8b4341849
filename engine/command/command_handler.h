// CommandHandler: the one way anything changes in goldthread.
//
// Execute takes a command (goldthread.v1.Command) and who is asking (CommandContext), checks it
// against the current state and the actor's authority, and either appends the events it
// decides or returns an error a person can act on — in which case nothing was written:
//
//   CommandHandler handler(store.get(), &clock, {.tenant = "demo"});
//   v1::Command cmd;
//   auto* submit = cmd.mutable_submit_figure();
//   submit->set_indicator_id("NI-192"); submit->set_period("FY2011-Q2");
//   submit->mutable_value()->set_value(31.4);
//   auto result = handler.Execute({.actor = "p-7", .command_id = "c-1"}, cmd);
//
// Idempotency: every command carries a command id. A repeat by the same actor asking for the
// same thing returns the first result (duplicate = true) and writes nothing, even after the
// state has moved on; the same id with a different request is refused (kAlreadyExists), as is
// an id another person used.
//
// Concurrency: a command is decided against the state folded from its stream and appended with
// that stream's version, so a concurrent change to the same thing is a conflict, retried after
// re-reading (or, when the caller gave an expected version — HTTP If-Match — returned as
// kConflict). State is derived only from events: folding a stream gives exactly what the
// handler decided against (LoadFigure, LoadFinding).
//
// Threading: Execute may be called from any number of threads at once; it blocks until the
// append is durable. The store and clock are not owned and must outlive the handler.
#ifndef GOLDTHREAD_ENGINE_COMMAND_COMMAND_HANDLER_H_
#define GOLDTHREAD_ENGINE_COMMAND_COMMAND_HANDLER_H_

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "engine/command/command_context.h"
#include "engine/model/council_model.h"
#include "engine/model/cycle_state.h"
#include "engine/model/figure_state.h"
#include "engine/model/finding_state.h"
#include "goldthread/v1/commands.pb.h"
#include "store/base/mutex.h"
#include "store/base/thread_annotations.h"
#include "store/event_store.h"

namespace goldthread::engine {

// One command of a batch (ExecuteAll): who asks, and what.
struct BatchCommand {
  CommandContext context;
  goldthread::v1::Command command;
};

enum class BatchMode {
  // Decide every command; append them all, atomically, when none is refused.
  kApply,
  // Decide every command and report; append nothing.
  kDryRun,
};

// What ExecuteAll made of a batch.
struct BatchOutcome {
  // Per command, in order: why it was refused, or nullopt when it was accepted (or is a repeat
  // of a command already applied).
  std::vector<std::optional<Error>> problems;
  // Per command, in order, when `applied`: where its events went (duplicate = true for a
  // command id applied before).
  std::vector<goldthread::v1::CommandResult> results;
  // True when the batch's events were appended (kApply and no command refused).
  bool applied = false;

  size_t ProblemCount() const;
};

class CommandHandler {
 public:
  CommandHandler(store::EventStore* store, const Clock* clock, HandlerOptions options);
  CommandHandler(const CommandHandler&) = delete;
  CommandHandler& operator=(const CommandHandler&) = delete;

  // Decides and appends (see above). The error says what to do about it; its `field` names the
  // offending input. Codes: kInvalidArgument (malformed or out of range), kNotFound,
  // kAlreadyExists, kPermissionDenied, kFailedPrecondition (not allowed in the current state),
  // kConflict (stale expected version), or a store error.
  Result<goldthread::v1::CommandResult> Execute(const CommandContext& context,
                                                const goldthread::v1::Command& command);

  // Decides a batch of commands as one: each against the state the earlier commands of the
  // batch leave (an indicator defined on row 2 can have its target set on row 3), and, in
  // kApply mode when none is refused, appends all their events in one atomic store append
  // (EventStore::AppendAll): all or nothing. Every command is decided even after one is
  // refused, so the outcome names every problem; a refused command's events are not seen by
  // the ones after it. Command ids work as in Execute: a repeat of an applied command is no
  // problem and appends nothing (an import run twice applies once); an id used twice within
  // the batch is refused. CommandContext::expected_version is ignored. The returned error is
  // for what stops the batch as a whole: an empty batch or one of more than kMaxBatchCommands
  // (kInvalidArgument), or a store failure (including a conflict with concurrent writers that
  // persists after HandlerOptions::max_conflict_retries fresh decisions).
  Result<BatchOutcome> ExecuteAll(const std::vector<BatchCommand>& commands, BatchMode mode);
  static constexpr size_t kMaxBatchCommands = 50'000;

  // Starts a tenant: writes the council unit, its first administrator (with `admin_email`, the
  // address they sign in to the web with, when given) and their admin role (in force from
  // 2000-01-01, so back-dated histories and simulations can be administered).
  // Refused (kAlreadyExists) once the tenant has an org structure.
  Result<goldthread::v1::CommandResult> Bootstrap(const std::string& council_id,
                                                  const std::string& council_name,
                                                  const std::string& admin_person_id,
                                                  const std::string& admin_name,
                                                  const std::string& command_id,
                                                  const std::string& admin_email = "");

  // For the operator's command line (`goldthread token create`), who holds the data folder and
  // so needs no role: issues a token for a registered person, recorded with actor
  // "system/operator". The result's `secret` is the token, shown this once.
  Result<goldthread::v1::CommandResult> IssueTokenAsOperator(const std::string& person_id,
                                                             const std::string& label,
                                                             uint32_t expires_in_days);
  // The person a bearer token acts as now (see api_tokens.h).
  Result<std::string> Authenticate(std::string_view bearer_token);

  // The figure / finding as its stream's events make it now.
  Result<FigureState> LoadFigure(std::string_view indicator_id, std::string_view period) const;
  Result<FindingState> LoadFinding(std::string_view finding_id) const;
  Result<CycleState> LoadCycle(std::string_view workflow_id, std::string_view period) const;

  // Runs `read` on the council model caught up to the log's head, under a shared lock.
  Status ReadModel(const std::function<void(const CouncilModel&)>& read);

  const HandlerOptions& options() const { return options_; }
  const Clock& clock() const { return *clock_; }
  store::EventStore& store() const { return *store_; }

 private:
  // Applies every event after the model's position (under the exclusive lock).
  Status CatchUpLocked() REQUIRES(model_mu_);
  Status CatchUp();
  // A repeated command id: the first result, after checking it is the same actor and request.
  Result<goldthread::v1::CommandResult> Repeated(const CommandContext& context,
                                                 const store::AppendResult& first,
                                                 const std::string& digest);

  store::EventStore* const store_;
  const Clock* const clock_;
  const HandlerOptions options_;

  mutable SharedMutex model_mu_;
  CouncilModel model_ GUARDED_BY(model_mu_);
};

}  // namespace goldthread::engine

#endif  // GOLDTHREAD_ENGINE_COMMAND_COMMAND_HANDLER_H_
