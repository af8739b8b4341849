// Spreadsheet exports of the read models: a scorecard and the assurance trail as one table
// each (a header row, one row per indicator or figure), written as RFC 4180 CSV or as an
// Office Open XML workbook (.xlsx, with libxlsxwriter) that a spreadsheet user can read at
// once: header row bold and frozen, an autofilter, column widths fitted to the content (within
// limits), values as numbers with the indicator's decimal places, and RAG as words ("red") on
// a coloured cell, never colour alone.
//
//   Sheet sheet = ScorecardSheet(*scorecard);
//   std::string csv = SheetToCsv(sheet);
//   Status s = WriteXlsx(sheet, "/tmp/q2.xlsx.tmp");
//
// Threading: pure functions, except WriteXlsx, which writes the one file it is given (and
// libxlsxwriter's temporary files in the system temp folder).
#ifndef GOLDTHREAD_ADAPTERS_FORMATS_SPREADSHEET_EXPORT_H_
#define GOLDTHREAD_ADAPTERS_FORMATS_SPREADSHEET_EXPORT_H_

#include <optional>
#include <string>
#include <vector>

#include "goldthread/v1/read_models.pb.h"
#include "store/base/errors.h"

namespace goldthread::adapters {

struct SheetCell {
  std::string text;              // shown when `number` is unset
  std::optional<double> number;  // written as a number cell
  int decimal_places = -1;       // for a number: its display format; -1 general
  bool rag = false;              // a RAG word: coloured in .xlsx
};

struct Sheet {
  // The worksheet's name (at most 31 characters; []:*?/\ are replaced).
  std::string name;
  // Lines written above the table in .xlsx (what it is, as of when); not in CSV.
  std::vector<std::string> caption;
  std::vector<std::string> header;
  std::vector<std::vector<SheetCell>> rows;  // each as long as the header
};

// One row per scorecard indicator: id, title, owning unit, perspective, priority, unit,
// period, value (or "not available: <reason>"), target, RAG, previous and last year's values
// with their trends, sign-off state, published, restated, commentary.
Sheet ScorecardSheet(const goldthread::v1::Scorecard& scorecard);
// The trail's rows as engine/trail_export.h TrailToCsv writes them (the same columns).
Result<Sheet> TrailSheet(const goldthread::v1::AssuranceTrail& trail);

// The sheet as CSV: header then rows, CRLF line ends; numbers at their decimal places.
std::string SheetToCsv(const Sheet& sheet);
// Writes the sheet as a one-worksheet .xlsx at `path` (replacing it). Internal error naming
// libxlsxwriter's message when it cannot.
Status WriteXlsx(const Sheet& sheet, const std::string& path);

}  // namespace goldthread::adapters

#endif  // GOLDTHREAD_ADAPTERS_FORMATS_SPREADSHEET_EXPORT_H_
