// Figure commands: submit, amend, sign off, reject, data-quality queries, lock, restate,
// publish. The rules a figure's life follows are all here.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "engine/model/authority.h"
#include "engine/model/event_codec.h"
#include "engine/command/internal/decide.h"
#include "engine/model/period.h"
#include "engine/model/rag.h"

namespace goldthread::engine::internal {

namespace v1 = goldthread::v1;

namespace {

// Every level a version of this indicator's figure goes through, in the council's order
// (partnership only for partnership indicators).
std::vector<v1::SignOffLevel> RequiredLevels(const DecideContext& c, const Indicator& indicator) {
  std::vector<v1::SignOffLevel> out;
  for (v1::SignOffLevel l : c.options.sign_off_levels) {
    if (l == v1::SIGN_OFF_LEVEL_PARTNERSHIP && indicator.definition.partnership_unit_id().empty()) {
      continue;
    }
    out.push_back(l);
  }
  return out;
}

// The levels that must be given before `level`, lowest first.
std::vector<v1::SignOffLevel> LevelsBelow(const DecideContext& c, const Indicator& indicator,
                                          v1::SignOffLevel level) {
  std::vector<v1::SignOffLevel> out;
  for (v1::SignOffLevel l : RequiredLevels(c, indicator)) {
    if (l == level) break;
    out.push_back(l);
  }
  return out;
}

// Checks a submitted value against the pro forma: present, finite, within the decimal places
// and the valid range; a "not available" declaration needs its reason.
Status CheckValue(const Indicator& indicator, const v1::FigureValue& value) {
  const auto& d = indicator.definition;
  switch (value.kind_case()) {
    case v1::FigureValue::KIND_NOT_SET:
      return InvalidField("value",
                          "give the figure's value, or a notAvailableReason to declare it not "
                          "available this period");
    case v1::FigureValue::kNotAvailableReason:
      return RequireText(value.not_available_reason(), "value.not_available_reason", 2000);
    case v1::FigureValue::kValue:
      break;
  }
  const double v = value.value();
  if (!std::isfinite(v)) return InvalidField("value", "the value must be a finite number");
  const double scaled = v * std::pow(10.0, d.decimal_places());
  if (std::abs(scaled - std::round(scaled)) > 1e-6 * std::max(1.0, std::abs(scaled))) {
    return InvalidField("value",
                        fmt::format("{} is measured to {} decimal place{}; {} has more",
                                    indicator.id, d.decimal_places(),
                                    d.decimal_places() == 1 ? "" : "s", v));
  }
  if ((d.has_valid_min() && v < d.valid_min()) || (d.has_valid_max() && v > d.valid_max())) {
    return InvalidField(
        "value", fmt::format("{} is outside the valid range of {} ({} to {} {})", v, indicator.id,
                             d.has_valid_min() ? fmt::format("{}", d.valid_min()) : "any",
                             d.has_valid_max() ? fmt::format("{}", d.valid_max()) : "any",
                             d.unit()));
  }
  return OkStatus();
}

// The quality gate: a figure red or amber against its target must say why.
Status CheckCommentary(const DecideContext& c, const Indicator& indicator,
                       std::string_view period, const v1::FigureValue& value,
                       std::string_view commentary) {
  if (auto s = LimitText(commentary, "commentary", 8000); !s) return s;
  if (!c.options.commentary_required_when_off_target) return OkStatus();
  if (value.kind_case() != v1::FigureValue::kValue) return OkStatus();
  auto target = indicator.targets.find(std::string(period));
  if (target == indicator.targets.end()) return OkStatus();
  const v1::Rag rag = RateAgainstTarget(indicator.definition.polarity(),
                                        indicator.definition.amber_tolerance(), value.value(),
                                        target->second);
  if ((rag == v1::RAG_RED || rag == v1::RAG_AMBER) &&
      commentary.find_first_not_of(" \t\r\n") == std::string_view::npos) {
    return InvalidField("commentary",
                        fmt::format("{} is {} for {} ({} against a target of {}): add commentary "
                                    "explaining the result and what is being done",
                                    indicator.id, RagName(rag), period, value.value(),
                                    target->second));
  }
  return OkStatus();
}

v1::Event Wrap(auto setter) {
  v1::Event e;
  setter(e);
  return e;
}

Result<const Indicator*> FindIndicator(const CouncilModel& model, std::string_view id) {
  const Indicator* indicator = model.FindIndicator(id);
  if (indicator == nullptr) {
    return MakeError(ErrorCode::kNotFound, fmt::format("there is no indicator '{}'", id),
                     "indicator_id");
  }
  return indicator;
}

Status RequireSubmitted(const FigureState& f, std::string_view indicator,
                        std::string_view period) {
  if (f.submitted()) return OkStatus();
  return MakeError(ErrorCode::kNotFound,
                   fmt::format("no figure has been submitted for {} for {}; submit it first",
                               indicator, period));
}

Status RequireUnlocked(const FigureState& f, std::string_view period) {
  if (!f.locked) return OkStatus();
  return MakeError(ErrorCode::kFailedPrecondition,
                   fmt::format("{} is locked (reported to {}); use a restatement with a reason",
                               period, f.reported_to.empty() ? "committee" : f.reported_to));
}

std::vector<v1::SignOffLevel> SignedLevels(const FigureState& f) {
  std::vector<v1::SignOffLevel> out;
  for (const auto& [level, s] : f.sign_offs) out.push_back(static_cast<v1::SignOffLevel>(level));
  return out;
}

// The unit whose role holders act on a figure at `level`.
Result<std::string> UnitForLevel(const Indicator& indicator, v1::SignOffLevel level) {
  if (level == v1::SIGN_OFF_LEVEL_PARTNERSHIP) {
    if (indicator.definition.partnership_unit_id().empty()) {
      return MakeError(ErrorCode::kFailedPrecondition,
                       fmt::format("{} is not a partnership indicator: it has no partnership "
                                   "sign-off",
                                   indicator.id),
                       "level");
    }
    return indicator.definition.partnership_unit_id();
  }
  return indicator.definition.owning_unit_id();
}

Status CheckLevel(v1::SignOffLevel level) {
  if (level < v1::SIGN_OFF_LEVEL_SERVICE || level > v1::SIGN_OFF_LEVEL_PARTNERSHIP) {
    return InvalidField("level",
                        "level must be SIGN_OFF_LEVEL_SERVICE, SIGN_OFF_LEVEL_DIRECTORATE, "
                        "SIGN_OFF_LEVEL_CORPORATE_VERIFICATION or SIGN_OFF_LEVEL_PARTNERSHIP");
  }
  return OkStatus();
}

Result<Decision> Submit(const DecideContext& c, const v1::SubmitFigure& cmd,
                        const FigureState& f) {
  auto indicator = FindIndicator(c.model, cmd.indicator_id());
  if (!indicator) return Unexpected(indicator.error());
  const Indicator& ind = **indicator;
  // Authority before anything about the indicator is checked: a refusal such as "red against a
  // target of 4" would tell someone who may not enter the figure a target they may not read.
  if (auto a = Authorize(c.model, c.command.actor, {Action::kEnterFigure},
                         ind.definition.owning_unit_id(), c.today);
      !a) {
    return Unexpected(a.error());
  }
  auto period = Period::Parse(cmd.period());
  if (!period) return Unexpected(period.error());
  if (period->frequency() != ind.definition.frequency()) {
    const Period fitting = Period::Containing(ind.definition.frequency(), period->end());
    return InvalidField("period",
                        fmt::format("{} is reported {}; {} is not one of its periods (did you mean "
                                    "{}?)",
                                    ind.id, v1::Frequency_Name(ind.definition.frequency()),
                                    cmd.period(), fitting.id()));
  }
  if (auto s = CheckValue(ind, cmd.value()); !s) return Unexpected(s.error());
  if (auto s = LimitText(cmd.evidence_note(), "evidence_note", 2000); !s) {
    return Unexpected(s.error());
  }
  if (auto s = CheckCommentary(c, ind, cmd.period(), cmd.value(), cmd.commentary()); !s) {
    return Unexpected(s.error());
  }
  if (ind.retired) {
    return MakeError(ErrorCode::kFailedPrecondition,
                     fmt::format("{} is retired and takes no new figures", ind.id));
  }
  auto unit = OpenUnit(c.model, ind.definition.owning_unit_id(), "indicator_id");
  if (!unit) return Unexpected(unit.error());
  if (LocalDay(period->end()) >= c.today) {
    return MakeError(ErrorCode::kFailedPrecondition,
                     fmt::format("{} has not ended yet (it ends on {}); figures are entered after "
                                 "the period",
                                 cmd.period(), FormatLocalDay(LocalDay(period->end()))),
                     "period");
  }
  if (f.submitted()) {
    return MakeError(ErrorCode::kAlreadyExists,
                     fmt::format("{} for {} was already submitted (version {}); amend it with "
                                 "a reason",
                                 cmd.indicator_id(), cmd.period(), f.figure_version));
  }
  return Decision{.events = {Wrap([&](v1::Event& e) {
                    auto* s = e.mutable_figure_submitted();
                    s->set_indicator_id(cmd.indicator_id());
                    s->set_period(cmd.period());
                    *s->mutable_value() = cmd.value();
                    s->set_commentary(cmd.commentary());
                    s->set_evidence_note(cmd.evidence_note());
                    s->set_definition_version(ind.definition_version);
                    s->set_figure_version(1);
                  })}};
}

// Amend and restate share their checks; `restate` decides which rule of the lock applies.
Result<Decision> Change(const DecideContext& c, std::string_view indicator_id,
                        std::string_view period, const v1::FigureValue& value,
                        const std::string& commentary, const std::string& evidence,
                        const std::string& reason, bool restate, const FigureState& f) {
  auto indicator = FindIndicator(c.model, indicator_id);
  if (!indicator) return Unexpected(indicator.error());
  const Indicator& ind = **indicator;
  // Authority first (see Submit).
  if (auto a = Authorize(c.model, c.command.actor,
                         {restate ? Action::kRestateFigure : Action::kEnterFigure},
                         ind.definition.owning_unit_id(), c.today);
      !a) {
    return Unexpected(a.error());
  }
  if (auto s = CheckValue(ind, value); !s) return Unexpected(s.error());
  if (auto s = RequireText(reason, "reason", 2000); !s) return Unexpected(s.error());
  if (auto s = LimitText(evidence, "evidence_note", 2000); !s) return Unexpected(s.error());
  if (auto s = CheckCommentary(c, ind, period, value, commentary); !s) {
    return Unexpected(s.error());
  }
  if (auto s = RequireSubmitted(f, indicator_id, period); !s) return Unexpected(s.error());
  if (restate && !f.locked) {
    return MakeError(ErrorCode::kFailedPrecondition,
                     fmt::format("{} for {} has not been reported (locked); amend it instead",
                                 indicator_id, period));
  }
  if (!restate) {
    if (auto s = RequireUnlocked(f, period); !s) return Unexpected(s.error());
  }
  const uint32_t version = f.figure_version + 1;
  const std::vector<v1::SignOffLevel> lapsed = SignedLevels(f);
  v1::Event e;
  if (restate) {
    auto* r = e.mutable_figure_restated();
    *r->mutable_value() = value;
    r->set_commentary(commentary);
    r->set_evidence_note(evidence);
    r->set_reason(reason);
    r->set_definition_version(ind.definition_version);
    r->set_figure_version(version);
    *r->mutable_previous_value() = f.value;
    for (auto l : lapsed) r->add_lapsed_levels(l);
  } else {
    auto* a = e.mutable_figure_amended();
    *a->mutable_value() = value;
    a->set_commentary(commentary);
    a->set_evidence_note(evidence);
    a->set_reason(reason);
    a->set_definition_version(ind.definition_version);
    a->set_figure_version(version);
    for (auto l : lapsed) a->add_lapsed_levels(l);
  }
  return Decision{.events = {e}};
}

Result<Decision> SignOff(const DecideContext& c, const v1::SignOffFigure& cmd,
                         const FigureState& f) {
  if (auto s = CheckLevel(cmd.level()); !s) return Unexpected(s.error());
  if (cmd.figure_version() == 0) {
    return InvalidField("figure_version",
                        "say which version of the figure you checked (figureVersion)");
  }
  if (auto s = LimitText(cmd.comment(), "comment", 2000); !s) return Unexpected(s.error());
  auto indicator = FindIndicator(c.model, cmd.indicator_id());
  if (!indicator) return Unexpected(indicator.error());
  auto unit = UnitForLevel(**indicator, cmd.level());
  if (!unit) return Unexpected(unit.error());
  auto authority = Authorize(c.model, c.command.actor,
                             {.action = Action::kSignOff, .level = cmd.level()}, *unit, c.today);
  if (!authority) return Unexpected(authority.error());
  if (auto s = RequireSubmitted(f, cmd.indicator_id(), cmd.period()); !s) {
    return Unexpected(s.error());
  }
  if (cmd.figure_version() != f.figure_version) {
    return Unexpected(Error{
        ErrorCode::kConflict,
        fmt::format("version {} of {} for {} is current; you checked version {}: check it again",
                    f.figure_version, cmd.indicator_id(), cmd.period(), cmd.figure_version()),
        "figure_version", f.stream_version});
  }
  if (f.rejected) {
    return MakeError(ErrorCode::kFailedPrecondition,
                     fmt::format("{} for {} was sent back for correction ({}); it must be amended "
                                 "before sign-off",
                                 cmd.indicator_id(), cmd.period(), f.rejection_reason));
  }
  // Four eyes: nobody signs off a version they entered, nor signs it in someone's name who did.
  if (f.version_author == c.command.actor ||
      (!authority->on_behalf_of_person_id.empty() &&
       f.version_author == authority->on_behalf_of_person_id)) {
    return MakeError(ErrorCode::kPermissionDenied,
                     fmt::format("{} entered version {} of {} for {}; someone else must sign it "
                                 "off (four eyes)",
                                 f.version_author, f.figure_version, cmd.indicator_id(),
                                 cmd.period()));
  }
  if (auto it = f.sign_offs.find(cmd.level()); it != f.sign_offs.end()) {
    return MakeError(ErrorCode::kFailedPrecondition,
                     fmt::format("version {} is already signed off at {} level by {}",
                                 f.figure_version, LevelName(cmd.level()), it->second.person_id));
  }
  const auto& levels = c.options.sign_off_levels;
  if (std::find(levels.begin(), levels.end(), cmd.level()) == levels.end()) {
    return MakeError(ErrorCode::kFailedPrecondition,
                     fmt::format("this council does not sign figures off at {} level",
                                 LevelName(cmd.level())),
                     "level");
  }
  for (v1::SignOffLevel lower : LevelsBelow(c, **indicator, cmd.level())) {
    if (!f.HasSignOff(lower)) {
      return MakeError(ErrorCode::kFailedPrecondition,
                       fmt::format("{} for {} needs {} sign-off before {} sign-off",
                                   cmd.indicator_id(), cmd.period(), LevelName(lower),
                                   LevelName(cmd.level())));
    }
  }
  if (c.options.distinct_people_across_levels) {
    for (const auto& [level, s] : f.sign_offs) {
      if (s.person_id == c.command.actor) {
        return MakeError(
            ErrorCode::kPermissionDenied,
            fmt::format("{} already signed off version {} at {} level; the {} sign-off needs a "
                        "different person",
                        c.command.actor, f.figure_version,
                        LevelName(static_cast<v1::SignOffLevel>(level)), LevelName(cmd.level())));
      }
    }
  }
  if (cmd.level() == v1::SIGN_OFF_LEVEL_CORPORATE_VERIFICATION && f.OpenQueries() > 0) {
    return MakeError(ErrorCode::kFailedPrecondition,
                     fmt::format("{} data-quality quer{} open on {} for {}; answer before "
                                 "corporate verification",
                                 f.OpenQueries(), f.OpenQueries() == 1 ? "y is" : "ies are",
                                 cmd.indicator_id(), cmd.period()));
  }
  return Decision{.events = {Wrap([&](v1::Event& e) {
                    auto* s = e.mutable_figure_signed_off();
                    s->set_level(cmd.level());
                    s->set_figure_version(f.figure_version);
                    s->set_comment(cmd.comment());
                    s->set_on_behalf_of_person_id(authority->on_behalf_of_person_id);
                    s->set_role(authority->role);
                    s->set_log_tree_size(c.log_tree_size);
                    s->set_log_tree_root(c.log_tree_root);
                  })}};
}

Result<Decision> Reject(const DecideContext& c, const v1::RejectFigure& cmd,
                        const FigureState& f) {
  if (auto s = CheckLevel(cmd.level()); !s) return Unexpected(s.error());
  if (auto s = RequireText(cmd.reason(), "reason", 2000); !s) return Unexpected(s.error());
  auto indicator = FindIndicator(c.model, cmd.indicator_id());
  if (!indicator) return Unexpected(indicator.error());
  auto unit = UnitForLevel(**indicator, cmd.level());
  if (!unit) return Unexpected(unit.error());
  if (auto a = Authorize(c.model, c.command.actor,
                         {.action = Action::kRejectFigure, .level = cmd.level()}, *unit, c.today);
      !a) {
    return Unexpected(a.error());
  }
  if (auto s = RequireSubmitted(f, cmd.indicator_id(), cmd.period()); !s) {
    return Unexpected(s.error());
  }
  if (auto s = RequireUnlocked(f, cmd.period()); !s) return Unexpected(s.error());
  if (f.rejected) {
    return MakeError(ErrorCode::kFailedPrecondition,
                     fmt::format("{} for {} is already sent back, awaiting amendment",
                                 cmd.indicator_id(), cmd.period()));
  }
  return Decision{.events = {Wrap([&](v1::Event& e) {
                    auto* r = e.mutable_figure_rejected();
                    r->set_level(cmd.level());
                    r->set_figure_version(f.figure_version);
                    r->set_reason(cmd.reason());
                    for (auto l : SignedLevels(f)) r->add_lapsed_levels(l);
                  })}};
}

Result<Decision> RaiseQuery(const DecideContext& c, const v1::RaiseDataQualityQuery& cmd,
                            const FigureState& f) {
  if (auto s = RequireText(cmd.question(), "question", 4000); !s) return Unexpected(s.error());
  auto indicator = FindIndicator(c.model, cmd.indicator_id());
  if (!indicator) return Unexpected(indicator.error());
  if (auto a = Authorize(c.model, c.command.actor, {Action::kRaiseDataQualityQuery},
                         (*indicator)->definition.owning_unit_id(), c.today);
      !a) {
    return Unexpected(a.error());
  }
  if (auto s = RequireSubmitted(f, cmd.indicator_id(), cmd.period()); !s) {
    return Unexpected(s.error());
  }
  const std::string query_id = DerivedId("Q-", c.command.command_id);
  return Decision{.events = {Wrap([&](v1::Event& e) {
                    auto* q = e.mutable_data_quality_query_raised();
                    q->set_query_id(query_id);
                    q->set_figure_version(f.figure_version);
                    q->set_question(cmd.question());
                  })},
                  .created_id = query_id};
}

Result<Decision> AnswerQuery(const DecideContext& c, const v1::AnswerDataQualityQuery& cmd,
                             const FigureState& f) {
  if (auto s = RequireText(cmd.answer(), "answer", 4000); !s) return Unexpected(s.error());
  if (cmd.query_id().empty()) return InvalidField("query_id", "query_id is required");
  auto indicator = FindIndicator(c.model, cmd.indicator_id());
  if (!indicator) return Unexpected(indicator.error());
  if (auto a = Authorize(c.model, c.command.actor, {Action::kAnswerDataQualityQuery},
                         (*indicator)->definition.owning_unit_id(), c.today);
      !a) {
    return Unexpected(a.error());
  }
  auto it = f.queries.find(cmd.query_id());
  if (it == f.queries.end()) {
    return MakeError(ErrorCode::kNotFound,
                     fmt::format("there is no data-quality query '{}' on {} for {}",
                                 cmd.query_id(), cmd.indicator_id(), cmd.period()),
                     "query_id");
  }
  if (it->second.answered) {
    return MakeError(ErrorCode::kFailedPrecondition,
                     fmt::format("query '{}' is already answered", cmd.query_id()), "query_id");
  }
  return Decision{.events = {Wrap([&](v1::Event& e) {
                    auto* a = e.mutable_data_quality_query_answered();
                    a->set_query_id(cmd.query_id());
                    a->set_answer(cmd.answer());
                  })}};
}

Result<Decision> Lock(const DecideContext& c, const v1::LockFigure& cmd, const FigureState& f) {
  if (auto s = RequireText(cmd.reported_to(), "reported_to", 500); !s) {
    return Unexpected(s.error());
  }
  auto indicator = FindIndicator(c.model, cmd.indicator_id());
  if (!indicator) return Unexpected(indicator.error());
  if (auto a = Authorize(c.model, c.command.actor, {Action::kLockFigure},
                         (*indicator)->definition.owning_unit_id(), c.today);
      !a) {
    return Unexpected(a.error());
  }
  if (auto s = RequireSubmitted(f, cmd.indicator_id(), cmd.period()); !s) {
    return Unexpected(s.error());
  }
  if (f.locked) {
    return MakeError(ErrorCode::kFailedPrecondition,
                     fmt::format("{} for {} is already locked (reported to {})",
                                 cmd.indicator_id(), cmd.period(), f.reported_to));
  }
  return Decision{.events = {Wrap([&](v1::Event& e) {
                    auto* l = e.mutable_figure_locked();
                    l->set_figure_version(f.figure_version);
                    l->set_reported_to(cmd.reported_to());
                  })}};
}

Result<Decision> Publish(const DecideContext& c, const v1::PublishFigure& cmd,
                         const FigureState& f) {
  auto indicator = FindIndicator(c.model, cmd.indicator_id());
  if (!indicator) return Unexpected(indicator.error());
  if (auto a = Authorize(c.model, c.command.actor, {Action::kPublishFigure},
                         (*indicator)->definition.owning_unit_id(), c.today);
      !a) {
    return Unexpected(a.error());
  }
  if (auto s = RequireSubmitted(f, cmd.indicator_id(), cmd.period()); !s) {
    return Unexpected(s.error());
  }
  std::string missing;
  for (v1::SignOffLevel level : RequiredLevels(c, **indicator)) {
    if (!f.HasSignOff(level)) missing += (missing.empty() ? "" : ", ") + LevelName(level);
  }
  if (!missing.empty()) {
    return MakeError(ErrorCode::kFailedPrecondition,
                     fmt::format("version {} of {} for {} still needs sign-off at: {}",
                                 f.figure_version, cmd.indicator_id(), cmd.period(), missing));
  }
  if (f.published_version == f.figure_version) {
    return MakeError(ErrorCode::kFailedPrecondition,
                     fmt::format("version {} of {} for {} is already published",
                                 f.figure_version, cmd.indicator_id(), cmd.period()));
  }
  return Decision{.events = {Wrap([&](v1::Event& e) {
                    e.mutable_figure_published()->set_figure_version(f.figure_version);
                  })}};
}

}  // namespace

Result<Decision> DecideFigure(const DecideContext& c, const v1::Command& command,
                              const FigureState& f) {
  switch (command.body_case()) {
    case v1::Command::kSubmitFigure:
      return Submit(c, command.submit_figure(), f);
    case v1::Command::kAmendFigure: {
      const auto& a = command.amend_figure();
      return Change(c, a.indicator_id(), a.period(), a.value(), a.commentary(), a.evidence_note(),
                    a.reason(), /*restate=*/false, f);
    }
    case v1::Command::kRestateFigure: {
      const auto& r = command.restate_figure();
      return Change(c, r.indicator_id(), r.period(), r.value(), r.commentary(), r.evidence_note(),
                    r.reason(), /*restate=*/true, f);
    }
    case v1::Command::kSignOffFigure:
      return SignOff(c, command.sign_off_figure(), f);
    case v1::Command::kRejectFigure:
      return Reject(c, command.reject_figure(), f);
    case v1::Command::kRaiseDataQualityQuery:
      return RaiseQuery(c, command.raise_data_quality_query(), f);
    case v1::Command::kAnswerDataQualityQuery:
      return AnswerQuery(c, command.answer_data_quality_query(), f);
    case v1::Command::kLockFigure:
      return Lock(c, command.lock_figure(), f);
    case v1::Command::kPublishFigure:
      return Publish(c, command.publish_figure(), f);
    default:
      return MakeError(ErrorCode::kInternal, "not a figure command");
  }
}

}  // namespace goldthread::engine::internal
