#include "adapters/formats/csv_import.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <map>
#include <optional>
#include <set>

#include "adapters/formats/csv.h"
#include "store/base/hex.h"
#include "store/base/sha256.h"

namespace goldthread::adapters {
namespace {

namespace v1 = goldthread::v1;

struct Columns {
  std::vector<std::string_view> required;
  std::vector<std::string_view> optional;
};

const Columns& ColumnsOf(ImportKind kind) {
  static const Columns kFigures{
      .required = {"indicator_id", "period", "value", "entered_by"},
      .optional = {"commentary", "evidence_note", "not_available_reason"}};
  static const Columns kIndicators{.required = {"indicator_id", "entered_by"},
                                   .optional = {"title",
                                                "definition",
                                                "method_of_calculation",
                                                "unit",
                                                "decimal_places",
                                                "valid_min",
                                                "valid_max",
                                                "polarity",
                                                "frequency",
                                                "owning_unit_id",
                                                "data_source",
                                                "perspective",
                                                "priority_id",
                                                "amber_tolerance",
                                                "partnership_unit_id",
                                                "plan_id",
                                                "responsible_person_id",
                                                "target_period",
                                                "target",
                                                "target_reason"}};
  return kind == ImportKind::kFigures ? kFigures : kIndicators;
}

Status CheckColumns(const CsvTable& table, ImportKind kind) {
  const Columns& columns = ColumnsOf(kind);
  for (const std::string& name : table.header) {
    if (std::find(columns.required.begin(), columns.required.end(), name) ==
            columns.required.end() &&
        std::find(columns.optional.begin(), columns.optional.end(), name) ==
            columns.optional.end()) {
      std::string known;
      for (auto list : {&columns.required, &columns.optional})
        for (std::string_view c : *list) known += (known.empty() ? "" : ", ") + std::string(c);
      return MakeError(ErrorCode::kInvalidArgument,
                       fmt::format("line 1: unknown column '{}'; the columns are: {}", name, known),
                       "line 1");
    }
  }
  for (std::string_view name : columns.required) {
    if (!table.Column(name)) {
      return MakeError(ErrorCode::kInvalidArgument,
                       fmt::format("line 1: the required column '{}' is missing", name), "line 1");
    }
  }
  if (table.records.empty()) {
    return MakeError(ErrorCode::kInvalidArgument, "the file has a header but no rows", "line 2");
  }
  return OkStatus();
}

std::string Trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return std::string(s);
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// A plain decimal number, the whole field.
Result<double> ParseNumber(std::string_view text, std::string_view column) {
  const std::string t = Trim(text);
  double value = 0;
  auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), value);
  if (t.empty() || ec != std::errc() || end != t.data() + t.size() || !std::isfinite(value)) {
    return InvalidField(std::string(column),
                        fmt::format("{} '{}' is not a number (write e.g. 31.4, without "
                                    "thousands separators or units)",
                                    column, text));
  }
  return value;
}

template <typename Enum>
Result<Enum> ParseChoice(std::string_view text, std::string_view column,
                         const std::vector<std::pair<std::string_view, Enum>>& choices) {
  const std::string t = Lower(Trim(text));
  std::string names;
  for (const auto& [name, value] : choices) {
    if (t == name) return value;
    names += (names.empty() ? "" : ", ") + std::string(name);
  }
  return InvalidField(std::string(column),
                      fmt::format("{} '{}' is not one of: {}", column, text, names));
}

// What one row asks for: its commands, or why it cannot be read.
struct RowCommands {
  std::vector<engine::BatchCommand> commands;
  std::optional<Error> problem;
};

engine::BatchCommand Command(const CsvTable& table, const CsvRecord& row,
                             const std::string& import_id, std::string_view suffix) {
  engine::BatchCommand c;
  c.context.actor = Trim(table.Get(row, "entered_by"));
  c.context.command_id = fmt::format("{}-L{}{}", import_id, row.line, suffix);
  c.context.correlation_id = import_id;
  return c;
}

Result<std::vector<engine::BatchCommand>> FigureRow(const CsvTable& table, const CsvRecord& row,
                                                    const std::string& import_id) {
  engine::BatchCommand c = Command(table, row, import_id, "");
  auto* submit = c.command.mutable_submit_figure();
  submit->set_indicator_id(Trim(table.Get(row, "indicator_id")));
  submit->set_period(Trim(table.Get(row, "period")));
  submit->set_commentary(std::string(table.Get(row, "commentary")));
  submit->set_evidence_note(std::string(table.Get(row, "evidence_note")));
  const std::string reason = Trim(table.Get(row, "not_available_reason"));
  const std::string value = Trim(table.Get(row, "value"));
  if (!value.empty() && !reason.empty()) {
    return InvalidField("value", "give a value or a not_available_reason, not both");
  }
  if (value.empty()) {
    if (reason.empty()) {
      return InvalidField("value",
                          "value is empty; give the figure, or say why there is none "
                          "in not_available_reason");
    }
    submit->mutable_value()->set_not_available_reason(reason);
  } else {
    auto number = ParseNumber(value, "value");
    if (!number) return Unexpected(number.error());
    submit->mutable_value()->set_value(*number);
  }
  return std::vector<engine::BatchCommand>{std::move(c)};
}

Result<std::vector<engine::BatchCommand>> IndicatorRow(const CsvTable& table, const CsvRecord& row,
                                                       const std::string& import_id) {
  std::vector<engine::BatchCommand> out;
  const std::string id = Trim(table.Get(row, "indicator_id"));
  auto text = [&](std::string_view column) { return Trim(table.Get(row, column)); };
  if (!text("title").empty()) {
    engine::BatchCommand c = Command(table, row, import_id, "");
    auto* define = c.command.mutable_define_indicator();
    define->set_indicator_id(id);
    v1::IndicatorDefinition* d = define->mutable_definition();
    d->set_title(text("title"));
    d->set_definition(text("definition"));
    d->set_method_of_calculation(text("method_of_calculation"));
    d->set_unit(text("unit"));
    if (!text("decimal_places").empty()) {
      auto places = ParseNumber(text("decimal_places"), "decimal_places");
      if (!places) return Unexpected(places.error());
      if (*places < 0 || *places > 6 || *places != static_cast<int>(*places)) {
        return InvalidField("decimal_places", "decimal_places is a whole number from 0 to 6");
      }
      d->set_decimal_places(static_cast<uint32_t>(*places));
    }
    for (auto [column, setter] :
         {std::pair<std::string_view, void (v1::IndicatorDefinition::*)(double)>{
              "valid_min", &v1::IndicatorDefinition::set_valid_min},
          {"valid_max", &v1::IndicatorDefinition::set_valid_max}}) {
      if (text(column).empty()) continue;
      auto v = ParseNumber(text(column), column);
      if (!v) return Unexpected(v.error());
      (d->*setter)(*v);
    }
    if (!text("polarity").empty()) {
      auto p = ParseChoice<v1::Polarity>(
          text("polarity"), "polarity",
          {{"higher", v1::POLARITY_HIGHER_IS_BETTER}, {"lower", v1::POLARITY_LOWER_IS_BETTER}});
      if (!p) return Unexpected(p.error());
      d->set_polarity(*p);
    }
    if (!text("frequency").empty()) {
      auto f = ParseChoice<v1::Frequency>(text("frequency"), "frequency",
                                          {{"monthly", v1::FREQUENCY_MONTHLY},
                                           {"bi-monthly", v1::FREQUENCY_BI_MONTHLY},
                                           {"quarterly", v1::FREQUENCY_QUARTERLY},
                                           {"six-monthly", v1::FREQUENCY_SIX_MONTHLY},
                                           {"annual", v1::FREQUENCY_ANNUAL}});
      if (!f) return Unexpected(f.error());
      d->set_frequency(*f);
    }
    if (!text("perspective").empty()) {
      auto p = ParseChoice<v1::Perspective>(text("perspective"), "perspective",
                                            {{"customer", v1::PERSPECTIVE_CUSTOMER},
                                             {"process", v1::PERSPECTIVE_PROCESS},
                                             {"finance", v1::PERSPECTIVE_FINANCE},
                                             {"organisation", v1::PERSPECTIVE_ORGANISATION}});
      if (!p) return Unexpected(p.error());
      d->set_perspective(*p);
    }
    if (std::string t = text("amber_tolerance"); !t.empty()) {
      const bool percent = t.back() == '%';
      if (percent) t.pop_back();
      auto v = ParseNumber(t, "amber_tolerance");
      if (!v) return Unexpected(v.error());
      if (percent) {
        d->mutable_amber_tolerance()->set_percent(*v);
      } else {
        d->mutable_amber_tolerance()->set_absolute(*v);
      }
    }
    d->set_owning_unit_id(text("owning_unit_id"));
    d->set_data_source(text("data_source"));
    d->set_priority_id(text("priority_id"));
    d->set_partnership_unit_id(text("partnership_unit_id"));
    d->set_plan_id(text("plan_id"));
    d->set_responsible_person_id(text("responsible_person_id"));
    out.push_back(std::move(c));
  }
  if (!text("target_period").empty() || !text("target").empty()) {
    if (text("target_period").empty()) {
      return InvalidField("target_period", "a target needs the target_period it is for");
    }
    auto target = ParseNumber(text("target"), "target");
    if (!target) return Unexpected(target.error());
    engine::BatchCommand c = Command(table, row, import_id, "-target");
    auto* set = c.command.mutable_set_target();
    set->set_indicator_id(id);
    set->set_period(text("target_period"));
    set->set_target(*target);
    set->set_reason(text("target_reason"));
    out.push_back(std::move(c));
  }
  if (out.empty()) {
    return InvalidField("title",
                        "the row neither defines the indicator (title) nor sets a "
                        "target (target_period, target)");
  }
  return out;
}

std::string Describe(const Error& e) {
  if (e.field.empty() || e.message.find(e.field) != std::string::npos) return e.message;
  return fmt::format("{} ({})", e.message, e.field);
}

// The import's id: the file's content, so a second run of the same file repeats each command id.
std::string ImportId(std::string_view text) {
  std::string id = "import-";
  AppendHex(&id, std::string_view(Sha256(text)).substr(0, 8));
  return id;
}

}  // namespace

Result<ImportReport> ImportCsv(engine::CommandHandler& handler, ImportKind kind,
                               std::string_view csv_text, engine::BatchMode mode) {
  auto table = ParseCsv(csv_text);
  if (!table) return Unexpected(table.error());
  if (auto s = CheckColumns(*table, kind); !s) return Unexpected(s.error());
  const std::string import_id = ImportId(csv_text);

  ImportReport report;
  report.rows = table->records.size();
  std::vector<engine::BatchCommand> commands;
  std::vector<size_t> line_of;  // per command
  for (const CsvRecord& row : table->records) {
    auto row_commands = kind == ImportKind::kFigures ? FigureRow(*table, row, import_id)
                                                     : IndicatorRow(*table, row, import_id);
    if (!row_commands) {
      report.problems.push_back({row.line, Describe(row_commands.error())});
      continue;
    }
    for (auto& c : *row_commands) {
      commands.push_back(std::move(c));
      line_of.push_back(row.line);
    }
  }
  report.commands = commands.size();
  if (commands.empty()) return report;  // every row has a problem

  // With a row that could not even be read, the rest are still decided, to report all at once.
  const engine::BatchMode run = report.problems.empty() ? mode : engine::BatchMode::kDryRun;
  auto outcome = handler.ExecuteAll(commands, run);
  if (!outcome) return Unexpected(outcome.error());
  for (size_t i = 0; i < commands.size(); ++i) {
    if (outcome->problems[i]) {
      report.problems.push_back({line_of[i], Describe(*outcome->problems[i])});
    }
  }
  std::stable_sort(report.problems.begin(), report.problems.end(),
                   [](const ImportProblem& a, const ImportProblem& b) { return a.line < b.line; });
  report.applied = outcome->applied;
  for (const v1::CommandResult& r : outcome->results) {
    if (r.duplicate()) {
      ++report.already_applied;
    } else if (outcome->applied) {
      if (report.first_position == 0) report.first_position = r.first_position();
      report.last_position = std::max<uint64_t>(report.last_position, r.last_position());
    }
  }
  return report;
}

}  // namespace goldthread::adapters
