// The benchmark's generated history (tests/testing/large_history.h) must be one the engine
// itself would have written: its own folds of every figure and finding say what the generator
// meant, and the command handler accepts further commands on them from the people it named.
#include "tests/testing/large_history.h"

#include <google/protobuf/util/time_util.h>
#include <gtest/gtest.h>

#include <set>

#include "engine/read/as_of.h"
#include "engine/command/command_handler.h"
#include "engine/model/event_codec.h"
#include "store/event_store.h"
#include "tests/testing/temp_dir.h"

namespace goldthread::testing {
namespace {

namespace v1 = goldthread::v1;

class LargeHistoryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    options_.tenant = "t";
    options_.directorates = 2;
    options_.services_per_directorate = 2;
    options_.indicators_per_service = 5;
    options_.years = 2;
    auto stats = GenerateLargeHistory(dir_.Sub("store"), options_);
    ASSERT_TRUE(stats) << stats.error().ToString();
    stats_ = *stats;
    auto store =
        store::EventStore::Open(dir_.Sub("store"), {.durability = store::Durability::kBuffered});
    ASSERT_TRUE(store) << store.error().ToString();
    store_ = std::move(*store);
    auto head = engine::PointAt(*store_, store_->Head().position);
    ASSERT_TRUE(head) << head.error().ToString();
    clock_ = std::make_unique<SimulatedClock>(
        TimePoint(std::chrono::microseconds(
            google::protobuf::util::TimeUtil::TimestampToMicroseconds(head->recorded_at()))) +
        std::chrono::hours(24));
    handler_ = std::make_unique<engine::CommandHandler>(store_.get(), clock_.get(),
                                                        engine::HandlerOptions{.tenant = "t"});
    // Every stream the log holds, by kind.
    uint64_t from = 1;
    while (from != 0) {
      auto page = store_->ReadAll(from, store::Direction::kForward, 10'000);
      ASSERT_TRUE(page) << page.error().ToString();
      for (const auto& e : page->events) {
        if (e.stream().rfind("t/figure/", 0) == 0) figures_.insert(e.stream().substr(9));
        if (e.stream().rfind("t/finding/", 0) == 0) findings_.insert(e.stream().substr(10));
      }
      from = page->next;
    }
  }

  TempDir dir_;
  LargeHistoryOptions options_;
  LargeHistoryStats stats_;
  std::unique_ptr<store::EventStore> store_;
  std::unique_ptr<SimulatedClock> clock_;
  std::unique_ptr<engine::CommandHandler> handler_;
  std::set<std::string> figures_;   // "<indicator>/<period>"
  std::set<std::string> findings_;  // finding ids
};

TEST_F(LargeHistoryTest, EveryFigureEndsLockedPublishedAndSignedOffAtThreeLevelsByOthers) {
  ASSERT_EQ(figures_.size(), 2u * 2 * 5 * 24);
  EXPECT_EQ(stats_.figures, figures_.size());
  EXPECT_EQ(stats_.events, store_->Head().position);
  int restated = 0;
  for (const std::string& key : figures_) {
    const size_t slash = key.find('/');
    auto state = handler_->LoadFigure(key.substr(0, slash), key.substr(slash + 1));
    ASSERT_TRUE(state) << key << ": " << state.error().ToString();
    SCOPED_TRACE(key);
    EXPECT_TRUE(state->locked);
    EXPECT_FALSE(state->rejected);
    EXPECT_EQ(state->OpenQueries(), 0u);
    EXPECT_GE(state->published_version, 1u);
    ASSERT_TRUE(state->NumericValue().has_value());
    for (auto level : {v1::SIGN_OFF_LEVEL_SERVICE, v1::SIGN_OFF_LEVEL_DIRECTORATE,
                       v1::SIGN_OFF_LEVEL_CORPORATE_VERIFICATION}) {
      ASSERT_TRUE(state->HasSignOff(level)) << "level " << level;
      const auto& signed_off = state->sign_offs.at(level);
      EXPECT_EQ(signed_off.figure_version, state->figure_version);
      EXPECT_NE(signed_off.person_id, state->version_author) << "four eyes";
    }
    for (const auto& [id, escalation] : state->escalations) EXPECT_TRUE(escalation.acknowledged);
    restated += state->restated ? 1 : 0;
  }
  EXPECT_EQ(restated, static_cast<int>(stats_.restatements));
}

TEST_F(LargeHistoryTest, EveryFindingIsClosed) {
  EXPECT_EQ(findings_.size(), stats_.findings);
  for (const std::string& id : findings_) {
    auto state = handler_->LoadFinding(id);
    ASSERT_TRUE(state) << id << ": " << state.error().ToString();
    EXPECT_EQ(state->status, engine::FindingStatus::kClosed) << id;
  }
}

TEST_F(LargeHistoryTest, TheCommandHandlerAcceptsARestatementAndItsSignOffsFromTheNamedPeople) {
  const std::string indicator = LargeHistoryIndicator(2, 1, 3);
  const std::string period = LargeHistoryPeriod(options_.first_fiscal_year + 1, 6);
  auto before = handler_->LoadFigure(indicator, period);
  ASSERT_TRUE(before) << before.error().ToString();
  v1::Command restate;
  auto* r = restate.mutable_restate_figure();
  r->set_indicator_id(indicator);
  r->set_period(period);
  r->mutable_value()->set_value(50.5);
  r->set_commentary("Restated after audit");
  r->set_reason("Audit found double-counted cases");
  auto restated = handler_->Execute({.actor = "perf-3", .command_id = "restate-1"}, restate);
  ASSERT_TRUE(restated) << restated.error().ToString();
  const uint32_t version = before->figure_version + 1;
  const std::vector<std::pair<std::string, v1::SignOffLevel>> signers = {
      {"sm-2-01", v1::SIGN_OFF_LEVEL_SERVICE},
      {"director-2", v1::SIGN_OFF_LEVEL_DIRECTORATE},
      {"perf-2", v1::SIGN_OFF_LEVEL_CORPORATE_VERIFICATION}};
  for (const auto& [person, level] : signers) {
    v1::Command c;
    auto* s = c.mutable_sign_off_figure();
    s->set_indicator_id(indicator);
    s->set_period(period);
    s->set_level(level);
    s->set_figure_version(version);
    auto done = handler_->Execute({.actor = person, .command_id = "sign-" + person}, c);
    EXPECT_TRUE(done) << person << ": " << done.error().ToString();
  }
  // The data entry officer of another service holds no role here.
  v1::Command other = restate;
  other.mutable_restate_figure()->mutable_value()->set_value(51);
  auto refused = handler_->Execute({.actor = "entry-1-01", .command_id = "restate-2"}, other);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, ErrorCode::kPermissionDenied) << refused.error().ToString();
}

TEST(LargeHistoryCacheTest, ASecondCallReusesTheCompleteHistory) {
  TempDir dir;
  LargeHistoryOptions options;
  options.directorates = 1;
  options.services_per_directorate = 1;
  options.indicators_per_service = 2;
  options.years = 1;
  LargeHistoryStats first, second;
  auto a = CachedLargeHistory(dir.path().string(), options, &first);
  ASSERT_TRUE(a) << a.error().ToString();
  EXPECT_FALSE(first.from_cache);
  auto b = CachedLargeHistory(dir.path().string(), options, &second);
  ASSERT_TRUE(b) << b.error().ToString();
  EXPECT_TRUE(second.from_cache);
  EXPECT_EQ(*a, *b);
  EXPECT_EQ(second.events, first.events);
  EXPECT_GT(first.events, 0u);
}

TEST(LargeHistoryOptionsTest, RejectsAnEmptyCouncil) {
  TempDir dir;
  LargeHistoryOptions options;
  options.indicators_per_service = 0;
  auto r = GenerateLargeHistory(dir.Sub("store"), options);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
}

}  // namespace
}  // namespace goldthread::testing
