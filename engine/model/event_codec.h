// Event codec and stream names: how domain events become store records and back.
//
// Every event is stored as one serialised goldthread.v1.Event in an envelope whose `type` is
// "goldthread.v1.<MessageName>" (EventTypeName). Streams are named after the thing an event is
// about, always starting with the tenant id:
//
//   <tenant>/org                          org units
//   <tenant>/person/<person>              a person, their role grants and delegations
//   <tenant>/priority/<priority>          a priority, its objectives and progress
//   <tenant>/indicator/<indicator>        a pro forma, its versions and targets
//   <tenant>/figure/<indicator>/<period>  one figure: values, sign-offs, queries, lock, ...
//   <tenant>/finding/<finding>            a challenge finding
//   <tenant>/plan/<plan>                  a directorate or service plan
//   <tenant>/risk/<risk>                  a risk
//   <tenant>/assessment/<unit>/<period>   a unit's self-assessment
//   <tenant>/cycle/<workflow>/<period>    a reporting cycle and its stages
//   <tenant>/delivery/<delivery id>       a notification delivery's attempts (engine/outbox.h)
//
// All functions are pure and thread-safe.
#ifndef GOLDTHREAD_ENGINE_MODEL_EVENT_CODEC_H_
#define GOLDTHREAD_ENGINE_MODEL_EVENT_CODEC_H_

#include <string>
#include <string_view>

#include "goldthread/v1/events.pb.h"
#include "store/event_store.h"

namespace goldthread::engine {

std::string OrgStream(std::string_view tenant);
std::string PersonStream(std::string_view tenant, std::string_view person_id);
std::string PriorityStream(std::string_view tenant, std::string_view priority_id);
std::string IndicatorStream(std::string_view tenant, std::string_view indicator_id);
std::string FigureStream(std::string_view tenant, std::string_view indicator_id,
                         std::string_view period);
std::string FindingStream(std::string_view tenant, std::string_view finding_id);
std::string PlanStream(std::string_view tenant, std::string_view plan_id);
std::string RiskStream(std::string_view tenant, std::string_view risk_id);
std::string AssessmentStream(std::string_view tenant, std::string_view unit_id,
                             std::string_view period);
std::string TokenStream(std::string_view tenant, std::string_view token_id);
// A person's web sign-in account; `person_id` "unknown" holds failures naming nobody.
std::string AccountStream(std::string_view tenant, std::string_view person_id);
// `serve --simulate`: who moved the simulated clock, when, from and to.
std::string ClockStream(std::string_view tenant);
std::string CycleStream(std::string_view tenant, std::string_view workflow_id,
                        std::string_view period);

// "goldthread.v1.FigureSubmitted" for an Event whose body is a FigureSubmitted; "" when unset.
std::string EventTypeName(const goldthread::v1::Event& event);
// The store record for `event`.
store::NewEvent EncodeEvent(const goldthread::v1::Event& event);
// The event in `envelope`; InvalidArgument when the payload is not an Event or is redacted
// (a redacted payload decodes to an Event with no body: callers skip it).
Result<goldthread::v1::Event> DecodeEvent(const store::Envelope& envelope);

// Checks an id a person chose (an indicator, unit, person, priority id): 1-64 characters of
// [A-Za-z0-9._-], starting with a letter or digit. InvalidArgument naming `field` otherwise.
Status CheckId(std::string_view id, std::string_view field);
// Checks a tenant id: 1-32 characters of [a-z0-9-].
Status CheckTenant(std::string_view tenant);

// A stable id derived from a command id, for things the engine names (findings, grants, ...):
// `prefix` followed by 10 hex digits of SHA-256(command id). A repeated command derives the
// same id.
std::string DerivedId(std::string_view prefix, std::string_view command_id);

}  // namespace goldthread::engine

#endif  // GOLDTHREAD_ENGINE_MODEL_EVENT_CODEC_H_
