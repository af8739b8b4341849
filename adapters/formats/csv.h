// RFC 4180 CSV for imports and exports: a strict reader that names the line of every problem,
// and the one writer (CsvField, CsvLine) every CSV export uses — scorecards, the assurance
// trail (trail_export.h), spreadsheets saved as CSV.
//
// Reading: the first record is the header. Fields are separated by commas; a field may be
// quoted with double quotes, inside which commas, line breaks and doubled quotes ("") are
// data. Records end with CRLF or LF (spreadsheets write both); a final line break is optional;
// blank lines are skipped; a UTF-8 byte-order mark at the start (Excel's "CSV UTF-8") is
// ignored. Every record must have as many fields as the header. Anything else is refused with
// the line it starts on: an unclosed quote, text after a closing quote, a quote inside an
// unquoted field, a wrong field count, an empty or repeated header name.
//
//   auto table = ParseCsv(text);
//   if (!table) return Unexpected(table.error());   // "line 7: 4 fields, the header has 5"
//   for (const CsvRecord& r : table->records) Use(r.line, table->Get(r, "value"));
//
// Threading: pure functions and value types.
#ifndef GOLDTHREAD_ADAPTERS_FORMATS_CSV_H_
#define GOLDTHREAD_ADAPTERS_FORMATS_CSV_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "store/base/errors.h"

namespace goldthread::adapters {

struct CsvRecord {
  // The 1-based line of the file the record starts on (the header is line 1).
  size_t line = 0;
  std::vector<std::string> fields;
};

struct CsvTable {
  std::vector<std::string> header;
  std::vector<CsvRecord> records;

  // The column's index, or nullopt when the header has no such name.
  std::optional<size_t> Column(std::string_view name) const;
  // The record's field in the named column; empty when the column is absent.
  std::string_view Get(const CsvRecord& record, std::string_view column) const;
};

// Largest input ParseCsv accepts. An import is decided and appended as one batch in memory.
inline constexpr size_t kMaxCsvBytes = 64 << 20;

// Parses `text` (see above). InvalidArgument naming the line for malformed input.
Result<CsvTable> ParseCsv(std::string_view text);

// One field as RFC 4180 writes it: quoted when it holds a comma, quote, CR or LF (quotes
// doubled), as is otherwise. A plain decimal number ("-3.5", "12") is written as it is; any
// other field goes through SafeSpreadsheetText first, so text a person typed can never be read
// as a formula by a spreadsheet.
std::string CsvField(std::string_view value);
// Text made safe for a spreadsheet cell (CSV or xlsx; OWASP's CSV injection guidance): control
// characters other than line feed, carriage return and tab are removed, and a text starting
// with =, +, -, @, tab or carriage return is prefixed with a single quote ('=HYPERLINK(...)).
std::string SafeSpreadsheetText(std::string_view value);
// Whether `value` is a plain decimal number: an optional sign, digits, at most one point.
bool IsPlainNumber(std::string_view value);
// A record of fields joined by commas and ended with CRLF.
std::string CsvLine(const std::vector<std::string>& fields);

}  // namespace goldthread::adapters

#endif  // GOLDTHREAD_ADAPTERS_FORMATS_CSV_H_
