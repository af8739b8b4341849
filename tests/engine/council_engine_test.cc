// CouncilEngine: one set of council rules for every door in, and two engines on one store
// writing each reminder and escalation exactly once.
#include "engine/council_engine.h"

#include <date/date.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <barrier>
#include <thread>
#include <tuple>

#include "engine/model/event_codec.h"
#include "tests/testing/council_fixture.h"
#include "tests/testing/forwarding_store.h"

namespace goldthread::engine {
namespace {

namespace v1 = goldthread::v1;
using goldthread::testing::CouncilFixture;
using namespace date;

std::shared_ptr<const WorkflowSet> ShippedWorkflows() {
  auto set = LoadWorkflows(std::string(GOLDTHREAD_SOURCE_DIR) + "/workflows");
  EXPECT_TRUE(set) << set.error().ToString();
  return set ? *set : nullptr;
}

TEST(CouncilRulesTest, ComeFromTheMainWorkflow) {
  auto workflows = ShippedWorkflows();
  auto chesterfield = RulesFor(
      {.tenant = "t", .workflows = workflows, .main_workflow = "chesterfield-service-first"});
  ASSERT_TRUE(chesterfield) << chesterfield.error().ToString();
  EXPECT_EQ(chesterfield->commands.sign_off_levels,
            (std::vector<v1::SignOffLevel>{v1::SIGN_OFF_LEVEL_SERVICE,
                                           v1::SIGN_OFF_LEVEL_CORPORATE_VERIFICATION}));
  EXPECT_TRUE(chesterfield->commands.timetables);
  EXPECT_TRUE(chesterfield->scheduler.timetables);
  EXPECT_TRUE(chesterfield->scheduler.finding_escalation);
  EXPECT_EQ(chesterfield->commands.tenant, "t");
  EXPECT_EQ(chesterfield->scheduler.tenant, "t");

  auto leeds =
      RulesFor({.tenant = "t", .workflows = workflows, .main_workflow = "leeds-quarterly"});
  ASSERT_TRUE(leeds);
  EXPECT_EQ(leeds->commands.sign_off_levels.size(), 4u);
  // The same provider resolves a cycle of another loaded workflow too.
  EXPECT_TRUE(leeds->commands.timetables("chesterfield-service-first", "FY2011-Q2"));
}

TEST(CouncilRulesTest, WithoutWorkflowsTheDefaultsApplyAndNoCycleCanOpen) {
  auto rules = RulesFor({.tenant = "t"});
  ASSERT_TRUE(rules);
  EXPECT_EQ(rules->commands.sign_off_levels, DefaultSignOffLevels());
  EXPECT_FALSE(rules->commands.timetables);
  EXPECT_FALSE(rules->scheduler.timetables);
}

TEST(CouncilRulesTest, AnUnknownOrMissingMainWorkflowIsRefused) {
  auto workflows = ShippedWorkflows();
  auto unknown = RulesFor({.tenant = "t", .workflows = workflows, .main_workflow = "nowhere"});
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(unknown.error().field, "workflow");
  EXPECT_NE(unknown.error().message.find("nowhere"), std::string::npos);
  auto missing = RulesFor({.tenant = "t", .workflows = workflows});
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().field, "workflow");
}

class CouncilEngineTest : public CouncilFixture {
 protected:
  std::unique_ptr<CouncilEngine> Open(store::EventStore* store, const Clock* clock,
                                      bool reads = false) {
    auto engine = CouncilEngine::Open(store, clock,
                                      {.tenant = kTenant,
                                       .workflows = workflows_,
                                       .main_workflow = "chesterfield-service-first",
                                       .open_read_models = reads});
    EXPECT_TRUE(engine) << engine.error().ToString();
    return engine ? std::move(*engine) : nullptr;
  }

  // (stream, event kind, command id) of everything the scheduler wrote, in log order.
  static std::vector<std::tuple<std::string, int, std::string>> SchedulerWrites(
      const store::EventStore& store) {
    std::vector<std::tuple<std::string, int, std::string>> out;
    uint64_t from = 1;
    while (true) {
      auto page = store.ReadAll(from, store::Direction::kForward, 1000);
      EXPECT_TRUE(page);
      if (!page || page->events.empty()) break;
      for (const auto& e : page->events) {
        from = e.position() + 1;
        if (e.actor() != "system/scheduler") continue;
        auto event = DecodeEvent(e);
        EXPECT_TRUE(event);
        out.emplace_back(e.stream(), event ? event->body_case() : 0, e.command_id());
      }
    }
    return out;
  }

  std::shared_ptr<const WorkflowSet> workflows_ = ShippedWorkflows();
};

TEST_F(CouncilEngineTest, OpeningWithAnUnknownWorkflowWritesNothing) {
  const uint64_t head = Head();
  auto engine = CouncilEngine::Open(store_.get(), clock_.get(),
                                    {.tenant = kTenant,
                                     .workflows = workflows_,
                                     .main_workflow = "nowhere",
                                     .open_read_models = true});
  ASSERT_FALSE(engine);
  EXPECT_EQ(engine.error().field, "workflow");
  EXPECT_EQ(Head(), head);
}

TEST_F(CouncilEngineTest, CommandsAreDecidedUnderTheMainWorkflowsRules) {
  auto engine = Open(store_.get(), clock_.get(), /*reads=*/true);
  ASSERT_NE(engine, nullptr);
  EXPECT_EQ(engine->commands().options().sign_off_levels,
            SignOffLevelsOf(*workflows_->catalogue.Find("chesterfield-service-first")));
  ASSERT_NE(engine->reads(), nullptr);
  EXPECT_EQ(engine->reads()->options().sign_off_levels,
            engine->commands().options().sign_off_levels);
  // Cycles open for the loaded workflows through the engine's commands.
  v1::Command open;
  open.mutable_open_cycle()->set_workflow_id("chesterfield-service-first");
  open.mutable_open_cycle()->set_period("FY2011-Q2");
  auto r = engine->commands().Execute({.actor = "p-perf", .command_id = "open"}, open);
  EXPECT_TRUE(r) << r.error().ToString();
}

// Regression (issue 12): two engines on one store, each running its scheduler over the same
// deadlines at the same moments, write every reminder, escalation and stage change exactly
// once — the same ones a single engine writes over the same quarter.
TEST_F(CouncilEngineTest, TwoEnginesWriteEveryReminderAndEscalationExactlyOnce) {
  auto opener = Open(store_.get(), clock_.get());
  v1::Command open;
  open.mutable_open_cycle()->set_workflow_id("chesterfield-service-first");
  open.mutable_open_cycle()->set_period("FY2011-Q2");
  ASSERT_TRUE(opener->commands().Execute({.actor = "p-perf", .command_id = "open"}, open));
  // One figure arrives on time; the other indicators' figures never do.
  MustRun("p-entry", Submit("NI-192", "FY2011-Q2", 61.2));

  // The same council, copied, for the single-engine reference run.
  ASSERT_TRUE(store_->CreateBackup(dir_.Sub("backup")));
  ASSERT_TRUE(store::EventStore::RestoreLatestBackup(dir_.Sub("backup"), dir_.Sub("reference")));
  SimulatedClock reference_clock(clock_->Now());
  store::StoreOptions reference_options;
  reference_options.durability = store::Durability::kBuffered;
  reference_options.clock = &reference_clock;
  auto reference_store = store::EventStore::Open(dir_.Sub("reference"), reference_options);
  ASSERT_TRUE(reference_store);
  auto single = Open(reference_store->get(), &reference_clock);

  auto a = Open(store_.get(), clock_.get());
  auto b = Open(store_.get(), clock_.get());
  const TimePoint end = TimePoint(sys_days(2012_y / February / 15));
  std::barrier step(2);
  bool failed = false;
  auto run = [&](CouncilEngine* engine) {
    for (TimePoint t = clock_->Now(); t < end; t += std::chrono::hours(6)) {
      step.arrive_and_wait();  // the clock was moved; both engines run at once
      if (!engine->scheduler().RunDue()) failed = true;
      step.arrive_and_wait();
    }
  };
  std::thread other([&] { run(b.get()); });
  for (TimePoint t = clock_->Now(); t < end; t += std::chrono::hours(6)) {
    clock_->Set(t);
    reference_clock.Set(t);
    ASSERT_TRUE(single->scheduler().RunDue());
    step.arrive_and_wait();
    if (!a->scheduler().RunDue()) failed = true;
    step.arrive_and_wait();
  }
  other.join();
  EXPECT_FALSE(failed);

  const auto two = SchedulerWrites(*store_);
  const auto one = SchedulerWrites(**reference_store);
  // Something was due: reminders and escalations for the missing figures.
  const auto count = [&](v1::Event::BodyCase kind) {
    return std::count_if(two.begin(), two.end(),
                         [&](const auto& w) { return std::get<1>(w) == kind; });
  };
  EXPECT_GT(count(v1::Event::kReminderIssued), 0);
  EXPECT_GT(count(v1::Event::kEscalationRaised), 0);
  // None twice.
  std::vector<std::string> ids;
  for (const auto& w : two) ids.push_back(std::get<2>(w));
  std::sort(ids.begin(), ids.end());
  EXPECT_EQ(std::adjacent_find(ids.begin(), ids.end()), ids.end()) << "a command id written twice";
  // The same as one engine writes (the order within one instant may differ between engines).
  auto sorted_two = two;
  auto sorted_one = one;
  std::sort(sorted_two.begin(), sorted_two.end());
  std::sort(sorted_one.begin(), sorted_one.end());
  EXPECT_EQ(sorted_two, sorted_one);
}

// Reads of the log, by where each began (to see where a scheduler starts folding).
class ReadRecordingStore : public goldthread::testing::ForwardingStore {
 public:
  using ForwardingStore::ForwardingStore;
  Status ReadAllInto(uint64_t from_position, store::Direction direction, size_t max_count,
                     store::ReadPage* page) const override {
    froms.push_back(from_position);
    return ForwardingStore::ReadAllInto(from_position, direction, max_count, page);
  }
  mutable std::vector<uint64_t> froms;
};

// Issue 12, "the log folded once": the scheduler's state is a checkpointed projection. A
// scheduler made anew every six hours of a quarter — each restoring what the one before it
// checkpointed and folding only the log after that, never from position 1 — writes exactly what
// one scheduler running the whole quarter writes, and nothing twice.
TEST_F(CouncilEngineTest, ASchedulerRestartedFromItsCheckpointWritesWhatOneSchedulerWrites) {
  auto opener = Open(store_.get(), clock_.get());
  v1::Command open;
  open.mutable_open_cycle()->set_workflow_id("chesterfield-service-first");
  open.mutable_open_cycle()->set_period("FY2011-Q2");
  ASSERT_TRUE(opener->commands().Execute({.actor = "p-perf", .command_id = "open"}, open));
  MustRun("p-entry", Submit("NI-192", "FY2011-Q2", 61.2));

  ASSERT_TRUE(store_->CreateBackup(dir_.Sub("backup")));
  ASSERT_TRUE(store::EventStore::RestoreLatestBackup(dir_.Sub("backup"), dir_.Sub("reference")));
  SimulatedClock reference_clock(clock_->Now());
  store::StoreOptions reference_options;
  reference_options.durability = store::Durability::kBuffered;
  reference_options.clock = &reference_clock;
  auto reference_store = store::EventStore::Open(dir_.Sub("reference"), reference_options);
  ASSERT_TRUE(reference_store);
  auto single = Open(reference_store->get(), &reference_clock);

  const TimePoint end = TimePoint(sys_days(2012_y / February / 15));
  int restarts = 0;
  size_t reads_after_a_checkpoint = 0;
  for (TimePoint t = clock_->Now(); t < end; t += std::chrono::hours(6)) {
    clock_->Set(t);
    reference_clock.Set(t);
    ASSERT_TRUE(single->scheduler().RunDue());
    ReadRecordingStore recording(store_.get());
    {
      Scheduler restarted(&recording, clock_.get(), opener->rules().scheduler);
      auto fired = restarted.RunDue();
      ASSERT_TRUE(fired) << fired.error().ToString();
    }  // checkpoints
    if (restarts++ > 0) {
      for (uint64_t from : recording.froms) {
        EXPECT_GT(from, 1u) << "a restarted scheduler folded the log from position 1";
      }
      reads_after_a_checkpoint += recording.froms.size();
    }
  }
  EXPECT_GT(reads_after_a_checkpoint, 0u);
  const auto restarted = SchedulerWrites(*store_);
  const auto one = SchedulerWrites(**reference_store);
  EXPECT_GT(
      std::count_if(one.begin(), one.end(),
                    [](const auto& w) { return std::get<1>(w) == v1::Event::kEscalationRaised; }),
      0);
  auto sorted_restarted = restarted;
  auto sorted_one = one;
  std::sort(sorted_restarted.begin(), sorted_restarted.end());
  std::sort(sorted_one.begin(), sorted_one.end());
  EXPECT_EQ(sorted_restarted, sorted_one);

  // What was fired for each stage is forgotten once the stage is settled: at the quarter's end
  // every stage is, and no "x/" key is left in the state.
  size_t fired_keys = 0, keys = 0;
  ASSERT_TRUE(store_->ScanProjection(ProjectionRunner::StorageName(SchedulerState::kName, 1),
                                     [&](std::string_view key, std::string_view) {
                                       ++keys;
                                       fired_keys += key.starts_with("x/");
                                       return OkStatus();
                                     }));
  EXPECT_GT(keys, 0u) << "the scheduler's state was not persisted";
  EXPECT_EQ(fired_keys, 0u) << "fired actions of settled stages are still kept";
}

}  // namespace
}  // namespace goldthread::engine
