#include "engine/timetable/schedule.h"

#include <fmt/format.h>

#include <algorithm>

#include "engine/timetable/internal/day_rule.h"

namespace goldthread::engine {
namespace {

namespace v1 = goldthread::v1;
using date::days;

std::string Day(LocalDay day) { return date::format("%F", day); }

std::vector<v1::Role> Roles(const google::protobuf::RepeatedField<int>& roles) {
  std::vector<v1::Role> out;
  out.reserve(roles.size());
  for (int r : roles) out.push_back(static_cast<v1::Role>(r));
  return out;
}

// The earliest and latest local days a timetable touched, to check against the calendar once.
struct DayRange {
  LocalDay min = LocalDay::max();
  LocalDay max = LocalDay::min();
  void Add(LocalDay d) {
    min = std::min(min, d);
    max = std::max(max, d);
  }
};

Status CheckCovered(const DayRange& range, const Calendar& calendar, std::string_view what) {
  if (calendar.Covers(range.min) && calendar.Covers(range.max)) return OkStatus();
  return MakeError(ErrorCode::kFailedPrecondition,
                   fmt::format("{} needs the days {} to {}, but the calendar knows the bank "
                               "holidays of {}-{} only; extend the bank-holiday file",
                               what, Day(range.min), Day(range.max), calendar.first_year(),
                               calendar.last_year()),
                   "period");
}

std::vector<ScheduledRung> Rungs(const v1::EscalationLadder& ladder, LocalDay due_on,
                                 std::chrono::minutes notice, const Calendar& calendar,
                                 DayRange* range) {
  std::vector<ScheduledRung> out;
  out.reserve(ladder.rungs_size());
  for (int r = 0; r < ladder.rungs_size(); ++r) {
    const LocalDay day =
        internal::AddDays(due_on, ladder.rungs(r).days_after(), ladder.kind(), calendar);
    range->Add(day);
    out.push_back({.rung = static_cast<uint32_t>(r + 1),
                   .at = calendar.LocalTime(day, notice),
                   .roles = Roles(ladder.rungs(r).roles())});
  }
  return out;
}

}  // namespace

Result<CycleSchedule> ScheduleCycle(const Workflow& workflow, const Period& period,
                                    const Calendar& calendar) {
  const v1::WorkflowDefinition& def = workflow.definition();
  if (!workflow.OpensCycleFor(period)) {
    std::string months;
    for (int m : def.cadence().period_end_months()) {
      months += (months.empty() ? " ending in " : ", ") + v1::Month_Name(static_cast<v1::Month>(m));
    }
    return InvalidField(
        "period", fmt::format("workflow '{}' opens cycles for {} periods{}; {} "
                              "is not one",
                              workflow.id(), v1::Frequency_Name(def.cadence().frequency()), months,
                              period.id()));
  }
  const LocalDay end = period.end();
  CycleSchedule out{.workflow_id = workflow.id(), .period = period};
  for (int f : def.collects()) {
    const Period p = Period::Containing(static_cast<v1::Frequency>(f), period.end());
    if (p.end() == period.end()) out.figure_periods.push_back(p);
  }
  DayRange range;
  range.Add(end);
  const std::chrono::minutes notice = workflow.notice_time();
  out.stages.reserve(def.stages_size());
  for (int i = 0; i < def.stages_size(); ++i) {
    if (!workflow.StageOccursIn(i, period)) continue;
    const v1::StageDefinition& stage = def.stages(i);
    const Workflow::CompiledStage& compiled = workflow.compiled_stage(i);
    StageSchedule s{.stage_index = i, .definition = &stage};

    s.opens_on = end + days(1);
    if (stage.has_opens()) {
      auto span = internal::ResolveDayRule(stage.opens(), end, calendar);
      if (!span) {
        return MakeError(ErrorCode::kFailedPrecondition,
                         fmt::format("{} stage '{}' opens: {} ({})", workflow.id(), stage.id(),
                                     span.error().message, period.id()),
                         "period");
      }
      s.opens_on = span->first;
    }
    auto due = internal::ResolveDayRule(stage.due(), end, calendar);
    if (!due) {
      return MakeError(ErrorCode::kFailedPrecondition,
                       fmt::format("{} stage '{}' due: {} ({})", workflow.id(), stage.id(),
                                   due.error().message, period.id()),
                       "period");
    }
    s.due_on = due->last;
    range.Add(s.opens_on);
    range.Add(s.due_on);
    s.opens_at = compiled.opens_at ? calendar.LocalTime(s.opens_on, *compiled.opens_at)
                                   : calendar.StartOfLocalDay(s.opens_on);
    s.due_at = compiled.due_at ? calendar.LocalTime(s.due_on, *compiled.due_at)
                               : calendar.EndOfLocalDay(s.due_on);
    if (s.due_at < s.opens_at) {
      return MakeError(
          ErrorCode::kFailedPrecondition,
          fmt::format("{} stage '{}' falls due before it opens in {} (opens {}, "
                      "due {}, counting bank holidays)",
                      workflow.id(), stage.id(), period.id(), calendar.FormatLocal(s.opens_at),
                      calendar.FormatLocal(s.due_at)),
          "period");
    }

    s.reminders.reserve(stage.reminders_size());
    for (const v1::StageDefinition::Reminder& reminder : stage.reminders()) {
      const LocalDay day =
          internal::AddDays(s.due_on, -reminder.days_before(), reminder.kind(), calendar);
      const TimePoint at = calendar.LocalTime(day, notice);
      if (at < s.opens_at || at >= s.due_at) continue;  // nobody can act yet, or too late
      range.Add(day);
      const bool working = reminder.kind() == v1::DAY_KIND_WORKING;
      const int n = reminder.days_before();
      s.reminders.push_back(
          {.id = fmt::format("{}{}-before", n, working ? "wd" : "d"),
           .label =
               fmt::format("{} {}{} before", n, working ? "working day" : "day", n == 1 ? "" : "s"),
           .at = at,
           .roles = Roles(reminder.roles().empty() ? stage.responsible() : reminder.roles())});
    }
    std::sort(s.reminders.begin(), s.reminders.end(),
              [](const ScheduledReminder& a, const ScheduledReminder& b) { return a.at < b.at; });

    if (compiled.ladder >= 0) {
      const v1::EscalationLadder& ladder = def.escalation_ladders(compiled.ladder);
      s.ladder_id = ladder.id();
      s.ladder = Rungs(ladder, s.due_on, notice, calendar, &range);
    }
    if (compiled.partnership_ladder >= 0) {
      const v1::EscalationLadder& ladder = def.escalation_ladders(compiled.partnership_ladder);
      s.partnership_ladder_id = ladder.id();
      s.partnership_ladder = Rungs(ladder, s.due_on, notice, calendar, &range);
    }
    out.stages.push_back(std::move(s));
  }
  if (Status covered = CheckCovered(
          range, calendar, fmt::format("the {} timetable for {}", workflow.id(), period.id()));
      !covered) {
    return Unexpected(covered.error());
  }
  if (out.stages.empty()) {
    // Validation refuses a workflow none of whose stages can occur; a period can still have
    // none when every stage is filtered to other months.
    out.opens_at = out.ends_at = calendar.StartOfLocalDay(end + days(1));
    return out;
  }
  out.opens_at = out.stages.front().opens_at;
  out.ends_at = out.stages.front().due_at;
  for (const StageSchedule& s : out.stages) {
    out.opens_at = std::min(out.opens_at, s.opens_at);
    out.ends_at = std::max(out.ends_at, s.due_at);
    if (!s.ladder.empty()) out.ends_at = std::max(out.ends_at, s.ladder.back().at);
    if (!s.partnership_ladder.empty()) {
      out.ends_at = std::max(out.ends_at, s.partnership_ladder.back().at);
    }
  }
  return out;
}

Result<std::vector<TimePoint>> FindingEscalationInstants(const Workflow& workflow, LocalDay due_day,
                                                         const Calendar& calendar) {
  const v1::FindingEscalation& fe = workflow.definition().finding_escalation();
  std::vector<TimePoint> out;
  out.reserve(fe.days_after_size());
  DayRange range;
  range.Add(due_day);
  for (int days_after : fe.days_after()) {
    const LocalDay day = internal::AddDays(due_day, days_after, fe.kind(), calendar);
    range.Add(day);
    out.push_back(calendar.LocalTime(day, workflow.notice_time()));
  }
  if (Status covered = CheckCovered(
          range, calendar, fmt::format("a finding due {} in {}", Day(due_day), workflow.id()));
      !covered) {
    return Unexpected(covered.error());
  }
  return out;
}

}  // namespace goldthread::engine
