#include "adapters/formats/spreadsheet_export.h"

#include <fmt/format.h>
#include <xlsxwriter.h>

#include <algorithm>
#include <charconv>
#include <map>

#include "adapters/formats/csv.h"
#include "engine/model/direction_of_travel.h"
#include "engine/model/rag.h"
#include "adapters/formats/trail_export.h"

namespace goldthread::adapters {
namespace {

namespace v1 = goldthread::v1;

// Excel's own limit for the text of one cell.
constexpr size_t kMaxCellChars = 32767;
// Column widths in characters: wide enough for ids, narrow enough for commentary to wrap.
constexpr double kMinWidth = 8;
constexpr double kMaxWidth = 60;

SheetCell Text(std::string text) { return SheetCell{.text = std::move(text)}; }
SheetCell Number(double v, int places = -1) {
  return SheetCell{.number = v, .decimal_places = places};
}
SheetCell OptionalNumber(bool has, double v, int places) {
  return has ? Number(v, places) : Text("");
}

const char* PerspectiveWord(v1::Perspective p) {
  switch (p) {
    case v1::PERSPECTIVE_CUSTOMER:
      return "customer";
    case v1::PERSPECTIVE_PROCESS:
      return "process";
    case v1::PERSPECTIVE_FINANCE:
      return "finance";
    case v1::PERSPECTIVE_ORGANISATION:
      return "organisation";
    default:
      return "";
  }
}

std::string FormatNumber(double v, int places) {
  if (places < 0) return fmt::format("{}", v);
  return fmt::format("{:.{}f}", v, places);
}

}  // namespace

Sheet ScorecardSheet(const v1::Scorecard& scorecard) {
  Sheet sheet;
  sheet.name = fmt::format("Scorecard {}", scorecard.period());
  sheet.caption = {fmt::format("Scorecard: {} ({}), {}", scorecard.unit_name(), scorecard.unit_id(),
                               scorecard.period()),
                   fmt::format("As of log position {}", scorecard.as_of().position())};
  sheet.header = {"Indicator",       "Title",        "Owning unit",    "Perspective",
                  "Priority",        "Unit",         "Period",         "Value",
                  "Target",          "RAG",          "Previous value", "Vs previous",
                  "Last year value", "Vs last year", "Sign-off state", "Published",
                  "Restated",        "Commentary"};
  for (const v1::ScorecardRow& r : scorecard.rows()) {
    const int places = static_cast<int>(r.decimal_places());
    SheetCell value = Text("");
    if (r.submitted() && r.value().has_value()) {
      value = Number(r.value().value(), places);
    } else if (r.submitted()) {
      value = Text("not available: " + r.value().not_available_reason());
    } else {
      value = Text("not submitted");
    }
    SheetCell rag = Text(engine::RagName(r.rag()));
    rag.rag = true;
    sheet.rows.push_back(
        {Text(r.indicator_id()), Text(r.title()),
         Text(r.owning_unit_name().empty() ? r.owning_unit_id() : r.owning_unit_name()),
         Text(PerspectiveWord(r.perspective())), Text(r.priority_id()), Text(r.unit()),
         Text(r.figure_period()), value, OptionalNumber(r.has_target(), r.target(), places), rag,
         OptionalNumber(r.has_previous_value(), r.previous_value(), places),
         Text(engine::TrendName(r.vs_previous())),
         OptionalNumber(r.has_last_year_value(), r.last_year_value(), places),
         Text(engine::TrendName(r.vs_last_year())), Text(r.sign_off_state()),
         Text(r.published() ? "yes" : "no"), Text(r.restated() ? "yes" : "no"),
         Text(r.commentary())});
  }
  return sheet;
}

Result<Sheet> TrailSheet(const v1::AssuranceTrail& trail) {
  auto table = ParseCsv(engine::TrailToCsv(trail));
  if (!table) return Unexpected(table.error());
  Sheet sheet;
  sheet.name = fmt::format("Assurance trail {}", trail.period());
  sheet.caption = {fmt::format("Assurance trail: {}", trail.period()),
                   fmt::format("Log verified: {}; head position {}, hash {}",
                               trail.verification().ok() ? "yes" : "NO",
                               trail.verification().position(), trail.verification().hash_hex())};
  sheet.header = table->header;
  for (CsvRecord& record : table->records) {
    std::vector<SheetCell> row;
    for (std::string& field : record.fields) {
      // Counts and positions are numbers; ids such as "0012" keep their text.
      double v = 0;
      auto [end, ec] = std::from_chars(field.data(), field.data() + field.size(), v);
      const bool numeric = !field.empty() && ec == std::errc() &&
                           end == field.data() + field.size() &&
                           !(field.size() > 1 && field[0] == '0' && field[1] != '.');
      row.push_back(numeric ? Number(v) : Text(std::move(field)));
    }
    sheet.rows.push_back(std::move(row));
  }
  return sheet;
}

std::string SheetToCsv(const Sheet& sheet) {
  std::string out = CsvLine(sheet.header);
  for (const auto& row : sheet.rows) {
    std::vector<std::string> fields;
    for (const SheetCell& c : row) {
      fields.push_back(c.number ? FormatNumber(*c.number, c.decimal_places) : c.text);
    }
    out += CsvLine(fields);
  }
  return out;
}

Status WriteXlsx(const Sheet& sheet, const std::string& path) {
  lxw_workbook* workbook = workbook_new(path.c_str());
  if (workbook == nullptr) {
    return MakeError(ErrorCode::kUnavailable, fmt::format("cannot create {}", path));
  }
  std::string name = sheet.name.substr(0, 31);
  for (char& c : name)
    if (std::string_view("[]:*?/\\").find(c) != std::string_view::npos) c = '-';
  lxw_worksheet* ws = workbook_add_worksheet(workbook, name.c_str());
  if (ws == nullptr) ws = workbook_add_worksheet(workbook, nullptr);

  lxw_format* caption = workbook_add_format(workbook);
  format_set_italic(caption);
  lxw_format* header = workbook_add_format(workbook);
  format_set_bold(header);
  format_set_bottom(header, LXW_BORDER_THIN);
  format_set_bg_color(header, 0xD9E1F2);
  format_set_text_wrap(header);
  format_set_align(header, LXW_ALIGN_VERTICAL_TOP);
  lxw_format* text = workbook_add_format(workbook);
  format_set_align(text, LXW_ALIGN_VERTICAL_TOP);
  format_set_text_wrap(text);
  std::map<int, lxw_format*> number_formats;
  auto number_format = [&](int places) {
    auto& f = number_formats[places];
    if (f == nullptr) {
      f = workbook_add_format(workbook);
      format_set_align(f, LXW_ALIGN_VERTICAL_TOP);
      if (places >= 0) {
        const std::string pattern = places == 0 ? "0" : "0." + std::string(places, '0');
        format_set_num_format(f, pattern.c_str());
      }
    }
    return f;
  };
  std::map<std::string, lxw_format*> rag_formats;
  auto rag_format = [&](const std::string& word) {
    static const std::map<std::string, lxw_color_t> kColours = {
        {"green", 0xC6EFCE}, {"amber", 0xFFEB9C}, {"red", 0xFFC7CE}, {"grey", 0xD9D9D9}};
    auto& f = rag_formats[word];
    if (f == nullptr) {
      f = workbook_add_format(workbook);
      format_set_bold(f);
      format_set_align(f, LXW_ALIGN_VERTICAL_TOP);
      if (auto it = kColours.find(word); it != kColours.end()) format_set_bg_color(f, it->second);
    }
    return f;
  };

  lxw_error err = LXW_NO_ERROR;
  auto check = [&err](lxw_error e) {
    if (err == LXW_NO_ERROR && e != LXW_NO_ERROR) err = e;
  };
  lxw_row_t row = 0;
  for (const std::string& line : sheet.caption) {
    check(worksheet_write_string(ws, row++, 0, line.c_str(), caption));
  }
  if (!sheet.caption.empty()) ++row;  // a blank row between the caption and the table
  const lxw_row_t header_row = row;
  std::vector<double> widths(sheet.header.size(), kMinWidth);
  for (size_t c = 0; c < sheet.header.size(); ++c) {
    check(worksheet_write_string(ws, row, static_cast<lxw_col_t>(c), sheet.header[c].c_str(),
                                 header));
    widths[c] = std::max(widths[c], std::min<double>(kMaxWidth, sheet.header[c].size() + 2));
  }
  ++row;
  for (const auto& cells : sheet.rows) {
    for (size_t c = 0; c < cells.size() && c < sheet.header.size(); ++c) {
      const SheetCell& cell = cells[c];
      const auto col = static_cast<lxw_col_t>(c);
      if (cell.number) {
        check(
            worksheet_write_number(ws, row, col, *cell.number, number_format(cell.decimal_places)));
        widths[c] = std::max(widths[c], 12.0);
      } else if (!cell.text.empty()) {
        // Only text cells are neutralised: a number cell (a negative figure) stays a number.
        const std::string value =
            cell.rag ? cell.text : SafeSpreadsheetText(cell.text).substr(0, kMaxCellChars);
        check(worksheet_write_string(ws, row, col, value.c_str(),
                                     cell.rag ? rag_format(value) : text));
        widths[c] = std::max(widths[c], std::min<double>(kMaxWidth, value.size() + 2));
      }
    }
    ++row;
  }
  for (size_t c = 0; c < widths.size(); ++c) {
    check(worksheet_set_column(ws, static_cast<lxw_col_t>(c), static_cast<lxw_col_t>(c), widths[c],
                               nullptr));
  }
  if (!sheet.header.empty()) {
    // The header row and the first column (the indicator) stay in view while scrolling.
    worksheet_freeze_panes(ws, header_row + 1, 1);
    check(worksheet_autofilter(ws, header_row, 0, row > header_row + 1 ? row - 1 : header_row,
                               static_cast<lxw_col_t>(sheet.header.size() - 1)));
  }
  const lxw_error closed = workbook_close(workbook);
  if (err != LXW_NO_ERROR || closed != LXW_NO_ERROR) {
    return MakeError(ErrorCode::kInternal,
                     fmt::format("writing {} failed: {}", path,
                                 lxw_strerror(err != LXW_NO_ERROR ? err : closed)));
  }
  return OkStatus();
}

}  // namespace goldthread::adapters
