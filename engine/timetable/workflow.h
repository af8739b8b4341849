// Workflow definitions: loading and validating the timetables in workflows/*.textproto.
//
// A council's reporting timetable is data: one protobuf text-format file per workflow, in the
// schema of proto/goldthread/v1/workflow.proto (explained in workflows/README.md). The engine
// loads them once at start into a WorkflowCatalogue and refuses a broken file with its name,
// line and reason, every problem at once:
//
//   workflows/leeds-quarterly.textproto:197: stage 'scrutiny' falls due before it opens (in
//   FY2010-Q1 it opens 2010-08-26 and falls due 2010-08-25)
//
//   Result<WorkflowCatalogue> catalogue = WorkflowCatalogue::Load(DefaultWorkflowsDir());
//   const Workflow* w = catalogue->Find("chesterfield-service-first");
//   if (w && w->OpensCycleFor(*Period::Parse("FY2011-Q2"))) ...
//
// Validation covers what can be checked without a council's data: the schema's required
// fields and ranges, ids, roles, the ladders a stage names, rung order, reminder offsets, and
// that every stage falls due no earlier than it opens in every period of fiscal years 2010-2037
// (counting weekends but not bank holidays; the schedule checks again against the real
// calendar).
//
// Threading: Workflow and WorkflowCatalogue are immutable once loaded; every method is const
// and safe from any number of threads.
#ifndef GOLDTHREAD_ENGINE_TIMETABLE_WORKFLOW_H_
#define GOLDTHREAD_ENGINE_TIMETABLE_WORKFLOW_H_

#include <chrono>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/model/period.h"
#include "goldthread/v1/workflow.pb.h"
#include "store/base/errors.h"

namespace goldthread::engine {

class Workflow {
 public:
  // What the loader derives for each stage, so the schedule never re-parses the definition.
  struct CompiledStage {
    std::optional<std::chrono::minutes> opens_at;  // the `opens.at` time, when given
    std::optional<std::chrono::minutes> due_at;    // the `due.at` time, when given
    // Indexes into definition().escalation_ladders(); -1 when the stage has none.
    int ladder = -1;
    int partnership_ladder = -1;
  };

  const goldthread::v1::WorkflowDefinition& definition() const { return definition_; }
  const std::string& id() const { return definition_.id(); }
  // The file it was read from, as given to the loader.
  const std::string& file() const { return file_; }
  // SHA-256 of the file's bytes (32 raw bytes): which version of the timetable a cycle used.
  const std::string& sha256() const { return sha256_; }
  // When reminders and escalations go out on their day (minutes after local midnight).
  std::chrono::minutes notice_time() const { return notice_time_; }
  const CompiledStage& compiled_stage(int index) const { return stages_[index]; }

  // Whether a cycle may be opened for `period`: its frequency is the cadence's and, when the
  // cadence names months, it ends in one of them.
  bool OpensCycleFor(const Period& period) const;
  // Whether stage `index` occurs in a cycle for `period` (its `occurs` filter).
  bool StageOccursIn(int index, const Period& period) const;
  // The index of the stage with this id, or -1.
  int StageIndex(std::string_view stage_id) const;

 private:
  friend Result<Workflow> ParseWorkflow(std::string_view text, std::string_view file_name);
  Workflow() = default;

  // Constant after construction.
  goldthread::v1::WorkflowDefinition definition_;
  std::string file_;
  std::string sha256_;
  std::chrono::minutes notice_time_{9 * 60};
  std::vector<CompiledStage> stages_;
};

// Parses and validates one definition. `file_name` names it in errors ("file:line: reason");
// when it ends in ".textproto" the definition's id must equal the name's stem. InvalidArgument
// listing every problem found, one a line.
Result<Workflow> ParseWorkflow(std::string_view text, std::string_view file_name);

class WorkflowCatalogue {
 public:
  // `path` is one .textproto file or a folder, whose *.textproto files are read (not its
  // subfolders: calendars/ holds the bank holidays). NotFound when the path or a file cannot
  // be read or a folder holds no definitions; InvalidArgument listing every problem in every
  // file, one "file:line: reason" a line.
  static Result<WorkflowCatalogue> Load(const std::filesystem::path& path);
  // A catalogue of already parsed workflows; InvalidArgument when two share an id.
  static Result<WorkflowCatalogue> FromWorkflows(std::vector<Workflow> workflows);

  // The workflow with this id, or nullptr. The pointer lives as long as the catalogue.
  const Workflow* Find(std::string_view id) const;
  // Every id, sorted.
  std::vector<std::string> ids() const;
  size_t size() const { return workflows_.size(); }

 private:
  WorkflowCatalogue() = default;

  std::map<std::string, Workflow, std::less<>> workflows_;  // constant after construction
};

// The shipped workflows: DataPath("workflows"), i.e. <prefix>/share/goldthread/workflows
// beside the installed binary, or build/<tree>/share/goldthread/workflows in a build
// (store/base/data_dir.h). A deployment may pass its own folder instead (--workflows).
std::string DefaultWorkflowsDir();

}  // namespace goldthread::engine

#endif  // GOLDTHREAD_ENGINE_TIMETABLE_WORKFLOW_H_
