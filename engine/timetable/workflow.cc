#include "engine/timetable/workflow.h"

#include <fmt/format.h>
#include <google/protobuf/io/tokenizer.h>
#include <google/protobuf/text_format.h>

#include <algorithm>
#include <fstream>
#include <sstream>

#include "engine/timetable/internal/workflow_validation.h"
#include "store/base/data_dir.h"
#include "store/base/sha256.h"

namespace goldthread::engine {
namespace {

namespace v1 = goldthread::v1;
namespace pb = google::protobuf;

// Syntax errors from the text-format parser, as "file:line:column: message".
class SyntaxErrors : public pb::io::ErrorCollector {
 public:
  SyntaxErrors(std::string_view file, std::string_view text, std::vector<std::string>* out)
      : file_(file), text_(text), out_(out) {}
  void AddError(int line, pb::io::ColumnNumber column, const std::string& message) override {
    if (line < 0) {
      out_->push_back(fmt::format("{}: {}", file_, message));
      return;
    }
    PointAtUnknownEnumValue(message, &line, &column);
    out_->push_back(fmt::format("{}:{}:{}: {}", file_, line + 1, column + 1, message));
  }
  // The parser warns only about things a definition should not contain either.
  void AddWarning(int line, pb::io::ColumnNumber column, const std::string& message) override {
    AddError(line, column, message);
  }

 private:
  // The parser reports an unknown enum value at the token after it, often on the next line;
  // point at the value itself (the last place it occurs at or before the reported position).
  void PointAtUnknownEnumValue(const std::string& message, int* line, int* column) const {
    constexpr std::string_view kPrefix = "Unknown enumeration value of \"";
    if (!message.starts_with(kPrefix)) return;
    const size_t end = message.find('"', kPrefix.size());
    if (end == std::string::npos) return;
    const std::string_view value =
        std::string_view(message).substr(kPrefix.size(), end - kPrefix.size());
    // The offset of the reported position (zero-based line and column; tabs count as one).
    size_t offset = 0;
    for (int l = 0; l < *line && offset != std::string_view::npos; ++l) {
      offset = text_.find('\n', offset);
      if (offset != std::string_view::npos) ++offset;
    }
    if (offset == std::string_view::npos) return;
    const size_t at = text_.rfind(value, std::min(text_.size(), offset + *column));
    if (at == std::string_view::npos || value.empty()) return;
    const size_t newline_before = at == 0 ? std::string_view::npos : text_.rfind('\n', at - 1);
    *line = static_cast<int>(std::count(text_.begin(), text_.begin() + at, '\n'));
    *column =
        static_cast<int>(newline_before == std::string_view::npos ? at : at - newline_before - 1);
  }

  std::string_view file_;
  std::string_view text_;
  std::vector<std::string>* out_;
};

std::string JoinLines(const std::vector<std::string>& lines) {
  std::string out;
  for (const std::string& line : lines) {
    if (!out.empty()) out += '\n';
    out += line;
  }
  return out;
}

}  // namespace

bool Workflow::OpensCycleFor(const Period& period) const {
  const v1::Cadence& c = definition_.cadence();
  if (period.frequency() != c.frequency()) return false;
  return c.period_end_months().empty() ||
         internal::Contains(c.period_end_months(), static_cast<int>(internal::EndMonth(period)));
}

bool Workflow::StageOccursIn(int index, const Period& period) const {
  const auto& months = definition_.stages(index).occurs().period_end_months();
  return months.empty() || internal::Contains(months, static_cast<int>(internal::EndMonth(period)));
}

int Workflow::StageIndex(std::string_view stage_id) const {
  for (int i = 0; i < definition_.stages_size(); ++i) {
    if (definition_.stages(i).id() == stage_id) return i;
  }
  return -1;
}

Result<Workflow> ParseWorkflow(std::string_view text, std::string_view file_name) {
  Workflow w;
  std::vector<std::string> errors;
  SyntaxErrors syntax(file_name, text, &errors);
  pb::TextFormat::ParseInfoTree tree;
  pb::TextFormat::Parser parser;
  parser.RecordErrorsTo(&syntax);
  parser.WriteLocationsTo(&tree);
  if (!parser.ParseFromString(std::string(text), &w.definition_)) {
    if (errors.empty()) errors.push_back(fmt::format("{}: not a workflow definition", file_name));
    return InvalidField("workflow", JoinLines(errors));
  }
  internal::ValidateWorkflow(w.definition_, tree, file_name, &errors, &w.stages_, &w.notice_time_);
  if (!errors.empty()) return InvalidField("workflow", JoinLines(errors));
  w.file_ = std::string(file_name);
  w.sha256_ = Sha256(text);
  return w;
}

Result<WorkflowCatalogue> WorkflowCatalogue::Load(const std::filesystem::path& path) {
  std::error_code ec;
  std::vector<std::filesystem::path> files;
  if (std::filesystem::is_directory(path, ec)) {
    for (const auto& entry : std::filesystem::directory_iterator(path, ec)) {
      if (entry.is_regular_file(ec) && entry.path().extension() == ".textproto") {
        files.push_back(entry.path());
      }
    }
    if (ec) {
      return MakeError(ErrorCode::kNotFound,
                       fmt::format("cannot list '{}': {}", path.string(), ec.message()),
                       "workflow");
    }
    if (files.empty()) {
      return MakeError(
          ErrorCode::kNotFound,
          fmt::format("'{}' holds no workflow definitions (*.textproto)", path.string()),
          "workflow");
    }
    std::sort(files.begin(), files.end());
  } else if (!std::filesystem::exists(path, ec)) {
    return MakeError(ErrorCode::kNotFound,
                     fmt::format("'{}' does not exist (expected a .textproto file or a folder "
                                 "of them)",
                                 path.string()),
                     "workflow");
  } else {
    files.push_back(path);
  }
  std::vector<Workflow> workflows;
  std::vector<std::string> errors;
  for (const std::filesystem::path& file : files) {
    std::ifstream in(file, std::ios::binary);
    if (!in) {
      return MakeError(ErrorCode::kNotFound,
                       fmt::format("cannot read the workflow file '{}'", file.string()),
                       "workflow");
    }
    std::stringstream buffer;
    buffer << in.rdbuf();
    Result<Workflow> w = ParseWorkflow(buffer.str(), file.string());
    if (w) {
      workflows.push_back(std::move(*w));
    } else {
      errors.push_back(w.error().message);
    }
  }
  if (!errors.empty()) return InvalidField("workflow", JoinLines(errors));
  return FromWorkflows(std::move(workflows));
}

Result<WorkflowCatalogue> WorkflowCatalogue::FromWorkflows(std::vector<Workflow> workflows) {
  WorkflowCatalogue catalogue;
  for (Workflow& w : workflows) {
    const std::string id = w.id();
    const std::string file = w.file();
    if (auto [it, inserted] = catalogue.workflows_.emplace(id, std::move(w)); !inserted) {
      return InvalidField("workflow", fmt::format("{}: workflow id '{}' is also defined in {}",
                                                  file, id, it->second.file()));
    }
  }
  return catalogue;
}

const Workflow* WorkflowCatalogue::Find(std::string_view id) const {
  auto it = workflows_.find(id);
  return it == workflows_.end() ? nullptr : &it->second;
}

std::vector<std::string> WorkflowCatalogue::ids() const {
  std::vector<std::string> out;
  out.reserve(workflows_.size());
  for (const auto& [id, w] : workflows_) out.push_back(id);
  return out;
}

std::string DefaultWorkflowsDir() { return DataPath("workflows"); }

}  // namespace goldthread::engine
