// TimetableDeadlines: figure deadlines for outstanding work, taken from the council's main
// workflow timetable — the DeadlineProvider the server hands the read models.
//
// A figure period belongs to the main workflow's cycle whose figure periods include it (the
// cycle of the same period, or of the quarter or year it closes). Its deadlines are that
// cycle's stage due instants: submitting (and amending a figure sent back) is due when the
// collation stage is; signing off at a level is due when the stage that collects that level's
// sign-offs is. Data-quality answers have no stage of their own, so no deadline. Timetables are
// a pure function of (workflow, period, calendar), so the answer does not depend on whether the
// cycle has been opened yet; outstanding work only asks about periods that have ended.
//
// Thread-safe: resolved timetables are cached under a mutex.
#ifndef GOLDTHREAD_ENGINE_READ_TIMETABLE_DEADLINES_H_
#define GOLDTHREAD_ENGINE_READ_TIMETABLE_DEADLINES_H_

#include <map>
#include <optional>
#include <string>

#include "engine/read/outstanding_work.h"
#include "engine/timetable/cycle_timetable.h"
#include "store/base/mutex.h"
#include "store/base/thread_annotations.h"

namespace goldthread::engine {

class TimetableDeadlines final : public DeadlineProvider {
 public:
  TimetableDeadlines(std::string workflow_id, TimetableProvider timetables)
      : workflow_id_(std::move(workflow_id)), timetables_(std::move(timetables)) {}

  std::optional<TimePoint> FigureDeadline(std::string_view indicator_id, std::string_view period,
                                          goldthread::v1::WorkKind kind,
                                          goldthread::v1::SignOffLevel level) const override;

 private:
  // The main workflow's timetable for the cycle collecting `figure_period`; null when none does.
  const CycleTimetable* CycleFor(std::string_view figure_period) const EXCLUDES(mu_);

  const std::string workflow_id_;
  const TimetableProvider timetables_;
  mutable Mutex mu_;
  // cycle period -> timetable (nullopt: the workflow has no cycle for it). Entries are never
  // erased, so a pointer into one stays valid after mu_ is released.
  mutable std::map<std::string, std::optional<CycleTimetable>, std::less<>> cache_ GUARDED_BY(mu_);
};

}  // namespace goldthread::engine

#endif  // GOLDTHREAD_ENGINE_READ_TIMETABLE_DEADLINES_H_
