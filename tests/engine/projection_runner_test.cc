// How projections run: state persisted with its checkpoint, a restart mid-stream that neither
// applies an event twice nor skips one, incremental catch-ups equal to one pass, live following,
// and a rebuild from zero beside the live set that takes over (and resumes when paused).
#include "engine/projection/projection_runner.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <atomic>
#include <map>
#include <set>
#include <thread>

#include "engine/model/event_codec.h"
#include "engine/read/read_index.h"
#include "engine/read/read_models.h"
#include "engine/read/scorecard.h"
#include "tests/testing/council_fixture.h"
#include "tests/testing/random_history.h"

namespace goldthread::engine {
namespace {

namespace v1 = goldthread::v1;
using goldthread::testing::CouncilFixture;
using goldthread::testing::RandomHistory;

using State = std::map<std::string, std::map<std::string, std::string>>;

class ProjectionRunnerTest : public CouncilFixture {
 protected:
  void SetUp() override {
    CouncilFixture::SetUp();
    history_ = std::make_unique<RandomHistory>(handler_.get(), store_.get(), clock_.get(), 7);
    auto set_up = history_->SetUp();
    ASSERT_TRUE(set_up) << set_up.error().ToString();
  }

  void Play(int steps) {
    for (int i = 0; i < steps; ++i) {
      auto r = history_->Step();
      ASSERT_TRUE(r) << r.error().ToString();
    }
  }

  ProjectionSetFactory Factory(const std::string& set_name = "read-index") {
    return [set_name] { return std::make_unique<ReadIndex>(kTenant, set_name); };
  }
  std::unique_ptr<ProjectionRunner> OpenRunner(ProjectionRunnerOptions options = {},
                                               const std::string& set_name = "read-index") {
    auto runner = ProjectionRunner::Open(store_.get(), Factory(set_name), options);
    EXPECT_TRUE(runner) << runner.error().ToString();
    return runner ? std::move(*runner) : nullptr;
  }

  // Everything persisted for the read index's projections in `generation`.
  State Persisted(uint32_t generation) const {
    State out;
    for (const char* name : {StreamIndex::kName, CouncilHistory::kName}) {
      const std::string storage = ProjectionRunner::StorageName(name, generation);
      auto s = store_->ScanProjection(storage, [&](std::string_view k, std::string_view v) {
        out[storage].emplace(std::string(k), std::string(v));
        return OkStatus();
      });
      EXPECT_TRUE(s) << s.error().ToString();
    }
    return out;
  }
  // The same, under another set name that a single pass built (its state is keyed the same).
  State OnePass() {
    ProjectionRunnerOptions options;
    options.persist = false;
    options.checkpoint_when_caught_up = false;  // leave every entry dirty for the collection
    options.checkpoint_every_events = UINT64_MAX;
    auto runner = OpenRunner(options, "one-pass");
    EXPECT_TRUE(runner->CatchUp());
    // Collect the whole state as a single pass leaves it: every entry is dirty once.
    State out;
    ProjectionRunner::Held held = runner->Read();
    auto* set = const_cast<ProjectionSet*>(held.set);
    for (Projection* p : set->projections()) {
      ProjectionChanges changes;
      p->TakeChanges(&changes);
      const std::string storage = ProjectionRunner::StorageName(p->name(), 1);
      for (auto& [k, v] : changes.puts) out[storage][k] = v;
    }
    return out;
  }

  // Every figure's positions in the index are exactly its stream's positions in the store.
  void ExpectIndexMatchesStreams(const ProjectionRunner& runner) {
    ProjectionRunner::Held held = runner.Read();
    const auto& index = static_cast<const ReadIndex*>(held.set)->streams();
    int figures = 0;
    index.ForEachFigure(
        [&](std::string_view indicator, std::string_view period, const FigureIndexEntry& entry) {
          ++figures;
          auto page = store_->ReadStream(FigureStream(kTenant, indicator, period), 1,
                                         store::Direction::kForward, 10'000);
          ASSERT_TRUE(page);
          std::vector<uint64_t> positions;
          for (const auto& e : page->events) {
            if (e.position() <= held.position) positions.push_back(e.position());
          }
          EXPECT_EQ(entry.positions, positions) << indicator << " " << period;
        });
    EXPECT_GT(figures, 5);
  }

  std::unique_ptr<RandomHistory> history_;
};

// Equal states, or a readable list of the keys that differ.
::testing::AssertionResult SameState(const State& a, const State& b) {
  std::string diff;
  int shown = 0;
  std::set<std::string> names;
  for (const auto& [n, k] : a) names.insert(n);
  for (const auto& [n, k] : b) names.insert(n);
  for (const std::string& name : names) {
    static const std::map<std::string, std::string> kNone;
    const auto& x = a.count(name) ? a.at(name) : kNone;
    const auto& y = b.count(name) ? b.at(name) : kNone;
    std::set<std::string> keys;
    for (const auto& [k, v] : x) keys.insert(k);
    for (const auto& [k, v] : y) keys.insert(k);
    for (const std::string& key : keys) {
      auto i = x.find(key), j = y.find(key);
      if (i != x.end() && j != y.end() && i->second == j->second) continue;
      if (shown++ < 8) {
        diff += fmt::format("  {} {}: {} vs {} bytes\n", name, key,
                            i == x.end() ? -1 : static_cast<int>(i->second.size()),
                            j == y.end() ? -1 : static_cast<int>(j->second.size()));
      }
    }
  }
  if (shown == 0) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << shown << " keys differ:\n" << diff;
}

TEST_F(ProjectionRunnerTest, StateAndCheckpointArePersistedTogetherAndRestored) {
  Play(200);
  auto runner = OpenRunner();
  ASSERT_TRUE(runner->CatchUp());
  const uint64_t head = Head();
  EXPECT_EQ(runner->position(), head);
  EXPECT_EQ(*store_->ProjectionCheckpoint("stream-index.v1@1"), head);
  EXPECT_EQ(*store_->ProjectionCheckpoint("council-history.v1@1"), head);
  runner.reset();

  auto reopened = OpenRunner();
  EXPECT_EQ(reopened->position(), head) << "resumes from the checkpoint, not from zero";
  ExpectIndexMatchesStreams(*reopened);
  EXPECT_TRUE(SameState(Persisted(1), OnePass()));
}

TEST_F(ProjectionRunnerTest, RestartMidStreamAppliesNoEventTwiceAndSkipsNone) {
  Play(300);
  ProjectionRunnerOptions crashy;
  crashy.checkpoint_every_events = 37;
  crashy.checkpoint_when_caught_up = false;  // leave applied but unsaved events behind
  crashy.page_events = 16;
  auto runner = OpenRunner(crashy);
  const uint64_t halfway = Head() / 2;
  ASSERT_TRUE(runner->CatchUp(halfway));
  EXPECT_EQ(runner->position(), halfway);
  const uint64_t saved = *store_->ProjectionCheckpoint("stream-index.v1@1");
  EXPECT_GT(saved, 0u);
  EXPECT_LT(saved, halfway) << "the test needs unsaved events at the crash";
  runner.reset();  // the crash: what was applied after the checkpoint is lost

  Play(100);  // the log moves on while it is down
  auto restarted = OpenRunner(crashy);
  EXPECT_EQ(restarted->position(), saved);
  ASSERT_TRUE(restarted->CatchUp());
  ASSERT_TRUE(restarted->Checkpoint());
  EXPECT_EQ(restarted->position(), Head());
  ExpectIndexMatchesStreams(*restarted);
  EXPECT_TRUE(SameState(Persisted(1), OnePass()))
      << "incremental with a crash equals a single pass";
}

TEST_F(ProjectionRunnerTest, ManySmallCatchUpsAcrossRestartsEqualOnePass) {
  Play(150);
  ProjectionRunnerOptions options;
  options.checkpoint_every_events = 10;
  uint64_t until = 0;
  while (until < Head()) {
    until = std::min(Head(), until + 23);
    auto runner = OpenRunner(options);
    ASSERT_TRUE(runner->CatchUp(until));
    if (until % 2 == 0) Play(3);  // and the log grows between restarts
  }
  auto last = OpenRunner(options);
  ASSERT_TRUE(last->CatchUp());
  EXPECT_TRUE(SameState(Persisted(1), OnePass()));
}

TEST_F(ProjectionRunnerTest, FollowsTheLogLiveAndCheckpointsWhenIdle) {
  Play(50);
  ProjectionRunnerOptions options;
  options.follower_idle = std::chrono::milliseconds(20);
  auto runner = OpenRunner(options);
  ASSERT_TRUE(runner->CatchUp());
  runner->StartFollowing();
  Play(80);
  const uint64_t head = Head();
  for (int i = 0; i < 500 && (runner->position() < head ||
                              *store_->ProjectionCheckpoint("stream-index.v1@1") < head);
       ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_EQ(runner->position(), head);
  EXPECT_EQ(*store_->ProjectionCheckpoint("stream-index.v1@1"), head) << "idle checkpoint";
  runner->StopFollowing();
  ExpectIndexMatchesStreams(*runner);
}

TEST_F(ProjectionRunnerTest, RebuildReplaysFromZeroWithProgressAndTakesOver) {
  Play(250);
  ProjectionRunnerOptions options;
  options.page_events = 8;
  options.checkpoint_every_events = 40;
  auto runner = OpenRunner(options);
  ASSERT_TRUE(runner->CatchUp());
  const State before = Persisted(1);

  std::vector<RebuildProgress> progress;
  auto report =
      runner->Rebuild({.progress = [&](const RebuildProgress& p) { progress.push_back(p); },
                       .progress_every = std::chrono::milliseconds(0),
                       .page_events = 16});
  ASSERT_TRUE(report) << report.error().ToString();
  EXPECT_TRUE(report->took_over);
  EXPECT_EQ(report->generation, 2u);
  EXPECT_EQ(report->position, Head());
  EXPECT_EQ(report->events_applied, Head()) << "every event, once";
  EXPECT_EQ(runner->generation(), 2u);
  ASSERT_GE(progress.size(), 2u);
  for (size_t i = 1; i < progress.size(); ++i) {
    EXPECT_GE(progress[i].events_done, progress[i - 1].events_done);
  }
  EXPECT_EQ(progress.back().position, Head());
  EXPECT_GT(progress.front().events_per_second, 0);
  EXPECT_GT(progress.front().head, progress.front().position);

  EXPECT_TRUE(SameState({{"s", Persisted(2)["stream-index.v1@2"]}},
                        {{"s", before.at("stream-index.v1@1")}}));
  EXPECT_EQ(*store_->ProjectionCheckpoint("stream-index.v1@1"), 0u) << "old generation dropped";
  auto active = store_->ReadProjection(ProjectionRunner::kRegistry, "read-index");
  ASSERT_TRUE(active && *active);
  EXPECT_EQ(**active, "2");
  runner.reset();
  auto reopened = OpenRunner(options);
  EXPECT_EQ(reopened->generation(), 2u);
  EXPECT_EQ(reopened->position(), Head());
}

TEST_F(ProjectionRunnerTest, RebuildRunsBesideTheLiveRunnerWhileTheLogGrows) {
  Play(200);
  ProjectionRunnerOptions options;
  options.page_events = 4;
  options.follower_idle = std::chrono::milliseconds(10);
  auto runner = OpenRunner(options);
  ASSERT_TRUE(runner->CatchUp());
  runner->StartFollowing();
  std::atomic<bool> done{false};
  std::atomic<int> reads{0};
  // Readers keep reading the live set all through the rebuild.
  std::thread reader([&] {
    while (!done) {
      ProjectionRunner::Held held = runner->Read();
      EXPECT_NE(held.set, nullptr);
      ++reads;
    }
  });
  std::thread writer([&] {
    for (int i = 0; i < 60; ++i) {
      v1::Event e;
      e.mutable_escalation_acknowledged()->set_escalation_id("E-x");
      auto r = store_->Append({.stream = FigureStream(kTenant, "NI-192", "FY2011-Q2"),
                               .events = {EncodeEvent(e)},
                               .actor = "p-sm"});
      EXPECT_TRUE(r);
    }
  });
  auto report = runner->Rebuild();
  writer.join();
  ASSERT_TRUE(report) << report.error().ToString();
  const uint64_t head = Head();
  for (int i = 0; i < 500 && runner->position() < head; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  done = true;
  reader.join();
  EXPECT_GT(reads.load(), 0);
  runner->StopFollowing();
  EXPECT_EQ(runner->position(), head);
  ExpectIndexMatchesStreams(*runner);
  EXPECT_TRUE(SameState(Persisted(2), [&] {
    State one = OnePass();
    State renamed;
    for (auto& [name, keys] : one) {
      renamed[name.substr(0, name.find('@')) + "@2"] = std::move(keys);
    }
    return renamed;
  }()));
}

TEST_F(ProjectionRunnerTest, APausedRebuildResumesWhereItStopped) {
  Play(200);
  auto runner = OpenRunner();
  ASSERT_TRUE(runner->CatchUp());
  const uint64_t pause = Head() / 3;
  auto first = runner->Rebuild({.pause_at = pause});
  ASSERT_TRUE(first) << first.error().ToString();
  EXPECT_FALSE(first->took_over);
  EXPECT_EQ(first->position, pause);
  EXPECT_EQ(runner->generation(), 1u) << "the live set still serves";
  EXPECT_EQ(*store_->ProjectionCheckpoint("stream-index.v1@2"), pause);

  auto second = runner->Rebuild();
  ASSERT_TRUE(second) << second.error().ToString();
  EXPECT_TRUE(second->took_over);
  EXPECT_EQ(second->resumed_from, pause);
  EXPECT_EQ(second->events_applied, Head() - pause) << "nothing applied twice";
  ExpectIndexMatchesStreams(*runner);
}

TEST_F(ProjectionRunnerTest, ReadModelsAnswerTheSameAfterARebuild) {
  Play(200);
  auto reads = ReadModels::Open(store_.get(), clock_.get(), {.tenant = kTenant});
  ASSERT_TRUE(reads);
  auto before = (*reads)->Scorecard("council", "FY2011-Q2");
  ASSERT_TRUE(before);
  auto report = (*reads)->runner().Rebuild();
  ASSERT_TRUE(report) << report.error().ToString();
  auto after = (*reads)->Scorecard("council", "FY2011-Q2");
  ASSERT_TRUE(after);
  EXPECT_EQ(before->SerializeAsString(), after->SerializeAsString());
}

}  // namespace
}  // namespace goldthread::engine
