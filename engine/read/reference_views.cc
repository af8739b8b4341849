#include "engine/read/reference_views.h"

#include <algorithm>
#include <map>
#include <set>
#include <vector>

namespace goldthread::engine {

namespace v1 = goldthread::v1;

v1::IndicatorView IndicatorViewOf(const CouncilModel& model, const Indicator& indicator) {
  v1::IndicatorView view;
  view.set_indicator_id(indicator.id);
  *view.mutable_definition() = indicator.definition;
  view.set_definition_version(indicator.definition_version);
  view.set_retired(indicator.retired);
  if (const OrgUnit* unit = model.Unit(indicator.definition.owning_unit_id())) {
    view.set_owning_unit_name(unit->name);
  }
  for (const auto& [period, target] : indicator.targets) {
    v1::PeriodTarget* t = view.add_targets();
    t->set_period(period);
    t->set_target(target);
  }
  return view;
}

v1::OrgUnitList OrgUnitTree(const CouncilModel& model) {
  std::map<std::string, std::vector<const OrgUnit*>> children;
  for (const auto& [id, unit] : model.units()) children[unit.parent_id].push_back(&unit);
  for (auto& [parent, list] : children) {
    std::sort(list.begin(), list.end(), [](const OrgUnit* a, const OrgUnit* b) {
      return a->name != b->name ? a->name < b->name : a->id < b->id;
    });
  }
  v1::OrgUnitList out;
  std::set<std::string> placed;
  // Depth first, iteratively (a deep or cyclic chain cannot overflow the stack: each unit is
  // placed once).
  std::vector<std::pair<const OrgUnit*, uint32_t>> stack;
  auto push_children = [&](const std::string& parent, uint32_t depth) {
    auto it = children.find(parent);
    if (it == children.end()) return;
    for (auto c = it->second.rbegin(); c != it->second.rend(); ++c) stack.emplace_back(*c, depth);
  };
  push_children("", 0);
  while (!stack.empty()) {
    auto [unit, depth] = stack.back();
    stack.pop_back();
    if (!placed.insert(unit->id).second) continue;
    v1::OrgUnitView* view = out.add_units();
    view->set_unit_id(unit->id);
    view->set_kind(unit->kind);
    view->set_name(unit->name);
    view->set_parent_unit_id(unit->parent_id);
    view->set_accountable_person_id(unit->accountable_person_id);
    view->set_closed(unit->closed);
    view->set_depth(depth);
    push_children(unit->id, depth + 1);
  }
  for (const auto& [id, unit] : model.units()) {
    if (placed.count(id)) continue;
    v1::OrgUnitView* view = out.add_units();
    view->set_unit_id(unit.id);
    view->set_kind(unit.kind);
    view->set_name(unit.name);
    view->set_parent_unit_id(unit.parent_id);
    view->set_accountable_person_id(unit.accountable_person_id);
    view->set_closed(unit.closed);
  }
  return out;
}

v1::PersonView PersonViewOf(const Person& person, LocalDay today) {
  v1::PersonView view;
  view.set_person_id(person.id);
  view.set_name(person.name);
  view.set_email(person.email);
  view.set_job_title(person.job_title);
  view.set_home_unit_id(person.home_unit_id);
  for (const RoleGrant& g : person.grants) {
    v1::RoleGrantView* grant = view.add_grants();
    grant->set_grant_id(g.grant_id);
    grant->set_role(g.role);
    grant->set_scope_unit_id(g.scope_unit_id);
    *grant->mutable_effective_from() = ToLocalDate(g.effective_from);
    if (g.revoked_from) *grant->mutable_revoked_from() = ToLocalDate(*g.revoked_from);
    grant->set_in_force(g.InForceOn(today));
  }
  return view;
}

}  // namespace goldthread::engine
