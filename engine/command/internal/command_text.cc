// Control characters in commands: every string a command carries is checked here, once, for
// every caller (the API, the web pages, CSV imports, the CLI), before anything is decided.
//
// Names, ids and single-line texts (titles, labels, references, e-mail addresses) may hold no
// control character at all: nothing below U+0020, no DEL (U+007F), no C1 control
// (U+0080-U+009F). Multi-line texts — commentary, evidence notes, comments, reasons,
// questions, answers, findings, responses, summaries, descriptions, definitions and the lists
// of actions and concerns — may also hold line feeds, carriage returns (for \r\n) and tabs,
// and nothing else below U+0020.
#include <fmt/format.h>

#include <set>
#include <string>

#include "engine/command/internal/decide.h"

namespace goldthread::engine::internal {

namespace {

namespace pb = google::protobuf;

bool IsMultiLine(const std::string& field) {
  static const std::set<std::string> kMultiLine = {
      "commentary", "evidence_note", "comment",  "reason",          "question",
      "answer",     "finding",       "response", "evidence",        "summary",
      "description", "definition",   "method_of_calculation",       "action_required",
      "actions_delivered",           "actions_planned",             "concerns",
      "not_available_reason"};
  return kMultiLine.count(field) > 0;
}

// The offset of the first control character `text` may not hold, or npos.
size_t FindControl(std::string_view text, bool multi_line) {
  for (size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c < 0x20) {
      if (multi_line && (c == '\n' || c == '\r' || c == '\t')) continue;
      return i;
    }
    if (c == 0x7F) return i;
    // C1 controls, U+0080-U+009F, are C2 80..C2 9F in UTF-8.
    if (c == 0xC2 && i + 1 < text.size()) {
      const auto next = static_cast<unsigned char>(text[i + 1]);
      if (next >= 0x80 && next <= 0x9F) return i;
    }
  }
  return std::string_view::npos;
}

Status CheckMessage(const pb::Message& m) {
  const pb::Reflection* reflection = m.GetReflection();
  std::vector<const pb::FieldDescriptor*> fields;
  reflection->ListFields(m, &fields);
  for (const pb::FieldDescriptor* f : fields) {
    const std::string name = f->name();
    if (f->cpp_type() == pb::FieldDescriptor::CPPTYPE_MESSAGE) {
      if (f->is_repeated()) {
        for (int i = 0; i < reflection->FieldSize(m, f); ++i) {
          if (auto s = CheckMessage(reflection->GetRepeatedMessage(m, f, i)); !s) return s;
        }
      } else if (auto s = CheckMessage(reflection->GetMessage(m, f)); !s) {
        return s;
      }
      continue;
    }
    if (f->cpp_type() != pb::FieldDescriptor::CPPTYPE_STRING ||
        f->type() == pb::FieldDescriptor::TYPE_BYTES) {
      continue;
    }
    const bool multi_line = IsMultiLine(name);
    auto check = [&](const std::string& text) -> Status {
      const size_t at = FindControl(text, multi_line);
      if (at == std::string_view::npos) return OkStatus();
      return InvalidField(
          name, fmt::format("{} holds a control character (byte 0x{:02X} at offset {}); {}", name,
                            static_cast<unsigned char>(text[at]), at,
                            multi_line ? "only line breaks and tabs are allowed in it"
                                       : "it must be a single line of printable text"));
    };
    if (f->is_repeated()) {
      for (int i = 0; i < reflection->FieldSize(m, f); ++i) {
        if (auto s = check(reflection->GetRepeatedString(m, f, i)); !s) return s;
      }
    } else if (auto s = check(reflection->GetString(m, f)); !s) {
      return s;
    }
  }
  return OkStatus();
}

}  // namespace

Status CheckCommandText(const goldthread::v1::Command& command) { return CheckMessage(command); }

}  // namespace goldthread::engine::internal
