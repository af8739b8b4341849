#include "engine/notify/notification_message.h"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <google/protobuf/util/time_util.h>

#include <vector>

#include "engine/model/authority.h"
#include "engine/model/event_summary.h"
#include "store/base/json_text.h"

namespace goldthread::engine {

namespace v1 = goldthread::v1;

namespace {

std::vector<std::string_view> Split(std::string_view s, char sep) {
  std::vector<std::string_view> out;
  size_t start = 0;
  while (true) {
    const size_t at = s.find(sep, start);
    out.push_back(s.substr(start, at == std::string_view::npos ? at : at - start));
    if (at == std::string_view::npos) return out;
    start = at + 1;
  }
}

std::string Rfc3339(TimePoint t) {
  return google::protobuf::util::TimeUtil::ToString(TimestampOf(t));
}

std::string JoinBase(std::string_view base, std::string_view path) {
  while (!base.empty() && base.back() == '/') base.remove_suffix(1);
  return fmt::format("{}{}", base, path);
}

// The common shape of the two source events.
struct SourceView {
  bool escalation = false;
  const v1::DeadlineRef* deadline = nullptr;
  std::string outstanding;
  const google::protobuf::RepeatedPtrField<std::string>* person_ids = nullptr;
  const google::protobuf::RepeatedField<int>* roles = nullptr;
  uint32_t rung = 0;
  int64_t overdue_by_seconds = 0;
  std::string escalation_id;
};

SourceView ViewOf(const v1::Event& event) {
  SourceView v;
  if (event.has_escalation_raised()) {
    const auto& e = event.escalation_raised();
    v.escalation = true;
    v.deadline = &e.deadline();
    v.outstanding = e.outstanding();
    v.person_ids = &e.recipient_person_ids();
    v.roles = &e.recipient_roles();
    v.rung = e.rung();
    v.overdue_by_seconds = e.overdue_by_seconds();
    v.escalation_id = e.escalation_id();
  } else {
    const auto& e = event.reminder_issued();
    v.deadline = &e.deadline();
    v.outstanding = e.outstanding();
    v.person_ids = &e.recipient_person_ids();
    v.roles = &e.recipient_roles();
  }
  return v;
}

std::string PersonLabel(const NotificationFacts& facts, const std::string& id) {
  auto it = facts.people.find(id);
  if (it == facts.people.end() || it->second.name.empty()) return id;
  if (it->second.email.empty()) return it->second.name;
  return fmt::format("{} <{}>", it->second.name, it->second.email);
}

std::string ItemLabel(const NotifiedItem& item, const NotificationFacts& facts) {
  if (item.kind == "figure") {
    return facts.indicator_title.empty()
               ? fmt::format("{}, {}", item.indicator_id, item.period)
               : fmt::format("{} {}, {}", item.indicator_id, facts.indicator_title, item.period);
  }
  if (item.kind == "finding") return fmt::format("challenge finding {}", item.id);
  if (item.kind == "priority") return fmt::format("priority {}", item.id);
  if (item.kind == "cycle") return fmt::format("{} cycle {}", item.id, item.period);
  return facts.stream;
}

}  // namespace

NotifiedItem ItemOfStream(std::string_view tenant, std::string_view stream) {
  NotifiedItem item;
  const std::vector<std::string_view> parts = Split(stream, '/');
  if (parts.size() < 3 || parts[0] != tenant) return item;
  if (parts[1] == "figure" && parts.size() == 4) {
    item.kind = "figure";
    item.indicator_id = parts[2];
    item.period = parts[3];
    item.path = fmt::format("/api/v1/figures/{}/{}", parts[2], parts[3]);
  } else if (parts[1] == "finding" && parts.size() == 3) {
    item.kind = "finding";
    item.id = parts[2];
    item.path = fmt::format("/api/v1/findings/{}", parts[2]);
  } else if (parts[1] == "priority" && parts.size() == 3) {
    item.kind = "priority";
    item.id = parts[2];
    item.path = fmt::format("/api/v1/priorities/{}", parts[2]);
  } else if (parts[1] == "cycle" && parts.size() == 4) {
    item.kind = "cycle";
    item.id = parts[2];
    item.period = parts[3];
    item.path = fmt::format("/api/v1/cycles/{}/{}", parts[2], parts[3]);
  }
  return item;
}


RenderedNotification RenderNotification(const NotificationFacts& facts,
                                        std::string_view recipient_person_id,
                                        std::string_view delivery_id) {
  const SourceView v = ViewOf(facts.event);
  const NotifiedItem item = ItemOfStream(facts.tenant, facts.stream);
  const std::string what = ItemLabel(item, facts);
  const bool has_due = v.deadline->has_due_at();
  const TimePoint due = ToTimePoint(v.deadline->due_at());
  const std::string due_text = has_due ? FormatLondonTime(due) : "no date recorded";
  const std::string link = item.path.empty() ? "" : JoinBase(facts.public_base_url, item.path);

  std::vector<std::string> others;
  for (const std::string& id : *v.person_ids) {
    if (id != recipient_person_id) others.push_back(PersonLabel(facts, id));
  }
  std::string roles;
  for (const int role : *v.roles) {
    if (!roles.empty()) roles += ", ";
    roles += RoleName(static_cast<v1::Role>(role));
  }

  RenderedNotification out;
  out.subject = v.escalation
                    ? fmt::format("Escalation (level {}): {}: {}, {} overdue", v.rung, what,
                                  v.outstanding, FormatDuration(v.overdue_by_seconds))
                    : fmt::format("Reminder: {}: {}, due {}", what, v.outstanding, due_text);

  std::string t;
  auto line = [&t](std::string_view s) {
    t.append(s);
    t += '\n';
  };
  if (!recipient_person_id.empty()) {
    auto it = facts.people.find(std::string(recipient_person_id));
    line(fmt::format(
        "Dear {},", it == facts.people.end() ? std::string(recipient_person_id) : it->second.name));
    line("");
  }
  if (v.escalation) {
    line(
        fmt::format("This has passed its deadline and has been escalated to you (level {} of "
                    "the escalation ladder).",
                    v.rung));
  } else {
    line("This is a reminder of a deadline that is coming up.");
  }
  line("");
  line(fmt::format("What is due:  {}", v.outstanding));
  if (item.kind == "figure") {
    line(fmt::format("Indicator:    {}{}", item.indicator_id,
                     facts.indicator_title.empty() ? "" : " " + facts.indicator_title));
    line(fmt::format("Period:       {}", item.period));
  } else {
    line(fmt::format("About:        {}", what));
  }
  line(fmt::format("Due by:       {}", due_text));
  if (v.escalation) {
    line(fmt::format("Overdue by:   {}", FormatDuration(v.overdue_by_seconds)));
  }
  line(fmt::format("Stage:        {} of the {} cycle for {}", v.deadline->stage_id(),
                   v.deadline->workflow_id(), v.deadline->cycle_period()));
  line(fmt::format("Also told:    {}",
                   others.empty() ? "nobody else" : fmt::format("{}", fmt::join(others, ", "))));
  if (!roles.empty()) line(fmt::format("Sent to:      the {} for this item", roles));
  line("");
  if (!link.empty()) {
    line("Act on it here:");
    line(link);
    line("");
  }
  line(
      fmt::format("Delivery id {} (quote it if you write about this message; a repeat of this "
                  "message carries the same id).",
                  delivery_id));
  out.text = std::move(t);

  std::string recipients;
  for (const std::string& id : *v.person_ids) {
    if (!recipients.empty()) recipients += ",";
    auto it = facts.people.find(id);
    recipients += fmt::format("{{\"person_id\":{},\"name\":{},\"email\":{}}}", JsonQuote(id),
                              JsonQuote(it == facts.people.end() ? "" : it->second.name),
                              JsonQuote(it == facts.people.end() ? "" : it->second.email));
  }
  std::string j = "{";
  j += fmt::format("\"delivery_id\":{},\"kind\":{},\"tenant\":{}", JsonQuote(delivery_id),
                   JsonQuote(v.escalation ? "escalation" : "reminder"), JsonQuote(facts.tenant));
  j += fmt::format(
      ",\"source\":{{\"stream\":{},\"position\":{},\"event_id\":{},\"recorded_at\":{}}}",
      JsonQuote(facts.stream), facts.position, JsonQuote(facts.event_id),
      JsonQuote(Rfc3339(facts.recorded_at)));
  j += fmt::format(
      ",\"item\":{{\"kind\":{},\"indicator_id\":{},\"indicator_title\":{},"
      "\"period\":{},\"id\":{}}}",
      JsonQuote(item.kind), JsonQuote(item.indicator_id), JsonQuote(facts.indicator_title),
      JsonQuote(item.period), JsonQuote(item.id));
  j += fmt::format(",\"outstanding\":{}", JsonQuote(v.outstanding));
  j += fmt::format(
      ",\"deadline\":{{\"workflow_id\":{},\"cycle_period\":{},\"stage_id\":{},"
      "\"due_at\":{}}}",
      JsonQuote(v.deadline->workflow_id()), JsonQuote(v.deadline->cycle_period()),
      JsonQuote(v.deadline->stage_id()), has_due ? JsonQuote(Rfc3339(due)) : "null");
  if (v.escalation) {
    j += fmt::format(",\"escalation_id\":{},\"rung\":{},\"overdue_by_seconds\":{}",
                     JsonQuote(v.escalation_id), v.rung, v.overdue_by_seconds);
  }
  j += fmt::format(",\"recipients\":[{}],\"link\":{}", recipients, JsonQuote(link));
  j += "}";
  out.json = std::move(j);
  return out;
}

}  // namespace goldthread::engine
