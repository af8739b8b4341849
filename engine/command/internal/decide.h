// The deciders: pure functions from (state, command) to the events to append, or a reason to
// refuse. They read nothing and write nothing; the command handler loads the state, calls one,
// and appends what it decided with the stream version it loaded.
//
// Each decider checks, in this order: the command's own fields where they need nothing of the
// council's data (malformed ids, an unknown sign-off level), that the things it names exist, the
// actor's authority (authority.h), then every check that reads what is recorded about them (a
// value against the indicator's range and target, the quality gate's commentary) and the rules
// of the current state (four eyes, locks, order of sign-off levels). The first failure is
// returned, so only those allowed to act learn what a validation error would tell them
// (issue 16: "WST-05 is red ... against a target of 4" told anyone the target).
#ifndef GOLDTHREAD_ENGINE_COMMAND_INTERNAL_DECIDE_H_
#define GOLDTHREAD_ENGINE_COMMAND_INTERNAL_DECIDE_H_

#include <string>
#include <vector>

#include "engine/command/command_context.h"
#include "engine/model/council_model.h"
#include "engine/model/cycle_state.h"
#include "engine/model/figure_state.h"
#include "engine/model/finding_state.h"
#include "goldthread/v1/commands.pb.h"

namespace goldthread::engine::internal {

// What a decider sees besides the command.
struct DecideContext {
  const CouncilModel& model;
  const CommandContext& command;
  const HandlerOptions& options;
  std::string_view tenant;
  TimePoint now;
  LocalDay today;
  // The log's Merkle tree when the state was loaded (size, 32-byte root); set for sign-offs,
  // which record it.
  uint64_t log_tree_size = 0;
  std::string log_tree_root;
};

// What to append. `events` is never empty for an accepted command.
struct Decision {
  std::vector<goldthread::v1::Event> events;
  std::string created_id;
  // IssueApiToken: the token, returned once and never stored.
  std::string secret;
};

// A decision of one event, built by `fill`, optionally naming what it created.
template <typename F>
Result<Decision> One(F fill, std::string created_id = {}) {
  goldthread::v1::Event e;
  fill(e);
  return Decision{.events = {std::move(e)}, .created_id = std::move(created_id)};
}

// The kind of state a command is decided against.
enum class StateKind { kModel, kFigure, kFinding, kCycle };

// The stream a command writes to and the state it needs; InvalidArgument when the ids that
// name the stream are malformed.
struct Target {
  std::string stream;
  StateKind kind = StateKind::kModel;
  // Set for commands that create the thing the stream is about (NoStream expected).
  bool creates = false;
  std::string created_id;
};
Result<Target> TargetOf(std::string_view tenant, const CommandContext& context,
                        const goldthread::v1::Command& command);

// org units, people, roles and delegations
Result<Decision> DecideOrg(const DecideContext& c, const goldthread::v1::Command& command);
// priorities, indicators, targets
Result<Decision> DecideIndicators(const DecideContext& c, const goldthread::v1::Command& command);
// submit, amend, sign off, reject, data-quality queries, lock, restate, publish
Result<Decision> DecideFigure(const DecideContext& c, const goldthread::v1::Command& command,
                              const FigureState& figure);
// raise, respond, accept, re-open, close
Result<Decision> DecideFinding(const DecideContext& c, const goldthread::v1::Command& command,
                               const FindingState& finding);
// plans, risks, self-assessments
Result<Decision> DecidePlanning(const DecideContext& c, const goldthread::v1::Command& command);

// open a cycle, record a review meeting, close a stage
Result<Decision> DecideCycle(const DecideContext& c, const goldthread::v1::Command& command,
                             const CycleState& cycle);
// acknowledge an escalation about a figure or a finding
Result<Decision> DecideAcknowledgement(const DecideContext& c,
                                       const goldthread::v1::Command& command,
                                       const FigureState& figure, const FindingState& finding);

// issue and revoke API tokens
Result<Decision> DecideTokens(const DecideContext& c, const goldthread::v1::Command& command);
// invitations, passwords, sign-ins and sign-outs (web accounts)
Result<Decision> DecideAccounts(const DecideContext& c, const goldthread::v1::Command& command);

// move the simulated clock (serve --simulate)
Result<Decision> DecideClock(const DecideContext& c, const goldthread::v1::Command& command);

// Shared checks.
// No control characters in names, ids and single-line texts; multi-line texts (commentary,
// reasons, ...) may hold \n, \r and \t only (command_text.cc lists them). InvalidArgument
// naming the field.
Status CheckCommandText(const goldthread::v1::Command& command);
// A non-empty, trimmed text of at most `max` bytes; InvalidArgument naming `field` otherwise.
Status RequireText(std::string_view text, std::string_view field, size_t max = 4000);
Status LimitText(std::string_view text, std::string_view field, size_t max = 4000);
// The unit exists and is open.
Result<const OrgUnit*> OpenUnit(const CouncilModel& model, std::string_view unit_id,
                                std::string_view field);

}  // namespace goldthread::engine::internal

#endif  // GOLDTHREAD_ENGINE_COMMAND_INTERNAL_DECIDE_H_
