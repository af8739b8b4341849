// Reference views: the council model's org units, people and indicators as the API's answers
// (IndicatorView, OrgUnitList, PersonView in read_models.proto).
//
// They show the reference data as it stands in the model given — the command handler's, caught
// up to the head, for the API — so a page lists exactly what commands are decided against.
// Who may see which item is not decided here: the API asks the authority table (kReadIndicator,
// kReadOrgStructure, kReadPerson) for each.
//
//   IndicatorView view = IndicatorViewOf(model, *model.FindIndicator("NI-192"));
//   OrgUnitList tree = OrgUnitTree(model);  // depth first from the council
//
// Pure functions of the model; thread-safe as long as the model is not being changed.
#ifndef GOLDTHREAD_ENGINE_READ_REFERENCE_VIEWS_H_
#define GOLDTHREAD_ENGINE_READ_REFERENCE_VIEWS_H_

#include "engine/model/council_model.h"
#include "engine/model/local_date.h"
#include "goldthread/v1/read_models.pb.h"

namespace goldthread::engine {

// The indicator's current pro forma, its owning unit's name and every target, by period id.
goldthread::v1::IndicatorView IndicatorViewOf(const CouncilModel& model,
                                              const Indicator& indicator);

// Every org unit, closed ones included, depth first from the council; children in name order
// (then id). Units whose parent chain does not reach the council (none, in a model built from
// events) come last, by id, at depth 0.
goldthread::v1::OrgUnitList OrgUnitTree(const CouncilModel& model);

// The person and every grant made to them, in the order made; `in_force` judged on `today`.
goldthread::v1::PersonView PersonViewOf(const Person& person, LocalDay today);

}  // namespace goldthread::engine

#endif  // GOLDTHREAD_ENGINE_READ_REFERENCE_VIEWS_H_
