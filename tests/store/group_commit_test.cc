// Tests of the append path (store/group_commit.cc): expected-version semantics, idempotency,
// input validation, and many threads appending through the single group-commit writer.
#include <gtest/gtest.h>

#include <atomic>
#include <cctype>
#include <condition_variable>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <thread>

#include "tests/store/store_test_util.h"
#include "tests/testing/temp_dir.h"

namespace goldthread::store {
namespace {

using goldthread::testing::TempDir;
using testing::Events;
using testing::OpenOrFail;
using testing::Request;

// Every event of the log in order, read in pages of `page_size`.
std::vector<Envelope> ReadEverything(const EventStore& store, size_t page_size = 1000) {
  std::vector<Envelope> all;
  uint64_t from = 1;
  while (from != 0) {
    auto page = store.ReadAll(from, Direction::kForward, page_size);
    EXPECT_TRUE(page) << page.error().ToString();
    if (!page) break;
    for (auto& e : page->events) all.push_back(std::move(e));
    from = page->next;
  }
  return all;
}

TEST(AppendTest, FirstEventIsPositionOneAndVersionOne) {
  TempDir dir;
  auto store = OpenOrFail(dir.Sub("db"));
  ASSERT_TRUE(store);
  auto r = store->Append(Request("demo/figure/NI-192", ExpectedVersion::NoStream(), 3));
  ASSERT_TRUE(r) << r.error().ToString();
  EXPECT_EQ(r->first_position, 1u);
  EXPECT_EQ(r->last_position, 3u);
  EXPECT_EQ(r->stream_version, 3u);
  EXPECT_FALSE(r->duplicate);
  EXPECT_EQ(store->Head().position, 3u);
  auto page = store->ReadStream("demo/figure/NI-192", 1, Direction::kForward, 10);
  ASSERT_TRUE(page);
  ASSERT_EQ(page->events.size(), 3u);
  for (uint64_t i = 0; i < 3; ++i) {
    EXPECT_EQ(page->events[i].position(), i + 1);
    EXPECT_EQ(page->events[i].stream_version(), i + 1);
    EXPECT_EQ(page->events[i].payload(), "payload-" + std::to_string(i));
    EXPECT_EQ(page->events[i].actor(), "person/test");
    EXPECT_EQ(page->events[i].event_id().size(), 36u) << "a generated UUID";
  }
}

TEST(AppendTest, GeneratedEventIdsAreDistinctVersionFourUuids) {
  TempDir dir;
  auto store = OpenOrFail(dir.Sub("db"));
  ASSERT_TRUE(store);
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(store->Append(Request("s/a", ExpectedVersion::Any(), 1000)));
  }
  const std::vector<Envelope> all = ReadEverything(*store);
  ASSERT_EQ(all.size(), 3000u);
  std::set<std::string> ids;
  for (const Envelope& e : all) {
    const std::string& id = e.event_id();
    ASSERT_EQ(id.size(), 36u) << id;
    for (size_t i = 0; i < id.size(); ++i) {
      if (i == 8 || i == 13 || i == 18 || i == 23) {
        ASSERT_EQ(id[i], '-') << id;
      } else {
        ASSERT_TRUE(std::isxdigit(static_cast<unsigned char>(id[i])) && !std::isupper(id[i])) << id;
      }
    }
    EXPECT_EQ(id[14], '4') << "version 4: " << id;
    EXPECT_NE(std::string("89ab").find(id[19]), std::string::npos) << "RFC 4122 variant: " << id;
    ids.insert(id);
  }
  EXPECT_EQ(ids.size(), all.size());
}

TEST(AppendTest, RecordsTheInjectedClockAndGivenIds) {
  TempDir dir;
  SimulatedClock clock(
      TimePoint(std::chrono::seconds(1'300'000'000) + std::chrono::microseconds(250)));
  StoreOptions options = testing::FastOptions();
  options.clock = &clock;
  auto store = OpenOrFail(dir.Sub("db"), options);
  ASSERT_TRUE(store);
  AppendRequest request = Request("demo/org", ExpectedVersion::Any(), 2, "cmd-1");
  request.correlation_id = "corr-1";
  request.causation_id = "cause-1";
  request.events[0].event_id = "event-a";
  request.events[1].causation_id = "cause-2";
  ASSERT_TRUE(store->Append(request));
  auto page = store->ReadAll(1, Direction::kForward, 10);
  ASSERT_TRUE(page);
  ASSERT_EQ(page->events.size(), 2u);
  const Envelope& a = page->events[0];
  EXPECT_EQ(a.event_id(), "event-a");
  EXPECT_EQ(a.recorded_at().seconds(), 1'300'000'000);
  EXPECT_EQ(a.recorded_at().nanos(), 250'000);
  EXPECT_EQ(a.command_id(), "cmd-1");
  EXPECT_EQ(a.correlation_id(), "corr-1");
  EXPECT_EQ(a.causation_id(), "cause-1");
  EXPECT_EQ(page->events[1].causation_id(), "cause-2");
  EXPECT_NE(page->events[1].event_id(), "event-a");
}

TEST(AppendTest, AnyAppendsWhateverTheVersion) {
  TempDir dir;
  auto store = OpenOrFail(dir.Sub("db"));
  ASSERT_TRUE(store);
  ASSERT_TRUE(store->Append(Request("s/a", ExpectedVersion::Any())));
  auto r = store->Append(Request("s/a", ExpectedVersion::Any(), 2));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->stream_version, 3u);
  EXPECT_EQ(r->first_position, 2u);
}

TEST(AppendTest, ExactVersionAppendsAfterThatVersion) {
  TempDir dir;
  auto store = OpenOrFail(dir.Sub("db"));
  ASSERT_TRUE(store);
  ASSERT_TRUE(store->Append(Request("s/a", ExpectedVersion::NoStream(), 2)));
  auto r = store->Append(Request("s/a", ExpectedVersion::Exact(2)));
  ASSERT_TRUE(r) << r.error().ToString();
  EXPECT_EQ(r->stream_version, 3u);
  auto v = store->StreamVersion("s/a");
  ASSERT_TRUE(v);
  EXPECT_EQ(*v, 3u);
}

TEST(AppendTest, RejectsStaleExactVersionWithCurrentVersionAndWritesNothing) {
  TempDir dir;
  auto store = OpenOrFail(dir.Sub("db"));
  ASSERT_TRUE(store);
  ASSERT_TRUE(store->Append(Request("s/a", ExpectedVersion::NoStream(), 3)));
  const HeadInfo before = store->Head();
  for (uint64_t stale : {1u, 2u, 4u, 99u}) {
    auto r = store->Append(Request("s/a", ExpectedVersion::Exact(stale)));
    ASSERT_FALSE(r) << "expected " << stale;
    EXPECT_EQ(r.error().code, ErrorCode::kConflict);
    ASSERT_TRUE(r.error().current_version.has_value());
    EXPECT_EQ(*r.error().current_version, 3u);
    EXPECT_EQ(r.error().field, "expected_version");
    EXPECT_NE(r.error().message.find("s/a"), std::string::npos) << r.error().message;
  }
  EXPECT_EQ(store->Head().position, before.position);
  EXPECT_EQ(store->Head().hash, before.hash);
  EXPECT_EQ(*store->StreamVersion("s/a"), 3u);
}

TEST(AppendTest, RejectsNoStreamWhenTheStreamExists) {
  TempDir dir;
  auto store = OpenOrFail(dir.Sub("db"));
  ASSERT_TRUE(store);
  ASSERT_TRUE(store->Append(Request("s/a", ExpectedVersion::NoStream())));
  auto r = store->Append(Request("s/a", ExpectedVersion::NoStream()));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kConflict);
  EXPECT_EQ(r.error().current_version, std::optional<uint64_t>(1));
  EXPECT_EQ(store->Head().position, 1u);
}

TEST(AppendTest, RejectsExactVersionOfAMissingStreamWithVersionZero) {
  TempDir dir;
  auto store = OpenOrFail(dir.Sub("db"));
  ASSERT_TRUE(store);
  auto r = store->Append(Request("s/new", ExpectedVersion::Exact(1)));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kConflict);
  EXPECT_EQ(r.error().current_version, std::optional<uint64_t>(0));
  EXPECT_EQ(store->Head().position, 0u);
}

TEST(AppendTest, StreamsWithSharedPrefixesKeepSeparateVersions) {
  TempDir dir;
  auto store = OpenOrFail(dir.Sub("db"));
  ASSERT_TRUE(store);
  ASSERT_TRUE(store->Append(Request("a", ExpectedVersion::NoStream(), 2)));
  ASSERT_TRUE(store->Append(Request("a/b", ExpectedVersion::NoStream(), 5)));
  ASSERT_TRUE(store->Append(Request("a-", ExpectedVersion::NoStream(), 1)));
  EXPECT_EQ(*store->StreamVersion("a"), 2u);
  EXPECT_EQ(*store->StreamVersion("a/b"), 5u);
  EXPECT_EQ(*store->StreamVersion("a-"), 1u);
  EXPECT_EQ(*store->StreamVersion("a/"), 0u);
  // Versions survive a reopen, when the writer reads them back from RocksDB.
  store.reset();
  store = OpenOrFail(dir.Sub("db"));
  ASSERT_TRUE(store);
  auto r = store->Append(Request("a", ExpectedVersion::Exact(2)));
  ASSERT_TRUE(r) << r.error().ToString();
  EXPECT_EQ(r->stream_version, 3u);
  EXPECT_FALSE(store->Append(Request("a/b", ExpectedVersion::Exact(4))));
}

TEST(AppendTest, VersionsAreReadBackWhenTheVersionCacheOverflows) {
  TempDir dir;
  StoreOptions options = testing::FastOptions();
  options.stream_version_cache_entries = 2;
  auto store = OpenOrFail(dir.Sub("db"), options);
  ASSERT_TRUE(store);
  for (int round = 1; round <= 3; ++round) {
    for (int s = 0; s < 5; ++s) {
      auto r = store->Append(
          Request("s/" + std::to_string(s),
                  round == 1 ? ExpectedVersion::NoStream() : ExpectedVersion::Exact(round - 1)));
      ASSERT_TRUE(r) << r.error().ToString();
      EXPECT_EQ(r->stream_version, static_cast<uint64_t>(round));
    }
  }
  EXPECT_EQ(store->Head().position, 15u);
}

// --- Idempotency ---

TEST(IdempotencyTest, RepeatedCommandReturnsOriginalPositionsAndWritesNothing) {
  TempDir dir;
  auto store = OpenOrFail(dir.Sub("db"));
  ASSERT_TRUE(store);
  ASSERT_TRUE(store->Append(Request("s/other", ExpectedVersion::Any())));
  auto first = store->Append(Request("s/a", ExpectedVersion::NoStream(), 2, "cmd-42"));
  ASSERT_TRUE(first);
  ASSERT_TRUE(store->Append(Request("s/other", ExpectedVersion::Any())));
  const HeadInfo before = store->Head();
  // The repeat carries a now-stale expected version: idempotency wins over the conflict.
  auto again = store->Append(Request("s/a", ExpectedVersion::NoStream(), 2, "cmd-42"));
  ASSERT_TRUE(again) << again.error().ToString();
  EXPECT_TRUE(again->duplicate);
  EXPECT_EQ(again->first_position, 2u);
  EXPECT_EQ(again->last_position, 3u);
  EXPECT_EQ(again->stream_version, 2u);
  EXPECT_EQ(store->Head().position, before.position);
  EXPECT_EQ(store->Head().hash, before.hash);
}

TEST(IdempotencyTest, HoldsAcrossReopen) {
  TempDir dir;
  AppendResult first;
  {
    auto store = OpenOrFail(dir.Sub("db"));
    ASSERT_TRUE(store);
    auto r = store->Append(Request("s/a", ExpectedVersion::NoStream(), 3, "cmd-reopen"));
    ASSERT_TRUE(r);
    first = *r;
  }
  auto store = OpenOrFail(dir.Sub("db"));
  ASSERT_TRUE(store);
  auto again = store->Append(Request("s/a", ExpectedVersion::NoStream(), 3, "cmd-reopen"));
  ASSERT_TRUE(again) << again.error().ToString();
  EXPECT_TRUE(again->duplicate);
  EXPECT_EQ(again->first_position, first.first_position);
  EXPECT_EQ(again->last_position, first.last_position);
  EXPECT_EQ(again->stream_version, first.stream_version);
  EXPECT_EQ(store->Head().position, 3u);
}

TEST(IdempotencyTest, RepeatsInsideOneBatchWriteOnce) {
  TempDir dir;
  StoreOptions options = testing::FastOptions();
  options.durability = Durability::kSync;  // slow commits make the repeats queue together
  auto store = OpenOrFail(dir.Sub("db"), options);
  ASSERT_TRUE(store);
  constexpr int kRepeats = 16;
  std::mutex mu;
  std::vector<Result<AppendResult>> results;
  std::atomic<int> done{0};
  for (int i = 0; i < kRepeats; ++i) {
    store->AppendAsync(Request("s/a", ExpectedVersion::Any(), 1, "cmd-same"),
                       [&](Result<AppendResult> r) {
                         std::lock_guard<std::mutex> lock(mu);
                         results.push_back(std::move(r));
                         ++done;
                       });
  }
  store.reset();  // completes everything queued
  ASSERT_EQ(done.load(), kRepeats);
  int originals = 0;
  for (const auto& r : results) {
    ASSERT_TRUE(r) << r.error().ToString();
    EXPECT_EQ(r->first_position, 1u);
    EXPECT_EQ(r->stream_version, 1u);
    if (!r->duplicate) ++originals;
  }
  EXPECT_EQ(originals, 1);
  store = OpenOrFail(dir.Sub("db"));
  ASSERT_TRUE(store);
  EXPECT_EQ(store->Head().position, 1u);
}

TEST(IdempotencyTest, ARejectedCommandCanBeRetried) {
  TempDir dir;
  auto store = OpenOrFail(dir.Sub("db"));
  ASSERT_TRUE(store);
  ASSERT_TRUE(store->Append(Request("s/a", ExpectedVersion::NoStream())));
  auto conflict = store->Append(Request("s/a", ExpectedVersion::NoStream(), 1, "cmd-retry"));
  ASSERT_FALSE(conflict);
  auto retry = store->Append(Request("s/a", ExpectedVersion::Exact(1), 1, "cmd-retry"));
  ASSERT_TRUE(retry) << retry.error().ToString();
  EXPECT_FALSE(retry->duplicate);
  EXPECT_EQ(retry->stream_version, 2u);
}

// --- Bad input: each a clear kInvalidArgument naming the field; the head does not move ---

struct BadInputCase {
  const char* name;
  std::function<void(AppendRequest&)> spoil;
  const char* field;
};

void PrintTo(const BadInputCase& c, std::ostream* os) { *os << c.name; }

class BadInputTest : public ::testing::TestWithParam<BadInputCase> {};

TEST_P(BadInputTest, IsRejectedNamingTheFieldAndWritesNothing) {
  TempDir dir;
  StoreOptions options = testing::FastOptions();
  options.max_event_bytes = 1024;
  auto store = OpenOrFail(dir.Sub("db"), options);
  ASSERT_TRUE(store);
  ASSERT_TRUE(store->Append(Request("s/a", ExpectedVersion::NoStream())));
  const HeadInfo before = store->Head();
  AppendRequest request = Request("s/a", ExpectedVersion::Any(), 3);
  GetParam().spoil(request);
  auto r = store->Append(request);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument) << r.error().ToString();
  EXPECT_EQ(r.error().field, GetParam().field) << r.error().ToString();
  EXPECT_FALSE(r.error().message.empty());
  EXPECT_EQ(store->Head().position, before.position);
  EXPECT_EQ(store->Head().hash, before.hash);
  // AppendAsync refuses it the same way, before it reaches the writer.
  std::optional<Result<AppendResult>> async;
  store->AppendAsync(request, [&](Result<AppendResult> res) { async = std::move(res); });
  ASSERT_TRUE(async.has_value()) << "validation failures are reported synchronously";
  ASSERT_FALSE(*async);
  EXPECT_EQ(async->error().field, GetParam().field);
  EXPECT_EQ(store->Head().position, before.position);
}

INSTANTIATE_TEST_SUITE_P(
    AppendValidation, BadInputTest,
    ::testing::Values(
        BadInputCase{"EmptyStream", [](AppendRequest& r) { r.stream.clear(); }, "stream"},
        BadInputCase{"OversizedStream", [](AppendRequest& r) { r.stream = std::string(201, 'a'); },
                     "stream"},
        BadInputCase{"StreamWithSpace", [](AppendRequest& r) { r.stream = "demo/a b"; }, "stream"},
        BadInputCase{"StreamWithNul", [](AppendRequest& r) { r.stream = std::string("a\0b", 3); },
                     "stream"},
        BadInputCase{"StreamWithNonAscii", [](AppendRequest& r) { r.stream = "demo/caf\xc3\xa9"; },
                     "stream"},
        BadInputCase{"ZeroEvents", [](AppendRequest& r) { r.events.clear(); }, "events"},
        BadInputCase{"TooManyEvents", [](AppendRequest& r) { r.events = Events(1001); }, "events"},
        BadInputCase{"OversizedEvent",
                     [](AppendRequest& r) { r.events[1].payload = std::string(1025, 'x'); },
                     "events[1].payload"},
        BadInputCase{"EmptyType", [](AppendRequest& r) { r.events[2].type.clear(); },
                     "events[2].type"},
        BadInputCase{"OversizedType",
                     [](AppendRequest& r) { r.events[0].type = std::string(129, 't'); },
                     "events[0].type"},
        BadInputCase{"ExactZero", [](AppendRequest& r) { r.expected = ExpectedVersion::Exact(0); },
                     "expected_version"},
        BadInputCase{"OversizedCommandId",
                     [](AppendRequest& r) { r.command_id = std::string(129, 'c'); }, "command_id"},
        BadInputCase{"OversizedActor", [](AppendRequest& r) { r.actor = std::string(129, 'a'); },
                     "actor"},
        BadInputCase{"OversizedCorrelationId",
                     [](AppendRequest& r) { r.correlation_id = std::string(129, 'c'); },
                     "correlation_id"},
        BadInputCase{"OversizedCausationId",
                     [](AppendRequest& r) { r.causation_id = std::string(129, 'c'); },
                     "causation_id"},
        BadInputCase{"OversizedEventId",
                     [](AppendRequest& r) { r.events[1].event_id = std::string(129, 'e'); },
                     "events[1].event_id"},
        BadInputCase{"OversizedEventCausationId",
                     [](AppendRequest& r) { r.events[0].causation_id = std::string(129, 'e'); },
                     "events[0].causation_id"}),
    [](const ::testing::TestParamInfo<BadInputCase>& info) { return info.param.name; });

TEST(AppendLimitsTest, AcceptsEverythingAtTheLimits) {
  TempDir dir;
  StoreOptions options = testing::FastOptions();
  options.max_event_bytes = 1024;
  auto store = OpenOrFail(dir.Sub("db"), options);
  ASSERT_TRUE(store);
  AppendRequest r = Request(std::string(200, 'a'), ExpectedVersion::NoStream(), 1000);
  r.events[0].payload = std::string(1024, 'x');
  r.events[0].type = std::string(128, 't');
  r.command_id = std::string(128, 'c');
  r.stream = "AZaz09._:/@-" + std::string(188, 'b');
  auto result = store->Append(r);
  ASSERT_TRUE(result) << result.error().ToString();
  EXPECT_EQ(result->last_position, 1000u);
  // An empty payload is allowed (an event that carries only its type).
  r.events = Events(1);
  r.events[0].payload.clear();
  r.command_id.clear();
  r.expected = ExpectedVersion::Any();
  EXPECT_TRUE(store->Append(r));
}

// --- Concurrency ---

// 8 threads append to 2 shared streams and to one stream each, always with an exact expected
// version; on a conflict they re-read the version and retry. Every failed attempt must be a
// conflict carrying a plausible current version; no update may be lost; positions stay gapless
// and stream versions contiguous.
TEST(ConcurrentAppendTest, NoLostUpdateAndEveryConflictReported) {
  TempDir dir;
  auto store = OpenOrFail(dir.Sub("db"));
  ASSERT_TRUE(store);
  constexpr int kThreads = 8;
  constexpr int kAppendsPerThread = 150;
  const std::vector<std::string> shared = {"shared/0", "shared/1"};

  struct Success {
    std::string stream;
    uint64_t version;
    uint64_t position;
    std::string payload;
  };
  std::mutex mu;
  std::vector<Success> successes;
  std::atomic<uint64_t> attempts{0};
  std::atomic<uint64_t> conflicts{0};
  std::atomic<uint64_t> bad_errors{0};
  std::atomic<uint64_t> bad_current_versions{0};

  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kAppendsPerThread; ++i) {
        // Two of every three appends go to a shared stream.
        const std::string stream =
            i % 3 == 2 ? "own/" + std::to_string(t) : shared[(t + i) % shared.size()];
        const std::string payload = "t" + std::to_string(t) + "-i" + std::to_string(i);
        while (true) {
          auto version = store->StreamVersion(stream);
          if (!version) {
            ++bad_errors;
            return;
          }
          const ExpectedVersion expected =
              *version == 0 ? ExpectedVersion::NoStream() : ExpectedVersion::Exact(*version);
          AppendRequest r{.stream = stream, .expected = expected, .actor = "t"};
          r.events.push_back(NewEvent{.type = "test.Event", .payload = payload});
          ++attempts;
          auto result = store->Append(std::move(r));
          if (result) {
            std::lock_guard<std::mutex> lock(mu);
            successes.push_back({stream, result->stream_version, result->first_position, payload});
            break;
          }
          if (result.error().code != ErrorCode::kConflict ||
              !result.error().current_version.has_value()) {
            ++bad_errors;
            return;
          }
          ++conflicts;
          // Versions only grow: the version that beat us is above what we expected and at
          // most what the stream holds now.
          const uint64_t current = *result.error().current_version;
          auto now = store->StreamVersion(stream);
          if (current <= *version || !now || current > *now) ++bad_current_versions;
        }
      }
    });
  }
  for (auto& th : threads) th.join();

  ASSERT_EQ(bad_errors.load(), 0u);
  EXPECT_EQ(bad_current_versions.load(), 0u);
  const uint64_t total = kThreads * kAppendsPerThread;
  ASSERT_EQ(successes.size(), total);
  EXPECT_EQ(attempts.load(), total + conflicts.load()) << "every failed attempt is a conflict";
  // With 8 threads on two shared streams, some attempts must have lost a race.
  EXPECT_GT(conflicts.load(), 0u);

  // Gapless positions, each one a success we were told about, exactly once.
  const std::vector<Envelope> all = ReadEverything(*store, 97);
  ASSERT_EQ(all.size(), total);
  std::map<uint64_t, const Success*> by_position;
  for (const Success& s : successes) {
    EXPECT_TRUE(by_position.emplace(s.position, &s).second) << "position " << s.position;
  }
  std::map<std::string, uint64_t> last_version;
  for (uint64_t i = 0; i < all.size(); ++i) {
    const Envelope& e = all[i];
    ASSERT_EQ(e.position(), i + 1);
    auto it = by_position.find(e.position());
    ASSERT_NE(it, by_position.end());
    EXPECT_EQ(e.payload(), it->second->payload);
    EXPECT_EQ(e.stream(), it->second->stream);
    EXPECT_EQ(e.stream_version(), it->second->version);
    // Stream versions are contiguous in position order.
    EXPECT_EQ(e.stream_version(), ++last_version[e.stream()]) << e.stream();
  }
  for (const auto& [stream, version] : last_version) {
    EXPECT_EQ(*store->StreamVersion(stream), version);
  }
  auto report = store->Verify(1, 0);
  ASSERT_TRUE(report);
  EXPECT_TRUE(report->ok) << report->problem;
}

// Many appenders through AppendAsync share commits: the writer folds queued appends into one
// batch, and callbacks arrive in position order for each stream.
TEST(GroupCommitTest, ConcurrentAsyncAppendsAreAllAcknowledgedInOrder) {
  TempDir dir;
  StoreOptions options = testing::FastOptions();
  options.durability = Durability::kSync;
  auto store = OpenOrFail(dir.Sub("db"), options);
  ASSERT_TRUE(store);
  constexpr int kAppends = 400;
  std::mutex mu;
  std::vector<uint64_t> acknowledged;
  for (int i = 0; i < kAppends; ++i) {
    store->AppendAsync(Request("s/" + std::to_string(i % 7), ExpectedVersion::Any()),
                       [&](Result<AppendResult> r) {
                         ASSERT_TRUE(r) << r.error().ToString();
                         std::lock_guard<std::mutex> lock(mu);
                         acknowledged.push_back(r->first_position);
                       });
  }
  store.reset();  // drains the queue
  ASSERT_EQ(acknowledged.size(), static_cast<size_t>(kAppends));
  for (size_t i = 0; i < acknowledged.size(); ++i) EXPECT_EQ(acknowledged[i], i + 1);
}

// A clock whose Now() blocks while the gate is closed: holds the writer inside a commit (it
// reads the time once per batch) so that a test can queue appends behind it deterministically.
class GatedClock final : public Clock {
 public:
  TimePoint Now() const override {
    std::unique_lock<std::mutex> lock(mu_);
    ++calls_;
    ++waiting_;
    cv_.notify_all();
    cv_.wait(lock, [&] { return open_; });
    --waiting_;
    return TimePoint(std::chrono::seconds(1'300'000'000));
  }
  void Close() {
    std::lock_guard<std::mutex> lock(mu_);
    open_ = false;
  }
  void Open() {
    std::lock_guard<std::mutex> lock(mu_);
    open_ = true;
    cv_.notify_all();
  }
  int calls() const {
    std::lock_guard<std::mutex> lock(mu_);
    return calls_;
  }
  // Waits until some thread is blocked in Now().
  void AwaitBlockedCaller() {
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait(lock, [&] { return waiting_ > 0; });
  }

 private:
  mutable std::mutex mu_;
  mutable std::condition_variable cv_;
  mutable int waiting_ = 0;
  mutable int calls_ = 0;
  bool open_ = true;
};

TEST(GroupCommitTest, AppendsQueuedDuringACommitShareTheNextBatch) {
  TempDir dir;
  GatedClock clock;
  StoreOptions options = testing::FastOptions();
  options.clock = &clock;
  auto store = OpenOrFail(dir.Sub("db"), options);
  ASSERT_TRUE(store);
  clock.Close();
  std::mutex mu;
  std::vector<AppendResult> results;
  auto record = [&](Result<AppendResult> r) {
    ASSERT_TRUE(r) << r.error().ToString();
    std::lock_guard<std::mutex> lock(mu);
    results.push_back(*r);
  };
  store->AppendAsync(Request("s/first", ExpectedVersion::Any()), record);
  clock.AwaitBlockedCaller();  // the writer is inside the first commit
  for (int i = 0; i < 5; ++i) {
    store->AppendAsync(Request("s/" + std::to_string(i), ExpectedVersion::NoStream()), record);
  }
  clock.Open();
  store.reset();
  ASSERT_EQ(results.size(), 6u);
  // The writer reads the clock once per batch: two batches, the second holding all five.
  EXPECT_EQ(clock.calls(), 2);
  // Callbacks ran in queue order.
  for (size_t i = 0; i < results.size(); ++i) EXPECT_EQ(results[i].first_position, i + 1);
}

TEST(GroupCommitTest, ALoneAppenderIsNotHeldBackAfterConcurrency) {
  TempDir dir;
  GatedClock clock;
  StoreOptions options = testing::FastOptions();
  options.clock = &clock;
  options.group_commit_wait = std::chrono::milliseconds(50);
  auto store = OpenOrFail(dir.Sub("db"), options);
  ASSERT_TRUE(store);
  // Five appends committed in one batch make the writer expect company...
  clock.Close();
  std::atomic<int> done{0};
  store->AppendAsync(Request("s/first", ExpectedVersion::Any()),
                     [&](Result<AppendResult> r) { done += r.has_value(); });
  clock.AwaitBlockedCaller();
  for (int i = 0; i < 5; ++i) {
    store->AppendAsync(Request("s/" + std::to_string(i), ExpectedVersion::Any()),
                       [&](Result<AppendResult> r) { done += r.has_value(); });
  }
  clock.Open();
  while (done.load() < 6) std::this_thread::yield();
  // ...but once one appender is left, the writer must soon stop waiting for the others.
  const auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < 40; ++i) ASSERT_TRUE(store->Append(Request("s/0", ExpectedVersion::Any())));
  const auto elapsed = std::chrono::steady_clock::now() - start;
  // 40 appends that each waited the full 50 ms would take 2 s.
  EXPECT_LT(elapsed, std::chrono::milliseconds(1000));
}

TEST(GroupCommitTest, AppendsQueuedBeforeCloseComplete) {
  TempDir dir;
  auto store = OpenOrFail(dir.Sub("db"));
  ASSERT_TRUE(store);
  ASSERT_TRUE(store->Append(Request("s/a", ExpectedVersion::Any())));
  std::atomic<int> ok{0};
  for (int i = 0; i < 10; ++i) {
    store->AppendAsync(Request("s/a", ExpectedVersion::Any()), [&](Result<AppendResult> r) {
      if (r) ++ok;
    });
  }
  store.reset();
  EXPECT_EQ(ok.load(), 10);
}

// AppendAll: several requests, all written or none.

TEST(AppendAllTest, WritesEveryRequestContiguouslyAndInOrder) {
  TempDir dir;
  auto store = OpenOrFail(dir.Sub("db"));
  ASSERT_TRUE(store);
  ASSERT_TRUE(store->Append(Request("demo/a", ExpectedVersion::NoStream(), 2)));
  std::vector<AppendRequest> group;
  group.push_back(Request("demo/a", ExpectedVersion::Exact(2), 1, "c-a"));
  group.push_back(Request("demo/b", ExpectedVersion::NoStream(), 3, "c-b"));
  group.push_back(Request("demo/c", ExpectedVersion::Any(), 1, "c-c"));
  auto r = store->AppendAll(std::move(group));
  ASSERT_TRUE(r) << r.error().ToString();
  ASSERT_EQ(r->size(), 3u);
  EXPECT_EQ((*r)[0].first_position, 3u);
  EXPECT_EQ((*r)[0].stream_version, 3u);
  EXPECT_EQ((*r)[1].first_position, 4u);
  EXPECT_EQ((*r)[1].last_position, 6u);
  EXPECT_EQ((*r)[1].stream_version, 3u);
  EXPECT_EQ((*r)[2].first_position, 7u);
  EXPECT_EQ(store->Head().position, 7u);
  auto all = ReadEverything(*store);
  ASSERT_EQ(all.size(), 7u);
  EXPECT_EQ(all[3].stream(), "demo/b");
  EXPECT_EQ(all[6].stream(), "demo/c");
  auto report = store->Verify(1, 0);
  ASSERT_TRUE(report);
  EXPECT_TRUE(report->ok) << report->problem;
}

TEST(AppendAllTest, ConflictOnTheLastRequestWritesNothing) {
  TempDir dir;
  auto store = OpenOrFail(dir.Sub("db"));
  ASSERT_TRUE(store);
  ASSERT_TRUE(store->Append(Request("demo/c", ExpectedVersion::NoStream(), 2)));
  const HeadInfo before = store->Head();
  std::vector<AppendRequest> group;
  group.push_back(Request("demo/a", ExpectedVersion::NoStream(), 1, "c-1"));
  group.push_back(Request("demo/b", ExpectedVersion::NoStream(), 2, "c-2"));
  group.push_back(Request("demo/c", ExpectedVersion::Exact(1), 1, "c-3"));  // it is at 2
  auto r = store->AppendAll(std::move(group));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kConflict);
  EXPECT_EQ(r.error().current_version, std::optional<uint64_t>(2));
  EXPECT_EQ(r.error().field, "requests[2].expected_version");
  EXPECT_NE(r.error().message.find("request 3 of 3"), std::string::npos) << r.error().message;
  EXPECT_EQ(store->Head().position, before.position);
  EXPECT_EQ(store->Head().hash, before.hash);
  EXPECT_EQ(*store->StreamVersion("demo/a"), 0u);
  EXPECT_EQ(*store->StreamVersion("demo/b"), 0u);
  // The refused group's command ids were not recorded: they can be used again.
  auto found = store->FindCommand("c-1");
  ASSERT_TRUE(found);
  EXPECT_FALSE(found->has_value());
  auto again = store->Append(Request("demo/a", ExpectedVersion::NoStream(), 1, "c-1"));
  ASSERT_TRUE(again) << again.error().ToString();
  EXPECT_FALSE(again->duplicate);
  EXPECT_EQ(again->first_position, before.position + 1);
  auto report = store->Verify(1, 0);
  ASSERT_TRUE(report);
  EXPECT_TRUE(report->ok) << report->problem;
}

TEST(AppendAllTest, RequestsToOneStreamChainTheirExpectedVersions) {
  TempDir dir;
  auto store = OpenOrFail(dir.Sub("db"));
  ASSERT_TRUE(store);
  std::vector<AppendRequest> group;
  group.push_back(Request("demo/a", ExpectedVersion::NoStream(), 2));
  group.push_back(Request("demo/a", ExpectedVersion::Exact(2), 1));
  auto r = store->AppendAll(std::move(group));
  ASSERT_TRUE(r) << r.error().ToString();
  EXPECT_EQ((*r)[1].stream_version, 3u);

  std::vector<AppendRequest> stale;
  stale.push_back(Request("demo/a", ExpectedVersion::Exact(3), 1));
  stale.push_back(Request("demo/a", ExpectedVersion::Exact(3), 1));  // should expect 4
  auto refused = store->AppendAll(std::move(stale));
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, ErrorCode::kConflict);
  EXPECT_EQ(refused.error().field, "requests[1].expected_version");
  EXPECT_EQ(*store->StreamVersion("demo/a"), 3u);
}

TEST(AppendAllTest, AnInvalidRequestIsRefusedBeforeAnythingIsQueued) {
  TempDir dir;
  auto store = OpenOrFail(dir.Sub("db"));
  ASSERT_TRUE(store);
  std::vector<AppendRequest> group;
  group.push_back(Request("demo/a", ExpectedVersion::NoStream(), 1));
  group.push_back(Request("demo/bad stream", ExpectedVersion::NoStream(), 1));
  auto r = store->AppendAll(std::move(group));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(r.error().field, "requests[1].stream");
  EXPECT_EQ(store->Head().position, 0u);

  auto empty = store->AppendAll({});
  ASSERT_FALSE(empty);
  EXPECT_EQ(empty.error().field, "requests");
}

TEST(AppendAllTest, ARepeatedGroupIsReportedAsDuplicatesAndWritesNothing) {
  TempDir dir;
  auto store = OpenOrFail(dir.Sub("db"));
  ASSERT_TRUE(store);
  auto group = [] {
    std::vector<AppendRequest> g;
    g.push_back(Request("demo/a", ExpectedVersion::NoStream(), 1, "import-1/line-2"));
    g.push_back(Request("demo/b", ExpectedVersion::NoStream(), 1, "import-1/line-3"));
    return g;
  };
  auto first = store->AppendAll(group());
  ASSERT_TRUE(first) << first.error().ToString();
  auto second = store->AppendAll(group());
  ASSERT_TRUE(second) << second.error().ToString();
  EXPECT_TRUE((*second)[0].duplicate);
  EXPECT_TRUE((*second)[1].duplicate);
  EXPECT_EQ((*second)[1].first_position, (*first)[1].first_position);
  EXPECT_EQ(store->Head().position, 2u);
}

TEST(AppendAllTest, ARefusedGroupDoesNotDisturbAppendsCommittedBesideIt) {
  TempDir dir;
  auto store = OpenOrFail(dir.Sub("db"));
  ASSERT_TRUE(store);
  ASSERT_TRUE(store->Append(Request("demo/taken", ExpectedVersion::NoStream(), 1)));
  constexpr int kThreads = 4;
  constexpr int kAppends = 50;
  std::atomic<int> singles_ok{0};
  std::atomic<int> groups_refused{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kAppends; ++i) {
        const std::string stream = "demo/s" + std::to_string(t);
        if (store->Append(Request(stream, ExpectedVersion::Any(), 1))) ++singles_ok;
        std::vector<AppendRequest> group;
        group.push_back(Request(stream + "-g" + std::to_string(i), ExpectedVersion::NoStream()));
        group.push_back(Request("demo/taken", ExpectedVersion::NoStream()));
        if (!store->AppendAll(std::move(group))) ++groups_refused;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(singles_ok.load(), kThreads * kAppends);
  EXPECT_EQ(groups_refused.load(), kThreads * kAppends);
  EXPECT_EQ(store->Head().position, 1u + kThreads * kAppends);
  EXPECT_EQ(*store->StreamVersion("demo/s0-g0"), 0u);
  auto report = store->Verify(1, 0);
  ASSERT_TRUE(report);
  EXPECT_TRUE(report->ok) << report->problem;
}

}  // namespace
}  // namespace goldthread::store
