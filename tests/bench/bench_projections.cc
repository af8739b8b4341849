// bench_projections: the read side on a large council history (tests/testing/large_history.h):
// a full rebuild of the read index against the store's raw scan of the same log, "as of"
// scorecards and figure histories, and memory.
//
// In one run, on one log:
//   - the history is generated, or taken from the cache under --cache (keyed by the generator's
//     version and options; the first run takes a minute or two to generate it);
//   - the read models are loaded (ReadModels::Open and a catch-up: restored from the store when
//     an earlier run left the read index there, otherwise applied from position zero; with
//     --replay 1, always replayed from zero in memory, as at a first start) and
//     `rss_mib` is VmRSS from /proc/self/status after that;
//   - `asof_scorecard_ms`: a directorate scorecard as of an instant three years before the
//     log's last event, for the month reported then (a different directorate, and a day later,
//     each repetition);
//   - `figure_history_ms`: one figure's history at the head (a different figure each time);
//   - then, with the read models closed, alternately a raw scan of the whole log (ReadAllInto,
//     pages of 10,000: `scan_events_per_s`) and a full rebuild of the read index from position
//     zero (engine::RebuildReadIndex, from scratch: `rebuild_events_per_s` is the rate the
//     runner reports for its Rebuild, `rebuild_call_events_per_s` that of the whole call, which
//     also opens the runner and frees the built set), and their ratio.
// Each figure is the median of --reps repetitions; the first (cold: RocksDB's block cache and
// the council model memo empty) is printed beside as `..._first_ms`.
// Prints `RESULT name=value` lines; docs/PERFORMANCE.md records them.
//
// Usage: bench_projections [--reps N] [--cache DIR] [--indicators-per-service N]
//                          [--services-per-directorate N] [--years N] [--only load|rebuild]
//                          [--checkpoint-every EVENTS] [--replay 1]
#include <date/date.h>
#include <google/protobuf/util/time_util.h>
#include <time.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "engine/read/as_of.h"
#include "engine/model/period.h"
#include "engine/read/read_models.h"
#include "store/event_store.h"
#include "tests/testing/large_history.h"

namespace {

namespace engine = goldthread::engine;
namespace store = goldthread::store;
namespace testing = goldthread::testing;
using Clock = std::chrono::steady_clock;
using goldthread::Result;
using goldthread::TimePoint;

struct Args {
  int reps = 5;
  std::string cache = "/tmp/goldthread-bench";
  std::string only;  // "", "load" or "rebuild"
  // The rebuild's checkpoint interval (ProjectionRunnerOptions::checkpoint_every_events).
  uint64_t checkpoint_every = engine::ProjectionRunnerOptions().checkpoint_every_events;
  // Load the read models by replaying the log from position zero in memory (persist = false)
  // instead of restoring what an earlier run saved: the memory of a first start.
  bool replay = false;
  testing::LargeHistoryOptions history;
};

std::string LoadAverage() {
  std::FILE* f = std::fopen("/proc/loadavg", "r");
  if (f == nullptr) return "?";
  double a = 0, b = 0, c = 0;
  const int n = std::fscanf(f, "%lf %lf %lf", &a, &b, &c);
  std::fclose(f);
  if (n != 3) return "?";
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.2f %.2f %.2f", a, b, c);
  return buf;
}

// VmRSS from /proc/self/status, in MiB (0 when unreadable).
double ResidentMiB() {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::strtod(line.c_str() + 6, nullptr) / 1024.0;
  }
  return 0;
}

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const size_t n = v.size();
  return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

// CPU time of the whole process (every thread), for rates that a loaded machine does not skew.
double ProcessCpuSeconds() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

double Seconds(Clock::time_point since) {
  return std::chrono::duration<double>(Clock::now() - since).count();
}

[[noreturn]] void Fail(const std::string& what, const goldthread::Error& e) {
  std::fprintf(stderr, "bench_projections: %s: %s\n", what.c_str(), e.ToString().c_str());
  std::exit(1);
}

Result<std::unique_ptr<store::EventStore>> OpenStore(const std::string& dir) {
  store::StoreOptions options;
  options.durability = store::Durability::kBuffered;
  return store::EventStore::Open(dir, options);
}

// Loads the read models, reports memory, and times the two queries.
void LoadAndQuery(const Args& args, const std::string& dir) {
  auto store = OpenStore(dir);
  if (!store) Fail("open store", store.error());
  const uint64_t head = (*store)->Head().position;
  auto last = engine::PointAt(**store, head);
  if (!last) Fail("head point", last.error());
  const TimePoint head_time(std::chrono::microseconds(
      google::protobuf::util::TimeUtil::TimestampToMicroseconds(last->recorded_at())));
  goldthread::SimulatedClock clock(head_time + std::chrono::hours(24));

  const auto load_start = Clock::now();
  engine::ReadModelOptions read_options{.tenant = args.history.tenant};
  read_options.runner.persist = !args.replay;
  auto reads = engine::ReadModels::Open(store->get(), &clock, read_options);
  if (!reads) Fail("open read models", reads.error());
  auto caught_up = (*reads)->runner().CatchUp();
  if (!caught_up) Fail("catch up", caught_up.error());
  const double load_seconds = Seconds(load_start);
  std::printf("# %s the read models to position %llu in %.2f s (load average %s)\n",
              args.replay ? "replayed" : "loaded", static_cast<unsigned long long>(*caught_up),
              load_seconds, LoadAverage().c_str());
  std::printf("RESULT load_seconds=%.2f\n", load_seconds);
  std::printf("RESULT rss_mib=%.0f\n", ResidentMiB());
  std::fflush(stdout);

  // A directorate scorecard as of three years before the last event, for the month that had
  // been reported by then (its figures are locked 25 days after the month ends).
  const TimePoint as_of_time = head_time - std::chrono::hours(24 * 365 * 3);
  const auto as_of_day = date::year_month_day(date::floor<date::days>(as_of_time) - date::days(35));
  const std::string period =
      engine::Period::Containing(goldthread::v1::FREQUENCY_MONTHLY, as_of_day).id();
  const size_t expected_rows = static_cast<size_t>(args.history.services_per_directorate) *
                               args.history.indicators_per_service;
  std::vector<double> scorecard_ms;
  for (int rep = 0; rep < args.reps; ++rep) {
    const std::string unit = testing::LargeHistoryDirectorate(1 + rep % args.history.directorates);
    // A day later each time: a different point of the log.
    const TimePoint when = as_of_time + std::chrono::hours(24 * rep);
    const auto start = Clock::now();
    auto card = (*reads)->Scorecard(unit, period, engine::AsOf::Time(when));
    const double ms = Seconds(start) * 1000;
    if (!card) Fail("scorecard", card.error());
    size_t rated = 0;
    for (const auto& row : card->rows()) {
      rated += row.rag() != goldthread::v1::RAG_GREY && row.has_value() ? 1 : 0;
    }
    if (static_cast<size_t>(card->rows_size()) != expected_rows || rated != expected_rows) {
      std::fprintf(stderr,
                   "bench_projections: scorecard of %s for %s as of position %llu has %d rows, "
                   "%zu with a figure; expected %zu\n",
                   unit.c_str(), period.c_str(),
                   static_cast<unsigned long long>(card->as_of().position()), card->rows_size(),
                   rated, expected_rows);
      std::exit(1);
    }
    if (rep == 0) {
      std::printf("# scorecard %s %s as of position %llu: %d rows; first (cold) %.1f ms\n",
                  unit.c_str(), period.c_str(),
                  static_cast<unsigned long long>(card->as_of().position()), card->rows_size(), ms);
    }
    scorecard_ms.push_back(ms);
  }
  std::printf("RESULT asof_scorecard_ms=%.1f\n", Median(scorecard_ms));
  std::printf("RESULT asof_scorecard_first_ms=%.1f\n", scorecard_ms.front());
  {
    // Where a query's time goes: the snapshot, the council's reference data as of it, and one
    // figure's events.
    const auto t0 = Clock::now();
    auto snapshot = (*reads)->Snapshot(engine::AsOf::Time(as_of_time));
    if (!snapshot) Fail("snapshot", snapshot.error());
    const double snapshot_ms = Seconds(t0) * 1000;
    const auto t1 = Clock::now();
    auto council = (*snapshot)->Council({period});
    if (!council) Fail("council", council.error());
    const double council_ms = Seconds(t1) * 1000;
    const auto t2 = Clock::now();
    auto events = (*snapshot)->FigureEvents(testing::LargeHistoryIndicator(1, 1, 1), period);
    if (!events) Fail("figure events", events.error());
    const double events_ms = Seconds(t2) * 1000;
    std::printf(
        "# breakdown: snapshot %.2f ms, council model %.2f ms, one figure's %zu events "
        "%.3f ms\n",
        snapshot_ms, council_ms, events->size(), events_ms);
  }

  std::mt19937 rng(7);
  std::vector<double> history_ms;
  for (int rep = 0; rep < args.reps; ++rep) {
    auto pick = [&](int n) { return std::uniform_int_distribution<int>(1, n)(rng); };
    const std::string indicator = testing::LargeHistoryIndicator(
        pick(args.history.directorates), pick(args.history.services_per_directorate),
        pick(args.history.indicators_per_service));
    const std::string figure_period = testing::LargeHistoryPeriod(
        args.history.first_fiscal_year + pick(args.history.years) - 1, pick(12));
    const auto start = Clock::now();
    auto history = (*reads)->FigureHistory(indicator, figure_period);
    const double ms = Seconds(start) * 1000;
    if (!history) Fail("figure history", history.error());
    // At least: reminder, submission, three sign-offs, directorate reminder, lock, publication.
    if (history->entries_size() < 8) {
      std::fprintf(stderr, "bench_projections: history of %s %s has only %d entries\n",
                   indicator.c_str(), figure_period.c_str(), history->entries_size());
      std::exit(1);
    }
    if (rep == 0) {
      std::printf("# figure history %s %s: %d entries; first (cold) %.2f ms\n", indicator.c_str(),
                  figure_period.c_str(), history->entries_size(), ms);
    }
    history_ms.push_back(ms);
  }
  std::printf("RESULT figure_history_ms=%.2f\n", Median(history_ms));
  std::printf("RESULT figure_history_first_ms=%.2f\n", history_ms.front());
  std::fflush(stdout);
}

double ScanRate(store::EventStore& s) {
  const auto start = Clock::now();
  uint64_t seen = 0;
  uint64_t from = 1;
  store::ReadPage page;
  while (from != 0) {
    if (auto r = s.ReadAllInto(from, store::Direction::kForward, 10'000, &page); !r) {
      Fail("scan", r.error());
    }
    seen += page.events.size();
    from = page.next;
  }
  return static_cast<double>(seen) / Seconds(start);
}

void RebuildAgainstScan(const Args& args, const std::string& dir) {
  auto store = OpenStore(dir);
  if (!store) Fail("open store", store.error());
  std::vector<double> scans;
  std::vector<double> rebuilds;
  std::vector<double> rebuild_calls;
  std::vector<double> scan_cpu;
  std::vector<double> rebuild_cpu;
  for (int rep = 0; rep < args.reps; ++rep) {
    const std::string load_before = LoadAverage();
    double cpu = ProcessCpuSeconds();
    auto start = Clock::now();
    scans.push_back(ScanRate(**store));
    const double scan_seconds = Seconds(start);
    scan_cpu.push_back(scans.back() * scan_seconds / (ProcessCpuSeconds() - cpu));
    cpu = ProcessCpuSeconds();
    start = Clock::now();
    auto report =
        engine::RebuildReadIndex(store->get(), args.history.tenant, {.from_scratch = true},
                                 {.checkpoint_every_events = args.checkpoint_every});
    if (!report) Fail("rebuild", report.error());
    const double seconds = Seconds(start);
    const double events = static_cast<double>(report->events_applied);
    // The runner's own rate (RebuildReport: replay, checkpoints and take-over), and the whole
    // call's beside it (also opening the runner and freeing the built set afterwards).
    rebuilds.push_back(events / report->seconds);
    rebuild_calls.push_back(events / seconds);
    rebuild_cpu.push_back(events / (ProcessCpuSeconds() - cpu));
    std::printf(
        "# rep %d: scan %.0f events/s (%.0f per CPU-s); rebuild %.0f events in %.2f s "
        "= %.0f events/s (the whole call: %.2f s = %.0f events/s, %.0f per CPU-s; "
        "generation %u; load average before %s)\n",
        rep + 1, scans.back(), scan_cpu.back(), events, report->seconds, rebuilds.back(), seconds,
        rebuild_calls.back(), rebuild_cpu.back(), report->generation, load_before.c_str());
    std::fflush(stdout);
  }
  const double scan = Median(scans);
  const double rebuild = Median(rebuilds);
  std::printf("RESULT scan_events_per_s=%.0f\n", scan);
  std::printf("RESULT rebuild_events_per_s=%.0f\n", rebuild);
  std::printf("RESULT rebuild_ratio_vs_scan=%.2f\n", rebuild / scan);
  std::printf("RESULT rebuild_call_events_per_s=%.0f\n", Median(rebuild_calls));
  // Events per second of CPU (all threads): what the rates would be with the cores to itself.
  std::printf("RESULT scan_events_per_cpu_s=%.0f\n", Median(scan_cpu));
  std::printf("RESULT rebuild_events_per_cpu_s=%.0f\n", Median(rebuild_cpu));
}

}  // namespace

int main(int argc, char** argv) {
  Args args;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    const std::string value = argv[i + 1];
    if (flag == "--reps") {
      args.reps = std::max(1, std::atoi(value.c_str()));
    } else if (flag == "--cache") {
      args.cache = value;
    } else if (flag == "--checkpoint-every") {
      args.checkpoint_every = std::strtoull(value.c_str(), nullptr, 10);
    } else if (flag == "--replay") {
      args.replay = value == "1" || value == "true";
    } else if (flag == "--only") {
      args.only = value;
    } else if (flag == "--indicators-per-service") {
      args.history.indicators_per_service = std::atoi(value.c_str());
    } else if (flag == "--services-per-directorate") {
      args.history.services_per_directorate = std::atoi(value.c_str());
    } else if (flag == "--years") {
      args.history.years = std::atoi(value.c_str());
    } else {
      std::fprintf(stderr, "bench_projections: unknown flag %s\n", flag.c_str());
      return 2;
    }
  }
  if (!args.only.empty() && args.only != "load" && args.only != "rebuild") {
    std::fprintf(stderr, "bench_projections: --only takes load or rebuild, not %s\n",
                 args.only.c_str());
    return 2;
  }
  std::printf("# bench_projections: %u cores; load average %s\n",
              std::thread::hardware_concurrency(), LoadAverage().c_str());
  std::fflush(stdout);
  testing::LargeHistoryStats stats;
  auto dir = testing::CachedLargeHistory(args.cache, args.history, &stats);
  if (!dir) Fail("large history", dir.error());
  std::printf(
      "# history in %s: %llu events, %llu figures, %llu findings, %llu restatements; "
      "%s %.1f s\n",
      dir->c_str(), static_cast<unsigned long long>(stats.events),
      static_cast<unsigned long long>(stats.figures),
      static_cast<unsigned long long>(stats.findings),
      static_cast<unsigned long long>(stats.restatements),
      stats.from_cache ? "cached; generated in" : "generated in", stats.seconds);
  std::printf("RESULT history_events=%llu\n", static_cast<unsigned long long>(stats.events));
  std::fflush(stdout);
  if (args.only != "rebuild") LoadAndQuery(args, *dir);
  if (args.only != "load") RebuildAgainstScan(args, *dir);
  std::printf("# load average at the end: %s\n", LoadAverage().c_str());
  return 0;
}
