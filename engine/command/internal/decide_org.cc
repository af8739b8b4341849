// Org structure, people, roles and delegations.
#include <fmt/format.h>

#include "engine/model/authority.h"
#include "engine/model/event_codec.h"
#include "engine/command/internal/decide.h"

namespace goldthread::engine::internal {

namespace v1 = goldthread::v1;

namespace {

// Which kind of unit may sit under which: council → directorates and partnership boards;
// directorate → services; service → teams.
bool MayContain(v1::OrgUnitKind parent, v1::OrgUnitKind child) {
  switch (child) {
    case v1::ORG_UNIT_KIND_DIRECTORATE:
    case v1::ORG_UNIT_KIND_PARTNERSHIP_BOARD:
      return parent == v1::ORG_UNIT_KIND_COUNCIL;
    case v1::ORG_UNIT_KIND_SERVICE:
      return parent == v1::ORG_UNIT_KIND_DIRECTORATE;
    case v1::ORG_UNIT_KIND_TEAM:
      return parent == v1::ORG_UNIT_KIND_SERVICE;
    default:
      return false;
  }
}

std::string KindName(v1::OrgUnitKind kind) {
  switch (kind) {
    case v1::ORG_UNIT_KIND_COUNCIL:
      return "council";
    case v1::ORG_UNIT_KIND_DIRECTORATE:
      return "directorate";
    case v1::ORG_UNIT_KIND_SERVICE:
      return "service";
    case v1::ORG_UNIT_KIND_TEAM:
      return "team";
    case v1::ORG_UNIT_KIND_PARTNERSHIP_BOARD:
      return "partnership board";
    default:
      return "unit";
  }
}

Status Allowed(const DecideContext& c, Action action, std::string_view unit) {
  auto a = Authorize(c.model, c.command.actor, {action}, unit, c.today);
  if (!a) return Unexpected(a.error());
  return OkStatus();
}

Result<const Person*> ExistingPerson(const CouncilModel& model, std::string_view id,
                                     std::string_view field) {
  if (id.empty()) return InvalidField(std::string(field), fmt::format("{} is required", field));
  const Person* p = model.FindPerson(id);
  if (p == nullptr) {
    return MakeError(ErrorCode::kNotFound, fmt::format("there is no person '{}'", id),
                     std::string(field));
  }
  return p;
}

Status CheckRole(v1::Role role) {
  if (role == v1::ROLE_UNSPECIFIED || !v1::Role_IsValid(role)) {
    return InvalidField("role", "role must be one of the ROLE_ values (e.g. ROLE_DATA_ENTRY)");
  }
  return OkStatus();
}

Result<Decision> CreateUnit(const DecideContext& c, const v1::CreateOrgUnit& cmd) {
  if (auto s = CheckId(cmd.unit_id(), "unit_id"); !s) return Unexpected(s.error());
  if (cmd.kind() == v1::ORG_UNIT_KIND_COUNCIL) {
    return InvalidField("kind", "a tenant has one council, created when the tenant starts");
  }
  if (cmd.kind() == v1::ORG_UNIT_KIND_UNSPECIFIED || !v1::OrgUnitKind_IsValid(cmd.kind())) {
    return InvalidField("kind",
                        "kind must be ORG_UNIT_KIND_DIRECTORATE, _SERVICE, _TEAM or "
                        "_PARTNERSHIP_BOARD");
  }
  if (auto s = RequireText(cmd.name(), "name", 200); !s) return Unexpected(s.error());
  auto parent = OpenUnit(c.model, cmd.parent_unit_id(), "parent_unit_id");
  if (!parent) return Unexpected(parent.error());
  if (!MayContain((*parent)->kind, cmd.kind())) {
    return InvalidField("parent_unit_id",
                        fmt::format("a {} cannot sit under a {} ('{}')", KindName(cmd.kind()),
                                    KindName((*parent)->kind), cmd.parent_unit_id()));
  }
  if (!cmd.accountable_person_id().empty()) {
    if (auto p = ExistingPerson(c.model, cmd.accountable_person_id(), "accountable_person_id");
        !p) {
      return Unexpected(p.error());
    }
  }
  if (auto s = Allowed(c, Action::kManageOrg, cmd.parent_unit_id()); !s) {
    return Unexpected(s.error());
  }
  if (c.model.Unit(cmd.unit_id()) != nullptr) {
    return MakeError(ErrorCode::kAlreadyExists,
                     fmt::format("org unit '{}' already exists", cmd.unit_id()), "unit_id");
  }
  return One([&](v1::Event& e) {
    auto* u = e.mutable_org_unit_created();
    u->set_unit_id(cmd.unit_id());
    u->set_kind(cmd.kind());
    u->set_name(cmd.name());
    u->set_parent_unit_id(cmd.parent_unit_id());
    u->set_accountable_person_id(cmd.accountable_person_id());
  });
}

Result<Decision> RenameUnit(const DecideContext& c, const v1::RenameOrgUnit& cmd) {
  if (auto s = RequireText(cmd.name(), "name", 200); !s) return Unexpected(s.error());
  if (auto s = LimitText(cmd.reason(), "reason", 2000); !s) return Unexpected(s.error());
  auto unit = OpenUnit(c.model, cmd.unit_id(), "unit_id");
  if (!unit) return Unexpected(unit.error());
  if (auto s = Allowed(c, Action::kManageOrg, cmd.unit_id()); !s) return Unexpected(s.error());
  if ((*unit)->name == cmd.name()) {
    return MakeError(ErrorCode::kFailedPrecondition,
                     fmt::format("'{}' is already called '{}'", cmd.unit_id(), cmd.name()), "name");
  }
  return One([&](v1::Event& e) {
    auto* r = e.mutable_org_unit_renamed();
    r->set_unit_id(cmd.unit_id());
    r->set_name(cmd.name());
    r->set_previous_name((*unit)->name);
    r->set_reason(cmd.reason());
  });
}

Result<Decision> MoveUnit(const DecideContext& c, const v1::MoveOrgUnit& cmd) {
  if (auto s = RequireText(cmd.reason(), "reason", 2000); !s) return Unexpected(s.error());
  auto unit = OpenUnit(c.model, cmd.unit_id(), "unit_id");
  if (!unit) return Unexpected(unit.error());
  auto parent = OpenUnit(c.model, cmd.parent_unit_id(), "parent_unit_id");
  if (!parent) return Unexpected(parent.error());
  if (c.model.IsWithin(cmd.parent_unit_id(), cmd.unit_id())) {
    return InvalidField("parent_unit_id",
                        fmt::format("'{}' cannot move under itself or a unit below it",
                                    cmd.unit_id()));
  }
  if (!MayContain((*parent)->kind, (*unit)->kind)) {
    return InvalidField("parent_unit_id",
                        fmt::format("a {} cannot sit under a {} ('{}')", KindName((*unit)->kind),
                                    KindName((*parent)->kind), cmd.parent_unit_id()));
  }
  if (auto s = Allowed(c, Action::kManageOrg, cmd.unit_id()); !s) return Unexpected(s.error());
  if (auto s = Allowed(c, Action::kManageOrg, cmd.parent_unit_id()); !s) {
    return Unexpected(s.error());
  }
  if ((*unit)->parent_id == cmd.parent_unit_id()) {
    return MakeError(ErrorCode::kFailedPrecondition,
                     fmt::format("'{}' is already under '{}'", cmd.unit_id(),
                                 cmd.parent_unit_id()));
  }
  return One([&](v1::Event& e) {
    auto* m = e.mutable_org_unit_moved();
    m->set_unit_id(cmd.unit_id());
    m->set_parent_unit_id(cmd.parent_unit_id());
    m->set_previous_parent_unit_id((*unit)->parent_id);
    m->set_reason(cmd.reason());
  });
}

Result<Decision> CloseUnit(const DecideContext& c, const v1::CloseOrgUnit& cmd) {
  if (auto s = RequireText(cmd.reason(), "reason", 2000); !s) return Unexpected(s.error());
  auto unit = OpenUnit(c.model, cmd.unit_id(), "unit_id");
  if (!unit) return Unexpected(unit.error());
  if ((*unit)->kind == v1::ORG_UNIT_KIND_COUNCIL) {
    return InvalidField("unit_id", "the council itself cannot be closed");
  }
  if (auto s = Allowed(c, Action::kManageOrg, cmd.unit_id()); !s) return Unexpected(s.error());
  for (const auto& [id, u] : c.model.units()) {
    if (!u.closed && u.parent_id == cmd.unit_id()) {
      return MakeError(ErrorCode::kFailedPrecondition,
                       fmt::format("'{}' still has open unit '{}' below it; move or close it "
                                   "first",
                                   cmd.unit_id(), id));
    }
  }
  for (const auto& [id, indicator] : c.model.indicators()) {
    if (!indicator.retired && indicator.definition.owning_unit_id() == cmd.unit_id()) {
      return MakeError(ErrorCode::kFailedPrecondition,
                       fmt::format("'{}' still owns indicator {}; re-home or retire it first",
                                   cmd.unit_id(), id));
    }
  }
  return One([&](v1::Event& e) {
    auto* x = e.mutable_org_unit_closed();
    x->set_unit_id(cmd.unit_id());
    x->set_reason(cmd.reason());
  });
}

Result<Decision> ChangeAccountable(const DecideContext& c, const v1::ChangeAccountablePerson& cmd) {
  auto unit = OpenUnit(c.model, cmd.unit_id(), "unit_id");
  if (!unit) return Unexpected(unit.error());
  if (auto p = ExistingPerson(c.model, cmd.person_id(), "person_id"); !p) {
    return Unexpected(p.error());
  }
  if (auto s = Allowed(c, Action::kManageOrg, cmd.unit_id()); !s) return Unexpected(s.error());
  if ((*unit)->accountable_person_id == cmd.person_id()) {
    return MakeError(ErrorCode::kFailedPrecondition,
                     fmt::format("{} is already accountable for '{}'", cmd.person_id(),
                                 cmd.unit_id()));
  }
  return One([&](v1::Event& e) {
    auto* a = e.mutable_accountable_person_changed();
    a->set_unit_id(cmd.unit_id());
    a->set_person_id(cmd.person_id());
    a->set_previous_person_id((*unit)->accountable_person_id);
  });
}

Result<Decision> Register(const DecideContext& c, const v1::RegisterPerson& cmd) {
  if (auto s = CheckId(cmd.person_id(), "person_id"); !s) return Unexpected(s.error());
  if (cmd.person_id().rfind("system.", 0) == 0) {
    return InvalidField("person_id", "person ids starting 'system.' name goldthread's own actors");
  }
  if (auto s = RequireText(cmd.name(), "name", 200); !s) return Unexpected(s.error());
  if (!cmd.email().empty() &&
      (cmd.email().size() > 254 || cmd.email().find('@') == std::string::npos ||
       cmd.email().find_first_of(" \t\r\n<>,;") != std::string::npos)) {
    return InvalidField("email", fmt::format("'{}' is not an e-mail address", cmd.email()));
  }
  if (auto s = LimitText(cmd.job_title(), "job_title", 200); !s) return Unexpected(s.error());
  auto unit = OpenUnit(c.model, cmd.home_unit_id(), "home_unit_id");
  if (!unit) return Unexpected(unit.error());
  if (auto s = Allowed(c, Action::kManagePeople, cmd.home_unit_id()); !s) {
    return Unexpected(s.error());
  }
  if (c.model.FindPerson(cmd.person_id()) != nullptr) {
    return MakeError(ErrorCode::kAlreadyExists,
                     fmt::format("person '{}' is already registered", cmd.person_id()),
                     "person_id");
  }
  // People sign in with their address, so it names one person.
  if (const Person* other = cmd.email().empty() ? nullptr : c.model.FindPersonByEmail(cmd.email())) {
    return MakeError(ErrorCode::kAlreadyExists,
                     fmt::format("{} is already the address of {} ({})", cmd.email(), other->name,
                                 other->id),
                     "email");
  }
  return One([&](v1::Event& e) {
    auto* p = e.mutable_person_registered();
    p->set_person_id(cmd.person_id());
    p->set_name(cmd.name());
    p->set_email(cmd.email());
    p->set_job_title(cmd.job_title());
    p->set_home_unit_id(cmd.home_unit_id());
  });
}

Result<Decision> Grant(const DecideContext& c, const v1::GrantRole& cmd) {
  if (auto s = CheckRole(cmd.role()); !s) return Unexpected(s.error());
  auto from = LocalDayOr(cmd.effective_from(), c.today, "effective_from");
  if (!from) return Unexpected(from.error());
  if (auto s = LimitText(cmd.reason(), "reason", 2000); !s) return Unexpected(s.error());
  auto person = ExistingPerson(c.model, cmd.person_id(), "person_id");
  if (!person) return Unexpected(person.error());
  auto scope = OpenUnit(c.model, cmd.scope_unit_id(), "scope_unit_id");
  if (!scope) return Unexpected(scope.error());
  if (auto s = Allowed(c, Action::kManagePeople, cmd.scope_unit_id()); !s) {
    return Unexpected(s.error());
  }
  for (const RoleGrant& g : (*person)->grants) {
    if (g.role == cmd.role() && g.scope_unit_id == cmd.scope_unit_id() && !g.revoked_from) {
      return MakeError(ErrorCode::kAlreadyExists,
                       fmt::format("{} already holds the {} role on '{}' (grant {})",
                                   cmd.person_id(), RoleName(cmd.role()), cmd.scope_unit_id(),
                                   g.grant_id));
    }
  }
  const std::string grant_id = DerivedId("G-", c.command.command_id);
  return Decision{.events = {[&] {
                    v1::Event e;
                    auto* g = e.mutable_role_granted();
                    g->set_grant_id(grant_id);
                    g->set_role(cmd.role());
                    g->set_scope_unit_id(cmd.scope_unit_id());
                    *g->mutable_effective_from() = ToLocalDate(*from);
                    g->set_reason(cmd.reason());
                    return e;
                  }()},
                  .created_id = grant_id};
}

Result<Decision> Revoke(const DecideContext& c, const v1::RevokeRole& cmd) {
  auto from = LocalDayOr(cmd.effective_from(), c.today, "effective_from");
  if (!from) return Unexpected(from.error());
  if (auto s = LimitText(cmd.reason(), "reason", 2000); !s) return Unexpected(s.error());
  auto person = ExistingPerson(c.model, cmd.person_id(), "person_id");
  if (!person) return Unexpected(person.error());
  const RoleGrant* grant = nullptr;
  for (const RoleGrant& g : (*person)->grants) {
    if (g.grant_id == cmd.grant_id()) grant = &g;
  }
  if (grant == nullptr) {
    return MakeError(ErrorCode::kNotFound,
                     fmt::format("{} has no role grant '{}'", cmd.person_id(), cmd.grant_id()),
                     "grant_id");
  }
  if (auto s = Allowed(c, Action::kManagePeople, grant->scope_unit_id); !s) {
    return Unexpected(s.error());
  }
  if (grant->revoked_from) {
    return MakeError(ErrorCode::kFailedPrecondition,
                     fmt::format("grant '{}' is already revoked from {}", cmd.grant_id(),
                                 FormatLocalDay(*grant->revoked_from)),
                     "grant_id");
  }
  if (*from < grant->effective_from) {
    return InvalidField("effective_from",
                        fmt::format("the grant only takes effect on {}",
                                    FormatLocalDay(grant->effective_from)));
  }
  return One([&](v1::Event& e) {
    auto* r = e.mutable_role_revoked();
    r->set_grant_id(cmd.grant_id());
    *r->mutable_effective_from() = ToLocalDate(*from);
    r->set_reason(cmd.reason());
  });
}

Result<Decision> Delegate(const DecideContext& c, const v1::DelegateSignOff& cmd) {
  const std::string delegator =
      cmd.delegator_person_id().empty() ? c.command.actor : cmd.delegator_person_id();
  switch (cmd.role()) {
    case v1::ROLE_SERVICE_MANAGER:
    case v1::ROLE_DIRECTOR:
    case v1::ROLE_PERFORMANCE_TEAM:
    case v1::ROLE_PARTNERSHIP_BOARD:
      break;
    default:
      return InvalidField("role",
                          "only sign-off roles can be delegated: ROLE_SERVICE_MANAGER, "
                          "ROLE_DIRECTOR, ROLE_PERFORMANCE_TEAM or ROLE_PARTNERSHIP_BOARD");
  }
  auto from = ParseLocalDay(cmd.from().iso(), "from");
  if (!from) return Unexpected(from.error());
  auto to = ParseLocalDay(cmd.to().iso(), "to");
  if (!to) return Unexpected(to.error());
  if (*to < *from) return InvalidField("to", "the delegation ends before it starts");
  if (*to < c.today) return InvalidField("to", "the delegation would already be over");
  if ((*to - *from).count() > 366) {
    return InvalidField("to", "a delegation lasts at most a year; grant the role instead");
  }
  if (auto s = RequireText(cmd.reason(), "reason", 2000); !s) return Unexpected(s.error());
  if (auto p = ExistingPerson(c.model, delegator, "delegator_person_id"); !p) {
    return Unexpected(p.error());
  }
  if (auto p = ExistingPerson(c.model, cmd.deputy_person_id(), "deputy_person_id"); !p) {
    return Unexpected(p.error());
  }
  if (cmd.deputy_person_id() == delegator) {
    return InvalidField("deputy_person_id", "a person cannot deputise for themselves");
  }
  auto scope = OpenUnit(c.model, cmd.scope_unit_id(), "scope_unit_id");
  if (!scope) return Unexpected(scope.error());
  if (delegator != c.command.actor) {
    if (auto s = Allowed(c, Action::kManagePeople, cmd.scope_unit_id()); !s) {
      return Unexpected(s.error());
    }
  }
  if (c.model.FindGrant(delegator, cmd.role(), cmd.scope_unit_id(), *from) == nullptr) {
    return MakeError(ErrorCode::kPermissionDenied,
                     fmt::format("{} does not hold the {} role covering '{}' on {}, so cannot "
                                 "delegate it",
                                 delegator, RoleName(cmd.role()), cmd.scope_unit_id(),
                                 FormatLocalDay(*from)));
  }
  const std::string id = DerivedId("D-", c.command.command_id);
  return Decision{.events = {[&] {
                    v1::Event e;
                    auto* d = e.mutable_sign_off_delegated();
                    d->set_delegation_id(id);
                    d->set_deputy_person_id(cmd.deputy_person_id());
                    d->set_role(cmd.role());
                    d->set_scope_unit_id(cmd.scope_unit_id());
                    *d->mutable_from() = ToLocalDate(*from);
                    *d->mutable_to() = ToLocalDate(*to);
                    d->set_reason(cmd.reason());
                    return e;
                  }()},
                  .created_id = id};
}

Result<Decision> RevokeDelegation(const DecideContext& c, const v1::RevokeSignOffDelegation& cmd) {
  const std::string delegator =
      cmd.delegator_person_id().empty() ? c.command.actor : cmd.delegator_person_id();
  if (auto s = LimitText(cmd.reason(), "reason", 2000); !s) return Unexpected(s.error());
  auto person = ExistingPerson(c.model, delegator, "delegator_person_id");
  if (!person) return Unexpected(person.error());
  const Delegation* found = nullptr;
  for (const Delegation& d : (*person)->delegations) {
    if (d.delegation_id == cmd.delegation_id()) found = &d;
  }
  if (found == nullptr) {
    return MakeError(ErrorCode::kNotFound,
                     fmt::format("{} has no delegation '{}'", delegator, cmd.delegation_id()),
                     "delegation_id");
  }
  if (delegator != c.command.actor) {
    if (auto s = Allowed(c, Action::kManagePeople, found->scope_unit_id); !s) {
      return Unexpected(s.error());
    }
  }
  if (found->revoked) {
    return MakeError(ErrorCode::kFailedPrecondition,
                     fmt::format("delegation '{}' is already revoked", cmd.delegation_id()));
  }
  return One([&](v1::Event& e) {
    auto* r = e.mutable_sign_off_delegation_revoked();
    r->set_delegation_id(cmd.delegation_id());
    r->set_reason(cmd.reason());
  });
}

}  // namespace

Result<Decision> DecideOrg(const DecideContext& c, const v1::Command& command) {
  switch (command.body_case()) {
    case v1::Command::kCreateOrgUnit:
      return CreateUnit(c, command.create_org_unit());
    case v1::Command::kRenameOrgUnit:
      return RenameUnit(c, command.rename_org_unit());
    case v1::Command::kMoveOrgUnit:
      return MoveUnit(c, command.move_org_unit());
    case v1::Command::kCloseOrgUnit:
      return CloseUnit(c, command.close_org_unit());
    case v1::Command::kChangeAccountablePerson:
      return ChangeAccountable(c, command.change_accountable_person());
    case v1::Command::kRegisterPerson:
      return Register(c, command.register_person());
    case v1::Command::kGrantRole:
      return Grant(c, command.grant_role());
    case v1::Command::kRevokeRole:
      return Revoke(c, command.revoke_role());
    case v1::Command::kDelegateSignOff:
      return Delegate(c, command.delegate_sign_off());
    case v1::Command::kRevokeSignOffDelegation:
      return RevokeDelegation(c, command.revoke_sign_off_delegation());
    default:
      return MakeError(ErrorCode::kInternal, "not an org command");
  }
}

}  // namespace goldthread::engine::internal
