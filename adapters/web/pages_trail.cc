// Read pages: the cycle timetables and the assurance trail.
//
//   GET /cycles                                  every cycle opened, newest period first
//   GET /cycles/{workflow}/{period}              its stages: opens, due, reminders, escalation
//                                                rungs, status, and what is outstanding
//   GET /trail[?period=P&directorate=D][&as_of_date=YYYY-MM-DD|at_position=N]
//   GET /trail?...&format=html|csv|xlsx|json     the trail as a download
//
// Cycles need kReadCycle on the council (anyone with a role), as GET /api/v1/cycles does; the
// trail kReadAssuranceTrail on the council or, with a directorate, on it, as GET
// /api/v1/trails/{period} does. The trail shows the log's verification and head hash first:
// a trail whose log failed verification says so before anything else.
#include <fmt/format.h>
#include <google/protobuf/util/json_util.h>
#include <google/protobuf/util/time_util.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <functional>
#include <set>
#include <sstream>

#include "adapters/formats/spreadsheet_export.h"
#include "adapters/formats/trail_export.h"
#include "adapters/web/form.h"
#include "adapters/web/token.h"
#include "adapters/web/view.h"
#include "adapters/web/web_app.h"
#include "engine/model/authority.h"
#include "engine/model/period.h"
#include "engine/read/cycle_list.h"

namespace goldthread::web {

namespace v1 = goldthread::v1;
using adapters::HttpResponse;
using boost::beast::http::verb;

namespace {

bool WellFormedId(const std::string& id) {
  return !id.empty() && id.size() <= 100 &&
         id.find_first_not_of(
             "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.") ==
             std::string::npos;
}

std::string StatusKey(const std::string& status) {
  if (status == "overdue" || status == "completed late" || status == "closed incomplete") {
    return "overdue";
  }
  if (status == "open") return "open";
  if (status.rfind("completed", 0) == 0 || status == "closed") return "complete";
  return "pending";
}

std::string LevelsText(const google::protobuf::RepeatedField<int>& levels) {
  std::string out;
  for (int l : levels) {
    if (!out.empty()) out += ", ";
    out += EnumWords(v1::SignOffLevel_descriptor()->FindValueByNumber(l));
  }
  return out.empty() ? "none" : out;
}

std::string RolesText(const std::vector<v1::Role>& roles) {
  std::string out;
  for (v1::Role r : roles) {
    if (!out.empty()) out += ", ";
    out += engine::RoleName(r);
  }
  return out;
}

}  // namespace

void WebApp::RegisterTrailPages(adapters::Router* router) {
  AddPage(router, verb::get, "/cycles", "web_cycles", Access::kSignedIn,
          [this](Visit& v) { return GetCycles(v); });
  AddPage(router, verb::get, "/cycles/{workflow}/{period}", "web_cycle", Access::kSignedIn,
          [this](Visit& v) { return GetCycle(v); });
  AddPage(router, verb::get, "/trail", "web_trail", Access::kSignedIn,
          [this](Visit& v) { return GetTrail(v); });
}

std::string WebApp::CouncilId() {
  std::string id;
  (void)handler_->ReadModel([&](const engine::CouncilModel& model) { id = model.council_id(); });
  return id;
}

HttpResponse WebApp::GetCycles(Visit& visit) {
  if (auto refused = RefuseRead(visit, engine::Action::kReadCycle, CouncilId())) {
    return std::move(*refused);
  }
  if (reads_ == nullptr)
    return ErrorPage(visit, 503, "Not available", "this server has no read models");
  auto list = reads_->Cycles(options_.timetables);
  if (!list) return ErrorPage(visit, list.error());
  List cycles;
  for (const v1::CycleView& c : list->cycles()) {
    Data d = MessageData(c);
    d.set("link", fmt::format("/cycles/{}/{}", UrlEncode(c.workflow_id()), UrlEncode(c.period())));
    size_t overdue = 0;
    for (const auto& s : c.stages()) overdue += s.status() == "overdue" ? 1 : 0;
    d.set("overdue", std::to_string(overdue));
    d.set("stage_count", std::to_string(c.stages_size()));
    cycles.push_back(d);
  }
  Data data;
  data.set("cycles", cycles);
  if (cycles.empty()) data.set("no_cycles", true);
  data.set("evaluated_at", FormatLondonTime(list->evaluated_at()));
  return Page(visit, 200, "Reporting timetables", "cycles", std::move(data));
}

HttpResponse WebApp::GetCycle(Visit& visit) {
  const std::string workflow = visit.request.params["workflow"];
  const std::string period = visit.request.params["period"];
  if (!WellFormedId(workflow)) {
    return ErrorPage(visit, 404, "Page not found",
                     fmt::format("There is no workflow {}", workflow));
  }
  auto parsed = engine::Period::Parse(period);
  if (!parsed) {
    return ErrorPage(visit, 404, "Page not found",
                     fmt::format("{} is not a period. A period looks like FY2011-Q2.", period));
  }
  if (auto refused = RefuseRead(visit, engine::Action::kReadCycle, CouncilId())) {
    return std::move(*refused);
  }
  if (reads_ == nullptr)
    return ErrorPage(visit, 503, "Not available", "this server has no read models");
  auto list = reads_->Cycles(options_.timetables);
  if (!list) return ErrorPage(visit, list.error());
  const v1::CycleView* cycle = nullptr;
  for (const v1::CycleView& c : list->cycles()) {
    if (c.workflow_id() == workflow && c.period() == parsed->id()) cycle = &c;
  }
  if (cycle == nullptr) {
    return ErrorPage(visit, 404, "Page not found",
                     fmt::format("No cycle of {} has been opened for {}.", workflow, parsed->id()));
  }
  std::optional<engine::CycleTimetable> timetable;
  if (options_.timetables) {
    if (auto t = options_.timetables(workflow, parsed->id())) timetable = std::move(*t);
  }
  // What is outstanding for the figure stages: the council's scorecard of each figure period,
  // read as the cycle's stages judge figures (submitted; signed off at the stage's level).
  std::vector<v1::Scorecard> cards;
  const std::string council = CouncilId();
  for (const std::string& fp : cycle->figure_periods()) {
    if (auto card = reads_->Scorecard(council, fp)) cards.push_back(std::move(*card));
  }
  List stages;
  for (const v1::CycleStageView& s : cycle->stages()) {
    Data d = MessageData(s);
    d.set("status_key", StatusKey(s.status()));
    List reminders;
    List rungs;
    std::string outstanding;
    const engine::TimedStage* timed = nullptr;
    if (timetable) {
      for (const auto& ts : timetable->stages) {
        if (ts.id == s.stage_id()) timed = &ts;
      }
    }
    if (timed != nullptr) {
      for (const auto& r : timed->reminders) {
        Data rd;
        rd.set("at", FormatLondonTime(r.at));
        rd.set("label", r.label);
        reminders.push_back(rd);
      }
      for (const auto& r : timed->ladder) {
        Data rd;
        rd.set("rung", std::to_string(r.rung));
        rd.set("at", FormatLondonTime(r.at));
        rd.set("roles", RolesText(r.roles));
        rungs.push_back(rd);
      }
      d.set("responsible", RolesText(timed->responsible));
      const bool settled = StatusKey(s.status()) == "complete" || s.status() == "closed incomplete";
      if (!settled && (timed->completion == engine::StageCompletion::kAllFiguresSubmitted ||
                       timed->completion == engine::StageCompletion::kAllFiguresSignedOff)) {
        std::vector<std::string> ids;
        std::set<std::string> seen;
        for (const v1::Scorecard& card : cards) {
          for (const v1::ScorecardRow& row : card.rows()) {
            // A quarter's scorecard shows a monthly indicator's last month, and the month's
            // shows the quarter's indicators: each figure once.
            if (!seen.insert(row.indicator_id() + " " + row.figure_period()).second) continue;
            bool done = row.submitted();
            if (timed->completion == engine::StageCompletion::kAllFiguresSignedOff) {
              done = done && std::find(row.signed_levels().begin(), row.signed_levels().end(),
                                       timed->level) != row.signed_levels().end();
            }
            if (!done) ids.push_back(row.indicator_id() + " " + row.figure_period());
          }
        }
        const char* what = timed->completion == engine::StageCompletion::kAllFiguresSubmitted
                               ? "to submit"
                               : "to sign off";
        if (ids.empty()) {
          outstanding = "Nothing outstanding";
        } else {
          outstanding =
              fmt::format("{} figure{} {}: ", ids.size(), ids.size() == 1 ? "" : "s", what);
          for (size_t i = 0; i < ids.size() && i < 12; ++i) outstanding += (i ? ", " : "") + ids[i];
          if (ids.size() > 12) outstanding += fmt::format(" and {} more", ids.size() - 12);
        }
      } else if (!settled) {
        outstanding = timed->completion == engine::StageCompletion::kMeetingRecorded
                          ? "The review meeting and its minutes"
                      : timed->completion == engine::StageCompletion::kFindingsAnswered
                          ? "Answers to the findings raised at this stage"
                      : timed->completion == engine::StageCompletion::kClosedByRole
                          ? "Closing, by a " + engine::RoleName(timed->closing_role)
                          : "Progress summaries and ratings for the priorities";
      } else {
        outstanding = "Nothing";
      }
    }
    d.set("reminders", reminders);
    if (!reminders.empty()) d.set("has_reminders", true);
    d.set("rungs", rungs);
    if (!rungs.empty()) d.set("has_rungs", true);
    d.set("outstanding", outstanding);
    stages.push_back(d);
  }
  Data data;
  data.set("cycle", MessageData(*cycle));
  data.set("stages", stages);
  data.set("evaluated_at", FormatLondonTime(list->evaluated_at()));
  return Page(visit, 200, fmt::format("Timetable for {}, {}", parsed->id(), workflow), "cycle",
              std::move(data));
}

HttpResponse WebApp::GetTrail(Visit& visit) {
  auto& q = visit.request.query;
  const std::string council = CouncilId();
  const std::string directorate = q.count("directorate") > 0 ? q["directorate"] : "";
  if (!directorate.empty() && !WellFormedId(directorate)) {
    return ErrorPage(visit, 404, "Page not found",
                     fmt::format("There is no directorate {}", directorate));
  }
  const std::string scope = directorate.empty() ? council : directorate;
  if (auto refused = RefuseRead(visit, engine::Action::kReadAssuranceTrail, scope)) {
    return std::move(*refused);
  }
  if (reads_ == nullptr)
    return ErrorPage(visit, 503, "Not available", "this server has no read models");
  const std::string format = q.count("format") > 0 ? q["format"] : "";
  if (!format.empty() && format != "html" && format != "csv" && format != "xlsx" &&
      format != "json") {
    return ErrorPage(visit, 400, "There is a problem with the request",
                     "The trail downloads as html, csv, xlsx or json.");
  }
  std::string period = q.count("period") > 0 ? q["period"] : "";
  if (period.empty()) period = DefaultPeriod(visit);
  auto parsed = engine::Period::Parse(period);
  if (!parsed) {
    return ErrorPage(visit, 400, "There is a problem with the request",
                     fmt::format("{} is not a period. A period looks like FY2011-Q2.", period));
  }
  std::string problem;
  const engine::AsOf as_of = AsOfFromQuery(q, &problem);
  if (!problem.empty())
    return ErrorPage(visit, 400, "There is a problem with the request", problem);
  // Directorates the visitor may read the trail of, for the chooser.
  List directorates;
  bool directorate_known = directorate.empty();
  (void)handler_->ReadModel([&](const engine::CouncilModel& model) {
    for (const auto& [id, u] : model.units()) {
      if (u.kind != v1::ORG_UNIT_KIND_DIRECTORATE || u.closed) continue;
      if (id == directorate) directorate_known = true;
      if (!engine::Authorize(model, visit.person_id, {engine::Action::kReadAssuranceTrail}, id,
                             visit.today)) {
        continue;
      }
      Data d;
      d.set("id", id);
      d.set("name", u.name);
      if (id == directorate) d.set("selected", true);
      directorates.push_back(d);
    }
  });
  if (!directorate_known) {
    return ErrorPage(visit, 404, "Page not found",
                     fmt::format("There is no directorate {}", directorate));
  }
  auto trail = reads_->AssuranceTrail(parsed->id(), directorate, as_of);
  if (!trail) return ErrorPage(visit, trail.error());
  if (options_.sign_checkpoint && trail->verification().ok()) {
    auto note = options_.sign_checkpoint(trail->verification().tree_size());
    if (!note) return ErrorPage(visit, note.error());
    trail->mutable_verification()->set_checkpoint(*note);
  }

  if (!format.empty() && !trail->verification().ok()) {
    // A download carries no banner: on a damaged log there is none to hand out (the page says
    // why). As the API's /api/v1/trails answers: 503.
    return ErrorPage(
        visit, 503, "Verification failed: no trail to download",
        fmt::format("The log failed verification at position {}: {}. A trail from a damaged "
                    "log cannot be downloaded. Tell the performance team and the system's "
                    "administrator.",
                    trail->verification().first_bad_position(), trail->verification().problem()));
  }
  if (!format.empty()) {
    HttpResponse r;
    const std::string file = fmt::format("assurance-trail-{}{}{}.{}", trail->period(),
                                         directorate.empty() ? "" : "-", directorate, format);
    if (format == "json") {
      auto json = engine::TrailToJson(*trail);
      if (!json) return ErrorPage(visit, json.error());
      r.content_type = "application/json";
      r.body = std::move(*json);
    } else if (format == "csv") {
      r.content_type = "text/csv; charset=utf-8";
      r.body = engine::TrailToCsv(*trail);
    } else if (format == "html") {
      r.content_type = "text/html; charset=utf-8";
      r.body = engine::TrailToHtml(*trail);
    } else {
      auto sheet = adapters::TrailSheet(*trail);
      if (!sheet) return ErrorPage(visit, sheet.error());
      auto bytes = XlsxBytes(*sheet);
      if (!bytes) return ErrorPage(visit, bytes.error());
      r.content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
      r.body = std::move(*bytes);
    }
    r.headers.emplace_back("Content-Disposition", fmt::format("attachment; filename=\"{}\"", file));
    return r;
  }

  std::map<std::string, std::string> names;
  (void)handler_->ReadModel([&](const engine::CouncilModel& model) {
    for (const auto& [id, p] : model.people()) names[id] = p.name;
  });
  auto name_of = [&](const std::string& id) {
    auto it = names.find(id);
    return it == names.end() ? id : it->second;
  };
  // The deadlines figures were due by, per figure period: the timetables of the cycles that
  // collect them (submission; sign-off at each level), for "on time" / "late".
  struct Deadlines {
    std::optional<TimePoint> submit;
    std::map<int, TimePoint> sign_off;
  };
  std::map<std::string, Deadlines> deadlines;
  if (options_.timetables) {
    if (auto cycles = reads_->Cycles(options_.timetables)) {
      for (const v1::CycleView& c : cycles->cycles()) {
        auto timetable = options_.timetables(c.workflow_id(), c.period());
        if (!timetable) continue;
        for (const std::string& fp : timetable->figure_periods) {
          Deadlines& d = deadlines[fp];
          for (const engine::TimedStage& st : timetable->stages) {
            if (st.completion == engine::StageCompletion::kAllFiguresSubmitted && !d.submit) {
              d.submit = st.due_at;
            } else if (st.completion == engine::StageCompletion::kAllFiguresSignedOff) {
              d.sign_off.emplace(static_cast<int>(st.level), st.due_at);
            }
          }
        }
      }
    }
  }
  auto timing = [](Data& d, const char* name, const google::protobuf::Timestamp& at,
                   std::optional<TimePoint> due) {
    if (!due) return;
    const bool late = TimeOf(at) > *due;
    d.set(name, late ? fmt::format("late (due {})", FormatLondonTime(*due)) : "on time");
    d.set(std::string(name) + "_class", late ? "govuk-tag--red" : "govuk-tag--green");
  };
  List figures;
  for (const v1::TrailFigure& f : trail->figures()) {
    const Deadlines& due = deadlines[f.period()];
    Data d = MessageData(f);
    d.set("link", fmt::format("/figures/{}/{}/history", UrlEncode(f.indicator_id()),
                              UrlEncode(f.period())));
    if (f.has_value()) {
      d.set("value_text", f.value().has_not_available_reason()
                              ? "Not available: " + f.value().not_available_reason()
                              : fmt::format("{}", f.value().value()));
    } else {
      d.set("value_text", "Not submitted");
    }
    d.set("submitted_by_name", name_of(f.submitted_by()));
    if (f.has_submitted_at()) timing(d, "submit_timing", f.submitted_at(), due.submit);
    d.set("missing_text", LevelsText(f.missing_levels()));
    List sign_offs;
    for (const v1::TrailSignOff& s : f.sign_offs()) {
      Data sd = MessageData(s);
      if (s.person_name().empty()) sd.set("personName", name_of(s.person_id()));
      if (s.has_at()) {
        auto it = due.sign_off.find(static_cast<int>(s.level()));
        timing(sd, "timing", s.at(),
               it == due.sign_off.end() ? std::nullopt : std::optional<TimePoint>(it->second));
      }
      sign_offs.push_back(sd);
    }
    d.set("signOffs", sign_offs);
    List changes;
    for (const v1::TrailChange& c : f.changes()) {
      Data cd = MessageData(c);
      cd.set("by_name", name_of(c.by()));
      cd.set("after_sign_off", c.lapsed_levels_size() > 0);
      if (c.lapsed_levels_size() > 0) cd.set("lapsed_text", LevelsText(c.lapsed_levels()));
      changes.push_back(cd);
    }
    d.set("changes", changes);
    List queries;
    for (const v1::TrailQuery& x : f.queries()) {
      Data qd = MessageData(x);
      qd.set("raised_by_name", name_of(x.raised_by()));
      queries.push_back(qd);
    }
    d.set("queries", queries);
    List findings;
    for (const v1::TrailFinding& x : f.findings()) {
      Data fd = MessageData(x);
      fd.set("owner_name", name_of(x.owner_person_id()));
      if (x.has_due()) fd.set("due_text", x.due().iso());
      findings.push_back(fd);
    }
    d.set("findings", findings);
    const bool any = f.sign_offs_size() + f.changes_size() + f.queries_size() + f.findings_size() +
                         f.escalations_size() >
                     0;
    if (!any) d.set("nothing_recorded", true);
    figures.push_back(d);
  }
  Data data;
  data.set("trail", MessageData(*trail));
  data.set("figures", figures);
  if (figures.empty()) data.set("no_figures", true);
  data.set("period", parsed->id());
  data.set("directorate", directorate);
  data.set("directorates", directorates);
  if (directorate.empty()) data.set("whole_council", true);
  data.set("verified", trail->verification().ok());
  data.set("head_hash", trail->verification().hash_hex());
  data.set("tree_root", trail->verification().tree_root());
  if (!trail->verification().checkpoint().empty()) {
    data.set("checkpoint", trail->verification().checkpoint());
  }
  data.set("verified_position", std::to_string(trail->verification().position()));
  data.set("events_checked", std::to_string(trail->verification().events_checked()));
  if (!trail->verification().ok()) {
    data.set("first_bad_position", std::to_string(trail->verification().first_bad_position()));
    data.set("problem", trail->verification().problem());
  }
  data.set("as_of_date", q.count("as_of_date") > 0 ? q["as_of_date"] : "");
  std::string suffix;
  if (as_of.time || as_of.position) {
    data.set("past", true);
    data.set("as_of_label", as_of.time ? FormatLondonTime(*as_of.time)
                                       : fmt::format("log position {}", *as_of.position));
    suffix = as_of.time ? "&as_of_date=" + UrlEncode(q["as_of_date"])
                        : "&at_position=" + UrlEncode(q["at_position"]);
  }
  const std::string base =
      fmt::format("/trail?period={}{}{}", UrlEncode(parsed->id()),
                  directorate.empty() ? "" : "&directorate=" + UrlEncode(directorate), suffix);
  for (const char* f : {"html", "csv", "xlsx", "json"}) {
    data.set(std::string(f) + "_link", base + "&format=" + f);
  }
  data.set("evaluated_at", FormatLondonTime(trail->evaluated_at()));
  const std::string title =
      trail->verification().ok()
          ? fmt::format("Assurance trail, {}", parsed->id())
          : fmt::format("Verification failed: assurance trail, {}", parsed->id());
  return Page(visit, 200, title, "trail", std::move(data));
}

}  // namespace goldthread::web
