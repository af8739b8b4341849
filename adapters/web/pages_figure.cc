// A figure: entering it, signing it off or sending it back, and its history.
//
//   GET  /figures/{indicator}/{period}            the pro forma and the entry form
//   POST /figures/{indicator}/{period}            action=check|submit|amend|answer
//   GET  /figures/{indicator}/{period}/sign-off   the figure, its history, sign off or send back
//   POST /figures/{indicator}/{period}/sign-off   action=sign_off|send_back
//   GET  /figures/{indicator}/{period}/history[?as_of_date=YYYY-MM-DD|at_position=N]
//
// Reading any of them needs kReadFigure on the indicator's unit; the forms are shown only to
// those the authority table lets enter or sign off, and every command is decided by the
// engine, whose refusal (four eyes, sign-off order, commentary required when red or amber) is
// shown on the page with the field it concerns, GOV.UK style: an error summary at the top and
// the message at the field. A refused form writes nothing.
#include <fmt/format.h>

#include <cmath>
#include <cstdlib>

#include "adapters/formats/svg_chart.h"
#include "adapters/web/form.h"
#include "adapters/web/view.h"
#include "adapters/web/web_app.h"
#include "engine/model/authority.h"
#include "engine/model/period.h"
#include "engine/model/rag.h"

namespace goldthread::web {

namespace v1 = goldthread::v1;
using adapters::HttpResponse;
using boost::beast::http::verb;

namespace {

// The form field an engine error is about.
std::string FieldOf(const Error& error, const std::string& fallback) {
  for (const char* f : {"commentary", "reason", "answer", "comment", "level", "value"}) {
    if (error.field.find(f) != std::string::npos) return f == std::string("value") ? "value" : f;
  }
  return fallback;
}

// A strict number: digits with an optional sign and decimal point ("31.4", "-2", "1,234").
std::optional<double> ParseNumber(std::string text) {
  std::string clean;
  for (char c : text) {
    if (c != ',' && c != ' ') clean += c;
  }
  if (!clean.empty() && clean.back() == '%') clean.pop_back();
  if (clean.empty() || clean.size() > 40) return std::nullopt;
  char* end = nullptr;
  const double v = std::strtod(clean.c_str(), &end);
  if (end != clean.c_str() + clean.size() || !std::isfinite(v)) return std::nullopt;
  return v;
}

std::string LevelKey(v1::SignOffLevel level) {
  return v1::SignOffLevel_Name(level);
}

// What the page needs of the indicator, read from the council model.
struct IndicatorFacts {
  bool found = false;
  v1::IndicatorDefinition definition;
  std::optional<double> target;
  std::string unit_name;
  bool may_enter = false;
  bool may_answer = false;
  bool may_read = false;
  std::optional<Error> read_refusal;
  std::vector<v1::SignOffLevel> may_sign_off;
};

}  // namespace

void WebApp::RegisterFigurePages(adapters::Router* router) {
  AddPage(router, verb::get, "/figures/{indicator}/{period}", "web_figure", Access::kSignedIn,
          [this](Visit& v) { return GetFigure(v); });
  AddPage(router, verb::post, "/figures/{indicator}/{period}", "web_figure", Access::kSignedIn,
          [this](Visit& v) { return PostFigure(v); });
  AddPage(router, verb::get, "/figures/{indicator}/{period}/sign-off", "web_sign_off",
          Access::kSignedIn, [this](Visit& v) { return GetSignOff(v); });
  AddPage(router, verb::post, "/figures/{indicator}/{period}/sign-off", "web_sign_off",
          Access::kSignedIn, [this](Visit& v) { return PostSignOff(v); });
  AddPage(router, verb::get, "/figures/{indicator}/{period}/history", "web_history",
          Access::kSignedIn, [this](Visit& v) { return GetHistory(v); });
}

namespace {

IndicatorFacts FactsFor(engine::CommandHandler& handler, const std::string& person,
                        const std::string& indicator_id, const std::string& period,
                        engine::LocalDay today) {
  IndicatorFacts facts;
  (void)handler.ReadModel([&](const engine::CouncilModel& model) {
    const engine::Indicator* indicator = model.FindIndicator(indicator_id);
    if (indicator == nullptr) return;
    facts.found = true;
    facts.definition = indicator->definition;
    if (auto t = indicator->targets.find(period); t != indicator->targets.end()) {
      facts.target = t->second;
    }
    const std::string& unit = indicator->definition.owning_unit_id();
    if (const engine::OrgUnit* u = model.Unit(unit)) facts.unit_name = u->name;
    auto read = engine::Authorize(model, person, {engine::Action::kReadFigure}, unit, today);
    facts.may_read = read.has_value();
    if (!read) facts.read_refusal = read.error();
    facts.may_enter =
        engine::Authorize(model, person, {engine::Action::kEnterFigure}, unit, today).has_value();
    facts.may_answer = engine::Authorize(model, person, {engine::Action::kAnswerDataQualityQuery},
                                         unit, today)
                           .has_value();
    for (v1::SignOffLevel level : handler.options().sign_off_levels) {
      if (engine::Authorize(model, person, {.action = engine::Action::kSignOff, .level = level},
                            unit, today)) {
        facts.may_sign_off.push_back(level);
      }
    }
  });
  return facts;
}

// The figure's facts a page shows: value, RAG, sign-offs, queries.
Data FigureData(const engine::FigureState& state, const IndicatorFacts& facts,
                const std::map<std::string, std::string>& names) {
  Data d;
  const auto& def = facts.definition;
  if (state.submitted()) {
    d.set("submitted", true);
    d.set("figure_version", std::to_string(state.figure_version));
    if (auto v = state.NumericValue()) {
      d.set("value", FormatValue(*v, static_cast<int>(def.decimal_places()), def.unit()));
      const v1::Rag rag = engine::RateAgainstTarget(def.polarity(), def.amber_tolerance(), v,
                                                    facts.target);
      d.set("rag", engine::RagName(rag));
      std::string key = engine::RagName(rag);
      for (char& c : key) c = c == ' ' ? '-' : c;
      d.set("rag_key", key);
    } else {
      d.set("value", "Not available: " + state.value.not_available_reason());
    }
    if (!state.commentary.empty()) d.set("commentary", state.commentary);
    auto author = names.find(state.version_author);
    d.set("author", author == names.end() ? state.version_author : author->second);
  }
  if (state.rejected) {
    d.set("rejected", true);
    d.set("rejection_reason", state.rejection_reason);
  }
  if (state.locked) d.set("locked", true);
  List sign_offs;
  for (const auto& [level, s] : state.sign_offs) {
    Data so;
    so.set("level", engine::LevelName(static_cast<v1::SignOffLevel>(level)));
    auto who = names.find(s.person_id);
    so.set("by", who == names.end() ? s.person_id : who->second);
    so.set("role", engine::RoleName(s.role));
    sign_offs.push_back(so);
  }
  d.set("sign_offs", sign_offs);
  if (!state.sign_offs.empty()) d.set("has_sign_offs", true);
  List queries;
  for (const auto& [id, q] : state.queries) {
    Data qd;
    qd.set("id", id);
    qd.set("question", q.question);
    if (q.answered) {
      qd.set("answered", true);
      qd.set("answer", q.answer);
    }
    queries.push_back(qd);
  }
  d.set("queries", queries);
  if (state.OpenQueries() > 0) d.set("open_queries", true);
  return d;
}

Data IndicatorData(const IndicatorFacts& facts) {
  const auto& def = facts.definition;
  Data d = MessageData(def);
  d.set("unit_name", facts.unit_name);
  d.set("unit_label", def.unit().empty() ? "number" : def.unit());
  d.set("decimal_places", std::to_string(def.decimal_places()));
  if (facts.target) {
    d.set("target", FormatValue(*facts.target, static_cast<int>(def.decimal_places()), def.unit()));
  } else {
    d.set("target", "No target set");
  }
  if (def.amber_tolerance().has_percent()) {
    d.set("tolerance", fmt::format("amber within {}% of target", def.amber_tolerance().percent()));
  } else if (def.amber_tolerance().has_absolute()) {
    d.set("tolerance", fmt::format("amber within {} of target", def.amber_tolerance().absolute()));
  }
  return d;
}

}  // namespace

HttpResponse WebApp::FigureForm(Visit& visit, unsigned status,
                                const std::map<std::string, std::string>& values, List errors) {
  const std::string indicator = visit.request.params["indicator"];
  const std::string period = visit.request.params["period"];
  auto parsed_period = engine::Period::Parse(period);
  if (!parsed_period) return ErrorPage(visit, 404, "Page not found", parsed_period.error().message);
  IndicatorFacts facts = FactsFor(*handler_, visit.person_id, indicator, parsed_period->id(),
                                  visit.today);
  if (!facts.found) {
    return ErrorPage(visit, 404, "Page not found", fmt::format("There is no indicator {}", indicator));
  }
  if (!facts.may_read) return ErrorPage(visit, *facts.read_refusal);
  auto state = handler_->LoadFigure(indicator, parsed_period->id());
  if (!state) return ErrorPage(visit, state.error());
  std::map<std::string, std::string> names;
  (void)handler_->ReadModel([&](const engine::CouncilModel& model) {
    for (const auto& [id, p] : model.people()) names[id] = p.name;
  });

  Data data;
  data.set("indicator_id", indicator);
  data.set("period", parsed_period->id());
  data.set("indicator", IndicatorData(facts));
  data.set("figure", FigureData(*state, facts, names));
  // Last period's and last year's values, for comparison.
  const int places = static_cast<int>(facts.definition.decimal_places());
  auto value_of = [&](const engine::Period& p) -> std::string {
    auto s = handler_->LoadFigure(indicator, p.id());
    if (!s || !s->NumericValue()) return "No figure";
    return FormatValue(*s->NumericValue(), places, facts.definition.unit());
  };
  data.set("previous_period", parsed_period->Previous().id());
  data.set("previous_value", value_of(parsed_period->Previous()));
  data.set("last_year_period", parsed_period->YearEarlier().id());
  data.set("last_year_value", value_of(parsed_period->YearEarlier()));

  auto value = [&](const char* name) {
    auto it = values.find(name);
    return it == values.end() ? std::string() : it->second;
  };
  if (!state->locked && facts.may_enter) {
    data.set(state->submitted() ? "amend" : "submit", true);
    data.set("show_form", true);
  }
  if (!state->locked && facts.may_answer && state->OpenQueries() > 0) data.set("answer_form", true);
  if (!facts.may_sign_off.empty() && state->submitted() && !state->locked) {
    data.set("may_sign_off", true);
  }
  data.set("form_value", value("value").empty() && state->submitted() && state->NumericValue()
                             ? fmt::format("{:.{}f}", *state->NumericValue(), places)
                             : value("value"));
  data.set("form_commentary",
           value("commentary").empty() && values.count("commentary") == 0 ? state->commentary
                                                                          : value("commentary"));
  data.set("form_reason", value("reason"));
  data.set("command_id", value("command_id").empty() ? NewCommandId() : value("command_id"));
  if (auto preview = values.find("preview_rag"); preview != values.end()) {
    data.set("preview_rag", preview->second);
    std::string key = preview->second;
    for (char& c : key) c = c == ' ' ? '-' : c;
    data.set("preview_rag_key", key);
  }
  if (!errors.empty()) {
    data.set("errors", errors);
    data.set("has_errors", true);
    for (auto& field : {"value", "commentary", "reason", "answer"}) {
      auto it = values.find(std::string("error_") + field);
      if (it != values.end()) data.set(std::string("error_") + field, it->second);
    }
  }
  const std::string title = fmt::format("{} {}", facts.definition.title(), parsed_period->id());
  return Page(visit, status, errors.empty() ? title : "Error: " + title, "figure",
              std::move(data));
}

HttpResponse WebApp::GetFigure(Visit& visit) { return FigureForm(visit, 200, {}, {}); }

HttpResponse WebApp::PostFigure(Visit& visit) {
  auto form = *Form(visit);
  const std::string indicator = visit.request.params["indicator"];
  const std::string period = visit.request.params["period"];
  const std::string action = form["action"];
  auto fail = [&](unsigned status, const std::string& field, const std::string& text) {
    form["error_" + field] = text;
    List errors;
    errors.push_back(ErrorItem(field, text));
    return FigureForm(visit, status, form, std::move(errors));
  };
  if (action == "answer") {
    v1::Command c;
    auto* a = c.mutable_answer_data_quality_query();
    a->set_indicator_id(indicator);
    a->set_period(period);
    a->set_query_id(form["query_id"]);
    a->set_answer(form["answer"]);
    if (form["answer"].find_first_not_of(" \r\n\t") == std::string::npos) {
      return fail(400, "answer", "Enter your answer to the query");
    }
    auto r = Execute(visit, form["command_id"], c);
    if (!r) return fail(StatusOfError(r.error()), FieldOf(r.error(), "answer"), r.error().message);
    return Redirect(visit, fmt::format("/figures/{}/{}?answered=1", UrlEncode(indicator),
                                       UrlEncode(period)));
  }
  if (action != "check" && action != "submit" && action != "amend") {
    return fail(400, "value", "Choose what to do: check the rating, submit or amend");
  }
  const auto number = ParseNumber(form["value"]);
  if (!number) {
    return fail(400, "value",
                form["value"].empty() ? "Enter the figure"
                                      : "Enter the figure as a number, like 31.4");
  }
  // The RAG it would get, shown before (and whatever happens on) submitting.
  IndicatorFacts facts = FactsFor(*handler_, visit.person_id, indicator, period, visit.today);
  if (facts.found) {
    form["preview_rag"] = engine::RagName(engine::RateAgainstTarget(
        facts.definition.polarity(), facts.definition.amber_tolerance(), number, facts.target));
  }
  if (action == "check") return FigureForm(visit, 200, form, {});
  v1::Command c;
  if (action == "submit") {
    auto* s = c.mutable_submit_figure();
    s->set_indicator_id(indicator);
    s->set_period(period);
    s->mutable_value()->set_value(*number);
    s->set_commentary(form["commentary"]);
  } else {
    if (form["reason"].find_first_not_of(" \r\n\t") == std::string::npos) {
      return fail(400, "reason", "Enter the reason for the amendment");
    }
    auto* a = c.mutable_amend_figure();
    a->set_indicator_id(indicator);
    a->set_period(period);
    a->mutable_value()->set_value(*number);
    a->set_commentary(form["commentary"]);
    a->set_reason(form["reason"]);
  }
  auto r = Execute(visit, form["command_id"], c);
  if (!r) return fail(StatusOfError(r.error()), FieldOf(r.error(), "value"), r.error().message);
  return Redirect(visit, fmt::format("/figures/{}/{}/history?saved={}", UrlEncode(indicator),
                                     UrlEncode(period), action == "submit" ? "submitted" : "amended"));
}

HttpResponse WebApp::SignOffForm(Visit& visit, unsigned status,
                                 const std::map<std::string, std::string>& values, List errors) {
  const std::string indicator = visit.request.params["indicator"];
  const std::string period = visit.request.params["period"];
  IndicatorFacts facts = FactsFor(*handler_, visit.person_id, indicator, period, visit.today);
  if (!facts.found) {
    return ErrorPage(visit, 404, "Page not found", fmt::format("There is no indicator {}", indicator));
  }
  if (!facts.may_read) return ErrorPage(visit, *facts.read_refusal);
  if (facts.may_sign_off.empty()) {
    return ErrorPage(visit, 403, "You do not have permission to do this",
                     fmt::format("Signing off {} needs a sign-off role (service manager, director "
                                 "or performance team) for {}.",
                                 indicator, facts.unit_name));
  }
  auto state = handler_->LoadFigure(indicator, period);
  if (!state) return ErrorPage(visit, state.error());
  std::map<std::string, std::string> names;
  (void)handler_->ReadModel([&](const engine::CouncilModel& model) {
    for (const auto& [id, p] : model.people()) names[id] = p.name;
  });
  Data data;
  data.set("indicator_id", indicator);
  data.set("period", period);
  data.set("indicator", IndicatorData(facts));
  data.set("figure", FigureData(*state, facts, names));
  List levels;
  for (v1::SignOffLevel level : facts.may_sign_off) {
    if (state->HasSignOff(level)) continue;
    Data l;
    l.set("value", LevelKey(level));
    l.set("text", engine::LevelName(level));
    if (values.count("level") > 0 && values.at("level") == LevelKey(level)) l.set("checked", true);
    levels.push_back(l);
  }
  if (!levels.empty() && state->submitted() && !state->locked) {
    data.set("levels", levels);
    data.set("show_form", true);
  }
  auto history = reads_ == nullptr ? Result<v1::FigureHistory>(Unexpected(Error{}))
                                   : reads_->FigureHistory(indicator, period);
  if (history) {
    List entries;
    for (const auto& e : history->entries()) entries.push_back(MessageData(e));
    data.set("entries", entries);
  }
  auto value = [&](const char* name) {
    auto it = values.find(name);
    return it == values.end() ? std::string() : it->second;
  };
  data.set("figure_version", std::to_string(state->figure_version));
  data.set("form_comment", value("comment"));
  data.set("form_reason", value("reason"));
  data.set("command_id", value("command_id").empty() ? NewCommandId() : value("command_id"));
  if (!errors.empty()) {
    data.set("errors", errors);
    data.set("has_errors", true);
    for (auto& field : {"level", "reason", "comment"}) {
      auto it = values.find(std::string("error_") + field);
      if (it != values.end()) data.set(std::string("error_") + field, it->second);
    }
  }
  const std::string title = fmt::format("Sign off {} {}", facts.definition.title(), period);
  return Page(visit, status, errors.empty() ? title : "Error: " + title, "sign_off",
              std::move(data));
}

HttpResponse WebApp::GetSignOff(Visit& visit) { return SignOffForm(visit, 200, {}, {}); }

HttpResponse WebApp::PostSignOff(Visit& visit) {
  auto form = *Form(visit);
  const std::string indicator = visit.request.params["indicator"];
  const std::string period = visit.request.params["period"];
  auto fail = [&](unsigned status, const std::string& field, const std::string& text) {
    form["error_" + field] = text;
    List errors;
    errors.push_back(ErrorItem(field, text));
    return SignOffForm(visit, status, form, std::move(errors));
  };
  v1::SignOffLevel level = v1::SIGN_OFF_LEVEL_UNSPECIFIED;
  if (!v1::SignOffLevel_Parse(form["level"], &level) || level == v1::SIGN_OFF_LEVEL_UNSPECIFIED) {
    return fail(400, "level", "Select the level you are signing off at");
  }
  v1::Command c;
  const std::string action = form["action"];
  if (action == "sign_off") {
    auto* s = c.mutable_sign_off_figure();
    s->set_indicator_id(indicator);
    s->set_period(period);
    s->set_level(level);
    const std::string& version = form["figure_version"];
    if (version.empty() || version.size() > 9 ||
        version.find_first_not_of("0123456789") != std::string::npos) {
      return fail(400, "level", "The form is missing the figure's version: reload the page");
    }
    s->set_figure_version(static_cast<uint32_t>(std::stoul(version)));
    s->set_comment(form["comment"]);
  } else if (action == "send_back") {
    if (form["reason"].find_first_not_of(" \r\n\t") == std::string::npos) {
      return fail(400, "reason", "Enter why you are sending the figure back");
    }
    auto* r = c.mutable_reject_figure();
    r->set_indicator_id(indicator);
    r->set_period(period);
    r->set_level(level);
    r->set_reason(form["reason"]);
  } else {
    return fail(400, "level", "Choose to sign off or to send back");
  }
  auto r = Execute(visit, form["command_id"], c);
  if (!r) return fail(StatusOfError(r.error()), FieldOf(r.error(), "level"), r.error().message);
  return Redirect(visit, fmt::format("/figures/{}/{}/history?saved={}", UrlEncode(indicator),
                                     UrlEncode(period),
                                     action == "sign_off" ? "signed-off" : "sent-back"));
}

HttpResponse WebApp::GetHistory(Visit& visit) {
  const std::string indicator = visit.request.params["indicator"];
  const std::string period = visit.request.params["period"];
  IndicatorFacts facts = FactsFor(*handler_, visit.person_id, indicator, period, visit.today);
  if (!facts.found) {
    return ErrorPage(visit, 404, "Page not found", fmt::format("There is no indicator {}", indicator));
  }
  auto parsed_period = engine::Period::Parse(period);
  if (!parsed_period) return ErrorPage(visit, 404, "Page not found", parsed_period.error().message);
  (void)handler_;
  if (auto refused = RefuseRead(visit, engine::Action::kReadFigureHistory,
                                facts.definition.owning_unit_id())) {
    return std::move(*refused);
  }
  if (reads_ == nullptr) return ErrorPage(visit, 503, "Not available", "this server has no read models");
  std::string problem;
  const engine::AsOf as_of = AsOfFromQuery(visit.request.query, &problem);
  Data data;
  if (!problem.empty()) {
    List errors;
    errors.push_back(ErrorItem("as_of_date", problem));
    data.set("errors", errors);
    data.set("has_errors", true);
    data.set("error_as_of_date", problem);
  }
  auto history = reads_->FigureHistory(indicator, parsed_period->id(), as_of);
  if (!history) return ErrorPage(visit, history.error());
  data.set("indicator_id", indicator);
  data.set("period", parsed_period->id());
  data.set("indicator", IndicatorData(facts));
  data.set("history", MessageData(*history));
  List entries;
  for (const auto& e : history->entries()) {
    Data d = MessageData(e);
    if (e.actor_name().empty()) d.set("actorName", e.actor());
    entries.push_back(d);
  }
  data.set("entries", entries);
  if (history->entries_size() == 0) data.set("no_entries", true);
  auto q = visit.request.query;
  data.set("as_of_date", q.count("as_of_date") > 0 ? q["as_of_date"] : "");
  if (as_of.time || as_of.position) {
    data.set("past", true);
    data.set("as_of_label", as_of.time ? FormatLondonTime(*as_of.time)
                                       : fmt::format("log position {}", *as_of.position));
  }
  if (q.count("saved") > 0) {
    const std::string& saved = q["saved"];
    const char* text = saved == "submitted"    ? "Figure submitted"
                       : saved == "amended"    ? "Figure amended"
                       : saved == "signed-off" ? "Figure signed off"
                       : saved == "sent-back"  ? "Figure sent back"
                                               : nullptr;
    if (text != nullptr) data.set("saved", text);
  }
  // The indicator over its last eight periods (current figures), with targets.
  adapters::ChartSeries series{.title = fmt::format("{} {}", indicator, facts.definition.title()),
                               .polarity = facts.definition.polarity(),
                               .unit = facts.definition.unit(),
                               .decimal_places = facts.definition.decimal_places()};
  std::vector<engine::Period> periods;
  engine::Period p = *parsed_period;
  for (size_t i = 0; i < adapters::kMaxChartPoints; ++i, p = p.Previous()) periods.push_back(p);
  std::map<std::string, double> targets;
  (void)handler_->ReadModel([&](const engine::CouncilModel& model) {
    if (const engine::Indicator* ind = model.FindIndicator(indicator)) {
      targets.insert(ind->targets.begin(), ind->targets.end());
    }
  });
  for (auto it = periods.rbegin(); it != periods.rend(); ++it) {
    adapters::ChartPoint point{.label = it->id()};
    if (auto s = handler_->LoadFigure(indicator, it->id()); s) point.value = s->NumericValue();
    if (auto t = targets.find(it->id()); t != targets.end()) point.target = t->second;
    point.rag = engine::RateAgainstTarget(facts.definition.polarity(),
                                          facts.definition.amber_tolerance(), point.value,
                                          point.target);
    series.points.push_back(point);
  }
  data.set("chart", adapters::RenderSvgChart(series, {.id_prefix = "trend"}));
  const std::string title = fmt::format("History of {} {}", indicator, parsed_period->id());
  return Page(visit, 200, title, "history", std::move(data));
}

}  // namespace goldthread::web
