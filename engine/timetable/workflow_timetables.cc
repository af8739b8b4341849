#include "engine/timetable/workflow_timetables.h"

#include <fmt/format.h>

#include <set>

#include "engine/model/sign_off_progress.h"

namespace goldthread::engine {

namespace v1 = goldthread::v1;

Result<std::shared_ptr<const WorkflowSet>> WorkflowSet::Load(const std::string& workflows_path,
                                                             const std::string& calendar_path) {
  auto catalogue = WorkflowCatalogue::Load(workflows_path);
  if (!catalogue) return Unexpected(catalogue.error());
  auto calendar = Calendar::Load(calendar_path);
  if (!calendar) return Unexpected(calendar.error());
  return std::make_shared<const WorkflowSet>(
      WorkflowSet{.catalogue = std::move(*catalogue), .calendar = std::move(*calendar)});
}

namespace {

std::vector<TimedRung> Rungs(const std::vector<ScheduledRung>& rungs) {
  std::vector<TimedRung> out;
  for (const ScheduledRung& r : rungs) out.push_back({.rung = r.rung, .at = r.at, .roles = r.roles});
  return out;
}

}  // namespace

std::vector<v1::SignOffLevel> SignOffLevelsOf(const Workflow& workflow) {
  std::set<int> levels;
  for (const auto& stage : workflow.definition().stages()) {
    if (stage.complete_when().has_all_figures_signed_off()) {
      levels.insert(stage.complete_when().all_figures_signed_off().level());
    }
  }
  if (levels.empty()) return DefaultSignOffLevels();
  std::vector<v1::SignOffLevel> out;
  for (int l : levels) out.push_back(static_cast<v1::SignOffLevel>(l));
  return out;
}

CycleTimetable ToCycleTimetable(const Workflow& workflow, const CycleSchedule& schedule) {
  const auto& definition = workflow.definition();
  CycleTimetable t;
  t.workflow_id = workflow.id();
  t.period = schedule.period.id();
  for (const Period& p : schedule.figure_periods) t.figure_periods.push_back(p.id());
  t.distinct_people_across_levels = definition.distinct_signers_across_levels();
  t.red_periods_for_clinic = definition.performance_clinic().consecutive_red_periods();
  t.workflow_sha256 = workflow.sha256();
  for (const StageSchedule& s : schedule.stages) {
    const v1::StageDefinition& d = *s.definition;
    TimedStage stage{.id = d.id(),
                     .title = d.title(),
                     .opens_at = s.opens_at,
                     .due_at = s.due_at,
                     .challenge_stage = d.challenge_stage()};
    const auto& rule = d.complete_when();
    switch (rule.rule_case()) {
      case v1::CompletionRule::kAllFiguresSubmitted:
        stage.completion = StageCompletion::kAllFiguresSubmitted;
        break;
      case v1::CompletionRule::kAllFiguresSignedOff:
        stage.completion = StageCompletion::kAllFiguresSignedOff;
        stage.level = rule.all_figures_signed_off().level();
        break;
      case v1::CompletionRule::kReviewMeetingRecorded:
        stage.completion = StageCompletion::kMeetingRecorded;
        break;
      case v1::CompletionRule::kFindingsAnswered:
        stage.completion = StageCompletion::kFindingsAnswered;
        break;
      case v1::CompletionRule::kClosedByRole:
        stage.completion = StageCompletion::kClosedByRole;
        stage.closing_role = rule.closed_by_role().role();
        break;
      case v1::CompletionRule::kPriorityRatingsRecorded:
        stage.completion = StageCompletion::kPriorityRatingsRecorded;
        break;
      case v1::CompletionRule::RULE_NOT_SET:  // the loader refuses such a file
        break;
    }
    for (int role : d.responsible()) stage.responsible.push_back(static_cast<v1::Role>(role));
    for (const ScheduledReminder& r : s.reminders) {
      stage.reminders.push_back({.id = r.id, .label = r.label, .at = r.at, .roles = r.roles});
    }
    stage.ladder = Rungs(s.ladder);
    stage.partnership_ladder = Rungs(s.partnership_ladder);
    t.stages.push_back(std::move(stage));
  }
  return t;
}

std::function<Result<std::vector<TimePoint>>(LocalDay)> FindingEscalationsFrom(
    std::shared_ptr<const WorkflowSet> set, const std::string& workflow_id) {
  const Workflow* workflow = set->catalogue.Find(workflow_id);
  if (workflow == nullptr || !workflow->definition().has_finding_escalation()) return {};
  return [set, workflow](LocalDay due) {
    return FindingEscalationInstants(*workflow, due, set->calendar);
  };
}

TimetableProvider TimetablesFrom(std::shared_ptr<const WorkflowSet> set) {
  return [set](std::string_view workflow_id, std::string_view period_id) -> Result<CycleTimetable> {
    const Workflow* workflow = set->catalogue.Find(workflow_id);
    if (workflow == nullptr) {
      std::string known;
      for (const auto& id : set->catalogue.ids()) known += (known.empty() ? "" : ", ") + id;
      return MakeError(ErrorCode::kNotFound,
                       fmt::format("there is no workflow '{}' (loaded: {})", workflow_id, known),
                       "workflow_id");
    }
    auto period = Period::Parse(period_id);
    if (!period) return Unexpected(Error{period.error().code, period.error().message, "period", {}});
    auto schedule = ScheduleCycle(*workflow, *period, set->calendar);
    if (!schedule) return Unexpected(schedule.error());
    return ToCycleTimetable(*workflow, *schedule);
  };
}

}  // namespace goldthread::engine
