#include "adapters/formats/ical.h"

#include <fmt/chrono.h>
#include <fmt/format.h>

#include "engine/model/event_summary.h"
#include "store/base/hex.h"
#include "store/base/sha256.h"

namespace goldthread::adapters {
namespace {

namespace v1 = goldthread::v1;

constexpr size_t kMaxLineOctets = 75;

// "20111014T160000Z"
std::string UtcStamp(TimePoint t) {
  const auto seconds = std::chrono::time_point_cast<std::chrono::seconds>(t);
  return fmt::format("{:%Y%m%dT%H%M%SZ}", seconds);
}

std::string Uid(std::string_view tenant, const v1::OutstandingWork& work, const v1::WorkItem& i) {
  const std::string key = fmt::format("{}\n{}\n{}\n{}\n{}\n{}\n{}\n{}", tenant, work.person_id(),
                                      static_cast<int>(i.kind()), i.indicator_id(), i.period(),
                                      static_cast<int>(i.level()), i.query_id(), i.finding_id());
  return HexEncode(std::string_view(Sha256(key)).substr(0, 16)) + "@goldthread";
}

}  // namespace

std::string EscapeText(std::string_view text) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '\\' || c == ';' || c == ',') {
      out.push_back('\\');
      out.push_back(c);
    } else if (c == '\r') {
      if (i + 1 < text.size() && text[i + 1] == '\n') ++i;
      out += "\\n";
    } else if (c == '\n') {
      out += "\\n";
    } else if (static_cast<unsigned char>(c) < 0x20 && c != '\t') {
      continue;  // control characters are not allowed in TEXT
    } else {
      out.push_back(c);
    }
  }
  return out;
}

std::string FoldLine(std::string_view line) {
  std::string out;
  size_t limit = kMaxLineOctets;  // the first line; continuations spend one octet on the space
  while (line.size() > limit) {
    size_t cut = limit;
    // Never split a UTF-8 sequence: back up over continuation bytes (10xxxxxx).
    while (cut > 0 && (static_cast<unsigned char>(line[cut]) & 0xC0) == 0x80) --cut;
    out.append(line.substr(0, cut));
    out += "\r\n ";
    line.remove_prefix(cut);
    limit = kMaxLineOctets - 1;
  }
  out.append(line);
  out += "\r\n";
  return out;
}

std::string DeadlinesCalendar(const v1::OutstandingWork& work, std::string_view tenant) {
  std::string out;
  auto line = [&out](std::string_view l) { out += FoldLine(l); };
  line("BEGIN:VCALENDAR");
  line("VERSION:2.0");
  line("PRODID:-//goldthread//performance deadlines//EN");
  line("CALSCALE:GREGORIAN");
  line("METHOD:PUBLISH");
  const std::string who = work.person_name().empty() ? work.person_id() : work.person_name();
  line("X-WR-CALNAME:" + EscapeText("Performance deadlines: " + who));
  line("X-WR-TIMEZONE:Europe/London");
  const std::string stamp = UtcStamp(engine::ToTimePoint(work.evaluated_at()));
  for (const v1::WorkItem& item : work.items()) {
    if (!item.has_deadline()) continue;
    const TimePoint due = engine::ToTimePoint(item.deadline());
    line("BEGIN:VEVENT");
    line("UID:" + Uid(tenant, work, item));
    line("DTSTAMP:" + stamp);
    line("DTSTART:" + UtcStamp(due - std::chrono::minutes(30)));
    line("DTEND:" + UtcStamp(due));
    line("SUMMARY:" + EscapeText((item.late() ? "LATE: " : "Due: ") + item.description()));
    std::string description =
        fmt::format("{}\nDue {} (London time).", item.description(), engine::FormatLondonTime(due));
    if (!item.unit_id().empty()) description += fmt::format("\nUnit: {}.", item.unit_id());
    if (item.escalations() > 0) {
      description += fmt::format("\nEscalations raised so far: {}.", item.escalations());
    }
    line("DESCRIPTION:" + EscapeText(description));
    line("CATEGORIES:goldthread");
    line("STATUS:CONFIRMED");
    line("TRANSP:TRANSPARENT");
    line("BEGIN:VALARM");
    line("ACTION:DISPLAY");
    line("DESCRIPTION:" + EscapeText("Due tomorrow: " + item.description()));
    line("TRIGGER:-P1D");
    line("END:VALARM");
    line("END:VEVENT");
  }
  line("END:VCALENDAR");
  return out;
}

}  // namespace goldthread::adapters
