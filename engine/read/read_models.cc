#include "engine/read/read_models.h"

#include <fmt/format.h>

#include "engine/read/assurance_trail.h"
#include "engine/read/cycle_list.h"
#include "engine/read/finding_list.h"
#include "engine/model/event_codec.h"
#include "engine/model/event_summary.h"
#include "engine/read/figure_history.h"
#include "engine/read/performance_report.h"
#include "engine/read/read_index.h"
#include "engine/read/scorecard.h"

namespace goldthread::engine {

namespace v1 = goldthread::v1;

Result<RebuildReport> RebuildReadIndex(store::EventStore* store, const std::string& tenant,
                                       const RebuildOptions& options,
                                       ProjectionRunnerOptions runner_options) {
  if (auto s = CheckTenant(tenant); !s) return Unexpected(s.error());
  // The live set is about to be replaced, and nothing reads it meanwhile: do not load it.
  runner_options.restore = false;
  auto runner = ProjectionRunner::Open(
      store, [tenant] { return std::make_unique<ReadIndex>(tenant); }, runner_options);
  if (!runner) return Unexpected(runner.error());
  return (*runner)->Rebuild(options);
}

Result<std::unique_ptr<ReadModels>> ReadModels::Open(store::EventStore* store, const Clock* clock,
                                                     ReadModelOptions options) {
  if (auto s = CheckTenant(options.tenant); !s) return Unexpected(s.error());
  auto runner = ProjectionRunner::Open(
      store, [tenant = options.tenant] { return std::make_unique<ReadIndex>(tenant); },
      options.runner);
  if (!runner) return Unexpected(runner.error());
  return std::unique_ptr<ReadModels>(
      new ReadModels(store, clock, std::move(options), std::move(*runner)));
}

ReadModels::ReadModels(store::EventStore* store, const Clock* clock, ReadModelOptions options,
                       std::unique_ptr<ProjectionRunner> runner)
    : store_(store), clock_(clock), options_(std::move(options)), runner_(std::move(runner)) {}

Result<std::unique_ptr<IndexedSnapshot>> ReadModels::Snapshot(const AsOf& as_of) {
  auto point = ResolveAsOf(*store_, as_of);
  if (!point) return Unexpected(point.error());
  if (point->position() > runner_->position()) {
    if (auto r = runner_->CatchUp(); !r) return Unexpected(r.error());
  }
  ProjectionRunner::Held held = runner_->Read();
  if (held.position < point->position()) {
    return MakeError(ErrorCode::kUnavailable,
                     fmt::format("the read models have applied the log up to position {}, "
                                 "before {}; try again",
                                 held.position, point->position()));
  }
  auto snapshot = std::make_unique<IndexedSnapshot>(
      store_, static_cast<const ReadIndex*>(held.set), std::move(*point), std::move(held.lock));
  if (!options_.sign_off_levels.empty()) snapshot->set_sign_off_levels(options_.sign_off_levels);
  return snapshot;
}

Result<v1::FigureHistory> ReadModels::FigureHistory(std::string_view indicator_id,
                                                    std::string_view period, const AsOf& as_of) {
  auto snapshot = Snapshot(as_of);
  if (!snapshot) return Unexpected(snapshot.error());
  return BuildFigureHistory(**snapshot, indicator_id, period);
}

Result<v1::Scorecard> ReadModels::Scorecard(std::string_view unit_id, std::string_view period,
                                            const AsOf& as_of) {
  auto snapshot = Snapshot(as_of);
  if (!snapshot) return Unexpected(snapshot.error());
  return BuildScorecard(**snapshot, unit_id, period);
}

Result<v1::PerformanceReport> ReadModels::PerformanceReport(std::string_view priority_id,
                                                            std::string_view period,
                                                            const AsOf& as_of) {
  auto snapshot = Snapshot(as_of);
  if (!snapshot) return Unexpected(snapshot.error());
  return BuildPerformanceReport(**snapshot, priority_id, period);
}

Result<v1::AssuranceTrail> ReadModels::AssuranceTrail(std::string_view period,
                                                      std::string_view directorate_id,
                                                      const AsOf& as_of) {
  // Verify before taking the projections' lock: on a long log it takes a while.
  auto point = ResolveAsOf(*store_, as_of);
  if (!point) return Unexpected(point.error());
  auto verification = VerifyForTrail(*store_, point->position());
  if (!verification) return Unexpected(verification.error());
  auto snapshot = Snapshot(AsOf::Position(point->position()));
  if (!snapshot) return Unexpected(snapshot.error());
  return BuildAssuranceTrail(**snapshot, period, directorate_id, *verification,
                             EvaluatedAt(as_of, **snapshot));
}

TimePoint ReadModels::EvaluatedAt(const AsOf& as_of, const LogSnapshot& snapshot) const {
  const bool at_head = !as_of.position && !as_of.time;
  return at_head ? clock_->Now() : ToTimePoint(snapshot.point().recorded_at());
}

Result<v1::OutstandingWork> ReadModels::OutstandingWork(std::string_view person_id,
                                                        const AsOf& as_of) {
  auto snapshot = Snapshot(as_of);
  if (!snapshot) return Unexpected(snapshot.error());
  return BuildOutstandingWork(
      **snapshot, person_id,
      {.evaluated_at = EvaluatedAt(as_of, **snapshot), .deadlines = options_.deadlines});
}

Result<v1::LateReturns> ReadModels::LateReturns(const AsOf& as_of) {
  auto snapshot = Snapshot(as_of);
  if (!snapshot) return Unexpected(snapshot.error());
  return BuildLateReturns(**snapshot, {.evaluated_at = EvaluatedAt(as_of, **snapshot),
                                       .deadlines = options_.deadlines});
}

Result<v1::FindingList> ReadModels::Findings(const AsOf& as_of) {
  auto snapshot = Snapshot(as_of);
  if (!snapshot) return Unexpected(snapshot.error());
  return BuildFindingList(**snapshot, EvaluatedAt(as_of, **snapshot));
}

Result<v1::FindingView> ReadModels::Finding(std::string_view finding_id, const AsOf& as_of) {
  auto snapshot = Snapshot(as_of);
  if (!snapshot) return Unexpected(snapshot.error());
  return BuildFindingView(**snapshot, finding_id, EvaluatedAt(as_of, **snapshot));
}

Result<v1::CycleList> ReadModels::Cycles(const TimetableProvider& timetables, const AsOf& as_of) {
  auto snapshot = Snapshot(as_of);
  if (!snapshot) return Unexpected(snapshot.error());
  return BuildCycleList(**snapshot, timetables, EvaluatedAt(as_of, **snapshot));
}

}  // namespace goldthread::engine
