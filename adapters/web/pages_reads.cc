// Read pages: scorecards and published scorecards (the cycle timetables and the assurance trail
// are in pages_trail.cc).
//
//   GET /scorecards[?unit=U&period=P]          choose a unit and a period (with both: go there)
//   GET /scorecards/{unit}/{period}[?as_of_date=YYYY-MM-DD|at_position=N]
//   GET /scorecards/{unit}/{period}.csv | .xlsx  the same scorecard as a download
//   GET /public[?unit=U&period=P]              published scorecards, for anyone
//   GET /public/{unit}/{period}                only figures that were published, with when
//
// A scorecard needs kReadScorecard on its unit, a published one kReadPublishedScorecard (open
// to anyone, signed in or not), as for GET /api/v1/scorecards/... and /api/v1/public/...: the
// same authority table, the same read model (ReadModels::Scorecard), and for the public the
// same filter (engine::KeepPublishedOnly). A refusal is the 403 page and writes nothing.
#include <fmt/format.h>
#include <google/protobuf/util/time_util.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>

#include "adapters/formats/spreadsheet_export.h"
#include "adapters/web/form.h"
#include "adapters/web/token.h"
#include "adapters/web/view.h"
#include "adapters/web/web_app.h"
#include "engine/model/authority.h"
#include "engine/model/local_date.h"
#include "engine/model/period.h"
#include "engine/read/scorecard.h"

namespace goldthread::web {

namespace v1 = goldthread::v1;
using adapters::HttpResponse;
using boost::beast::http::verb;

namespace {

// A unit id as the engine makes them: letters, digits, '-', '_' and '.', at most 100.
bool WellFormedId(const std::string& id) {
  return !id.empty() && id.size() <= 100 &&
         id.find_first_not_of(
             "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.") ==
             std::string::npos;
}

std::string TrendWords(v1::Trend trend) {
  switch (trend) {
    case v1::TREND_IMPROVING:
      return "improving";
    case v1::TREND_WORSENING:
      return "worsening";
    case v1::TREND_UNCHANGED:
      return "unchanged";
    default:
      return "no comparison";
  }
}

std::string ValueText(const v1::ScorecardRow& row) {
  if (!row.submitted() || !row.has_value()) return "Not submitted";
  if (row.value().has_not_available_reason()) {
    return "Not available: " + row.value().not_available_reason();
  }
  return FormatValue(row.value().value(), static_cast<int>(row.decimal_places()), row.unit());
}

// One scorecard row as the template shows it.
Data RowData(const v1::ScorecardRow& row) {
  Data d = MessageData(row);
  const int places = static_cast<int>(row.decimal_places());
  d.set("link", fmt::format("/figures/{}/{}/history", UrlEncode(row.indicator_id()),
                            UrlEncode(row.figure_period())));
  d.set("value_text", ValueText(row));
  d.set("target_text",
        row.has_target() ? FormatValue(row.target(), places, row.unit()) : "No target");
  auto compare = [&](const char* name, bool has, double value, v1::Trend trend,
                     const std::string& period) {
    d.set(std::string(name) + "_text",
          has ? fmt::format("{} ({}: {})", TrendWords(trend), period,
                            FormatValue(value, places, row.unit()))
              : fmt::format("{} ({}: no figure)", TrendWords(trend), period));
  };
  compare("vs_previous", row.has_previous_value(), row.previous_value(), row.vs_previous(),
          row.previous_period());
  compare("vs_last_year", row.has_last_year_value(), row.last_year_value(), row.vs_last_year(),
          row.last_year_period());
  return d;
}

Data CountsData(const v1::Scorecard& card) {
  v1::RagCounts counts;
  for (const v1::ScorecardRow& row : card.rows()) engine::CountRag(row.rag(), &counts);
  return MessageData(counts);
}

struct UnitChoice {
  std::string id;
  std::string label;
};

}  // namespace

void WebApp::RegisterReadPages(adapters::Router* router) {
  AddPage(router, verb::get, "/scorecards", "web_scorecards", Access::kSignedIn,
          [this](Visit& v) { return GetScorecardChooser(v, false); });
  AddPage(router, verb::get, "/scorecards/{unit}/{period}", "web_scorecard", Access::kSignedIn,
          [this](Visit& v) { return GetScorecardPage(v, false); });
  AddPage(router, verb::get, "/public", "web_public", Access::kAnyone,
          [this](Visit& v) { return GetScorecardChooser(v, true); });
  AddPage(router, verb::get, "/public/{unit}/{period}", "web_public_scorecard", Access::kAnyone,
          [this](Visit& v) { return GetScorecardPage(v, true); });
  RegisterTrailPages(router);
}

std::string WebApp::DefaultPeriod(Visit& visit) {
  if (reads_ != nullptr && options_.timetables) {
    // The newest cycle opened: the period people are reporting on now.
    if (auto cycles = reads_->Cycles(options_.timetables); cycles && cycles->cycles_size() > 0) {
      return cycles->cycles(0).period();
    }
  }
  return engine::Period::Containing(v1::FREQUENCY_QUARTERLY, date::year_month_day(visit.today))
      .Previous()
      .id();
}

HttpResponse WebApp::GetScorecardChooser(Visit& visit, bool published) {
  const std::string base = published ? "/public" : "/scorecards";
  auto& q = visit.request.query;
  const engine::Action action =
      published ? engine::Action::kReadPublishedScorecard : engine::Action::kReadScorecard;
  // The units the visitor may read, the council first and each unit under its parent.
  std::vector<UnitChoice> units;
  (void)handler_->ReadModel([&](const engine::CouncilModel& model) {
    std::function<void(const std::string&, int)> walk = [&](const std::string& id, int depth) {
      const engine::OrgUnit* u = model.Unit(id);
      if (u == nullptr || u->closed) return;
      if (engine::Authorize(model, visit.person_id, {action}, id, visit.today)) {
        std::string indent;
        for (int i = 0; i < depth; ++i) indent += "— ";
        units.push_back({id, indent + u->name});
      }
      for (const auto& [child_id, child] : model.units()) {
        if (child.parent_id == id) walk(child_id, depth + 1);
      }
    };
    walk(model.council_id(), 0);
  });
  // Periods offered: the cycles opened, newest first, and the last four quarters.
  std::vector<std::string> periods;
  auto add_period = [&](const std::string& p) {
    if (std::find(periods.begin(), periods.end(), p) == periods.end()) periods.push_back(p);
  };
  if (reads_ != nullptr && options_.timetables) {
    if (auto cycles = reads_->Cycles(options_.timetables)) {
      for (const v1::CycleView& c : cycles->cycles()) add_period(c.period());
    }
  }
  engine::Period quarter =
      engine::Period::Containing(v1::FREQUENCY_QUARTERLY, date::year_month_day(visit.today));
  for (int i = 0; i < 4; ++i) add_period((quarter = quarter.Previous()).id());

  Data data;
  List errors;
  const std::string unit = q.count("unit") > 0 ? q["unit"] : "";
  const std::string period = q.count("period") > 0 ? q["period"] : "";
  if (q.count("unit") > 0 || q.count("period") > 0) {
    bool known = false;
    for (const UnitChoice& u : units) known = known || u.id == unit;
    auto parsed = engine::Period::Parse(period);
    if (!known) {
      Data e;
      e.set("href", "#unit");
      e.set("text", "Select an organisation unit from the list");
      errors.push_back(e);
      data.set("error_unit", "Select an organisation unit from the list");
    }
    if (!parsed) {
      Data e;
      e.set("href", "#period");
      e.set("text", "Select a period, for example FY2011-Q2");
      errors.push_back(e);
      data.set("error_period", "Select a period, for example FY2011-Q2");
    }
    if (errors.empty()) {
      return Redirect(visit,
                      fmt::format("{}/{}/{}", base, UrlEncode(unit), UrlEncode(parsed->id())));
    }
  }
  // A period that is not one is not offered back: the default is selected instead.
  const std::string chosen_period =
      period.empty() || !engine::Period::Parse(period) ? DefaultPeriod(visit) : period;
  add_period(chosen_period);
  List unit_list;
  for (const UnitChoice& u : units) {
    Data d;
    d.set("id", u.id);
    d.set("label", u.label);
    if (u.id == unit) d.set("selected", true);
    unit_list.push_back(d);
  }
  List period_list;
  for (const std::string& p : periods) {
    Data d;
    d.set("id", p);
    if (p == chosen_period) d.set("selected", true);
    period_list.push_back(d);
  }
  data.set("units", unit_list);
  data.set("periods", period_list);
  if (units.empty()) data.set("no_units", true);
  data.set("base", base);
  if (published) data.set("public_view", true);
  if (!errors.empty()) {
    data.set("errors", errors);
    data.set("has_errors", true);
  }
  const std::string title = published ? "Published scorecards" : "Scorecards";
  return Page(visit, errors.empty() ? 200 : 400, errors.empty() ? title : "Error: " + title,
              "scorecards", std::move(data));
}

HttpResponse WebApp::GetScorecardPage(Visit& visit, bool published) {
  std::string unit = visit.request.params["unit"];
  std::string period = visit.request.params["period"];
  // /scorecards/{unit}/{period}.csv and .xlsx: the same scorecard as a file.
  std::string format = visit.request.query.count("format") > 0 ? visit.request.query["format"] : "";
  for (const char* ext : {"csv", "xlsx"}) {
    const std::string suffix = std::string(".") + ext;
    if (!published && period.size() > suffix.size() &&
        period.compare(period.size() - suffix.size(), suffix.size(), suffix) == 0) {
      period.resize(period.size() - suffix.size());
      format = ext;
    }
  }
  if (!format.empty() && (published || (format != "csv" && format != "xlsx"))) {
    return ErrorPage(visit, 400, "There is a problem with the request",
                     "A scorecard downloads as csv or xlsx.");
  }
  if (!WellFormedId(unit)) {
    return ErrorPage(visit, 404, "Page not found", fmt::format("There is no unit {}", unit));
  }
  auto parsed = engine::Period::Parse(period);
  if (!parsed) {
    return ErrorPage(visit, 404, "Page not found",
                     fmt::format("{} is not a period. A period looks like FY2011-Q2.", period));
  }
  bool found = false;
  (void)handler_->ReadModel([&](const engine::CouncilModel& model) {
    const engine::OrgUnit* u = model.Unit(unit);
    found = u != nullptr;
  });
  if (!found)
    return ErrorPage(visit, 404, "Page not found", fmt::format("There is no unit {}", unit));
  if (auto refused = RefuseRead(
          visit,
          published ? engine::Action::kReadPublishedScorecard : engine::Action::kReadScorecard,
          unit)) {
    return std::move(*refused);
  }
  if (reads_ == nullptr)
    return ErrorPage(visit, 503, "Not available", "this server has no read models");
  std::string problem;
  const engine::AsOf as_of =
      published ? engine::AsOf::Head() : AsOfFromQuery(visit.request.query, &problem);
  if (!problem.empty() && !format.empty()) {
    return ErrorPage(visit, 400, "There is a problem with the request", problem);
  }
  auto card = reads_->Scorecard(unit, parsed->id(), as_of);
  if (!card) return ErrorPage(visit, card.error());
  if (published) engine::KeepPublishedOnly(&*card);

  if (!format.empty()) {
    const adapters::Sheet sheet = adapters::ScorecardSheet(*card);
    HttpResponse r;
    const std::string file = fmt::format("scorecard-{}-{}.{}", unit, parsed->id(), format);
    if (format == "csv") {
      r.content_type = "text/csv; charset=utf-8";
      r.body = adapters::SheetToCsv(sheet);
    } else {
      auto bytes = XlsxBytes(sheet);
      if (!bytes) return ErrorPage(visit, bytes.error());
      r.content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
      r.body = std::move(*bytes);
    }
    r.headers.emplace_back("Content-Disposition", fmt::format("attachment; filename=\"{}\"", file));
    return r;
  }

  Data data;
  if (!problem.empty()) {
    List errors;
    Data e;
    e.set("href", "#as_of_date");
    e.set("text", problem);
    errors.push_back(e);
    data.set("errors", errors);
    data.set("has_errors", true);
    data.set("error_as_of_date", problem);
  }
  data.set("card", MessageData(*card));
  data.set("unit_id", unit);
  data.set("period", parsed->id());
  data.set("counts", CountsData(*card));
  List rows;
  for (const v1::ScorecardRow& row : card->rows()) {
    Data d = RowData(row);
    if (published) {
      // When it was published: the last FigurePublished of the figure's history.
      if (auto history = reads_->FigureHistory(row.indicator_id(), row.figure_period())) {
        for (const v1::FigureHistoryEntry& e : history->entries()) {
          if (e.event_type() == "FigurePublished") {
            d.set("published_on", FormatLondonTime(e.recorded_at()));
          }
        }
      }
    }
    rows.push_back(d);
  }
  data.set("rows", rows);
  if (rows.empty()) data.set("no_rows", true);
  const std::string base = published ? "/public" : "/scorecards";
  data.set("base", base);
  data.set("page_path", fmt::format("{}/{}/{}", base, UrlEncode(unit), UrlEncode(parsed->id())));
  if (published) {
    data.set("public_view", true);
  } else {
    data.set("internal_view", true);
    auto& q = visit.request.query;
    data.set("as_of_date", q.count("as_of_date") > 0 ? q["as_of_date"] : "");
    std::string suffix;
    if (as_of.time || as_of.position) {
      data.set("past", true);
      data.set("as_of_label", as_of.time ? FormatLondonTime(*as_of.time)
                                         : fmt::format("log position {}", *as_of.position));
      suffix = as_of.time ? "?as_of_date=" + UrlEncode(q["as_of_date"])
                          : "?at_position=" + UrlEncode(q["at_position"]);
    }
    data.set("csv_link", fmt::format("/scorecards/{}/{}.csv{}", UrlEncode(unit),
                                     UrlEncode(parsed->id()), suffix));
    data.set("xlsx_link", fmt::format("/scorecards/{}/{}.xlsx{}", UrlEncode(unit),
                                      UrlEncode(parsed->id()), suffix));
  }
  if (card->as_of().has_recorded_at()) {
    data.set("computed_at", FormatLondonTime(card->as_of().recorded_at()));
  }
  data.set("position", std::to_string(card->as_of().position()));
  const std::string title = fmt::format("{}{} scorecard, {}", published ? "Published: " : "",
                                        card->unit_name(), parsed->id());
  return Page(visit, problem.empty() ? 200 : 400, problem.empty() ? title : "Error: " + title,
              "scorecard", std::move(data));
}

}  // namespace goldthread::web
