// The lists the web pages (and any client) choose from: indicators, org units, people,
// challenge findings and cycles, each with a single-item route.
//
//   GET /api/v1/indicators[?org_unit=&priority=&perspective=&frequency=&status=&from=&limit=]
//   GET /api/v1/indicators/{indicator_id}
//   GET /api/v1/org-units[?org_unit=&kind=&status=]          GET /api/v1/org-units/{unit_id}
//   GET /api/v1/people[?org_unit=&role=&from=&limit=]          GET /api/v1/people/{person_id}
//   GET /api/v1/findings[?status=&org_unit=&indicator=&period=&stage=&owner=&from=&limit=
//                        &as_of=|at_position=]
//   GET /api/v1/findings/{finding_id}[?as_of=|at_position=]
//   GET /api/v1/cycles[?workflow=&period=&status=&as_of=|at_position=]
//
// Indicators, org units and people are the reference data as it stands now: the council model
// the commands are decided against (so as_of and at_position are refused with 400 there).
// Findings and cycles are read models, answered as of any point of the log.
//
// Who sees what is the authority table's (engine/model/authority.h), asked for every item:
//   - an indicator / a finding: kReadIndicator / kReadFinding on its unit — a role whose scope
//     covers it, or the auditor, performance team or admin role anywhere;
//   - a person: oneself always (kReadOwnAccount); others by kReadPerson on their home unit — a
//     role covering it, or the auditor, performance team or admin role anywhere;
//   - the org structure and cycles: kReadOrgStructure / kReadCycle — anyone with a role in force
//     (403 otherwise).
// A list holds only what the caller may read; with `org_unit=U` the caller must be allowed the
// read on U itself (403 otherwise), and the list is U and everything below it.
//
// Filter values are checked: an unknown enum name, status, unit, priority or a malformed period
// is 400 naming the parameter. Long lists are paged by id: `from` (the first id to include,
// default the first) and `limit` (1 to 1000, default 100); `next` is the id to ask for next,
// "" after the last page. Every answer is a read_models.proto message in the JSON mapping.
// Nothing here writes to the log.
#include <fmt/format.h>
#include <google/protobuf/descriptor.h>
#include <google/protobuf/util/json_util.h>

#include <variant>

#include "adapters/api/api.h"
#include "engine/model/council_model.h"
#include "engine/model/local_date.h"
#include "engine/model/period.h"
#include "engine/read/reference_views.h"

namespace goldthread::adapters {

namespace v1 = goldthread::v1;
using boost::beast::http::verb;

namespace {

HttpResponse Invalid(const std::string& detail, const std::string& field) {
  return Problem(400, "/problems/validation", "The request is not valid", detail, field);
}

HttpResponse Encode(const google::protobuf::Message& m) {
  HttpResponse r;
  google::protobuf::util::JsonPrintOptions options;
  options.always_print_primitive_fields = true;
  if (!google::protobuf::util::MessageToJsonString(m, &r.body, options).ok()) {
    return Problem(500, "/problems/internal", "Internal error", "the answer could not be encoded");
  }
  return r;
}

std::string Query(const HttpRequest& request, const char* name) {
  auto it = request.query.find(name);
  return it == request.query.end() ? "" : it->second;
}

bool Has(const HttpRequest& request, const char* name) { return request.query.count(name) > 0; }

// `from` and `limit`, as /log takes them but with an id for `from`.
struct Paging {
  std::string from;
  size_t limit = 100;
};

std::variant<Paging, HttpResponse> ParsePaging(const HttpRequest& request) {
  Paging paging;
  paging.from = Query(request, "from");
  if (Has(request, "limit")) {
    const std::string v = Query(request, "limit");
    if (v.empty() || v.size() > 4 || v.find_first_not_of("0123456789") != std::string::npos ||
        std::stoul(v) == 0 || std::stoul(v) > 1000) {
      return Invalid("limit is 1 to 1000", "limit");
    }
    paging.limit = std::stoul(v);
  }
  return paging;
}

// Collects the ids that pass, from `from` on, up to `limit`; `next` is the first id past it.
struct Page {
  explicit Page(const Paging& paging) : paging_(paging) {}
  // Whether `id` (offered in ascending order, already filtered) goes on this page.
  bool Take(const std::string& id) {
    if (id < paging_.from || !next.empty()) return false;
    if (taken_ == paging_.limit) {
      next = id;
      return false;
    }
    ++taken_;
    return true;
  }
  std::string next;

 private:
  const Paging paging_;
  size_t taken_ = 0;
};

// An enum value named as in the JSON mapping ("ROLE_DIRECTOR"); the UNSPECIFIED value and
// unknown names are refused. Empty `value` (the parameter absent) is 0.
template <typename E>
std::variant<E, HttpResponse> ParseEnum(const google::protobuf::EnumDescriptor* descriptor,
                                        const HttpRequest& request, const char* name) {
  if (!Has(request, name)) return static_cast<E>(0);
  const std::string v = Query(request, name);
  const auto* value = descriptor->FindValueByName(v);
  if (value == nullptr || value->number() == 0) {
    std::string names;
    for (int i = 1; i < descriptor->value_count(); ++i) {
      if (!names.empty()) names += ", ";
      names += descriptor->value(i)->name();
    }
    return Invalid(fmt::format("{} is one of {}", name, names), name);
  }
  return static_cast<E>(value->number());
}

// One of `allowed` (the first is the default when the parameter is absent).
std::variant<std::string, HttpResponse> ParseChoice(const HttpRequest& request, const char* name,
                                                    std::initializer_list<const char*> allowed) {
  if (!Has(request, name)) return std::string(*allowed.begin());
  const std::string v = Query(request, name);
  std::string names;
  for (const char* a : allowed) {
    if (v == a) return v;
    if (!names.empty()) names += ", ";
    names += a;
  }
  return Invalid(fmt::format("{} is one of {}", name, names), name);
}

// A period id, checked; "" when absent.
std::variant<std::string, HttpResponse> ParsePeriodFilter(const HttpRequest& request,
                                                          const char* name) {
  if (!Has(request, name)) return std::string();
  auto period = engine::Period::Parse(Query(request, name));
  if (!period) return Invalid(period.error().message, name);
  return period->id();
}

// Reference data answers as it stands now.
std::optional<HttpResponse> RefuseAsOf(const HttpRequest& request) {
  for (const char* name : {"as_of", "at_position"}) {
    if (Has(request, name)) {
      return Invalid(
          fmt::format("{} is not taken here: reference data answers as it stands now", name), name);
    }
  }
  return std::nullopt;
}

bool Allowed(const engine::CouncilModel& model, const std::string& person, engine::Action action,
             std::string_view unit, engine::LocalDay today) {
  return static_cast<bool>(engine::Authorize(model, person, {.action = action}, unit, today));
}

// The 403 for a read refused on `unit`, or nullopt.
std::optional<HttpResponse> Refusal(const engine::CouncilModel& model, const std::string& person,
                                    engine::Action action, std::string_view unit,
                                    engine::LocalDay today) {
  auto allowed = engine::Authorize(model, person, {.action = action}, unit, today);
  if (allowed) return std::nullopt;
  return Problem(403, "/problems/forbidden", "Not allowed", allowed.error().message);
}

// `org_unit=U`: "" when absent; 400 when U is not a unit.
std::variant<std::string, HttpResponse> ParseUnitFilter(const engine::CouncilModel& model,
                                                        const HttpRequest& request) {
  if (!Has(request, "org_unit")) return std::string();
  const std::string unit = Query(request, "org_unit");
  if (model.Unit(unit) == nullptr) {
    return Invalid(fmt::format("there is no org unit '{}'", unit), "org_unit");
  }
  return unit;
}

// Runs `read` on the handler's council model; the answer it sets, or the model's error.
HttpResponse OnModel(engine::CommandHandler* handler,
                     const std::function<HttpResponse(const engine::CouncilModel&)>& read) {
  HttpResponse out;
  Status s = handler->ReadModel([&](const engine::CouncilModel& model) { out = read(model); });
  if (!s) return StoreUnavailable(s.error());
  return out;
}

}  // namespace

HttpResponse Api::ListIndicators(const std::string& person, const HttpRequest& request) {
  if (auto refused = RefuseAsOf(request)) return std::move(*refused);
  auto paging = ParsePaging(request);
  if (auto* e = std::get_if<HttpResponse>(&paging)) return std::move(*e);
  auto status = ParseChoice(request, "status", {"live", "retired", "all"});
  if (auto* e = std::get_if<HttpResponse>(&status)) return std::move(*e);
  auto perspective =
      ParseEnum<v1::Perspective>(v1::Perspective_descriptor(), request, "perspective");
  if (auto* e = std::get_if<HttpResponse>(&perspective)) return std::move(*e);
  auto frequency = ParseEnum<v1::Frequency>(v1::Frequency_descriptor(), request, "frequency");
  if (auto* e = std::get_if<HttpResponse>(&frequency)) return std::move(*e);
  const engine::LocalDay today = engine::LondonDayOf(handler_->clock().Now());
  return OnModel(handler_, [&](const engine::CouncilModel& model) -> HttpResponse {
    auto unit = ParseUnitFilter(model, request);
    if (auto* e = std::get_if<HttpResponse>(&unit)) return std::move(*e);
    const std::string& scope = std::get<std::string>(unit);
    const std::string priority = Query(request, "priority");
    if (Has(request, "priority") && model.FindPriority(priority) == nullptr) {
      return Invalid(fmt::format("there is no priority '{}'", priority), "priority");
    }
    if (!scope.empty()) {
      if (auto refused = Refusal(model, person, engine::Action::kReadIndicator, scope, today)) {
        return std::move(*refused);
      }
    }
    const std::string& wanted = std::get<std::string>(status);
    Page page(std::get<Paging>(paging));
    v1::IndicatorList list;
    for (const auto& [id, indicator] : model.indicators()) {
      const v1::IndicatorDefinition& d = indicator.definition;
      if ((wanted == "live" && indicator.retired) || (wanted == "retired" && !indicator.retired)) {
        continue;
      }
      if (!scope.empty() && !model.IsWithin(d.owning_unit_id(), scope)) continue;
      if (!priority.empty() && d.priority_id() != priority) continue;
      if (std::get<v1::Perspective>(perspective) != 0 &&
          d.perspective() != std::get<v1::Perspective>(perspective)) {
        continue;
      }
      if (std::get<v1::Frequency>(frequency) != 0 &&
          d.frequency() != std::get<v1::Frequency>(frequency)) {
        continue;
      }
      if (!Allowed(model, person, engine::Action::kReadIndicator, d.owning_unit_id(), today)) {
        continue;
      }
      if (page.Take(id)) *list.add_indicators() = engine::IndicatorViewOf(model, indicator);
    }
    list.set_next(page.next);
    return Encode(list);
  });
}

HttpResponse Api::GetIndicator(const std::string& person, const HttpRequest& request) {
  if (auto refused = RefuseAsOf(request)) return std::move(*refused);
  const std::string& id = request.params.at("indicator_id");
  const engine::LocalDay today = engine::LondonDayOf(handler_->clock().Now());
  return OnModel(handler_, [&](const engine::CouncilModel& model) -> HttpResponse {
    const engine::Indicator* indicator = model.FindIndicator(id);
    if (indicator == nullptr) {
      return Problem(404, "/problems/not-found", "Not found",
                     fmt::format("there is no indicator '{}'", id), "indicator_id");
    }
    if (auto refused = Refusal(model, person, engine::Action::kReadIndicator,
                               indicator->definition.owning_unit_id(), today)) {
      return std::move(*refused);
    }
    return Encode(engine::IndicatorViewOf(model, *indicator));
  });
}

HttpResponse Api::ListOrgUnits(const std::string& person, const HttpRequest& request) {
  if (auto refused = RefuseAsOf(request)) return std::move(*refused);
  auto status = ParseChoice(request, "status", {"open", "closed", "all"});
  if (auto* e = std::get_if<HttpResponse>(&status)) return std::move(*e);
  auto kind = ParseEnum<v1::OrgUnitKind>(v1::OrgUnitKind_descriptor(), request, "kind");
  if (auto* e = std::get_if<HttpResponse>(&kind)) return std::move(*e);
  const engine::LocalDay today = engine::LondonDayOf(handler_->clock().Now());
  return OnModel(handler_, [&](const engine::CouncilModel& model) -> HttpResponse {
    auto unit = ParseUnitFilter(model, request);
    if (auto* e = std::get_if<HttpResponse>(&unit)) return std::move(*e);
    const std::string& scope = std::get<std::string>(unit);
    if (auto refused =
            Refusal(model, person, engine::Action::kReadOrgStructure, model.council_id(), today)) {
      return std::move(*refused);
    }
    const std::string& wanted = std::get<std::string>(status);
    v1::OrgUnitList tree = engine::OrgUnitTree(model);
    v1::OrgUnitList list;
    for (v1::OrgUnitView& u : *tree.mutable_units()) {
      if ((wanted == "open" && u.closed()) || (wanted == "closed" && !u.closed())) continue;
      if (std::get<v1::OrgUnitKind>(kind) != 0 && u.kind() != std::get<v1::OrgUnitKind>(kind)) {
        continue;
      }
      if (!scope.empty() && !model.IsWithin(u.unit_id(), scope)) continue;
      *list.add_units() = std::move(u);
    }
    return Encode(list);
  });
}

HttpResponse Api::GetOrgUnit(const std::string& person, const HttpRequest& request) {
  if (auto refused = RefuseAsOf(request)) return std::move(*refused);
  const std::string& id = request.params.at("unit_id");
  const engine::LocalDay today = engine::LondonDayOf(handler_->clock().Now());
  return OnModel(handler_, [&](const engine::CouncilModel& model) -> HttpResponse {
    if (model.Unit(id) == nullptr) {
      return Problem(404, "/problems/not-found", "Not found",
                     fmt::format("there is no org unit '{}'", id), "unit_id");
    }
    if (auto refused =
            Refusal(model, person, engine::Action::kReadOrgStructure, model.council_id(), today)) {
      return std::move(*refused);
    }
    const v1::OrgUnitList tree = engine::OrgUnitTree(model);
    for (const v1::OrgUnitView& u : tree.units()) {
      if (u.unit_id() == id) return Encode(u);
    }
    return Problem(500, "/problems/internal", "Internal error", "the unit is not in the tree");
  });
}

HttpResponse Api::ListPeople(const std::string& person, const HttpRequest& request) {
  if (auto refused = RefuseAsOf(request)) return std::move(*refused);
  auto paging = ParsePaging(request);
  if (auto* e = std::get_if<HttpResponse>(&paging)) return std::move(*e);
  auto role = ParseEnum<v1::Role>(v1::Role_descriptor(), request, "role");
  if (auto* e = std::get_if<HttpResponse>(&role)) return std::move(*e);
  const engine::LocalDay today = engine::LondonDayOf(handler_->clock().Now());
  return OnModel(handler_, [&](const engine::CouncilModel& model) -> HttpResponse {
    auto unit = ParseUnitFilter(model, request);
    if (auto* e = std::get_if<HttpResponse>(&unit)) return std::move(*e);
    const std::string& scope = std::get<std::string>(unit);
    if (!scope.empty()) {
      if (auto refused = Refusal(model, person, engine::Action::kReadPerson, scope, today)) {
        return std::move(*refused);
      }
    }
    const v1::Role wanted_role = std::get<v1::Role>(role);
    Page page(std::get<Paging>(paging));
    v1::PersonList list;
    for (const auto& [id, p] : model.people()) {
      if (!scope.empty() && !model.IsWithin(p.home_unit_id, scope)) continue;
      if (wanted_role != v1::ROLE_UNSPECIFIED &&
          std::none_of(p.grants.begin(), p.grants.end(), [&](const engine::RoleGrant& g) {
            return g.role == wanted_role && g.InForceOn(today);
          })) {
        continue;
      }
      if (id != person &&
          !Allowed(model, person, engine::Action::kReadPerson, p.home_unit_id, today)) {
        continue;
      }
      if (page.Take(id)) *list.add_people() = engine::PersonViewOf(p, today);
    }
    list.set_next(page.next);
    return Encode(list);
  });
}

HttpResponse Api::GetPerson(const std::string& person, const HttpRequest& request) {
  if (auto refused = RefuseAsOf(request)) return std::move(*refused);
  const std::string& id = request.params.at("person_id");
  const engine::LocalDay today = engine::LondonDayOf(handler_->clock().Now());
  return OnModel(handler_, [&](const engine::CouncilModel& model) -> HttpResponse {
    const engine::Person* p = model.FindPerson(id);
    if (p == nullptr) {
      return Problem(404, "/problems/not-found", "Not found",
                     fmt::format("there is no person '{}'", id), "person_id");
    }
    if (auto refused =
            Refusal(model, person,
                    id == person ? engine::Action::kReadOwnAccount : engine::Action::kReadPerson,
                    p->home_unit_id, today)) {
      return std::move(*refused);
    }
    return Encode(engine::PersonViewOf(*p, today));
  });
}

HttpResponse Api::ListFindings(const std::string& person, const engine::AsOf& as_of,
                               const HttpRequest& request) {
  auto paging = ParsePaging(request);
  if (auto* e = std::get_if<HttpResponse>(&paging)) return std::move(*e);
  auto status = ParseChoice(request, "status",
                            {"all", "unresolved", "open", "responded", "accepted", "closed"});
  if (auto* e = std::get_if<HttpResponse>(&status)) return std::move(*e);
  auto stage = ParseEnum<v1::ChallengeStage>(v1::ChallengeStage_descriptor(), request, "stage");
  if (auto* e = std::get_if<HttpResponse>(&stage)) return std::move(*e);
  auto period = ParsePeriodFilter(request, "period");
  if (auto* e = std::get_if<HttpResponse>(&period)) return std::move(*e);
  auto all = options_.read_models->Findings(as_of);
  if (!all) return ProblemFromError(all.error());
  const engine::LocalDay today = engine::LondonDayOf(handler_->clock().Now());
  return OnModel(handler_, [&](const engine::CouncilModel& model) -> HttpResponse {
    auto unit = ParseUnitFilter(model, request);
    if (auto* e = std::get_if<HttpResponse>(&unit)) return std::move(*e);
    const std::string& scope = std::get<std::string>(unit);
    if (!scope.empty()) {
      if (auto refused = Refusal(model, person, engine::Action::kReadFinding, scope, today)) {
        return std::move(*refused);
      }
    }
    const std::string& wanted = std::get<std::string>(status);
    const std::string indicator = Query(request, "indicator");
    const std::string owner = Query(request, "owner");
    const std::string& wanted_period = std::get<std::string>(period);
    Page page(std::get<Paging>(paging));
    v1::FindingList list;
    *list.mutable_as_of() = all->as_of();
    *list.mutable_evaluated_at() = all->evaluated_at();
    for (v1::FindingView& f : *all->mutable_findings()) {
      const bool status_differs = wanted == "unresolved"
                                      ? f.status() == "closed"
                                      : (wanted != "all" && f.status() != wanted);
      if (status_differs) continue;
      if (!scope.empty() && !model.IsWithin(f.unit_id(), scope)) continue;
      const v1::FindingSubject& subject = f.subject();
      const std::string& subject_indicator =
          subject.has_figure() ? subject.figure().indicator_id() : subject.indicator_id();
      if (Has(request, "indicator") && subject_indicator != indicator) continue;
      if (!wanted_period.empty() &&
          (!subject.has_figure() || subject.figure().period() != wanted_period)) {
        continue;
      }
      if (std::get<v1::ChallengeStage>(stage) != 0 &&
          f.stage() != std::get<v1::ChallengeStage>(stage)) {
        continue;
      }
      if (Has(request, "owner") && f.owner_person_id() != owner) continue;
      if (!Allowed(model, person, engine::Action::kReadFinding, f.unit_id(), today)) continue;
      if (page.Take(f.finding_id())) *list.add_findings() = std::move(f);
    }
    list.set_next(page.next);
    return Encode(list);
  });
}

HttpResponse Api::GetFinding(const std::string& person, const engine::AsOf& as_of,
                             const HttpRequest& request) {
  auto finding = options_.read_models->Finding(request.params.at("finding_id"), as_of);
  if (!finding) return ProblemFromError(finding.error());
  if (auto refused = RefuseRead(person, engine::Action::kReadFinding, finding->unit_id())) {
    return std::move(*refused);
  }
  return Encode(*finding);
}

HttpResponse Api::ListCycles(const std::string& person, const engine::AsOf& as_of,
                             const HttpRequest& request) {
  auto status = ParseChoice(request, "status", {"all", "open", "closed"});
  if (auto* e = std::get_if<HttpResponse>(&status)) return std::move(*e);
  auto period = ParsePeriodFilter(request, "period");
  if (auto* e = std::get_if<HttpResponse>(&period)) return std::move(*e);
  if (auto refused = RefuseRead(person, engine::Action::kReadCycle)) {
    return std::move(*refused);
  }
  if (!handler_->options().timetables) {
    return Problem(503, "/problems/unavailable", "Not available", "no timetables are loaded");
  }
  auto all = options_.read_models->Cycles(handler_->options().timetables, as_of);
  if (!all) return ProblemFromError(all.error());
  const std::string& wanted = std::get<std::string>(status);
  const std::string& wanted_period = std::get<std::string>(period);
  const std::string workflow = Query(request, "workflow");
  v1::CycleList list;
  *list.mutable_as_of() = all->as_of();
  *list.mutable_evaluated_at() = all->evaluated_at();
  for (v1::CycleView& c : *all->mutable_cycles()) {
    if (wanted != "all" && c.status() != wanted) continue;
    if (!wanted_period.empty() && c.period() != wanted_period) continue;
    if (Has(request, "workflow") && c.workflow_id() != workflow) continue;
    *list.add_cycles() = std::move(c);
  }
  return Encode(list);
}

void Api::RegisterListRoutes(Router* router) {
  // Reference data: the caller is admitted, then the model is read (no as_of).
  auto reference = [&](const char* path, const char* name,
                       HttpResponse (Api::*fn)(const std::string&, const HttpRequest&)) {
    AddOnPool(router, verb::get, path, name, [this, fn](HttpRequest& request) {
      Admission caller = Admit(request);
      if (caller.refusal) return std::move(*caller.refusal);
      HttpResponse r = (this->*fn)(caller.person, request);
      r.actor = caller.person;
      return r;
    });
  };
  reference("/api/v1/indicators", "list_indicators", &Api::ListIndicators);
  reference("/api/v1/indicators/{indicator_id}", "get_indicator", &Api::GetIndicator);
  reference("/api/v1/org-units", "list_org_units", &Api::ListOrgUnits);
  reference("/api/v1/org-units/{unit_id}", "get_org_unit", &Api::GetOrgUnit);
  reference("/api/v1/people", "list_people", &Api::ListPeople);
  reference("/api/v1/people/{person_id}", "get_person", &Api::GetPerson);
  // Read models: as_of / at_position, through Read().
  auto read_model =
      [&](const char* path, const char* name,
          HttpResponse (Api::*fn)(const std::string&, const engine::AsOf&, const HttpRequest&)) {
        AddOnPool(router, verb::get, path, name, [this, fn](HttpRequest& request) {
          return Read(request,
                      [this, fn](const std::string& person, const engine::AsOf& as_of,
                                 const HttpRequest& r) { return (this->*fn)(person, as_of, r); });
        });
      };
  read_model("/api/v1/findings", "list_findings", &Api::ListFindings);
  read_model("/api/v1/findings/{finding_id}", "get_finding", &Api::GetFinding);
  read_model("/api/v1/cycles", "list_cycles", &Api::ListCycles);
}

}  // namespace goldthread::adapters
