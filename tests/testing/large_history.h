// LargeHistory: a large, realistic council history written straight to a store, for the
// projections benchmark (tests/bench/bench_projections.cc) — millions of real domain events.
//
// The council is set up through the real CommandHandler (org units, people and their role
// grants, priorities, indicators), so every actor below exists and holds the role its events
// need. Then, for every month of `years` financial years, every indicator's figure goes through
// the Peterborough monthly cycle (workflows/peterborough-monthly.textproto) as the engine and the
// scheduler would write it, each event encoded by engine/event_codec on its own stream:
//
//   targets        TargetSet for each month of the year, in March, by the performance team
//   cycle          CycleOpened, StageOpened/FellDue/Completed on <tenant>/cycle/<workflow>/<period>
//   data entry     a ReminderIssued to every figure 5 working days before the deadline; most
//                  figures submitted on time, some after a second reminder, some late after an
//                  EscalationRaised (acknowledged by the service manager)
//   queries        data-quality queries raised by the performance team and answered
//   sign-offs      service (head of service), directorate (director), corporate verification
//                  (performance team); some rejected at service level and amended, some amended
//                  after sign-off (the lapsed levels signed again); reminders before directorate
//                  sign-off
//   findings       challenge findings about figures: raised, responded, accepted, closed
//   reporting      every figure locked ("Cabinet <date>") and published; some restated a month
//                  later and signed off again
//
// Four eyes holds throughout (the person who entered a version never signs it off, and each
// level is signed by a different person). The bulk events are not run through the command
// handler, which would take far too long for millions of events: they are appended with
// AppendAsync to a store opened with buffered durability (no fsync), many appends in flight, the
// clock moved on only when every append of a step is written, so recorded times never decrease
// along the log. That is fine for a benchmark generator and not how a council's log is written.
// tests/engine/large_history_test.cc checks, on a small history, that the engine's own fold
// of every generated figure is what the generator meant and that the command handler accepts
// further commands on them.
//
// Deterministic for a seed. Threading: one thread at a time.
#ifndef GOLDTHREAD_TESTS_TESTING_LARGE_HISTORY_H_
#define GOLDTHREAD_TESTS_TESTING_LARGE_HISTORY_H_

#include <cstdint>
#include <string>

#include "store/base/errors.h"

namespace goldthread::testing {

struct LargeHistoryOptions {
  std::string tenant = "bench";
  int directorates = 6;
  int services_per_directorate = 30;
  // All monthly, percentages, half higher-is-better and half lower-is-better.
  int indicators_per_service = 10;
  // FY<first_fiscal_year>-M01 is the first period.
  int first_fiscal_year = 2010;
  int years = 15;
  uint32_t seed = 1;
  // Appends in flight at once.
  int window = 4096;
};

struct LargeHistoryStats {
  uint64_t events = 0;  // the log's head position
  uint64_t figures = 0;
  uint64_t findings = 0;
  uint64_t restatements = 0;
  double seconds = 0;  // to generate (0 when taken from the cache)
  bool from_cache = false;
};

// Ids the generator uses, for benchmarks and tests that query the history.
std::string LargeHistoryDirectorate(int d);                  // d from 1: "dir-1"
std::string LargeHistoryService(int d, int s);               // "svc-1-01"
std::string LargeHistoryIndicator(int d, int s, int i);      // "I-1-01-01"
std::string LargeHistoryPeriod(int fiscal_year, int month);  // "FY2011-M07"

// Writes the history into a new store in `dir` (which must not hold one).
Result<LargeHistoryStats> GenerateLargeHistory(const std::string& dir,
                                               const LargeHistoryOptions& options);

// The folder of a cached history for `options` under `cache_root` (generated there first when
// missing): "<cache_root>/large-history-v<generator version>-<options>". A history is generated
// into "<folder>.partial" and renamed when complete, so an interrupted run leaves no half
// history behind to be mistaken for a whole one.
Result<std::string> CachedLargeHistory(const std::string& cache_root,
                                       const LargeHistoryOptions& options,
                                       LargeHistoryStats* stats);

}  // namespace goldthread::testing

#endif  // GOLDTHREAD_TESTS_TESTING_LARGE_HISTORY_H_
