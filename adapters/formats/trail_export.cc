#include "adapters/formats/trail_export.h"

#include <date/date.h>
#include <date/tz.h>
#include <fmt/format.h>
#include <google/protobuf/util/json_util.h>

#include "adapters/formats/csv.h"
#include "engine/model/authority.h"
#include "engine/model/event_summary.h"

namespace goldthread::engine {

namespace v1 = goldthread::v1;

namespace {

// "2011-10-05T11:00:00+01:00": London local time with its offset, which spreadsheets read.
std::string IsoLondon(const google::protobuf::Timestamp& ts) {
  if (ts.seconds() == 0 && ts.nanos() == 0) return "";
  static const date::time_zone* const london = date::locate_zone("Europe/London");
  const auto zoned =
      date::make_zoned(london, std::chrono::time_point_cast<std::chrono::seconds>(ToTimePoint(ts)));
  return date::format("%FT%T%Ez", zoned);
}

// "2011-10-05 11:00 BST", for people.
std::string Local(const google::protobuf::Timestamp& ts) {
  if (ts.seconds() == 0 && ts.nanos() == 0) return "";
  return FormatLondonTime(ToTimePoint(ts));
}

std::string YesNo(bool b) { return b ? "yes" : "no"; }

std::string Levels(const google::protobuf::RepeatedField<int>& levels) {
  std::string out;
  for (int l : levels) {
    if (!out.empty()) out += "; ";
    out += LevelName(static_cast<v1::SignOffLevel>(l));
  }
  return out;
}

std::string ChangeKindName(v1::ChangeKind kind) {
  switch (kind) {
    case v1::CHANGE_KIND_AMENDMENT:
      return "amendment";
    case v1::CHANGE_KIND_RESTATEMENT:
      return "restatement";
    case v1::CHANGE_KIND_REJECTION:
      return "sent back";
    default:
      return "change";
  }
}

// "p-sm (service manager) at 2011-10-05T12:00:00+01:00 on behalf of p-dir".
std::string SignOffText(const v1::TrailSignOff& s, bool iso) {
  std::string out = fmt::format("{} ({}) at {}", s.person_id(), RoleName(s.role()),
                                iso ? IsoLondon(s.at()) : Local(s.at()));
  if (!s.on_behalf_of_person_id().empty()) {
    out += fmt::format(" on behalf of {}", s.on_behalf_of_person_id());
  }
  if (s.by_version_author()) out += " [FOUR-EYES BREACH: signer authored the version]";
  return out;
}

std::string ChangeText(const v1::TrailChange& c) {
  std::string out = fmt::format("{} of version {} by {} at {}", ChangeKindName(c.kind()),
                                c.figure_version(), c.by(), IsoLondon(c.at()));
  if (c.kind() != v1::CHANGE_KIND_REJECTION) {
    out += fmt::format(" ({} to {})", FormatFigureValue(c.previous_value(), std::nullopt),
                       FormatFigureValue(c.value(), std::nullopt));
  }
  if (c.lapsed_levels_size() > 0) out += fmt::format(", lapsing {}", Levels(c.lapsed_levels()));
  out += fmt::format(": {}", c.reason());
  return out;
}

// The current (not lapsed) sign-off at `level`, as text; "" when none.
std::string CurrentSignOff(const v1::TrailFigure& f, v1::SignOffLevel level) {
  for (const v1::TrailSignOff& s : f.sign_offs()) {
    if (s.level() == level && !s.lapsed()) return SignOffText(s, true);
  }
  return "";
}

template <typename Items, typename F>
std::string Joined(const Items& items, F text) {
  std::string out;
  for (const auto& item : items) {
    if (!out.empty()) out += "; ";
    out += text(item);
  }
  return out;
}

}  // namespace

Result<std::string> TrailToJson(const v1::AssuranceTrail& trail) {
  google::protobuf::util::JsonPrintOptions options;
  options.add_whitespace = true;
  options.always_print_primitive_fields = true;
  std::string out;
  auto status = google::protobuf::util::MessageToJsonString(trail, &out, options);
  if (!status.ok()) {
    return MakeError(ErrorCode::kInternal,
                     fmt::format("writing the trail as JSON: {}", status.ToString()));
  }
  return out;
}

std::string TrailToCsv(const v1::AssuranceTrail& trail) {
  std::string out = adapters::CsvLine({"period",
                                       "indicator_id",
                                       "title",
                                       "owning_unit_id",
                                       "directorate_id",
                                       "submitted",
                                       "value",
                                       "figure_version",
                                       "submitted_by",
                                       "submitted_at",
                                       "service_sign_off",
                                       "directorate_sign_off",
                                       "corporate_verification",
                                       "partnership_sign_off",
                                       "fully_signed_off",
                                       "missing_levels",
                                       "four_eyes_ok",
                                       "amendments_after_sign_off",
                                       "restatements",
                                       "changes",
                                       "queries_raised",
                                       "queries_open",
                                       "findings_raised",
                                       "findings_answered",
                                       "findings_overdue",
                                       "findings_closed",
                                       "escalations",
                                       "escalations_outstanding",
                                       "escalation_outcomes",
                                       "reminders",
                                       "locked",
                                       "reported_to",
                                       "locked_at",
                                       "published",
                                       "published_at",
                                       "log_positions",
                                       "log_verified",
                                       "verified_to_position",
                                       "log_hash",
                                       "merkle_tree_size",
                                       "merkle_root",
                                       "signed_checkpoint"});
  const v1::TrailVerification& seal = trail.verification();
  for (const v1::TrailFigure& f : trail.figures()) {
    int queries_open = 0, answered = 0, overdue = 0, closed = 0, outstanding = 0;
    for (const auto& q : f.queries()) queries_open += q.answered() ? 0 : 1;
    for (const auto& x : f.findings()) {
      answered += x.has_first_response_at() ? 1 : 0;
      overdue += x.overdue() ? 1 : 0;
      closed += x.status() == "closed" ? 1 : 0;
    }
    for (const auto& e : f.escalations()) outstanding += e.resolved() ? 0 : 1;
    out += adapters::CsvLine({
        f.period(),
        f.indicator_id(),
        f.title(),
        f.owning_unit_id(),
        f.directorate_id(),
        YesNo(f.submitted()),
        f.submitted() ? FormatFigureValue(f.value(), std::nullopt) : "",
        std::to_string(f.figure_version()),
        f.submitted_by(),
        IsoLondon(f.submitted_at()),
        CurrentSignOff(f, v1::SIGN_OFF_LEVEL_SERVICE),
        CurrentSignOff(f, v1::SIGN_OFF_LEVEL_DIRECTORATE),
        CurrentSignOff(f, v1::SIGN_OFF_LEVEL_CORPORATE_VERIFICATION),
        CurrentSignOff(f, v1::SIGN_OFF_LEVEL_PARTNERSHIP),
        YesNo(f.fully_signed_off()),
        Levels(f.missing_levels()),
        YesNo(f.four_eyes_ok()),
        std::to_string(f.amendments_after_sign_off()),
        std::to_string(f.restatements()),
        Joined(f.changes(), ChangeText),
        std::to_string(f.queries_size()),
        std::to_string(queries_open),
        std::to_string(f.findings_size()),
        std::to_string(answered),
        std::to_string(overdue),
        std::to_string(closed),
        std::to_string(f.escalations_size()),
        std::to_string(outstanding),
        Joined(f.escalations(),
               [](const v1::TrailEscalation& e) {
                 return fmt::format("{}: {}", e.outstanding(), e.resolution());
               }),
        std::to_string(f.reminders_size()),
        YesNo(f.locked()),
        f.reported_to(),
        IsoLondon(f.locked_at()),
        YesNo(f.published()),
        IsoLondon(f.published_at()),
        Joined(f.log_entries(),
               [](const v1::TrailLogEntry& e) { return std::to_string(e.position()); }),
        YesNo(seal.ok()),
        std::to_string(seal.position()),
        seal.hash_hex(),
        std::to_string(seal.tree_size()),
        seal.tree_root(),
        seal.checkpoint(),
    });
  }
  return out;
}

std::string HtmlEscape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

namespace {

constexpr char kStyle[] = R"(
body { font-family: "Segoe UI", Arial, sans-serif; font-size: 10.5pt; color: #111; margin: 2em; }
h1 { font-size: 17pt; margin-bottom: 0.2em; }
h2 { font-size: 13pt; border-bottom: 2px solid #333; margin-top: 1.6em; }
h3 { font-size: 11.5pt; margin: 1.2em 0 0.3em; }
table { border-collapse: collapse; margin: 0.4em 0 0.8em; width: 100%; }
th, td { border: 1px solid #999; padding: 3px 6px; text-align: left; vertical-align: top; }
th { background: #eee; }
.seal td:first-child, .totals td:first-child { width: 40%; }
.ok { color: #05600c; font-weight: bold; }
.breach, .bad { color: #a00000; font-weight: bold; }
.lapsed { color: #666; text-decoration: line-through; }
.note { color: #444; }
section.figure { border-top: 1px solid #bbb; padding-top: 0.3em; }
@page { size: A4; margin: 15mm; }
@media print {
  body { margin: 0; font-size: 9.5pt; }
  section.figure { page-break-inside: avoid; break-inside: avoid; }
  h2 { page-break-after: avoid; break-after: avoid; }
  th { background: #eee !important; -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}
)";

void Row(std::string* out, std::string_view label, std::string_view value_html) {
  *out += fmt::format("<tr><td>{}</td><td>{}</td></tr>\n", HtmlEscape(label), value_html);
}

// A table with a header row; each cell of `rows` is already escaped HTML.
void Table(std::string* out, const std::vector<std::string>& headings,
           const std::vector<std::vector<std::string>>& rows, std::string_view css_class = "") {
  *out +=
      css_class.empty() ? "<table>\n<tr>" : fmt::format("<table class=\"{}\">\n<tr>", css_class);
  for (const std::string& h : headings) *out += "<th>" + HtmlEscape(h) + "</th>";
  *out += "</tr>\n";
  for (const auto& row : rows) {
    *out += "<tr>";
    for (const std::string& cell : row) *out += "<td>" + cell + "</td>";
    *out += "</tr>\n";
  }
  *out += "</table>\n";
}

std::string E(std::string_view s) { return HtmlEscape(s); }

}  // namespace

std::string TrailToHtml(const v1::AssuranceTrail& trail) {
  const std::string scope = trail.directorate_id().empty()
                                ? "the whole council"
                                : "directorate " + trail.directorate_id();
  std::string out = "<!DOCTYPE html>\n<html lang=\"en-GB\">\n<head>\n<meta charset=\"utf-8\">\n";
  out += fmt::format("<title>Assurance trail {} ({})</title>\n", E(trail.period()), E(scope));
  out += fmt::format("<style>{}</style>\n</head>\n<body>\n", kStyle);
  out += fmt::format(
      "<h1>Assurance trail: {}</h1>\n<p class=\"note\">Every figure of {} for {}, "
      "as recorded in the goldthread log.</p>\n",
      E(trail.period()), E(trail.period()), E(scope));

  const v1::TrailVerification& seal = trail.verification();
  out += "<h2>The log this trail was computed from</h2>\n<table class=\"seal\">\n";
  Row(&out, "Log verified",
      seal.ok() ? fmt::format("<span class=\"ok\">yes</span>: {} events checked, {} redacted",
                              seal.events_checked(), seal.redacted_payloads())
                : fmt::format("<span class=\"bad\">NO</span>: position {}: {}",
                              seal.first_bad_position(), E(seal.problem())));
  Row(&out, "Computed as of log position", std::to_string(trail.as_of().position()));
  Row(&out, "Recorded at that position", E(Local(trail.as_of().recorded_at())));
  Row(&out, "Hash of the record at that position (SHA-256)",
      "<code>" + E(seal.hash_hex()) + "</code>");
  Row(&out, fmt::format("Merkle tree root of those {} events (RFC 6962, base64)", seal.tree_size()),
      "<code>" + E(seal.tree_root()) + "</code>");
  Row(&out, "Checkpoint signed with the log's key (docs/VERIFYING.md)",
      seal.checkpoint().empty() ? "none: this server holds no signing key"
                                : "<pre class=\"checkpoint\">" + E(seal.checkpoint()) + "</pre>");
  Row(&out, "Overdue judged at", E(Local(trail.evaluated_at())));
  out += "</table>\n";

  const v1::TrailTotals& t = trail.totals();
  out += "<h2>Summary</h2>\n<table class=\"totals\">\n";
  Row(&out, "Figures", std::to_string(t.figures()));
  Row(&out, "Submitted", std::to_string(t.submitted()));
  Row(&out, "Fully signed off", std::to_string(t.fully_signed_off()));
  Row(&out, "Four-eyes breaches",
      t.four_eyes_breaches() == 0
          ? "<span class=\"ok\">0</span>"
          : fmt::format("<span class=\"breach\">{}</span>", t.four_eyes_breaches()));
  Row(&out, "Amendments after sign-off", std::to_string(t.amendments_after_sign_off()));
  Row(&out, "Restatements", std::to_string(t.restatements()));
  Row(&out, "Sent back for correction", std::to_string(t.rejections()));
  Row(&out, "Data-quality queries (open)",
      fmt::format("{} ({})", t.queries_raised(), t.queries_open()));
  Row(&out, "Challenge findings: raised / answered / overdue / closed",
      fmt::format("{} / {} / {} / {}", t.findings_raised(), t.findings_answered(),
                  t.findings_overdue(), t.findings_closed()));
  Row(&out, "Escalations: resolved / outstanding",
      fmt::format("{} / {}", t.escalations_resolved(), t.escalations_outstanding()));
  Row(&out, "Reminders", std::to_string(t.reminders()));
  Row(&out, "Locked (reported)", std::to_string(t.locked()));
  Row(&out, "Published", std::to_string(t.published()));
  out += "</table>\n<h2>Figures</h2>\n";

  for (const v1::TrailFigure& f : trail.figures()) {
    out += "<section class=\"figure\">\n";
    out += fmt::format("<h3>{} {}: {}</h3>\n", E(f.indicator_id()), E(f.period()), E(f.title()));
    std::string status = f.submitted() ? fmt::format("Value {} (version {}), submitted by {} at {}",
                                                     E(FormatFigureValue(f.value(), std::nullopt)),
                                                     f.figure_version(), E(f.submitted_by()),
                                                     E(Local(f.submitted_at())))
                                       : "<span class=\"bad\">Not submitted</span>";
    status +=
        fmt::format(". Owned by {}{}.", E(f.owning_unit_id()),
                    f.directorate_id().empty() ? "" : fmt::format(" ({})", E(f.directorate_id())));
    status += f.fully_signed_off() ? " <span class=\"ok\">Fully signed off.</span>"
                                   : fmt::format(" <span class=\"bad\">Awaiting: {}.</span>",
                                                 E(Levels(f.missing_levels())));
    status += f.four_eyes_ok() ? " <span class=\"ok\">Four eyes: kept.</span>"
                               : " <span class=\"breach\">Four eyes: BROKEN.</span>";
    if (f.locked()) {
      status += fmt::format(" Reported to {} at {}.", E(f.reported_to()), E(Local(f.locked_at())));
    }
    if (f.published()) status += fmt::format(" Published at {}.", E(Local(f.published_at())));
    out += "<p>" + status + "</p>\n";

    if (f.sign_offs_size() > 0) {
      std::vector<std::vector<std::string>> rows;
      for (const v1::TrailSignOff& s : f.sign_offs()) {
        std::string state = s.lapsed() ? "<span class=\"lapsed\">lapsed</span>" : "current";
        if (s.by_version_author()) {
          state += " <span class=\"breach\">signer authored this version</span>";
        }
        rows.push_back(
            {E(LevelName(s.level())),
             E(s.person_id()) + (s.person_name().empty() ? "" : " (" + E(s.person_name()) + ")"),
             E(RoleName(s.role())), E(s.on_behalf_of_person_id()), E(Local(s.at())),
             std::to_string(s.figure_version()), state});
      }
      Table(&out, {"Level", "Signed by", "Role", "On behalf of", "When", "Version", "Status"},
            rows);
    }
    if (f.changes_size() > 0) {
      std::vector<std::vector<std::string>> rows;
      for (const v1::TrailChange& c : f.changes()) {
        rows.push_back({E(ChangeKindName(c.kind())), E(c.by()), E(Local(c.at())),
                        std::to_string(c.figure_version()),
                        c.kind() == v1::CHANGE_KIND_REJECTION
                            ? ""
                            : E(FormatFigureValue(c.previous_value(), std::nullopt) + " to " +
                                FormatFigureValue(c.value(), std::nullopt)),
                        E(Levels(c.lapsed_levels())), E(c.reason())});
      }
      Table(&out, {"Change", "By", "When", "Version", "Value", "Sign-offs lapsed", "Reason"}, rows);
    }
    if (f.queries_size() > 0) {
      std::vector<std::vector<std::string>> rows;
      for (const v1::TrailQuery& q : f.queries()) {
        rows.push_back({E(q.query_id()), E(q.raised_by()) + ", " + E(Local(q.raised_at())),
                        E(q.question()),
                        q.answered() ? E(q.answered_by()) + ", " + E(Local(q.answered_at()))
                                     : "<span class=\"bad\">open</span>",
                        E(q.answer())});
      }
      Table(&out, {"Data-quality query", "Raised", "Question", "Answered", "Answer"}, rows);
    }
    if (f.findings_size() > 0) {
      std::vector<std::vector<std::string>> rows;
      for (const v1::TrailFinding& x : f.findings()) {
        std::string status_html = E(x.status());
        if (x.overdue()) status_html += " <span class=\"bad\">overdue</span>";
        if (x.answered_late()) status_html += " <span class=\"bad\">answered late</span>";
        rows.push_back({E(x.finding_id()), E(x.raised_by()) + ", " + E(Local(x.raised_at())),
                        E(x.finding()), E(x.owner_person_id()), E(x.due().iso()), status_html});
      }
      Table(&out, {"Challenge finding", "Raised", "Finding", "Owner", "Due", "Status"}, rows);
    }
    if (f.escalations_size() > 0) {
      std::vector<std::vector<std::string>> rows;
      for (const v1::TrailEscalation& e : f.escalations()) {
        rows.push_back({E(e.outstanding()) +
                            (e.finding_id().empty() ? "" : " (finding " + E(e.finding_id()) + ")"),
                        E(Local(e.first_raised_at())), std::to_string(e.highest_rung()),
                        E(Joined(e.recipient_person_ids(), [](const std::string& s) { return s; })),
                        e.acknowledged() ? "by " + E(e.acknowledged_by()) : "no",
                        e.resolved() ? E(e.resolution())
                                     : "<span class=\"bad\">" + E(e.resolution()) + "</span>"});
      }
      Table(&out, {"Escalation", "First raised", "Highest rung", "To", "Acknowledged", "Outcome"},
            rows);
    }
    if (f.reminders_size() > 0) {
      std::vector<std::vector<std::string>> rows;
      for (const v1::TrailReminder& r : f.reminders()) {
        rows.push_back({E(Local(r.at())), E(r.outstanding()), E(r.stage_id()),
                        E(Joined(r.recipient_person_ids(), [](const std::string& s) { return s; })),
                        r.late_by_seconds() > 0 ? E(FormatDuration(r.late_by_seconds())) : ""});
      }
      Table(&out, {"Reminder sent", "Outstanding", "Stage", "To", "Sent late by"}, rows);
    }
    out += "</section>\n";
  }
  out += "</body>\n</html>\n";
  return out;
}

}  // namespace goldthread::engine
