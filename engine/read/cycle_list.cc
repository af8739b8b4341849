#include "engine/read/cycle_list.h"

#include <algorithm>
#include <optional>

#include "engine/model/event_summary.h"
#include "engine/model/period.h"

namespace goldthread::engine {

namespace v1 = goldthread::v1;

v1::CycleView CycleViewOf(const CycleState& state, const CycleTimetable& timetable,
                          TimePoint evaluated_at) {
  v1::CycleView view;
  view.set_workflow_id(state.workflow_id.empty() ? timetable.workflow_id : state.workflow_id);
  view.set_period(state.period.empty() ? timetable.period : state.period);
  *view.mutable_opened_at() = TimestampOf(state.opened_at);
  for (const std::string& p : timetable.figure_periods) view.add_figure_periods(p);
  bool settled = true;
  for (const TimedStage& stage : timetable.stages) {
    v1::CycleStageView* s = view.add_stages();
    s->set_stage_id(stage.id);
    s->set_title(stage.title);
    *s->mutable_opens_at() = TimestampOf(stage.opens_at);
    *s->mutable_due_at() = TimestampOf(stage.due_at);
    auto progress = state.stages.find(stage.id);
    const StageProgress p = progress == state.stages.end() ? StageProgress{} : progress->second;
    if (p.completed) {
      s->set_status(p.on_time ? "completed on time" : "completed late");
    } else if (p.closed_incomplete) {
      s->set_status("closed incomplete");
    } else if (p.fell_due || (p.opened && evaluated_at >= stage.due_at)) {
      s->set_status("overdue");
      settled = false;
    } else if (p.opened) {
      s->set_status("open");
      settled = false;
    } else {
      s->set_status("pending");
      settled = false;
    }
    for (const TimedReminder& reminder : stage.reminders) {
      *s->add_reminders_at() = TimestampOf(reminder.at);
    }
  }
  view.set_status(settled ? "closed" : "open");
  return view;
}

Result<v1::CycleList> BuildCycleList(const LogSnapshot& snapshot,
                                     const TimetableProvider& timetables, TimePoint evaluated_at) {
  auto cycles = snapshot.Cycles();
  if (!cycles) return Unexpected(cycles.error());
  struct Entry {
    std::optional<Period> period;
    v1::CycleView view;
  };
  std::vector<Entry> entries;
  for (const auto& [key, events] : *cycles) {
    CycleState state;
    for (const RecordedEvent& r : events) state.Apply(r.envelope, r.event);
    if (!state.opened()) continue;
    if (state.workflow_id.empty() || state.period.empty()) {
      // "<workflow>/<period>", should the opening event not have named them.
      const size_t slash = key.rfind('/');
      state.workflow_id = key.substr(0, slash);
      state.period = slash == std::string::npos ? "" : key.substr(slash + 1);
    }
    Entry entry;
    if (auto p = Period::Parse(state.period)) entry.period = *p;
    Result<CycleTimetable> timetable =
        timetables ? timetables(state.workflow_id, state.period)
                   : MakeError(ErrorCode::kUnavailable, "no timetables are loaded");
    if (timetable) {
      entry.view = CycleViewOf(state, *timetable, evaluated_at);
    } else {
      entry.view.set_workflow_id(state.workflow_id);
      entry.view.set_period(state.period);
      *entry.view.mutable_opened_at() = TimestampOf(state.opened_at);
      entry.view.set_status("unknown");
    }
    entries.push_back(std::move(entry));
  }
  // Newest period first (unparseable ids last), then workflow id.
  std::stable_sort(entries.begin(), entries.end(), [](const Entry& a, const Entry& b) {
    if (a.period.has_value() != b.period.has_value()) return a.period.has_value();
    if (a.period && *a.period != *b.period) return *b.period < *a.period;
    return a.view.workflow_id() < b.view.workflow_id();
  });
  v1::CycleList list;
  *list.mutable_as_of() = snapshot.point();
  *list.mutable_evaluated_at() = TimestampOf(evaluated_at);
  for (Entry& e : entries) *list.add_cycles() = std::move(e.view);
  return list;
}

}  // namespace goldthread::engine
