// ReadModels: the read side of goldthread in one object — the projections that index the log,
// kept up to date by a ProjectionRunner, and every read model asked "as of" the head, a past
// position or a past instant.
//
//   auto reads = ReadModels::Open(store.get(), &clock, {.tenant = "demo"});
//   auto history = (*reads)->FigureHistory("NI-192", "FY2011-Q2");
//   auto then = (*reads)->FigureHistory("NI-192", "FY2011-Q2", AsOf::Time(cabinet_day));
//
// Every answer carries the LogPoint it was computed at, and equals what the same read model
// computes from a fresh fold of the log up to that point (fresh_fold.h).
//
// The projections persist their state in the store and resume from it after a restart (see
// projection_runner.h); ReadModelOptions::runner says how.
//
// Threading: every method may be called from any thread. A read catches the projections up
// first when it asks beyond what they have applied, and holds their shared lock while it reads.
// The store and clock are not owned and must outlive this object.
#ifndef GOLDTHREAD_ENGINE_READ_READ_MODELS_H_
#define GOLDTHREAD_ENGINE_READ_READ_MODELS_H_

#include <memory>
#include <string>
#include <string_view>

#include "engine/read/as_of.h"
#include "engine/timetable/cycle_timetable.h"
#include "engine/read/indexed_snapshot.h"
#include "engine/read/outstanding_work.h"
#include "engine/projection/projection_runner.h"
#include "goldthread/v1/read_models.pb.h"
#include "store/base/clock.h"
#include "store/event_store.h"

namespace goldthread::engine {

struct ReadModelOptions {
  // The council whose streams are read. Required.
  std::string tenant;
  // How the projections are run and checkpointed.
  ProjectionRunnerOptions runner;
  // Figure deadlines for outstanding work (the workflow engine's); null: none known. Not owned;
  // must outlive the ReadModels.
  const DeadlineProvider* deadlines = nullptr;
  // The levels the council signs figures off at, lowest first (SignOffLevelsOf its workflow);
  // empty: the LogSnapshot default (all four).
  std::vector<goldthread::v1::SignOffLevel> sign_off_levels;
};

// Rebuilds the read index of `tenant` from position zero into the next generation and makes it
// the active one (the engine side of `goldthread rebuild`, run while no server holds the store).
// A serving process rebuilds beside its live read models instead, with
// ReadModels::runner().Rebuild(), which takes over in place. Progress goes to
// `options.progress`.
Result<RebuildReport> RebuildReadIndex(store::EventStore* store, const std::string& tenant,
                                       const RebuildOptions& options,
                                       ProjectionRunnerOptions runner = {});

class ReadModels {
 public:
  static Result<std::unique_ptr<ReadModels>> Open(store::EventStore* store, const Clock* clock,
                                                  ReadModelOptions options);
  ReadModels(const ReadModels&) = delete;
  ReadModels& operator=(const ReadModels&) = delete;

  // A snapshot of the log at `as_of`. Holds the projections' shared lock: keep it briefly.
  Result<std::unique_ptr<IndexedSnapshot>> Snapshot(const AsOf& as_of);

  Result<goldthread::v1::FigureHistory> FigureHistory(std::string_view indicator_id,
                                                      std::string_view period,
                                                      const AsOf& as_of = AsOf::Head());

  Result<goldthread::v1::Scorecard> Scorecard(std::string_view unit_id, std::string_view period,
                                              const AsOf& as_of = AsOf::Head());

  Result<goldthread::v1::PerformanceReport> PerformanceReport(std::string_view priority_id,
                                                              std::string_view period,
                                                              const AsOf& as_of = AsOf::Head());

  // The Audit Committee's trail for `period` (and `directorate_id`, or the whole council when
  // empty), with the log verified up to the trail's position. Findings are judged overdue
  // against the clock for the head, and against the position's own time for a past point.
  Result<goldthread::v1::AssuranceTrail> AssuranceTrail(std::string_view period,
                                                        std::string_view directorate_id,
                                                        const AsOf& as_of = AsOf::Head());

  // What is due from a person / everything late, judged at the clock's now for the head and at
  // the position's own time for a past point.
  Result<goldthread::v1::OutstandingWork> OutstandingWork(std::string_view person_id,
                                                          const AsOf& as_of = AsOf::Head());
  Result<goldthread::v1::LateReturns> LateReturns(const AsOf& as_of = AsOf::Head());

  // Every challenge finding / one of them (finding_list.h), overdue judged at the clock's now
  // for the head and at the position's own time for a past point.
  Result<goldthread::v1::FindingList> Findings(const AsOf& as_of = AsOf::Head());
  Result<goldthread::v1::FindingView> Finding(std::string_view finding_id,
                                              const AsOf& as_of = AsOf::Head());
  // Every cycle opened (cycle_list.h), with the stages `timetables` gives; stage status judged
  // as findings are.
  Result<goldthread::v1::CycleList> Cycles(const TimetableProvider& timetables,
                                           const AsOf& as_of = AsOf::Head());

  ProjectionRunner& runner() { return *runner_; }
  const ReadModelOptions& options() const { return options_; }

 private:
  TimePoint EvaluatedAt(const AsOf& as_of, const LogSnapshot& snapshot) const;

  ReadModels(store::EventStore* store, const Clock* clock, ReadModelOptions options,
             std::unique_ptr<ProjectionRunner> runner);

  store::EventStore* const store_;
  const Clock* const clock_;
  const ReadModelOptions options_;
  std::unique_ptr<ProjectionRunner> runner_;
};

}  // namespace goldthread::engine

#endif  // GOLDTHREAD_ENGINE_READ_READ_MODELS_H_
