// bench_store: the event store's durable append rate against raw RocksDB, and its scan rate.
//
// Each figure is measured in one run on the same disk, side by side with its baseline (the sync
// figures in alternating rounds, store then raw RocksDB, averaged):
//   - the store's sync appends (~300-byte events, one event per append, each writer thread on its
//     own stream with an exact expected version) at 1, 8 and 64 writers;
//   - raw RocksDB with the store's DB options and sync=true, one Put per append, same threads
//     (RocksDB's own write grouping is the baseline for our group commit);
//   - raw RocksDB buffered (sync=false) with one writer: the practical ceiling of the machine;
//   - the same sync appends with the Merkle tree off (StoreOptions::maintain_tree), in the same
//     rounds: `append_sync_<n>w_tree_ratio` is the rate with the tree over the rate without;
//   - a full forward scan of a freshly written 1,000,000-event log through ReadAllInto, in pages
//     of 10,000 (wall clock; the scanning thread's CPU time is printed beside it);
//   - on that log, inclusion and consistency proof latency (p50, p99) at random positions
//     against the whole tree.
// Prints `RESULT name=value` lines.
// Usage: bench_store [--seconds S] [--rounds R] [--scan-events N] [--dir D] [--only append|scan]
// (--only runs one half, e.g. to profile it).
#include <time.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <filesystem>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "rocksdb/db.h"
#include "store/event_store.h"

namespace {

using goldthread::store::AppendRequest;
using goldthread::store::Direction;
using goldthread::store::Durability;
using goldthread::store::EventStore;
using goldthread::store::ExpectedVersion;
using goldthread::store::NewEvent;
using goldthread::store::StoreOptions;
namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

const std::string kPayload(300, 'x');

struct Args {
  double seconds = 3.0;
  uint64_t scan_events = 1'000'000;
  fs::path dir = fs::temp_directory_path() / "goldthread-bench-store";
  std::string only;  // "", "append" or "scan"
  // The sync figures alternate store and raw RocksDB in this many rounds of seconds/rounds
  // each, so that a change in the disk's fsync latency during the run (other tenants) hits
  // both sides alike.
  int rounds = 3;
};

// The first three fields of /proc/loadavg (1, 5 and 15 minute load), or "?" off Linux.
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

double ThreadCpuSeconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

// Runs `threads` workers calling `op(thread, i)` until `seconds` pass; returns operations/s.
template <typename Op>
double RunFor(int threads, double seconds, Op op) {
  std::atomic<bool> stop{false};
  std::atomic<uint64_t> total{0};
  std::vector<std::thread> workers;
  const auto start = Clock::now();
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([&, t] {
      uint64_t n = 0;
      while (!stop.load(std::memory_order_relaxed)) {
        if (!op(t, n)) {
          std::fprintf(stderr, "bench_store: operation failed\n");
          std::exit(1);
        }
        ++n;
      }
      total += n;
    });
  }
  std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
  stop = true;
  for (auto& w : workers) w.join();
  const double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
  return static_cast<double>(total.load()) / elapsed;
}

double StoreAppendRate(const Args& args, int threads, double seconds, bool tree = true) {
  const fs::path dir = args.dir / ("store-" + std::to_string(threads));
  fs::remove_all(dir);
  StoreOptions options;
  options.durability = Durability::kSync;
  options.maintain_tree = tree;
  auto store = EventStore::Open(dir.string(), options);
  if (!store) {
    std::fprintf(stderr, "bench_store: %s\n", store.error().ToString().c_str());
    std::exit(1);
  }
  EventStore& s = **store;
  const double rate = RunFor(threads, seconds, [&](int t, uint64_t i) {
    AppendRequest r;
    r.stream = "bench/figure/W" + std::to_string(t) + "/FY2011-Q2";
    r.expected = i == 0 ? ExpectedVersion::NoStream() : ExpectedVersion::Exact(i);
    r.events.push_back(NewEvent{.type = "goldthread.v1.FigureSubmitted", .payload = kPayload});
    r.actor = "bench";
    return s.Append(std::move(r)).has_value();
  });
  store->reset();
  fs::remove_all(dir);
  return rate;
}

// Microseconds of `op` at the 50th and 99th percentiles over `n` calls.
template <typename Op>
std::pair<double, double> Percentiles(int n, Op op) {
  std::vector<double> us;
  us.reserve(n);
  for (int i = 0; i < n; ++i) {
    const auto start = Clock::now();
    if (!op(i)) {
      std::fprintf(stderr, "bench_store: proof failed\n");
      std::exit(1);
    }
    us.push_back(std::chrono::duration<double, std::micro>(Clock::now() - start).count());
  }
  std::sort(us.begin(), us.end());
  return {us[us.size() / 2], us[us.size() * 99 / 100]};
}

// Inclusion and consistency proofs against the whole tree of `size` leaves, at random positions.
void ProofLatencies(const EventStore& store, uint64_t size) {
  std::mt19937_64 random(42);
  std::uniform_int_distribution<uint64_t> position(0, size - 1);
  constexpr int kProofs = 2000;
  const auto [in50, in99] = Percentiles(kProofs, [&](int) {
    return store.InclusionProof(position(random), size).has_value();
  });
  const auto [co50, co99] = Percentiles(kProofs, [&](int) {
    return store.ConsistencyProof(1 + position(random), size).has_value();
  });
  std::printf("# proofs: %d of each against the tree of %llu leaves\n", kProofs,
              static_cast<unsigned long long>(size));
  std::printf("RESULT inclusion_proof_p50_us=%.1f\nRESULT inclusion_proof_p99_us=%.1f\n", in50,
              in99);
  std::printf("RESULT consistency_proof_p50_us=%.1f\nRESULT consistency_proof_p99_us=%.1f\n",
              co50, co99);
}

// 64 appenders kept in flight through AppendAsync, re-issued by 2 client threads as each is
// acknowledged: the shape of the HTTP server (a few I/O threads, many outstanding commands),
// where no thread blocks per append.
double StoreAsyncAppendRate(const Args& args, int appenders) {
  const fs::path dir = args.dir / ("store-async-" + std::to_string(appenders));
  fs::remove_all(dir);
  StoreOptions options;
  options.durability = Durability::kSync;
  auto store = EventStore::Open(dir.string(), options);
  if (!store) std::exit(1);
  EventStore& s = **store;
  std::mutex mu;
  std::condition_variable cv;
  std::deque<int> ready;  // appenders whose last append was acknowledged
  std::vector<uint64_t> version(appenders, 0);
  std::atomic<uint64_t> acked{0};
  std::atomic<bool> stop{false};
  for (int a = 0; a < appenders; ++a) ready.push_back(a);
  auto issue = [&](int a) {
    AppendRequest r;
    r.stream = "bench/figure/A" + std::to_string(a) + "/FY2011-Q2";
    r.expected = version[a] == 0 ? ExpectedVersion::NoStream() : ExpectedVersion::Exact(version[a]);
    r.events.push_back(NewEvent{.type = "goldthread.v1.FigureSubmitted", .payload = kPayload});
    s.AppendAsync(std::move(r), [&, a](goldthread::Result<goldthread::store::AppendResult> res) {
      if (!res) std::exit(1);
      version[a] = res->stream_version;
      ++acked;
      std::lock_guard<std::mutex> lock(mu);
      ready.push_back(a);
      cv.notify_one();
    });
  };
  std::vector<std::thread> clients;
  for (int c = 0; c < 2; ++c) {
    clients.emplace_back([&] {
      while (true) {
        std::unique_lock<std::mutex> lock(mu);
        cv.wait(lock, [&] { return stop || !ready.empty(); });
        if (stop) return;
        const int a = ready.front();
        ready.pop_front();
        lock.unlock();
        issue(a);
      }
    });
  }
  const auto start = Clock::now();
  std::this_thread::sleep_for(std::chrono::duration<double>(args.seconds));
  const double rate = static_cast<double>(acked.load()) /
                      std::chrono::duration<double>(Clock::now() - start).count();
  {
    std::lock_guard<std::mutex> lock(mu);
    stop = true;
  }
  cv.notify_all();
  for (auto& c : clients) c.join();
  store->reset();  // completes what is still queued
  fs::remove_all(dir);
  return rate;
}

// Puts per second through raw RocksDB; with `puts_per_batch` > 1 each write is one WriteBatch of
// that many puts (the best any group commit of that many appends could do per fsync).
double RawRocksRate(const Args& args, int threads, bool sync, double seconds,
                    int puts_per_batch = 1) {
  const fs::path dir = args.dir / ("raw-" + std::to_string(threads) + (sync ? "-sync" : "-buf") +
                                   "-" + std::to_string(puts_per_batch));
  fs::remove_all(dir);
  // The store's DB options (store/rocks_event_store.cc), default column family.
  rocksdb::Options options;
  options.create_if_missing = true;
  options.max_background_jobs = 2;
  options.info_log_level = rocksdb::InfoLogLevel::WARN_LEVEL;
  rocksdb::DB* raw = nullptr;
  if (!rocksdb::DB::Open(options, dir.string(), &raw).ok()) {
    std::fprintf(stderr, "bench_store: cannot open raw RocksDB\n");
    std::exit(1);
  }
  std::unique_ptr<rocksdb::DB> db(raw);
  rocksdb::WriteOptions wo;
  wo.sync = sync;
  const double rate = RunFor(threads, seconds, [&](int t, uint64_t i) {
    if (puts_per_batch == 1) {
      const std::string key = "W" + std::to_string(t) + "/" + std::to_string(i);
      return db->Put(wo, key, kPayload).ok();
    }
    rocksdb::WriteBatch wb;
    for (int k = 0; k < puts_per_batch; ++k) {
      wb.Put("W" + std::to_string(t) + "/" + std::to_string(i) + "/" + std::to_string(k), kPayload);
    }
    return db->Write(wo, &wb).ok();
  }) * puts_per_batch;
  db.reset();
  fs::remove_all(dir);
  return rate;
}

double ScanRate(const Args& args) {
  const fs::path dir = args.dir / "scan";
  fs::remove_all(dir);
  StoreOptions options;
  options.durability = Durability::kBuffered;
  auto store = EventStore::Open(dir.string(), options);
  if (!store) std::exit(1);
  constexpr uint64_t kPerAppend = 500;
  for (uint64_t i = 0; i * kPerAppend < args.scan_events; ++i) {
    AppendRequest r;
    r.stream = "bench/figure/I" + std::to_string(i % 300) + "/FY2011-M01";
    for (uint64_t k = 0; k < kPerAppend; ++k) {
      r.events.push_back(NewEvent{.type = "goldthread.v1.FigureSubmitted", .payload = kPayload});
    }
    if (!(*store)->Append(std::move(r))) std::exit(1);
  }
  std::printf("# scan: %llu events written; scanning\n", (unsigned long long)args.scan_events);
  std::fflush(stdout);
  const auto start = Clock::now();
  const double cpu_start = ThreadCpuSeconds();
  uint64_t seen = 0;
  uint64_t from = 1;
  goldthread::store::ReadPage page;
  while (from != 0) {
    if (!(*store)->ReadAllInto(from, Direction::kForward, 10'000, &page)) std::exit(1);
    seen += page.events.size();
    from = page.next;
  }
  const double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
  // The scanning thread's own CPU time: on a shared machine the wall-clock rate also counts
  // time the scan spent waiting for a core (and RocksDB's compaction of the fresh log).
  std::printf("# scan: %.2f s wall, %.2f s CPU in the scanning thread (%.0f events/CPU-s)\n",
              elapsed, ThreadCpuSeconds() - cpu_start,
              static_cast<double>(seen) / (ThreadCpuSeconds() - cpu_start));
  ProofLatencies(**store, seen);
  store->reset();
  fs::remove_all(dir);
  if (seen < args.scan_events) {
    std::fprintf(stderr, "bench_store: scan saw %llu events\n", (unsigned long long)seen);
    std::exit(1);
  }
  return static_cast<double>(seen) / elapsed;
}

}  // namespace

int main(int argc, char** argv) {
  Args args;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    if (flag == "--seconds") args.seconds = std::atof(argv[i + 1]);
    if (flag == "--scan-events") args.scan_events = std::strtoull(argv[i + 1], nullptr, 10);
    if (flag == "--dir") args.dir = argv[i + 1];
    if (flag == "--only") args.only = argv[i + 1];
    if (flag == "--rounds") args.rounds = std::max(1, std::atoi(argv[i + 1]));
  }
  if (!args.only.empty() && args.only != "append" && args.only != "scan") {
    std::fprintf(stderr, "bench_store: --only takes append or scan, not %s\n", args.only.c_str());
    return 2;
  }
  fs::create_directories(args.dir);
  std::printf("# bench_store: %.1f s per figure, data under %s; %u cores; load average %s\n",
              args.seconds, args.dir.c_str(), std::thread::hardware_concurrency(),
              LoadAverage().c_str());
  if (args.only != "scan") {
    const double raw_buffered_1 = RawRocksRate(args, 1, false, args.seconds);
    std::printf("RESULT rocksdb_buffered_1w_puts_per_s=%.0f\n", raw_buffered_1);
    for (int threads : {1, 8, 64}) {
      double raw = 0;
      double store = 0;
      double no_tree = 0;
      const double round_seconds = args.seconds / args.rounds;
      for (int round = 0; round < args.rounds; ++round) {
        raw += RawRocksRate(args, threads, true, round_seconds) / args.rounds;
        store += StoreAppendRate(args, threads, round_seconds) / args.rounds;
        no_tree += StoreAppendRate(args, threads, round_seconds, /*tree=*/false) / args.rounds;
      }
      std::printf("RESULT rocksdb_sync_%dw_puts_per_s=%.0f\n", threads, raw);
      std::printf("RESULT append_sync_%dw_events_per_s=%.0f\n", threads, store);
      std::printf("RESULT append_sync_%dw_ratio_vs_rocksdb=%.2f\n", threads, store / raw);
      std::printf("RESULT append_sync_%dw_no_tree_events_per_s=%.0f\n", threads, no_tree);
      std::printf("RESULT append_sync_%dw_tree_ratio=%.2f\n", threads, store / no_tree);
      if (threads == 64) {
        std::printf("RESULT append_sync_64w_ratio_vs_rocksdb_buffered_1w=%.2f\n",
                    store / raw_buffered_1);
        // 64 writers with one append outstanding each can share an fsync at most 64 ways: one
        // thread writing 64-put batches with sync is the ceiling for that shape on this disk.
        const double raw_batch64 = RawRocksRate(args, 1, true, args.seconds, 64);
        std::printf("RESULT rocksdb_sync_batch64_1w_puts_per_s=%.0f\n", raw_batch64);
        std::printf("RESULT append_sync_64w_ratio_vs_rocksdb_batch64=%.2f\n", store / raw_batch64);
        const double async_rate = StoreAsyncAppendRate(args, 64);
        std::printf("RESULT append_sync_64async_events_per_s=%.0f\n", async_rate);
        std::printf("RESULT append_sync_64async_ratio_vs_rocksdb_buffered_1w=%.2f\n",
                    async_rate / raw_buffered_1);
      }
      std::fflush(stdout);
    }
  }
  if (args.only != "append") std::printf("RESULT scan_events_per_s=%.0f\n", ScanRate(args));
  std::printf("# load average at the end: %s\n", LoadAverage().c_str());
  fs::remove_all(args.dir);
  return 0;
}
