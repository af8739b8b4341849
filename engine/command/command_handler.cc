#include "engine/command/command_handler.h"

#include <fmt/format.h>
#include <openssl/rand.h>

#include <map>
#include <set>

#include "engine/command/internal/decide.h"
#include "engine/model/api_tokens.h"
#include "engine/model/event_codec.h"
#include "store/base/sha256.h"

namespace goldthread::engine {

namespace v1 = goldthread::v1;
using internal::Decision;
using internal::StateKind;

namespace {

constexpr size_t kMaxCommandIdBytes = 100;

// The store's idempotency key: command ids are the caller's, so they are scoped to the tenant
// and the actor — two people can never collide, nor read each other's results.
std::string CommandKey(std::string_view tenant, const CommandContext& c) {
  return fmt::format("{}/{}/{}", tenant, c.actor, c.command_id);
}

// Folds every event of `stream` into `state`.
template <typename State>
Status FoldStream(const store::EventStore& store, const std::string& stream, State* state) {
  uint64_t from = 1;
  while (true) {
    auto page = store.ReadStream(stream, from, store::Direction::kForward, 1000);
    if (!page) return Unexpected(page.error());
    for (const auto& envelope : page->events) {
      auto event = DecodeEvent(envelope);
      if (!event) return Unexpected(event.error());
      state->Apply(envelope, *event);
    }
    if (page->next == 0) return OkStatus();
    from = page->next;
  }
}

// The decider for the command's kind, against the state its target needs.
Result<Decision> Decide(const internal::DecideContext& c, const v1::Command& command,
                        const FigureState& figure, const FindingState& finding,
                        const CycleState& cycle) {
  switch (command.body_case()) {
    case v1::Command::kCreateOrgUnit:
    case v1::Command::kRenameOrgUnit:
    case v1::Command::kMoveOrgUnit:
    case v1::Command::kCloseOrgUnit:
    case v1::Command::kChangeAccountablePerson:
    case v1::Command::kRegisterPerson:
    case v1::Command::kGrantRole:
    case v1::Command::kRevokeRole:
    case v1::Command::kDelegateSignOff:
    case v1::Command::kRevokeSignOffDelegation:
      return internal::DecideOrg(c, command);
    case v1::Command::kDefinePriority:
    case v1::Command::kAddObjective:
    case v1::Command::kRecordPriorityProgress:
    case v1::Command::kDefineIndicator:
    case v1::Command::kReviseIndicator:
    case v1::Command::kSetTarget:
    case v1::Command::kRetireIndicator:
      return internal::DecideIndicators(c, command);
    case v1::Command::kSubmitFigure:
    case v1::Command::kAmendFigure:
    case v1::Command::kSignOffFigure:
    case v1::Command::kRejectFigure:
    case v1::Command::kRaiseDataQualityQuery:
    case v1::Command::kAnswerDataQualityQuery:
    case v1::Command::kLockFigure:
    case v1::Command::kRestateFigure:
    case v1::Command::kPublishFigure:
      return internal::DecideFigure(c, command, figure);
    case v1::Command::kRaiseChallengeFinding:
    case v1::Command::kRespondToChallengeFinding:
    case v1::Command::kAcceptChallengeFinding:
    case v1::Command::kReopenChallengeFinding:
    case v1::Command::kCloseChallengeFinding:
      return internal::DecideFinding(c, command, finding);
    case v1::Command::kDraftPlan:
    case v1::Command::kCertifyPlan:
    case v1::Command::kApprovePlan:
    case v1::Command::kRegisterRisk:
    case v1::Command::kRateRisk:
    case v1::Command::kCloseRisk:
    case v1::Command::kRecordSelfAssessment:
      return internal::DecidePlanning(c, command);
    case v1::Command::kOpenCycle:
    case v1::Command::kRecordReviewMeeting:
    case v1::Command::kCloseStage:
      return internal::DecideCycle(c, command, cycle);
    case v1::Command::kIssueApiToken:
    case v1::Command::kRevokeApiToken:
      return internal::DecideTokens(c, command);
    case v1::Command::kInvitePerson:
    case v1::Command::kSetPassword:
    case v1::Command::kRecordSignIn:
    case v1::Command::kRecordSignOut:
    case v1::Command::kRecordSignInFailure:
      return internal::DecideAccounts(c, command);
    case v1::Command::kMoveSimulatedClock:
      return internal::DecideClock(c, command);
    case v1::Command::kAcknowledgeEscalation:
      return internal::DecideAcknowledgement(c, command, figure, finding);
    case v1::Command::BODY_NOT_SET:
      break;
  }
  return InvalidField("command", "the command is empty: say what to do");
}

}  // namespace

CommandHandler::CommandHandler(store::EventStore* store, const Clock* clock, HandlerOptions options)
    : store_(store), clock_(clock), options_(std::move(options)), model_(options_.tenant) {}

Status CommandHandler::CatchUpLocked() {
  store::ReadPage page;
  while (true) {
    if (store_->Head().position <= model_.position()) return OkStatus();
    if (auto s =
            store_->ReadAllInto(model_.position() + 1, store::Direction::kForward, 1000, &page);
        !s) {
      return s;
    }
    if (page.events.empty()) return OkStatus();
    for (const auto& envelope : page.events) {
      // Only this tenant's streams shape its model.
      const std::string& stream = envelope.stream();
      if (stream.size() > options_.tenant.size() && stream[options_.tenant.size()] == '/' &&
          stream.compare(0, options_.tenant.size(), options_.tenant) == 0) {
        auto event = DecodeEvent(envelope);
        if (!event) return Unexpected(event.error());
        model_.Apply(envelope, *event);
      } else {
        model_.Apply(envelope, v1::Event());
      }
    }
  }
}

Status CommandHandler::CatchUp() {
  WriterMutexLock lock(model_mu_);
  return CatchUpLocked();
}

Status CommandHandler::ReadModel(const std::function<void(const CouncilModel&)>& read) {
  if (auto s = CatchUp(); !s) return s;
  ReaderMutexLock lock(model_mu_);
  read(model_);
  return OkStatus();
}

Result<FigureState> CommandHandler::LoadFigure(std::string_view indicator_id,
                                               std::string_view period) const {
  FigureState state;
  if (auto s = FoldStream(*store_, FigureStream(options_.tenant, indicator_id, period), &state);
      !s) {
    return Unexpected(s.error());
  }
  return state;
}

Result<FindingState> CommandHandler::LoadFinding(std::string_view finding_id) const {
  FindingState state;
  if (auto s = FoldStream(*store_, FindingStream(options_.tenant, finding_id), &state); !s) {
    return Unexpected(s.error());
  }
  return state;
}

Result<CycleState> CommandHandler::LoadCycle(std::string_view workflow_id,
                                             std::string_view period) const {
  CycleState state;
  if (auto s = FoldStream(*store_, CycleStream(options_.tenant, workflow_id, period), &state); !s) {
    return Unexpected(s.error());
  }
  return state;
}

Result<v1::CommandResult> CommandHandler::Repeated(const CommandContext& context,
                                                   const store::AppendResult& first,
                                                   const std::string& digest) {
  auto page = store_->ReadAll(first.first_position, store::Direction::kForward, 1);
  if (!page) return Unexpected(page.error());
  if (page->events.empty()) {
    return MakeError(ErrorCode::kDataLoss,
                     fmt::format("command id '{}' points at missing position {}",
                                 context.command_id, first.first_position));
  }
  const store::Envelope& envelope = page->events.front();
  auto event = DecodeEvent(envelope);
  if (!event) return Unexpected(event.error());
  if (event->command_sha256() != digest) {
    return MakeError(ErrorCode::kAlreadyExists,
                     fmt::format("command id '{}' was already used for a different request; "
                                 "use a new id for a new request",
                                 context.command_id),
                     "command_id");
  }
  v1::CommandResult result;
  result.set_stream(envelope.stream());
  result.set_first_position(first.first_position);
  result.set_last_position(first.last_position);
  result.set_stream_version(first.stream_version);
  result.set_duplicate(true);
  return result;
}

Result<v1::CommandResult> CommandHandler::Execute(const CommandContext& context,
                                                  const v1::Command& command) {
  if (auto s = CheckId(context.actor, "actor"); !s) {
    return MakeError(ErrorCode::kUnauthenticated, "the command names no valid acting person",
                     "actor");
  }
  if (context.command_id.empty() || context.command_id.size() > kMaxCommandIdBytes) {
    return InvalidField("command_id",
                        fmt::format("a command needs an id of 1-{} characters (the "
                                    "Idempotency-Key), so that a retry cannot act twice",
                                    kMaxCommandIdBytes));
  }
  if (command.body_case() == v1::Command::BODY_NOT_SET) {
    return InvalidField("command", "the command is empty: say what to do");
  }
  if (auto s = internal::CheckCommandText(command); !s) return Unexpected(s.error());
  const std::string key = CommandKey(options_.tenant, context);
  const std::string digest = Sha256(command.SerializeAsString());

  CommandContext keyed = context;
  keyed.command_id = key;  // derived ids come from the scoped key
  auto seen = store_->FindCommand(key);
  if (!seen) return Unexpected(seen.error());
  if (*seen) {
    auto repeated = Repeated(context, **seen, digest);
    if (repeated) {
      auto target = internal::TargetOf(options_.tenant, keyed, command);
      if (target) repeated->set_created_id(target->created_id);
    }
    return repeated;
  }

  auto target = internal::TargetOf(options_.tenant, keyed, command);
  if (!target) return Unexpected(target.error());

  for (int attempt = 0;; ++attempt) {
    // 1. The state the command is decided against, and the stream version it is at.
    FigureState figure;
    FindingState finding;
    CycleState cycle;
    uint64_t version = 0;
    if (target->kind == StateKind::kFigure) {
      if (auto s = FoldStream(*store_, target->stream, &figure); !s) return Unexpected(s.error());
      version = figure.stream_version;
    } else if (target->kind == StateKind::kFinding) {
      if (auto s = FoldStream(*store_, target->stream, &finding); !s) {
        return Unexpected(s.error());
      }
      version = finding.stream_version;
    } else if (target->kind == StateKind::kCycle) {
      if (auto s = FoldStream(*store_, target->stream, &cycle); !s) return Unexpected(s.error());
      version = cycle.stream_version;
    } else {
      auto v = store_->StreamVersion(target->stream);
      if (!v) return Unexpected(v.error());
      version = *v;
    }
    if (context.expected_version != 0 && context.expected_version != version) {
      Error e{ErrorCode::kConflict,
              fmt::format("'{}' is at version {}, not {}: someone changed it since you read it; "
                          "read it again and decide afresh",
                          target->stream, version, context.expected_version),
              "If-Match", version};
      return Unexpected(std::move(e));
    }

    // A sign-off records the log as it saw it (after the figure's state was loaded).
    store::TreeHead tree;
    if (command.has_sign_off_figure()) {
      auto t = store_->Tree();
      if (!t) return Unexpected(t.error());
      tree = std::move(*t);
    }

    // 2. Decide against the model caught up past that version.
    Result<Decision> decision = MakeError(ErrorCode::kInternal, "undecided");
    {
      WriterMutexLock lock(model_mu_);
      if (auto s = CatchUpLocked(); !s) return Unexpected(s.error());
      const TimePoint now = clock_->Now();
      internal::DecideContext c{.model = model_,
                                .command = keyed,
                                .options = options_,
                                .tenant = options_.tenant,
                                .now = now,
                                .today = LondonDayOf(now),
                                .log_tree_size = tree.size,
                                .log_tree_root = tree.root};
      decision = Decide(c, command, figure, finding, cycle);
    }
    if (!decision) return Unexpected(decision.error());
    if (decision->events.empty()) {
      return MakeError(ErrorCode::kInternal, "the command decided no events");
    }
    if (target->creates && version != 0) {
      return MakeError(ErrorCode::kAlreadyExists,
                       fmt::format("'{}' already exists", target->stream));
    }

    // 3. Append with the version decided against.
    store::AppendRequest request{.stream = target->stream,
                                 .expected = version == 0 ? store::ExpectedVersion::NoStream()
                                                          : store::ExpectedVersion::Exact(version),
                                 .command_id = key,
                                 .actor = context.actor,
                                 .correlation_id = context.correlation_id.empty()
                                                       ? context.command_id
                                                       : context.correlation_id,
                                 .causation_id = context.command_id};
    for (size_t i = 0; i < decision->events.size(); ++i) {
      if (i == 0) decision->events[i].set_command_sha256(digest);
      request.events.push_back(EncodeEvent(decision->events[i]));
    }
    auto appended = store_->Append(std::move(request));
    if (!appended) {
      if (appended.error().code == ErrorCode::kConflict && context.expected_version == 0 &&
          attempt + 1 < options_.max_conflict_retries) {
        continue;  // someone changed the stream meanwhile: decide again on the new state
      }
      return Unexpected(appended.error());
    }
    if (appended->duplicate) {  // the same command raced itself; answer as a repeat
      auto repeated = Repeated(context, *appended, digest);
      if (repeated) repeated->set_created_id(target->created_id);
      return repeated;
    }
    v1::CommandResult result;
    result.set_stream(target->stream);
    result.set_first_position(appended->first_position);
    result.set_last_position(appended->last_position);
    result.set_stream_version(appended->stream_version);
    result.set_created_id(decision->created_id.empty() ? target->created_id : decision->created_id);
    result.set_secret(decision->secret);
    return result;
  }
}

size_t BatchOutcome::ProblemCount() const {
  size_t n = 0;
  for (const auto& p : problems) n += p.has_value();
  return n;
}

Result<BatchOutcome> CommandHandler::ExecuteAll(const std::vector<BatchCommand>& commands,
                                                BatchMode mode) {
  if (commands.empty()) return InvalidField("commands", "the batch holds no commands");
  if (commands.size() > kMaxBatchCommands) {
    return InvalidField("commands", fmt::format("a batch holds at most {} commands, not {}",
                                                kMaxBatchCommands, commands.size()));
  }
  for (int attempt = 0;; ++attempt) {
    // The state the batch is decided against, advanced by each accepted command: the council
    // model, each touched stream's version, and the figure, finding and cycle states loaded.
    CouncilModel model(options_.tenant);
    {
      WriterMutexLock lock(model_mu_);
      if (auto s = CatchUpLocked(); !s) return Unexpected(s.error());
      model = model_;
    }
    std::map<std::string, uint64_t> versions;  // stream -> version as the batch leaves it
    std::map<std::string, FigureState> figures;
    std::map<std::string, FindingState> findings;
    std::map<std::string, CycleState> cycles;
    std::set<std::string> keys_in_batch;
    const TimePoint now = clock_->Now();
    uint64_t position = model.position();

    BatchOutcome outcome;
    outcome.problems.resize(commands.size());
    outcome.results.resize(commands.size());
    std::vector<store::AppendRequest> requests;
    std::vector<size_t> request_of;  // command index -> index in requests (SIZE_MAX: none)
    std::vector<std::string> created_ids(commands.size());
    request_of.assign(commands.size(), SIZE_MAX);

    for (size_t i = 0; i < commands.size(); ++i) {
      const CommandContext& context = commands[i].context;
      const v1::Command& command = commands[i].command;
      auto refuse = [&](Error e) { outcome.problems[i] = std::move(e); };
      if (auto s = CheckId(context.actor, "actor"); !s) {
        refuse(Error{ErrorCode::kUnauthenticated, "the command names no valid acting person",
                     "actor", std::nullopt});
        continue;
      }
      if (context.command_id.empty() || context.command_id.size() > kMaxCommandIdBytes) {
        refuse(Error{ErrorCode::kInvalidArgument,
                     fmt::format("a command needs an id of 1-{} characters", kMaxCommandIdBytes),
                     "command_id", std::nullopt});
        continue;
      }
      if (command.body_case() == v1::Command::BODY_NOT_SET) {
        refuse(Error{ErrorCode::kInvalidArgument, "the command is empty: say what to do", "command",
                     std::nullopt});
        continue;
      }
      if (auto s = internal::CheckCommandText(command); !s) {
        refuse(s.error());
        continue;
      }
      const std::string key = CommandKey(options_.tenant, context);
      const std::string digest = Sha256(command.SerializeAsString());
      if (!keys_in_batch.insert(key).second) {
        refuse(Error{ErrorCode::kAlreadyExists,
                     fmt::format("command id '{}' is used twice in this batch", context.command_id),
                     "command_id", std::nullopt});
        continue;
      }
      CommandContext keyed = context;
      keyed.command_id = key;
      auto target = internal::TargetOf(options_.tenant, keyed, command);
      if (!target) {
        refuse(target.error());
        continue;
      }
      auto seen = store_->FindCommand(key);
      if (!seen) return Unexpected(seen.error());
      if (*seen) {
        auto repeated = Repeated(context, **seen, digest);
        if (!repeated) {
          if (repeated.error().code == ErrorCode::kAlreadyExists) {
            refuse(repeated.error());
            continue;
          }
          return Unexpected(repeated.error());
        }
        repeated->set_created_id(target->created_id);
        outcome.results[i] = *repeated;
        continue;
      }

      // The target's state as the batch leaves it.
      auto version_it = versions.find(target->stream);
      if (version_it == versions.end()) {
        uint64_t version = 0;
        if (target->kind == StateKind::kFigure) {
          FigureState& f = figures[target->stream];
          if (auto s = FoldStream(*store_, target->stream, &f); !s) return Unexpected(s.error());
          version = f.stream_version;
        } else if (target->kind == StateKind::kFinding) {
          FindingState& f = findings[target->stream];
          if (auto s = FoldStream(*store_, target->stream, &f); !s) return Unexpected(s.error());
          version = f.stream_version;
        } else if (target->kind == StateKind::kCycle) {
          CycleState& c = cycles[target->stream];
          if (auto s = FoldStream(*store_, target->stream, &c); !s) return Unexpected(s.error());
          version = c.stream_version;
        } else {
          auto v = store_->StreamVersion(target->stream);
          if (!v) return Unexpected(v.error());
          version = *v;
        }
        version_it = versions.emplace(target->stream, version).first;
      }
      const uint64_t version = version_it->second;
      static const FigureState kNoFigure;
      static const FindingState kNoFinding;
      static const CycleState kNoCycle;
      const FigureState& figure =
          target->kind == StateKind::kFigure ? figures[target->stream] : kNoFigure;
      const FindingState& finding =
          target->kind == StateKind::kFinding ? findings[target->stream] : kNoFinding;
      const CycleState& cycle =
          target->kind == StateKind::kCycle ? cycles[target->stream] : kNoCycle;

      store::TreeHead tree;
      if (command.has_sign_off_figure()) {
        auto t = store_->Tree();
        if (!t) return Unexpected(t.error());
        tree = std::move(*t);
      }
      internal::DecideContext c{.model = model,
                                .command = keyed,
                                .options = options_,
                                .tenant = options_.tenant,
                                .now = now,
                                .today = LondonDayOf(now),
                                .log_tree_size = tree.size,
                                .log_tree_root = tree.root};
      Result<Decision> decision = Decide(c, command, figure, finding, cycle);
      if (!decision) {
        refuse(decision.error());
        continue;
      }
      if (decision->events.empty()) {
        return MakeError(ErrorCode::kInternal, "the command decided no events");
      }
      if (target->creates && version != 0) {
        refuse(Error{ErrorCode::kAlreadyExists, fmt::format("'{}' already exists", target->stream),
                     "", std::nullopt});
        continue;
      }

      // Accepted: let the commands after it see its events, as they will be once appended.
      store::AppendRequest request{
          .stream = target->stream,
          .expected = version == 0 ? store::ExpectedVersion::NoStream()
                                   : store::ExpectedVersion::Exact(version),
          .command_id = key,
          .actor = context.actor,
          .correlation_id =
              context.correlation_id.empty() ? context.command_id : context.correlation_id,
          .causation_id = context.command_id};
      uint64_t stream_version = version;
      for (size_t k = 0; k < decision->events.size(); ++k) {
        v1::Event& event = decision->events[k];
        if (k == 0) event.set_command_sha256(digest);
        store::Envelope envelope;
        envelope.set_stream(target->stream);
        envelope.set_stream_version(++stream_version);
        envelope.set_position(++position);
        envelope.set_actor(context.actor);
        envelope.mutable_recorded_at()->set_seconds(
            std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count());
        model.Apply(envelope, event);
        if (target->kind == StateKind::kFigure) figures[target->stream].Apply(envelope, event);
        if (target->kind == StateKind::kFinding) findings[target->stream].Apply(envelope, event);
        if (target->kind == StateKind::kCycle) cycles[target->stream].Apply(envelope, event);
        request.events.push_back(EncodeEvent(event));
      }
      version_it->second = stream_version;
      created_ids[i] = decision->created_id.empty() ? target->created_id : decision->created_id;
      request_of[i] = requests.size();
      requests.push_back(std::move(request));
    }

    if (mode == BatchMode::kDryRun || outcome.ProblemCount() > 0) return outcome;
    if (requests.empty()) {  // every command had been applied before
      outcome.applied = true;
      return outcome;
    }
    std::vector<std::string> streams;
    for (const auto& r : requests) streams.push_back(r.stream);
    auto appended = store_->AppendAll(std::move(requests));
    if (!appended) {
      if (appended.error().code == ErrorCode::kConflict &&
          attempt + 1 < options_.max_conflict_retries) {
        continue;  // someone changed a stream meanwhile: decide the whole batch again
      }
      return Unexpected(appended.error());
    }
    for (size_t i = 0; i < commands.size(); ++i) {
      if (request_of[i] == SIZE_MAX) continue;
      const store::AppendResult& a = (*appended)[request_of[i]];
      v1::CommandResult& result = outcome.results[i];
      result.set_stream(streams[request_of[i]]);
      result.set_first_position(a.first_position);
      result.set_last_position(a.last_position);
      result.set_stream_version(a.stream_version);
      result.set_duplicate(a.duplicate);
      result.set_created_id(created_ids[i]);
    }
    outcome.applied = true;
    return outcome;
  }
}

Result<v1::CommandResult> CommandHandler::IssueTokenAsOperator(const std::string& person_id,
                                                               const std::string& label,
                                                               uint32_t expires_in_days) {
  if (expires_in_days == 0 || expires_in_days > 366) {
    return InvalidField("expires_in_days", "a token lasts 1 to 366 days");
  }
  {
    WriterMutexLock lock(model_mu_);
    if (auto s = CatchUpLocked(); !s) return Unexpected(s.error());
    if (model_.FindPerson(person_id) == nullptr) {
      return MakeError(ErrorCode::kNotFound, fmt::format("there is no person '{}'", person_id),
                       "person_id");
    }
  }
  unsigned char nonce[16];
  if (RAND_bytes(nonce, sizeof nonce) != 1) {
    return MakeError(ErrorCode::kInternal, "the random source failed");
  }
  const std::string id = DerivedId("T-", std::string(reinterpret_cast<char*>(nonce), 16));
  auto token = NewApiToken(id);
  if (!token) return Unexpected(token.error());
  v1::Event e;
  auto* t = e.mutable_api_token_issued();
  t->set_token_id(id);
  t->set_person_id(person_id);
  t->set_token_sha256(ApiTokenDigest(*token));
  t->mutable_expires_at()->set_seconds(
      std::chrono::duration_cast<std::chrono::seconds>(
          (clock_->Now() + std::chrono::hours(24 * expires_in_days)).time_since_epoch())
          .count());
  t->set_label(label);
  auto r = store_->Append({.stream = TokenStream(options_.tenant, id),
                           .expected = store::ExpectedVersion::NoStream(),
                           .events = {EncodeEvent(e)},
                           .actor = "system/operator"});
  if (!r) return Unexpected(r.error());
  v1::CommandResult result;
  result.set_stream(TokenStream(options_.tenant, id));
  result.set_first_position(r->first_position);
  result.set_last_position(r->last_position);
  result.set_stream_version(r->stream_version);
  result.set_created_id(id);
  result.set_secret(*token);
  return result;
}

Result<std::string> CommandHandler::Authenticate(std::string_view bearer_token) {
  if (auto s = CatchUp(); !s) return Unexpected(s.error());
  ReaderMutexLock lock(model_mu_);
  return AuthenticateApiToken(model_, bearer_token, clock_->Now());
}

Result<v1::CommandResult> CommandHandler::Bootstrap(const std::string& council_id,
                                                    const std::string& council_name,
                                                    const std::string& admin_person_id,
                                                    const std::string& admin_name,
                                                    const std::string& command_id,
                                                    const std::string& admin_email) {
  if (auto s = CheckId(council_id, "council_id"); !s) return Unexpected(s.error());
  if (auto s = CheckId(admin_person_id, "admin_person_id"); !s) return Unexpected(s.error());
  if (auto s = internal::RequireText(council_name, "council_name", 200); !s) {
    return Unexpected(s.error());
  }
  if (auto s = internal::RequireText(admin_name, "admin_name", 200); !s) {
    return Unexpected(s.error());
  }
  if (!admin_email.empty() &&
      (admin_email.size() > 254 || admin_email.find('@') == std::string::npos ||
       admin_email.find_first_of(" \t\r\n<>,;") != std::string::npos)) {
    return InvalidField("admin_email", fmt::format("'{}' is not an e-mail address", admin_email));
  }
  const std::string org_key = fmt::format("{}/bootstrap/{}/org", options_.tenant, command_id);
  const std::string person_key = fmt::format("{}/bootstrap/{}/person", options_.tenant, command_id);

  v1::Event council;
  auto* created = council.mutable_org_unit_created();
  created->set_unit_id(council_id);
  created->set_kind(v1::ORG_UNIT_KIND_COUNCIL);
  created->set_name(council_name);
  created->set_accountable_person_id(admin_person_id);
  auto org = store_->Append({.stream = OrgStream(options_.tenant),
                             .expected = store::ExpectedVersion::NoStream(),
                             .events = {EncodeEvent(council)},
                             .command_id = org_key,
                             .actor = admin_person_id,
                             .correlation_id = command_id,
                             .causation_id = command_id});
  if (!org) {
    if (org.error().code == ErrorCode::kConflict) {
      return MakeError(ErrorCode::kAlreadyExists,
                       fmt::format("tenant '{}' already has an org structure", options_.tenant));
    }
    return Unexpected(org.error());
  }

  v1::Event person;
  auto* registered = person.mutable_person_registered();
  registered->set_person_id(admin_person_id);
  registered->set_name(admin_name);
  registered->set_email(admin_email);
  registered->set_home_unit_id(council_id);
  v1::Event grant;
  auto* granted = grant.mutable_role_granted();
  granted->set_grant_id(DerivedId("G-", person_key));
  granted->set_role(v1::ROLE_ADMIN);
  granted->set_scope_unit_id(council_id);
  // In force from before any history the tenant may hold, so that back-dated imports and
  // simulations (serve --simulate) can be administered too.
  granted->mutable_effective_from()->set_iso("2000-01-01");
  granted->set_reason("first administrator, at tenant start");
  auto people = store_->Append({.stream = PersonStream(options_.tenant, admin_person_id),
                                .expected = store::ExpectedVersion::NoStream(),
                                .events = {EncodeEvent(person), EncodeEvent(grant)},
                                .command_id = person_key,
                                .actor = admin_person_id,
                                .correlation_id = command_id,
                                .causation_id = command_id});
  if (!people) return Unexpected(people.error());
  v1::CommandResult result;
  result.set_stream(OrgStream(options_.tenant));
  result.set_first_position(org->first_position);
  result.set_last_position(people->last_position);
  result.set_stream_version(org->stream_version);
  result.set_duplicate(org->duplicate && people->duplicate);
  result.set_created_id(council_id);
  return result;
}

}  // namespace goldthread::engine
