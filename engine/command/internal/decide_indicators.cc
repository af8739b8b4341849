// Priorities, objectives, indicators (the pro forma) and targets.
#include <google/protobuf/util/message_differencer.h>
#include <fmt/format.h>

#include <cmath>

#include "engine/model/authority.h"
#include "engine/model/event_codec.h"
#include "engine/command/internal/decide.h"
#include "engine/model/period.h"

namespace goldthread::engine::internal {

namespace v1 = goldthread::v1;

namespace {

Status Allowed(const DecideContext& c, Action action, std::string_view unit) {
  auto a = Authorize(c.model, c.command.actor, {action}, unit, c.today);
  if (!a) return Unexpected(a.error());
  return OkStatus();
}

Result<const Indicator*> LiveIndicator(const CouncilModel& model, std::string_view id) {
  const Indicator* indicator = model.FindIndicator(id);
  if (indicator == nullptr) {
    return MakeError(ErrorCode::kNotFound, fmt::format("there is no indicator '{}'", id),
                     "indicator_id");
  }
  if (indicator->retired) {
    return MakeError(ErrorCode::kFailedPrecondition, fmt::format("{} is retired", id),
                     "indicator_id");
  }
  return indicator;
}

Result<const Priority*> ExistingPriority(const CouncilModel& model, std::string_view id) {
  const Priority* p = model.FindPriority(id);
  if (p == nullptr) {
    return MakeError(ErrorCode::kNotFound, fmt::format("there is no priority '{}'", id),
                     "priority_id");
  }
  return p;
}

// The pro forma's own rules (Herefordshire 10.1.1), and that what it names exists.
Status CheckDefinition(const CouncilModel& model, const v1::IndicatorDefinition& d) {
  const std::string p = "definition.";
  if (auto s = RequireText(d.title(), p + "title", 300); !s) return s;
  if (auto s = RequireText(d.definition(), p + "definition", 4000); !s) return s;
  if (auto s = RequireText(d.method_of_calculation(), p + "method_of_calculation", 4000); !s) {
    return s;
  }
  if (auto s = RequireText(d.unit(), p + "unit", 40); !s) return s;
  if (auto s = LimitText(d.data_source(), p + "data_source", 1000); !s) return s;
  if (d.decimal_places() > 6) return InvalidField(p + "decimal_places", "at most 6 decimal places");
  if (d.has_valid_min() && d.has_valid_max() && d.valid_min() > d.valid_max()) {
    return InvalidField(p + "valid_min", "the valid range's minimum is above its maximum");
  }
  if ((d.has_valid_min() && !std::isfinite(d.valid_min())) ||
      (d.has_valid_max() && !std::isfinite(d.valid_max()))) {
    return InvalidField(p + "valid_min", "the valid range must be finite numbers");
  }
  if (d.polarity() == v1::POLARITY_UNSPECIFIED || !v1::Polarity_IsValid(d.polarity())) {
    return InvalidField(p + "polarity",
                        "say whether higher or lower is better (POLARITY_HIGHER_IS_BETTER or "
                        "POLARITY_LOWER_IS_BETTER)");
  }
  if (d.frequency() == v1::FREQUENCY_UNSPECIFIED || !v1::Frequency_IsValid(d.frequency())) {
    return InvalidField(p + "frequency", "frequency is required (e.g. FREQUENCY_QUARTERLY)");
  }
  if (d.perspective() == v1::PERSPECTIVE_UNSPECIFIED || !v1::Perspective_IsValid(d.perspective())) {
    return InvalidField(p + "perspective",
                        "the balanced-scorecard perspective is required: customer, process, "
                        "finance or organisation");
  }
  const auto& tol = d.amber_tolerance();
  if ((tol.kind_case() == v1::Tolerance::kAbsolute &&
       (!std::isfinite(tol.absolute()) || tol.absolute() < 0)) ||
      (tol.kind_case() == v1::Tolerance::kPercent &&
       (!std::isfinite(tol.percent()) || tol.percent() < 0 || tol.percent() > 100))) {
    return InvalidField(p + "amber_tolerance",
                        "the amber tolerance is a non-negative amount, or a percentage 0-100");
  }
  auto unit = OpenUnit(model, d.owning_unit_id(), p + "owning_unit_id");
  if (!unit) return Unexpected(unit.error());
  if ((*unit)->kind == v1::ORG_UNIT_KIND_COUNCIL ||
      (*unit)->kind == v1::ORG_UNIT_KIND_PARTNERSHIP_BOARD) {
    return InvalidField(p + "owning_unit_id",
                        "an indicator is owned by a directorate, service or team; a partnership "
                        "board signs off through partnership_unit_id");
  }
  if (!d.priority_id().empty() && model.FindPriority(d.priority_id()) == nullptr) {
    return MakeError(ErrorCode::kNotFound, fmt::format("there is no priority '{}'", d.priority_id()),
                     p + "priority_id");
  }
  if (!d.partnership_unit_id().empty()) {
    auto board = OpenUnit(model, d.partnership_unit_id(), p + "partnership_unit_id");
    if (!board) return Unexpected(board.error());
    if ((*board)->kind != v1::ORG_UNIT_KIND_PARTNERSHIP_BOARD) {
      return InvalidField(p + "partnership_unit_id",
                          fmt::format("'{}' is not a partnership board", d.partnership_unit_id()));
    }
  }
  if (!d.plan_id().empty() && model.FindPlan(d.plan_id()) == nullptr) {
    return MakeError(ErrorCode::kNotFound, fmt::format("there is no plan '{}'", d.plan_id()),
                     p + "plan_id");
  }
  if (!d.responsible_person_id().empty() && model.FindPerson(d.responsible_person_id()) == nullptr) {
    return MakeError(ErrorCode::kNotFound,
                     fmt::format("there is no person '{}'", d.responsible_person_id()),
                     p + "responsible_person_id");
  }
  return OkStatus();
}

Result<Decision> Define(const DecideContext& c, const v1::DefineIndicator& cmd) {
  if (auto s = CheckDefinition(c.model, cmd.definition()); !s) return Unexpected(s.error());
  if (auto s = Allowed(c, Action::kManageIndicators, cmd.definition().owning_unit_id()); !s) {
    return Unexpected(s.error());
  }
  if (c.model.FindIndicator(cmd.indicator_id()) != nullptr) {
    return MakeError(ErrorCode::kAlreadyExists,
                     fmt::format("indicator {} is already defined; revise it with a reason",
                                 cmd.indicator_id()),
                     "indicator_id");
  }
  return One([&](v1::Event& e) {
    auto* d = e.mutable_indicator_defined();
    d->set_indicator_id(cmd.indicator_id());
    *d->mutable_definition() = cmd.definition();
    d->set_definition_version(1);
  });
}

Result<Decision> Revise(const DecideContext& c, const v1::ReviseIndicator& cmd) {
  if (auto s = RequireText(cmd.reason(), "reason", 2000); !s) return Unexpected(s.error());
  if (auto s = CheckDefinition(c.model, cmd.definition()); !s) return Unexpected(s.error());
  auto indicator = LiveIndicator(c.model, cmd.indicator_id());
  if (!indicator) return Unexpected(indicator.error());
  const auto& current = (*indicator)->definition;
  // Both the old and the new owner's performance team must be able to act.
  if (auto s = Allowed(c, Action::kManageIndicators, current.owning_unit_id()); !s) {
    return Unexpected(s.error());
  }
  if (auto s = Allowed(c, Action::kManageIndicators, cmd.definition().owning_unit_id()); !s) {
    return Unexpected(s.error());
  }
  if (cmd.definition().frequency() != current.frequency()) {
    return InvalidField("definition.frequency",
                        "an indicator's frequency cannot change (its figures' periods would no "
                        "longer fit); retire it and define a new one");
  }
  if (google::protobuf::util::MessageDifferencer::Equals(cmd.definition(), current)) {
    return MakeError(ErrorCode::kFailedPrecondition,
                     fmt::format("the definition of {} is unchanged", cmd.indicator_id()));
  }
  return One([&](v1::Event& e) {
    auto* r = e.mutable_indicator_revised();
    *r->mutable_definition() = cmd.definition();
    r->set_definition_version((*indicator)->definition_version + 1);
    r->set_reason(cmd.reason());
  });
}

Result<Decision> SetTargetFor(const DecideContext& c, const v1::SetTarget& cmd) {
  if (!std::isfinite(cmd.target())) return InvalidField("target", "the target must be a number");
  if (auto s = LimitText(cmd.reason(), "reason", 2000); !s) return Unexpected(s.error());
  auto indicator = LiveIndicator(c.model, cmd.indicator_id());
  if (!indicator) return Unexpected(indicator.error());
  const Indicator& ind = **indicator;
  auto period = Period::Parse(cmd.period());
  if (!period) return Unexpected(period.error());
  if (period->frequency() != ind.definition.frequency()) {
    return InvalidField("period", fmt::format("{} is reported {}; {} is not one of its periods",
                                              ind.id,
                                              v1::Frequency_Name(ind.definition.frequency()),
                                              cmd.period()));
  }
  const auto& d = ind.definition;
  if ((d.has_valid_min() && cmd.target() < d.valid_min()) ||
      (d.has_valid_max() && cmd.target() > d.valid_max())) {
    return InvalidField("target",
                        fmt::format("{} is outside the valid range of {}", cmd.target(), ind.id));
  }
  if (!cmd.plan_id().empty() && c.model.FindPlan(cmd.plan_id()) == nullptr) {
    return MakeError(ErrorCode::kNotFound, fmt::format("there is no plan '{}'", cmd.plan_id()),
                     "plan_id");
  }
  if (auto s = Allowed(c, Action::kSetTarget, d.owning_unit_id()); !s) {
    return Unexpected(s.error());
  }
  auto existing = ind.targets.find(cmd.period());
  if (existing != ind.targets.end() && existing->second == cmd.target()) {
    return MakeError(ErrorCode::kFailedPrecondition,
                     fmt::format("the target of {} for {} is already {}", ind.id, cmd.period(),
                                 cmd.target()));
  }
  const bool started = c.today >= LocalDay(period->start());
  if (started && cmd.reason().find_first_not_of(" \t\r\n") == std::string::npos) {
    return InvalidField("reason",
                        fmt::format("{} started on {}: setting or changing its target now needs "
                                    "a reason",
                                    cmd.period(), FormatLocalDay(LocalDay(period->start()))));
  }
  return One([&](v1::Event& e) {
    auto* t = e.mutable_target_set();
    t->set_period(cmd.period());
    t->set_target(cmd.target());
    t->set_reason(cmd.reason());
    if (existing != ind.targets.end()) t->set_previous_target(existing->second);
    t->set_plan_id(cmd.plan_id());
  });
}

Result<Decision> Retire(const DecideContext& c, const v1::RetireIndicator& cmd) {
  if (auto s = RequireText(cmd.reason(), "reason", 2000); !s) return Unexpected(s.error());
  auto indicator = LiveIndicator(c.model, cmd.indicator_id());
  if (!indicator) return Unexpected(indicator.error());
  if (auto s = Allowed(c, Action::kManageIndicators, (*indicator)->definition.owning_unit_id());
      !s) {
    return Unexpected(s.error());
  }
  return One([&](v1::Event& e) { e.mutable_indicator_retired()->set_reason(cmd.reason()); });
}

Result<Decision> DefinePriority(const DecideContext& c, const v1::DefinePriority& cmd) {
  if (auto s = RequireText(cmd.title(), "title", 300); !s) return Unexpected(s.error());
  if (auto s = LimitText(cmd.description(), "description", 4000); !s) {
    return Unexpected(s.error());
  }
  auto owner = OpenUnit(c.model, cmd.owner_unit_id(), "owner_unit_id");
  if (!owner) return Unexpected(owner.error());
  if (auto s = Allowed(c, Action::kManageIndicators, cmd.owner_unit_id()); !s) {
    return Unexpected(s.error());
  }
  if (c.model.FindPriority(cmd.priority_id()) != nullptr) {
    return MakeError(ErrorCode::kAlreadyExists,
                     fmt::format("priority '{}' already exists", cmd.priority_id()),
                     "priority_id");
  }
  return One([&](v1::Event& e) {
    auto* p = e.mutable_priority_defined();
    p->set_priority_id(cmd.priority_id());
    p->set_title(cmd.title());
    p->set_description(cmd.description());
    p->set_owner_unit_id(cmd.owner_unit_id());
  });
}

Result<Decision> AddObjective(const DecideContext& c, const v1::AddObjective& cmd) {
  if (auto s = CheckId(cmd.objective_id(), "objective_id"); !s) return Unexpected(s.error());
  if (auto s = RequireText(cmd.title(), "title", 300); !s) return Unexpected(s.error());
  auto priority = ExistingPriority(c.model, cmd.priority_id());
  if (!priority) return Unexpected(priority.error());
  if (auto s = Allowed(c, Action::kManageIndicators, (*priority)->owner_unit_id); !s) {
    return Unexpected(s.error());
  }
  if ((*priority)->objective_ids.count(cmd.objective_id()) > 0) {
    return MakeError(ErrorCode::kAlreadyExists,
                     fmt::format("priority '{}' already has objective '{}'", cmd.priority_id(),
                                 cmd.objective_id()),
                     "objective_id");
  }
  return One([&](v1::Event& e) {
    auto* o = e.mutable_objective_added();
    o->set_objective_id(cmd.objective_id());
    o->set_title(cmd.title());
  });
}

Result<Decision> Progress(const DecideContext& c, const v1::RecordPriorityProgress& cmd) {
  auto period = Period::Parse(cmd.period());
  if (!period) {
    return Unexpected(Error{period.error().code, period.error().message, "period", std::nullopt});
  }
  if (auto s = RequireText(cmd.summary(), "summary", 8000); !s) return Unexpected(s.error());
  if (cmd.overall_rating() != v1::RAG_GREEN && cmd.overall_rating() != v1::RAG_AMBER &&
      cmd.overall_rating() != v1::RAG_RED) {
    return InvalidField("overall_rating", "the overall progress rating is RAG_GREEN, RAG_AMBER "
                                          "or RAG_RED");
  }
  if (cmd.actions_delivered_size() > 50 || cmd.actions_planned_size() > 50) {
    return InvalidField("actions_delivered", "at most 50 actions each way");
  }
  for (const auto& a : cmd.actions_delivered()) {
    if (auto s = RequireText(a, "actions_delivered", 1000); !s) return Unexpected(s.error());
  }
  for (const auto& a : cmd.actions_planned()) {
    if (auto s = RequireText(a, "actions_planned", 1000); !s) return Unexpected(s.error());
  }
  auto priority = ExistingPriority(c.model, cmd.priority_id());
  if (!priority) return Unexpected(priority.error());
  if (auto s = Allowed(c, Action::kRecordProgress, (*priority)->owner_unit_id); !s) {
    return Unexpected(s.error());
  }
  return One([&](v1::Event& e) {
    auto* p = e.mutable_priority_progress_recorded();
    p->set_period(period->id());
    p->set_summary(cmd.summary());
    p->set_overall_rating(cmd.overall_rating());
    *p->mutable_actions_delivered() = cmd.actions_delivered();
    *p->mutable_actions_planned() = cmd.actions_planned();
  });
}

}  // namespace

Result<Decision> DecideIndicators(const DecideContext& c, const v1::Command& command) {
  switch (command.body_case()) {
    case v1::Command::kDefinePriority:
      return DefinePriority(c, command.define_priority());
    case v1::Command::kAddObjective:
      return AddObjective(c, command.add_objective());
    case v1::Command::kRecordPriorityProgress:
      return Progress(c, command.record_priority_progress());
    case v1::Command::kDefineIndicator:
      return Define(c, command.define_indicator());
    case v1::Command::kReviseIndicator:
      return Revise(c, command.revise_indicator());
    case v1::Command::kSetTarget:
      return SetTargetFor(c, command.set_target());
    case v1::Command::kRetireIndicator:
      return Retire(c, command.retire_indicator());
    default:
      return MakeError(ErrorCode::kInternal, "not an indicator command");
  }
}

}  // namespace goldthread::engine::internal
