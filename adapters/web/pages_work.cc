// My work: the landing page after sign-in.
//
//   GET /my-work
//
// What the person owes (figures to enter, amend or sign off, queries to answer, findings to
// respond to or judge), overdue first and then by deadline, each with its deadline in
// Europe/London time, how long until or since it, the reminders sent and the escalations
// raised (rung and to whom); then what has been escalated to them about other people's work.
// From the outstanding-work read model: the same answer as GET /api/v1/me/outstanding.
#include <fmt/format.h>
#include <google/protobuf/util/time_util.h>

#include <set>

#include "adapters/web/form.h"
#include "adapters/web/view.h"
#include "adapters/web/web_app.h"

namespace goldthread::web {

namespace v1 = goldthread::v1;
using adapters::HttpResponse;
using boost::beast::http::verb;

namespace {

// Where a person does the item.
std::string LinkFor(const v1::WorkItem& item) {
  const std::string figure =
      fmt::format("/figures/{}/{}", UrlEncode(item.indicator_id()), UrlEncode(item.period()));
  switch (item.kind()) {
    case v1::WORK_KIND_SUBMIT_FIGURE:
    case v1::WORK_KIND_AMEND_FIGURE:
    case v1::WORK_KIND_ANSWER_QUERY:
      return figure;
    case v1::WORK_KIND_SIGN_OFF_FIGURE:
      return figure + "/sign-off";
    default:
      return item.indicator_id().empty() ? "" : figure + "/history";
  }
}

}  // namespace

void WebApp::RegisterWorkPages(adapters::Router* router) {
  AddPage(router, verb::get, "/my-work", "web_my_work", Access::kSignedIn,
          [this](Visit& v) { return GetMyWork(v); });
}

HttpResponse WebApp::GetMyWork(Visit& visit) {
  if (reads_ == nullptr) return ErrorPage(visit, 503, "Not available", "this server has no read models");
  auto work = reads_->OutstandingWork(visit.person_id);
  if (!work) return ErrorPage(visit, work.error());
  auto late = reads_->LateReturns();
  if (!late) return ErrorPage(visit, late.error());
  const TimePoint now = handler_->clock().Now();

  std::map<std::string, std::string> names;
  std::map<std::string, std::string> titles;
  (void)handler_->ReadModel([&](const engine::CouncilModel& model) {
    for (const auto& [id, p] : model.people()) names[id] = p.name;
    for (const auto& [id, i] : model.indicators()) titles[id] = i.definition.title();
  });
  auto item_data = [&](const v1::WorkItem& item) {
    Data d = MessageData(item);
    d.set("link", LinkFor(item));
    if (auto t = titles.find(item.indicator_id()); t != titles.end()) d.set("title", t->second);
    if (item.has_deadline()) {
      d.set("deadline_relative", Relative(TimeOf(item.deadline()), now));
    } else {
      d.set("no_deadline", true);
    }
    if (item.reminders() > 0) {
      d.set("reminded", fmt::format("{} reminder{}, last {}", item.reminders(),
                                    item.reminders() == 1 ? "" : "s",
                                    FormatLondonTime(item.last_reminded_at())));
    }
    if (item.escalations() > 0) {
      std::string to;
      for (const std::string& id : item.escalated_to_person_ids()) {
        if (!to.empty()) to += ", ";
        to += names.count(id) > 0 ? names[id] : id;
      }
      d.set("escalated", fmt::format("Rung {}, {}, to {}", item.escalation_rung(),
                                     FormatLondonTime(item.last_escalated_at()),
                                     to.empty() ? "nobody named" : to));
    }
    return d;
  };

  List mine;
  std::set<std::string> seen;
  size_t overdue = 0;
  for (const v1::WorkItem& item : work->items()) {
    mine.push_back(item_data(item));
    seen.insert(item.description());
    overdue += item.late() ? 1 : 0;
  }
  List escalated;
  for (const v1::WorkItem& item : late->items()) {
    const auto& to = item.escalated_to_person_ids();
    if (std::find(to.begin(), to.end(), visit.person_id) == to.end()) continue;
    if (seen.count(item.description()) > 0) continue;
    Data d = item_data(item);
    std::string owed_by;
    for (const std::string& id : item.responsible_person_ids()) {
      if (!owed_by.empty()) owed_by += ", ";
      owed_by += names.count(id) > 0 ? names[id] : id;
    }
    d.set("owed_by", owed_by.empty() ? "nobody with the role" : owed_by);
    escalated.push_back(d);
  }
  Data data;
  data.set("name", visit.person_name);
  data.set("items", mine);
  if (!mine.empty()) data.set("has_items", true);
  data.set("escalated", escalated);
  if (!escalated.empty()) data.set("has_escalated", true);
  data.set("overdue_count", std::to_string(overdue));
  if (overdue > 0) data.set("has_overdue", true);
  data.set("as_of", FormatLondonTime(now));
  return Page(visit, 200, "My work", "my_work", std::move(data));
}

}  // namespace goldthread::web
