// CouncilModel: the council's reference data — org units, people, role grants, delegations,
// priorities, indicators and targets, plans, risks — folded from the log.
//
// The command handler validates every command against this model (does the indicator exist,
// does the actor hold a role covering the unit on this day), and the workflow engine asks it who
// to remind and whom to escalate to. It is built only from events (Apply), so folding the same
// log always gives the same model. Figures and findings are not here: each is folded from its
// own stream when a command touches it (figure_state.h, finding_state.h).
//
//   CouncilModel model("demo");
//   for (const auto& envelope : page.events) model.Apply(envelope, *DecodeEvent(envelope));
//   if (model.HoldsRole("p-7", v1::ROLE_SERVICE_MANAGER, "svc-housing", today)) ...
//
// Threading: not synchronised. The command handler guards its model with a mutex; a model
// handed to readers must not be applied to concurrently.
#ifndef GOLDTHREAD_ENGINE_MODEL_COUNCIL_MODEL_H_
#define GOLDTHREAD_ENGINE_MODEL_COUNCIL_MODEL_H_

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "engine/model/local_date.h"
#include "goldthread/v1/events.pb.h"
#include "store/event_store.h"

namespace goldthread::engine {

struct OrgUnit {
  std::string id;
  goldthread::v1::OrgUnitKind kind = goldthread::v1::ORG_UNIT_KIND_UNSPECIFIED;
  std::string name;
  std::string parent_id;  // empty for the council
  std::string accountable_person_id;
  bool closed = false;
};

struct RoleGrant {
  std::string grant_id;
  std::string person_id;
  goldthread::v1::Role role = goldthread::v1::ROLE_UNSPECIFIED;
  std::string scope_unit_id;
  LocalDay effective_from;
  // First day the grant no longer has effect; unset while it stands.
  std::optional<LocalDay> revoked_from;

  bool InForceOn(LocalDay day) const {
    return effective_from <= day && (!revoked_from || day < *revoked_from);
  }
};

struct Delegation {
  std::string delegation_id;
  std::string delegator_id;
  std::string deputy_id;
  goldthread::v1::Role role = goldthread::v1::ROLE_UNSPECIFIED;
  std::string scope_unit_id;
  LocalDay from;
  LocalDay to;  // inclusive
  bool revoked = false;
};

struct Person {
  std::string id;
  std::string name;
  std::string email;
  std::string job_title;
  std::string home_unit_id;
  std::vector<RoleGrant> grants;
  std::vector<Delegation> delegations;  // given by this person
};

struct Indicator {
  std::string id;
  goldthread::v1::IndicatorDefinition definition;  // the current version
  uint32_t definition_version = 0;
  bool retired = false;
  std::map<std::string, double> targets;  // by period id
};

struct Priority {
  std::string id;
  std::string title;
  std::string owner_unit_id;
  std::set<std::string> objective_ids;
};

struct Plan {
  std::string id;
  goldthread::v1::PlanKind kind = goldthread::v1::PLAN_KIND_UNSPECIFIED;
  std::string unit_id;
  int fiscal_year = 0;
  bool certified = false;
  std::set<int> approved_by_roles;  // goldthread::v1::Role values
};

struct ApiToken {
  std::string token_id;
  std::string person_id;
  std::string token_sha256;  // 32 bytes
  TimePoint expires_at;
  bool revoked = false;
};

// A web sign-in invitation (InvitationIssued): a one-time link to set a password.
struct Invitation {
  std::string id;
  std::string person_id;
  std::string token_sha256;  // 32 bytes
  TimePoint expires_at;
  bool used = false;
};

// A person's web sign-in account: the password set through their latest invitation.
struct Account {
  std::string person_id;
  std::string password_hash;  // Argon2id string; empty until a password is set
  std::string latest_invitation_id;
};

struct Risk {
  std::string id;
  std::string unit_id;
  std::string owner_person_id;
  bool closed = false;
};

class CouncilModel {
 public:
  explicit CouncilModel(std::string tenant) : tenant_(std::move(tenant)) {}

  // Folds one event of the log. Events about figures and findings are counted but otherwise
  // ignored. Positions must be applied in order; an event at or before position() is skipped.
  void Apply(const store::Envelope& envelope, const goldthread::v1::Event& event);
  // The last position applied (0 before any).
  uint64_t position() const { return position_; }
  const std::string& tenant() const { return tenant_; }

  const OrgUnit* Unit(std::string_view id) const;
  const Person* FindPerson(std::string_view id) const;
  const Indicator* FindIndicator(std::string_view id) const;
  const Priority* FindPriority(std::string_view id) const;
  const Plan* FindPlan(std::string_view id) const;
  const Risk* FindRisk(std::string_view id) const;
  const ApiToken* FindToken(std::string_view id) const;
  const Invitation* FindInvitation(std::string_view id) const;
  // The person's sign-in account, or null when they were never invited.
  const Account* FindAccount(std::string_view person_id) const;
  // The person registered with `email` (compared without regard to ASCII case), or null.
  const Person* FindPersonByEmail(std::string_view email) const;
  bool HasCouncil() const { return !council_id_.empty(); }
  const std::string& council_id() const { return council_id_; }
  const std::map<std::string, OrgUnit, std::less<>>& units() const { return units_; }
  const std::map<std::string, Person, std::less<>>& people() const { return people_; }
  const std::map<std::string, Indicator, std::less<>>& indicators() const { return indicators_; }
  const std::map<std::string, Priority, std::less<>>& priorities() const { return priorities_; }

  // True when `unit` is `scope` or lies below it.
  bool IsWithin(std::string_view unit, std::string_view scope) const;
  // The unit and its ancestors, nearest first (the unit itself first).
  std::vector<std::string> UnitAndAncestors(std::string_view unit) const;
  // The nearest unit of `kind` at or above `unit`; empty when none.
  std::string NearestOfKind(std::string_view unit, goldthread::v1::OrgUnitKind kind) const;

  // The grant by which `person` holds `role` on a scope covering `unit` on `day`, or null.
  const RoleGrant* FindGrant(std::string_view person, goldthread::v1::Role role,
                             std::string_view unit, LocalDay day) const;
  // A delegation in force on `day` that lets `deputy` act as a holder of `role` covering `unit`
  // (the delegator must themselves hold the role then), or null.
  const Delegation* FindDelegation(std::string_view deputy, goldthread::v1::Role role,
                                   std::string_view unit, LocalDay day) const;
  // Everyone holding `role` on a scope covering `unit` on `day`, by person id.
  std::vector<std::string> PeopleWithRole(goldthread::v1::Role role, std::string_view unit,
                                          LocalDay day) const;
  // Everyone holding `role` on any scope on `day`, by person id.
  std::vector<std::string> PeopleWithRoleAnywhere(goldthread::v1::Role role, LocalDay day) const;
  // The person's manager: the accountable person of their home unit, or of its parent when
  // they are that accountable person. Empty when none is recorded.
  std::string ManagerOf(std::string_view person) const;

 private:
  Person* MutablePerson(std::string_view id);

  std::string tenant_;
  uint64_t position_ = 0;
  std::string council_id_;
  std::map<std::string, OrgUnit, std::less<>> units_;
  std::map<std::string, Person, std::less<>> people_;
  std::map<std::string, Indicator, std::less<>> indicators_;
  std::map<std::string, Priority, std::less<>> priorities_;
  std::map<std::string, Plan, std::less<>> plans_;
  std::map<std::string, Risk, std::less<>> risks_;
  std::map<std::string, ApiToken, std::less<>> tokens_;
  std::map<std::string, Invitation, std::less<>> invitations_;
  std::map<std::string, Account, std::less<>> accounts_;
  std::map<std::string, std::string, std::less<>> person_by_email_;  // lower-cased e-mail → id
};

}  // namespace goldthread::engine

#endif  // GOLDTHREAD_ENGINE_MODEL_COUNCIL_MODEL_H_
