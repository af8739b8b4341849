// Imports from CSV (adapters/csv.h): figures, and indicator definitions with their targets, as
// a spreadsheet or an older performance system exports them. Each row becomes one or two
// commands, acting as the person the row names, and the whole file goes through
// CommandHandler::ExecuteAll: a dry run reports every row's problem with its line number and
// writes nothing; a real run applies every row or, if any row is refused, none.
//
// Figures (`goldthread import figures`), one row per indicator and period:
//   indicator_id, period, value, entered_by       required columns
//   commentary, evidence_note, not_available_reason  optional columns
// `value` is a plain decimal number ("31.4", no thousands separators or units); it may be empty
// only when `not_available_reason` says why. `entered_by` is the person id the figure is
// submitted as; their authority is checked as for any submission.
//
// Indicators (`goldthread import indicators`):
//   indicator_id, entered_by                      required columns
//   title, definition, method_of_calculation, unit, decimal_places, valid_min, valid_max,
//   polarity (higher | lower), frequency (monthly | bi-monthly | quarterly | six-monthly |
//   annual), owning_unit_id, data_source, perspective (customer | process | finance |
//   organisation), priority_id, amber_tolerance ("5%" of target, or "2" units),
//   partnership_unit_id, plan_id, responsible_person_id  — the definition (DefineIndicator),
//   target_period, target, target_reason          — a target (SetTarget)
// A row with a title defines the indicator; a row with a target_period sets its target for
// that period; a row may do both, and later rows may set more targets for an indicator
// defined earlier in the same file.
//
// Unknown columns, a missing required column, and malformed CSV are errors for the whole file.
// Each command id is derived from the file's SHA-256 and the row's line, so importing the same
// file again applies nothing twice (its rows are reported as already applied).
//
// Threading: as CommandHandler::ExecuteAll (any thread; blocks until durable).
#ifndef GOLDTHREAD_ADAPTERS_FORMATS_CSV_IMPORT_H_
#define GOLDTHREAD_ADAPTERS_FORMATS_CSV_IMPORT_H_

#include <string>
#include <string_view>
#include <vector>

#include "engine/command/command_handler.h"

namespace goldthread::adapters {

enum class ImportKind { kFigures, kIndicators };

struct ImportProblem {
  size_t line = 0;  // the file line the row starts on
  std::string message;
};

struct ImportReport {
  size_t rows = 0;
  size_t commands = 0;
  // Commands of this file applied by an earlier run (nothing written for them).
  size_t already_applied = 0;
  // True when the rows were appended (a real run with no problem).
  bool applied = false;
  // Every row's problem, by line; empty when the file is good.
  std::vector<ImportProblem> problems;
  // The positions written by a real run (0 when nothing was).
  uint64_t first_position = 0;
  uint64_t last_position = 0;
};

// Imports `csv_text` (see above). The error is for a file that cannot be read as an import at
// all (malformed CSV, unknown or missing columns, an empty file) or a store failure; refused
// rows are in the report's problems, and then nothing was written.
Result<ImportReport> ImportCsv(engine::CommandHandler& handler, ImportKind kind,
                               std::string_view csv_text, engine::BatchMode mode);

}  // namespace goldthread::adapters

#endif  // GOLDTHREAD_ADAPTERS_FORMATS_CSV_IMPORT_H_
