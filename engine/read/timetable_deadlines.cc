#include "engine/read/timetable_deadlines.h"

#include <algorithm>

#include "engine/model/period.h"

namespace goldthread::engine {

namespace v1 = goldthread::v1;

const CycleTimetable* TimetableDeadlines::CycleFor(std::string_view figure_period) const {
  auto period = Period::Parse(figure_period);
  if (!period || !timetables_) return nullptr;
  // The cycle of the same period, or of the longer period this one closes.
  for (v1::Frequency f : {period->frequency(), v1::FREQUENCY_QUARTERLY, v1::FREQUENCY_SIX_MONTHLY,
                          v1::FREQUENCY_ANNUAL}) {
    if (Period::MonthsPer(f) < Period::MonthsPer(period->frequency())) continue;
    const Period cycle = Period::Containing(f, period->end());
    if (cycle.end() != period->end()) continue;
    const std::string id = cycle.id();
    MutexLock lock(mu_);
    auto it = cache_.find(id);
    if (it == cache_.end()) {
      auto t = timetables_(workflow_id_, id);
      std::optional<CycleTimetable> held;
      if (t) held = std::move(*t);
      it = cache_.emplace(id, std::move(held)).first;
    }
    if (!it->second) continue;
    const auto& periods = it->second->figure_periods;
    if (std::find(periods.begin(), periods.end(), figure_period) != periods.end()) {
      return &*it->second;  // entries are never erased, so the pointer stays valid
    }
  }
  return nullptr;
}

std::optional<TimePoint> TimetableDeadlines::FigureDeadline(std::string_view /*indicator_id*/,
                                                            std::string_view period,
                                                            v1::WorkKind kind,
                                                            v1::SignOffLevel level) const {
  const CycleTimetable* cycle = CycleFor(period);
  if (cycle == nullptr) return std::nullopt;
  for (const TimedStage& stage : cycle->stages) {
    switch (kind) {
      case v1::WORK_KIND_SUBMIT_FIGURE:
      case v1::WORK_KIND_AMEND_FIGURE:
        if (stage.completion == StageCompletion::kAllFiguresSubmitted) return stage.due_at;
        break;
      case v1::WORK_KIND_SIGN_OFF_FIGURE:
        if (stage.completion == StageCompletion::kAllFiguresSignedOff && stage.level == level) {
          return stage.due_at;
        }
        break;
      default:
        return std::nullopt;
    }
  }
  return std::nullopt;
}

}  // namespace goldthread::engine
