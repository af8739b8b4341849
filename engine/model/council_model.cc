#include "engine/model/council_model.h"

#include <algorithm>
#include <cctype>

namespace goldthread::engine {
namespace {

namespace v1 = goldthread::v1;

// The id after "<tenant>/<kind>/" in a stream name ("demo/person/p-7" → "p-7").
std::string_view StreamSubject(std::string_view stream) {
  const size_t first = stream.find('/');
  if (first == std::string_view::npos) return {};
  const size_t second = stream.find('/', first + 1);
  if (second == std::string_view::npos) return {};
  return stream.substr(second + 1);
}

LocalDay DayOr(const v1::LocalDate& d, LocalDay fallback) {
  auto parsed = ParseLocalDay(d.iso(), "date");
  return parsed ? *parsed : fallback;
}

// E-mail addresses are matched without regard to ASCII case ("Jo@Council.gov.uk").
std::string AsciiLower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

template <typename Map>
auto* FindIn(Map& map, std::string_view id) {
  auto it = map.find(id);
  return it == map.end() ? nullptr : &it->second;
}

}  // namespace

void CouncilModel::Apply(const store::Envelope& envelope, const v1::Event& event) {
  if (envelope.position() <= position_) return;
  position_ = envelope.position();
  const std::string_view subject = StreamSubject(envelope.stream());
  const LocalDay recorded_day =
      LondonDayOf(TimePoint(std::chrono::seconds(envelope.recorded_at().seconds())));

  switch (event.body_case()) {
    case v1::Event::kOrgUnitCreated: {
      const auto& e = event.org_unit_created();
      OrgUnit& u = units_[e.unit_id()];
      u = OrgUnit{.id = e.unit_id(),
                  .kind = e.kind(),
                  .name = e.name(),
                  .parent_id = e.parent_unit_id(),
                  .accountable_person_id = e.accountable_person_id()};
      if (e.kind() == v1::ORG_UNIT_KIND_COUNCIL) council_id_ = e.unit_id();
      break;
    }
    case v1::Event::kOrgUnitRenamed:
      if (auto* u = FindIn(units_, event.org_unit_renamed().unit_id())) {
        u->name = event.org_unit_renamed().name();
      }
      break;
    case v1::Event::kOrgUnitMoved:
      if (auto* u = FindIn(units_, event.org_unit_moved().unit_id())) {
        u->parent_id = event.org_unit_moved().parent_unit_id();
      }
      break;
    case v1::Event::kOrgUnitClosed:
      if (auto* u = FindIn(units_, event.org_unit_closed().unit_id())) u->closed = true;
      break;
    case v1::Event::kAccountablePersonChanged:
      if (auto* u = FindIn(units_, event.accountable_person_changed().unit_id())) {
        u->accountable_person_id = event.accountable_person_changed().person_id();
      }
      break;

    case v1::Event::kPersonRegistered: {
      const auto& e = event.person_registered();
      Person& p = people_[e.person_id()];
      p.id = e.person_id();
      p.name = e.name();
      p.email = e.email();
      p.job_title = e.job_title();
      p.home_unit_id = e.home_unit_id();
      if (!e.email().empty()) person_by_email_[AsciiLower(e.email())] = e.person_id();
      break;
    }
    case v1::Event::kRoleGranted:
      if (Person* p = MutablePerson(subject)) {
        const auto& e = event.role_granted();
        p->grants.push_back(RoleGrant{.grant_id = e.grant_id(),
                                      .person_id = p->id,
                                      .role = e.role(),
                                      .scope_unit_id = e.scope_unit_id(),
                                      .effective_from = DayOr(e.effective_from(), recorded_day)});
      }
      break;
    case v1::Event::kRoleRevoked:
      if (Person* p = MutablePerson(subject)) {
        const auto& e = event.role_revoked();
        for (RoleGrant& g : p->grants) {
          if (g.grant_id == e.grant_id()) g.revoked_from = DayOr(e.effective_from(), recorded_day);
        }
      }
      break;
    case v1::Event::kSignOffDelegated:
      if (Person* p = MutablePerson(subject)) {
        const auto& e = event.sign_off_delegated();
        p->delegations.push_back(Delegation{.delegation_id = e.delegation_id(),
                                            .delegator_id = p->id,
                                            .deputy_id = e.deputy_person_id(),
                                            .role = e.role(),
                                            .scope_unit_id = e.scope_unit_id(),
                                            .from = DayOr(e.from(), recorded_day),
                                            .to = DayOr(e.to(), recorded_day)});
      }
      break;
    case v1::Event::kSignOffDelegationRevoked:
      if (Person* p = MutablePerson(subject)) {
        for (Delegation& d : p->delegations) {
          if (d.delegation_id == event.sign_off_delegation_revoked().delegation_id()) {
            d.revoked = true;
          }
        }
      }
      break;

    case v1::Event::kPriorityDefined: {
      const auto& e = event.priority_defined();
      Priority& p = priorities_[e.priority_id()];
      p.id = e.priority_id();
      p.title = e.title();
      p.owner_unit_id = e.owner_unit_id();
      break;
    }
    case v1::Event::kObjectiveAdded:
      if (auto* p = FindIn(priorities_, subject)) {
        p->objective_ids.insert(event.objective_added().objective_id());
      }
      break;
    case v1::Event::kPriorityProgressRecorded:
      break;

    case v1::Event::kIndicatorDefined: {
      const auto& e = event.indicator_defined();
      Indicator& i = indicators_[e.indicator_id()];
      i.id = e.indicator_id();
      i.definition = e.definition();
      i.definition_version = e.definition_version();
      break;
    }
    case v1::Event::kIndicatorRevised:
      if (auto* i = FindIn(indicators_, subject)) {
        i->definition = event.indicator_revised().definition();
        i->definition_version = event.indicator_revised().definition_version();
      }
      break;
    case v1::Event::kTargetSet:
      if (auto* i = FindIn(indicators_, subject)) {
        i->targets[event.target_set().period()] = event.target_set().target();
      }
      break;
    case v1::Event::kIndicatorRetired:
      if (auto* i = FindIn(indicators_, subject)) i->retired = true;
      break;

    case v1::Event::kPlanDrafted: {
      const auto& e = event.plan_drafted();
      plans_[e.plan_id()] = Plan{.id = e.plan_id(),
                                 .kind = e.kind(),
                                 .unit_id = e.unit_id(),
                                 .fiscal_year = e.fiscal_year()};
      break;
    }
    case v1::Event::kPlanCertified:
      if (auto* p = FindIn(plans_, subject)) p->certified = true;
      break;
    case v1::Event::kPlanApproved:
      if (auto* p = FindIn(plans_, subject)) {
        p->approved_by_roles.insert(event.plan_approved().role());
      }
      break;

    case v1::Event::kRiskRegistered: {
      const auto& e = event.risk_registered();
      risks_[e.risk_id()] =
          Risk{.id = e.risk_id(), .unit_id = e.unit_id(), .owner_person_id = e.owner_person_id()};
      break;
    }
    case v1::Event::kRiskClosed:
      if (auto* r = FindIn(risks_, subject)) r->closed = true;
      break;
    case v1::Event::kRiskRated:
      break;

    case v1::Event::kApiTokenIssued: {
      const auto& e = event.api_token_issued();
      tokens_[e.token_id()] = ApiToken{
          .token_id = e.token_id(),
          .person_id = e.person_id(),
          .token_sha256 = e.token_sha256(),
          .expires_at = TimePoint(std::chrono::seconds(e.expires_at().seconds()))};
      break;
    }
    case v1::Event::kApiTokenRevoked:
      if (auto* t = FindIn(tokens_, event.api_token_revoked().token_id())) t->revoked = true;
      break;

    case v1::Event::kInvitationIssued: {
      const auto& e = event.invitation_issued();
      invitations_[e.invitation_id()] = Invitation{
          .id = e.invitation_id(),
          .person_id = e.person_id(),
          .token_sha256 = e.token_sha256(),
          .expires_at = TimePoint(std::chrono::seconds(e.expires_at().seconds()))};
      Account& a = accounts_[e.person_id()];
      a.person_id = e.person_id();
      a.latest_invitation_id = e.invitation_id();
      break;
    }
    case v1::Event::kPasswordSet: {
      const auto& e = event.password_set();
      if (auto* i = FindIn(invitations_, e.invitation_id())) i->used = true;
      Account& a = accounts_[e.person_id()];
      a.person_id = e.person_id();
      a.password_hash = e.password_hash();
      break;
    }
    // Recorded for the trail; they change no rule.
    case v1::Event::kSignedIn:
    case v1::Event::kSignedOut:
    case v1::Event::kSignInFailed:
    case v1::Event::kSimulatedClockMoved:
      break;

    // Folded per stream elsewhere (figure_state.h, finding_state.h) or by projections.
    case v1::Event::kFigureSubmitted:
    case v1::Event::kFigureAmended:
    case v1::Event::kFigureSignedOff:
    case v1::Event::kFigureRejected:
    case v1::Event::kDataQualityQueryRaised:
    case v1::Event::kDataQualityQueryAnswered:
    case v1::Event::kFigureLocked:
    case v1::Event::kFigureRestated:
    case v1::Event::kFigurePublished:
    case v1::Event::kChallengeFindingRaised:
    case v1::Event::kChallengeFindingResponded:
    case v1::Event::kChallengeFindingAccepted:
    case v1::Event::kChallengeFindingReopened:
    case v1::Event::kChallengeFindingClosed:
    case v1::Event::kSelfAssessmentRecorded:
    case v1::Event::kCycleOpened:
    case v1::Event::kStageOpened:
    case v1::Event::kStageFellDue:
    case v1::Event::kStageCompleted:
    case v1::Event::kStageClosedIncomplete:
    case v1::Event::kReviewMeetingRecorded:
    case v1::Event::kStageClosed:
    case v1::Event::kReminderIssued:
    case v1::Event::kEscalationRaised:
    case v1::Event::kEscalationAcknowledged:
    case v1::Event::kNotificationAttempted:
    case v1::Event::kNotificationAbandoned:
    case v1::Event::BODY_NOT_SET:
      break;
  }
}

Person* CouncilModel::MutablePerson(std::string_view id) { return FindIn(people_, id); }

const OrgUnit* CouncilModel::Unit(std::string_view id) const { return FindIn(units_, id); }
const Person* CouncilModel::FindPerson(std::string_view id) const { return FindIn(people_, id); }
const Indicator* CouncilModel::FindIndicator(std::string_view id) const {
  return FindIn(indicators_, id);
}
const Priority* CouncilModel::FindPriority(std::string_view id) const {
  return FindIn(priorities_, id);
}
const Plan* CouncilModel::FindPlan(std::string_view id) const { return FindIn(plans_, id); }
const Risk* CouncilModel::FindRisk(std::string_view id) const { return FindIn(risks_, id); }
const ApiToken* CouncilModel::FindToken(std::string_view id) const { return FindIn(tokens_, id); }
const Invitation* CouncilModel::FindInvitation(std::string_view id) const {
  return FindIn(invitations_, id);
}
const Account* CouncilModel::FindAccount(std::string_view person_id) const {
  return FindIn(accounts_, person_id);
}
const Person* CouncilModel::FindPersonByEmail(std::string_view email) const {
  auto it = person_by_email_.find(AsciiLower(email));
  return it == person_by_email_.end() ? nullptr : FindPerson(it->second);
}

std::vector<std::string> CouncilModel::UnitAndAncestors(std::string_view unit) const {
  std::vector<std::string> chain;
  std::string current(unit);
  // A bounded walk: a (corrupt) cycle in parents cannot loop forever.
  for (size_t guard = 0; !current.empty() && guard <= units_.size(); ++guard) {
    chain.push_back(current);
    const OrgUnit* u = Unit(current);
    if (u == nullptr) break;
    current = u->parent_id;
  }
  return chain;
}

bool CouncilModel::IsWithin(std::string_view unit, std::string_view scope) const {
  for (const std::string& u : UnitAndAncestors(unit)) {
    if (u == scope) return true;
  }
  return false;
}

std::string CouncilModel::NearestOfKind(std::string_view unit, v1::OrgUnitKind kind) const {
  for (const std::string& id : UnitAndAncestors(unit)) {
    const OrgUnit* u = Unit(id);
    if (u != nullptr && u->kind == kind) return id;
  }
  return "";
}

const RoleGrant* CouncilModel::FindGrant(std::string_view person, v1::Role role,
                                         std::string_view unit, LocalDay day) const {
  const Person* p = FindPerson(person);
  if (p == nullptr) return nullptr;
  for (const RoleGrant& g : p->grants) {
    if (g.role == role && g.InForceOn(day) && IsWithin(unit, g.scope_unit_id)) return &g;
  }
  return nullptr;
}

const Delegation* CouncilModel::FindDelegation(std::string_view deputy, v1::Role role,
                                               std::string_view unit, LocalDay day) const {
  for (const auto& [id, person] : people_) {
    for (const Delegation& d : person.delegations) {
      if (d.revoked || d.deputy_id != deputy || d.role != role) continue;
      if (day < d.from || d.to < day || !IsWithin(unit, d.scope_unit_id)) continue;
      if (FindGrant(d.delegator_id, role, unit, day) != nullptr) return &d;
    }
  }
  return nullptr;
}

std::vector<std::string> CouncilModel::PeopleWithRole(v1::Role role, std::string_view unit,
                                                      LocalDay day) const {
  std::vector<std::string> out;
  for (const auto& [id, person] : people_) {
    if (FindGrant(id, role, unit, day) != nullptr) out.push_back(id);
  }
  return out;
}

std::vector<std::string> CouncilModel::PeopleWithRoleAnywhere(v1::Role role, LocalDay day) const {
  std::vector<std::string> out;
  for (const auto& [id, person] : people_) {
    for (const RoleGrant& g : person.grants) {
      if (g.role == role && g.InForceOn(day)) {
        out.push_back(id);
        break;
      }
    }
  }
  return out;
}

std::string CouncilModel::ManagerOf(std::string_view person) const {
  const Person* p = FindPerson(person);
  if (p == nullptr) return "";
  for (const std::string& unit_id : UnitAndAncestors(p->home_unit_id)) {
    const OrgUnit* u = Unit(unit_id);
    if (u != nullptr && !u->accountable_person_id.empty() && u->accountable_person_id != person) {
      return u->accountable_person_id;
    }
  }
  return "";
}

}  // namespace goldthread::engine
