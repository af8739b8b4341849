// The indexed read path against the plain meaning of "as of": for random valid histories, every
// read model computed from an IndexedSnapshot at a random past position equals the same read
// model computed from a fresh fold of the log up to that position (FoldedSnapshot).
#include "engine/read/indexed_snapshot.h"

#include <google/protobuf/util/message_differencer.h>
#include <gtest/gtest.h>

#include <random>

#include "engine/read/assurance_trail.h"
#include "engine/read/cycle_list.h"
#include "engine/read/figure_history.h"
#include "engine/read/finding_list.h"
#include "engine/read/fresh_fold.h"
#include "engine/read/outstanding_work.h"
#include "engine/read/performance_report.h"
#include "engine/read/read_models.h"
#include "engine/read/scorecard.h"
#include "tests/testing/council_fixture.h"
#include "tests/testing/random_history.h"

namespace goldthread::engine {
namespace {

namespace v1 = goldthread::v1;
using goldthread::testing::CouncilFixture;
using goldthread::testing::RandomHistory;

// Both succeeded with equal messages, or both failed with the same code.
template <typename M>
void ExpectSame(const Result<M>& indexed, const Result<M>& folded, const std::string& what) {
  ASSERT_EQ(indexed.has_value(), folded.has_value())
      << what << ": " << (indexed ? folded.error().ToString() : indexed.error().ToString());
  if (!indexed) {
    EXPECT_EQ(indexed.error().code, folded.error().code) << what;
    return;
  }
  google::protobuf::util::MessageDifferencer differ;
  std::string diff;
  differ.ReportDifferencesToString(&diff);
  EXPECT_TRUE(differ.Compare(*indexed, *folded)) << what << ":\n" << diff;
}

class AsOfPropertyTest : public CouncilFixture, public ::testing::WithParamInterface<uint32_t> {
 protected:
  void SetUp() override {
    CouncilFixture::SetUp();
    history_ =
        std::make_unique<RandomHistory>(handler_.get(), store_.get(), clock_.get(), GetParam());
    auto set_up = history_->SetUp();
    ASSERT_TRUE(set_up) << set_up.error().ToString();
    auto reads = ReadModels::Open(store_.get(), clock_.get(), {.tenant = kTenant});
    ASSERT_TRUE(reads) << reads.error().ToString();
    reads_ = std::move(*reads);
  }

  // Runs `steps` random steps; returns how many wrote events.
  int Play(int steps) {
    int wrote = 0;
    for (int i = 0; i < steps; ++i) {
      auto r = history_->Step();
      EXPECT_TRUE(r) << r.error().ToString();
      if (r && *r) ++wrote;
    }
    return wrote;
  }

  void CompareAt(uint64_t position) {
    SCOPED_TRACE("as of position " + std::to_string(position));
    auto folded = FoldedSnapshot::Fold(*store_, kTenant, position);
    ASSERT_TRUE(folded) << folded.error().ToString();
    auto indexed = reads_->Snapshot(AsOf::Position(position));
    ASSERT_TRUE(indexed) << indexed.error().ToString();
    for (const std::string& indicator : RandomHistory::Indicators()) {
      for (const std::string& period : RandomHistory::PeriodsOf(indicator)) {
        const std::string what = indicator + " " + period;
        ExpectSame(BuildFigureHistory(**indexed, indicator, period),
                   BuildFigureHistory(**folded, indicator, period), "figure history " + what);
        auto a = (*indexed)->FigureValue(indicator, period);
        auto b = (*folded)->FigureValue(indicator, period);
        ASSERT_TRUE(a && b);
        EXPECT_EQ(*a, *b) << "value of " << what;
      }
      for (const std::string& period : RandomHistory::PeriodsOf(indicator)) {
        EXPECT_EQ((*indexed)->FiguresOfPeriod(period).size(),
                  (*folded)->FiguresOfPeriod(period).size());
      }
    }
    for (const std::string unit :
         {"council", "dir-place", "dir-people", "svc-homes", "board-health"}) {
      for (const std::string period :
           {"FY2011-Q2", "FY2011-Q1", "FY2010-Q4", "FY2011-M05", "FY2011-M06", "FY2010"}) {
        ExpectSame(BuildScorecard(**indexed, unit, period), BuildScorecard(**folded, unit, period),
                   "scorecard " + unit + " " + period);
      }
    }
    v1::TrailVerification seal;
    seal.set_ok(true);
    seal.set_position(position);
    const TimePoint evaluated = clock_->Now();
    for (const std::string period : {"FY2011-Q2", "FY2011-Q1", "FY2011-H1", "FY2010"}) {
      for (const std::string directorate : {"", "dir-place"}) {
        ExpectSame(BuildAssuranceTrail(**indexed, period, directorate, seal, evaluated),
                   BuildAssuranceTrail(**folded, period, directorate, seal, evaluated),
                   "trail " + period + " " + directorate);
      }
    }
    for (const std::string period : {"FY2011-Q2", "FY2011-Q1", "FY2011-M05", "FY2010"}) {
      ExpectSame(BuildPerformanceReport(**indexed, "P-homes", period),
                 BuildPerformanceReport(**folded, "P-homes", period), "report " + period);
    }
    const OutstandingOptions work{.evaluated_at = evaluated, .periods_back = 3};
    for (const std::string person : {"p-entry", "p-sm", "p-sm2", "p-dir", "p-perf", "p-care"}) {
      ExpectSame(BuildOutstandingWork(**indexed, person, work),
                 BuildOutstandingWork(**folded, person, work), "outstanding work " + person);
    }
    ExpectSame(BuildLateReturns(**indexed, work), BuildLateReturns(**folded, work), "late returns");
    EXPECT_EQ((*indexed)->Findings(), (*folded)->Findings());
    ExpectSame(BuildFindingList(**indexed, evaluated), BuildFindingList(**folded, evaluated),
               "findings");
    ExpectSame(BuildCycleList(**indexed, {}, evaluated), BuildCycleList(**folded, {}, evaluated),
               "cycles");
    EXPECT_EQ((*indexed)->UnlockedFigures(), (*folded)->UnlockedFigures());
  }

  std::unique_ptr<RandomHistory> history_;
  std::unique_ptr<ReadModels> reads_;
};

TEST_P(AsOfPropertyTest, ReadModelsAtRandomPastPositionsEqualFreshFolds) {
  ASSERT_GT(Play(400), 60) << "the random history should mostly write";
  ASSERT_TRUE(reads_->runner().CatchUp());
  std::mt19937 rng(GetParam());
  std::vector<uint64_t> positions = {0, 1, Head()};
  for (int i = 0; i < 10; ++i) {
    positions.push_back(std::uniform_int_distribution<uint64_t>(1, Head())(rng));
  }
  for (uint64_t p : positions) CompareAt(p);

  // The history exercised what the read models show: many figures, findings, restatements.
  auto head = reads_->Snapshot(AsOf::Head());
  ASSERT_TRUE(head);
  int figures = 0, with_findings = 0, restated = 0, signed_off = 0;
  for (const std::string& indicator : RandomHistory::Indicators()) {
    for (const std::string& period : RandomHistory::PeriodsOf(indicator)) {
      auto h = BuildFigureHistory(**head, indicator, period);
      ASSERT_TRUE(h);
      figures += h->entries_size() > 0;
      restated += h->current().restated();
      signed_off += h->as_reported_size() > 0;
      for (const auto& e : h->entries()) {
        if (!e.finding_id().empty()) {
          ++with_findings;
          break;
        }
      }
    }
  }
  EXPECT_GE(figures, 10);
  EXPECT_GE(with_findings, 2);
  EXPECT_GE(signed_off, 3);
  std::printf("seed %u: %llu events, %d figures, %d with findings, %d signed off, %d restated\n",
              GetParam(), static_cast<unsigned long long>(Head()), figures, with_findings,
              signed_off, restated);
}

TEST_P(AsOfPropertyTest, ProjectionsCaughtUpInStagesAnswerLikeFreshFolds) {
  // The runner applies part of the log, more is written, it catches up again: answers about the
  // earlier positions must not change.
  Play(150);
  const uint64_t first = Head();
  ASSERT_TRUE(reads_->runner().CatchUp());
  CompareAt(first);
  Play(150);
  CompareAt(first);
  CompareAt(Head());
}

INSTANTIATE_TEST_SUITE_P(Seeds, AsOfPropertyTest, ::testing::Values(1u, 2u, 3u));

}  // namespace
}  // namespace goldthread::engine
