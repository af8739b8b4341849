#include "adapters/formats/csv.h"

#include <fmt/format.h>

#include <set>

namespace goldthread::adapters {
namespace {

Failure LineError(size_t line, std::string message) {
  return MakeError(ErrorCode::kInvalidArgument, fmt::format("line {}: {}", line, message),
                   fmt::format("line {}", line));
}

}  // namespace

std::optional<size_t> CsvTable::Column(std::string_view name) const {
  for (size_t i = 0; i < header.size(); ++i)
    if (header[i] == name) return i;
  return std::nullopt;
}

std::string_view CsvTable::Get(const CsvRecord& record, std::string_view column) const {
  auto i = Column(column);
  if (!i || *i >= record.fields.size()) return {};
  return record.fields[*i];
}

Result<CsvTable> ParseCsv(std::string_view text) {
  if (text.size() > kMaxCsvBytes) {
    return MakeError(
        ErrorCode::kResourceExhausted,
        fmt::format("the file is {} bytes; an import takes at most {}", text.size(), kMaxCsvBytes));
  }
  if (text.starts_with("\xEF\xBB\xBF")) text.remove_prefix(3);
  std::vector<CsvRecord> records;
  size_t line = 1;
  size_t i = 0;
  const size_t n = text.size();
  while (i < n) {
    // A blank line (LF or CRLF alone) is no record.
    if (text[i] == '\n') {
      ++line, ++i;
      continue;
    }
    if (text[i] == '\r' && i + 1 < n && text[i + 1] == '\n') {
      ++line, i += 2;
      continue;
    }
    CsvRecord record{.line = line};
    while (true) {  // one field per turn
      std::string field;
      if (i < n && text[i] == '"') {
        const size_t opened_on = line;
        ++i;
        bool closed = false;
        while (i < n) {
          const char c = text[i];
          if (c == '"') {
            if (i + 1 < n && text[i + 1] == '"') {
              field.push_back('"');
              i += 2;
              continue;
            }
            ++i;
            closed = true;
            break;
          }
          if (c == '\n') ++line;
          field.push_back(c);
          ++i;
        }
        if (!closed) {
          return LineError(opened_on, "a quoted field is never closed (unbalanced \")");
        }
        if (i < n && text[i] != ',' && text[i] != '\n' && text[i] != '\r') {
          return LineError(line, "text follows a closing quote; inside quotes write \"\" for \"");
        }
      } else {
        while (i < n && text[i] != ',' && text[i] != '\n' && text[i] != '\r') {
          if (text[i] == '"') {
            return LineError(line, "a quote inside an unquoted field; quote the whole field");
          }
          field.push_back(text[i]);
          ++i;
        }
        if (i < n && text[i] == '\r' && !(i + 1 < n && text[i + 1] == '\n')) {
          return LineError(line, "a carriage return not followed by a line feed");
        }
      }
      record.fields.push_back(std::move(field));
      if (i < n && text[i] == ',') {
        ++i;
        continue;
      }
      // End of record: CRLF, LF or the end of the text.
      if (i < n && text[i] == '\r') ++i;
      if (i < n && text[i] == '\n') {
        ++i;
        ++line;
      }
      break;
    }
    records.push_back(std::move(record));
  }
  if (records.empty()) {
    return MakeError(ErrorCode::kInvalidArgument, "the file is empty: it needs a header row",
                     "line 1");
  }
  CsvTable table;
  table.header = std::move(records.front().fields);
  std::set<std::string, std::less<>> names;
  for (std::string& name : table.header) {
    // Trim spaces around header names: spreadsheets keep them, people do not see them.
    const size_t b = name.find_first_not_of(' ');
    const size_t e = name.find_last_not_of(' ');
    name = b == std::string::npos ? "" : name.substr(b, e - b + 1);
    if (name.empty()) return LineError(records.front().line, "a header column has no name");
    if (!names.insert(name).second) {
      return LineError(records.front().line, fmt::format("column '{}' appears twice", name));
    }
  }
  for (size_t r = 1; r < records.size(); ++r) {
    if (records[r].fields.size() != table.header.size()) {
      return LineError(records[r].line, fmt::format("{} fields, but the header has {}",
                                                    records[r].fields.size(), table.header.size()));
    }
    table.records.push_back(std::move(records[r]));
  }
  return table;
}

bool IsPlainNumber(std::string_view value) {
  size_t i = 0;
  if (i < value.size() && (value[i] == '-' || value[i] == '+')) ++i;
  bool digits = false, point = false;
  for (; i < value.size(); ++i) {
    const char c = value[i];
    if (c >= '0' && c <= '9') {
      digits = true;
    } else if (c == '.' && !point) {
      point = true;
    } else {
      return false;
    }
  }
  return digits;
}

std::string SafeSpreadsheetText(std::string_view value) {
  std::string out;
  out.reserve(value.size() + 1);
  for (char ch : value) {
    const auto c = static_cast<unsigned char>(ch);
    if ((c < 0x20 && c != '\n' && c != '\r' && c != '\t') || c == 0x7F) continue;
    out.push_back(ch);
  }
  // OWASP "CSV injection": a cell starting with one of these may be read as a formula.
  if (!out.empty() && std::string_view("=+-@\t\r").find(out.front()) != std::string_view::npos) {
    out.insert(out.begin(), '\'');
  }
  return out;
}

std::string CsvField(std::string_view raw) {
  const std::string value = IsPlainNumber(raw) ? std::string(raw) : SafeSpreadsheetText(raw);
  if (value.find_first_of(",\"\r\n") == std::string_view::npos) return value;
  std::string out = "\"";
  for (char c : value) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  out.push_back('"');
  return out;
}

std::string CsvLine(const std::vector<std::string>& fields) {
  std::string out;
  for (size_t i = 0; i < fields.size(); ++i) {
    if (i > 0) out.push_back(',');
    out += CsvField(fields[i]);
  }
  out += "\r\n";
  return out;
}

}  // namespace goldthread::adapters
