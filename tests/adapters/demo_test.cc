// `goldthread demo`: the demo council is made through the real workflows, verifies, shows reds,
// ambers and greens, has late work in its current cycle, and never touches an existing folder.
// One demo with a year of history is shared by the tests that only read it.
#include <date/date.h>
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <filesystem>
#include <map>
#include <memory>
#include <set>
#include <string>

#include "adapters/demo/council_seed.h"
#include "adapters/demo/demo_council.h"
#include "engine/model/cycle_state.h"
#include "engine/model/event_codec.h"
#include "engine/model/local_date.h"
#include "engine/read/read_models.h"
#include "store/event_store.h"
#include "tests/testing/temp_dir.h"

namespace goldthread::adapters {
namespace {

namespace v1 = goldthread::v1;
using engine::LocalDay;

// A Monday in week 8 after the end of FY2026-Q2: collation (week 3) is long past.
const LocalDay kToday = date::year{2026} / date::November / 23;
TimePoint Noon(LocalDay day) {
  return engine::EndOfLondonDay(day - date::days(1)) + std::chrono::microseconds(1) +
         std::chrono::hours(12);
}

DemoOptions SmallDemo(const std::string& dir) {
  DemoOptions o;
  o.data_dir = dir;
  o.today = kToday;
  o.now = Noon(kToday);
  o.years = 1;
  o.seed = 7;
  return o;
}

// Every event of the log, in order.
std::vector<store::Envelope> ReadAll(store::EventStore& store) {
  std::vector<store::Envelope> out;
  store::ReadPage page;
  uint64_t from = 1;
  while (store.ReadAllInto(from, store::Direction::kForward, 1000, &page) && !page.events.empty()) {
    out.insert(out.end(), page.events.begin(), page.events.end());
    if (page.next == 0) break;
    from = page.next;
  }
  return out;
}

class DemoTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new testing::TempDir();
    auto made = CreateDemoCouncil(SmallDemo(dir_->Sub("var")));
    ASSERT_TRUE(made) << made.error().message;
    report_ = new DemoReport(*made);
  }
  static void TearDownTestSuite() {
    delete report_;
    delete dir_;
  }
  static std::string Folder() { return dir_->Sub("var"); }

  static testing::TempDir* dir_;
  static DemoReport* report_;
};
testing::TempDir* DemoTest::dir_ = nullptr;
DemoReport* DemoTest::report_ = nullptr;

TEST_F(DemoTest, StoreVerifies) {
  store::StoreOptions options;
  options.read_only = true;
  auto store = store::EventStore::Open(Folder(), options);
  ASSERT_TRUE(store) << store.error().message;
  auto report = (*store)->Verify(1, 0);
  ASSERT_TRUE(report) << report.error().message;
  EXPECT_TRUE(report->ok) << report->problem;
  EXPECT_EQ(report->events_checked, report_->events);
  EXPECT_GT(report_->events, 1000u);
  // Five quarters: four of history and the current one, FY2026-Q2 (July to September 2026).
  ASSERT_EQ(report_->periods.size(), 5u);
  EXPECT_EQ(report_->current_period, "FY2026-Q2");
  EXPECT_EQ(report_->periods.front(), "FY2025-Q2");
}

TEST_F(DemoTest, EveryEventComesFromAPersonOrTheSchedulerAtSimulatedTimes) {
  auto store = store::EventStore::Open(Folder(), store::StoreOptions{.read_only = true});
  ASSERT_TRUE(store);
  std::map<std::string, int> by_type;
  std::set<std::string> actors;
  TimePoint previous{};
  for (const auto& env : ReadAll(**store)) {
    auto event = engine::DecodeEvent(env);
    ASSERT_TRUE(event) << env.type();
    const TimePoint at = engine::RecordedAt(env);
    EXPECT_GE(at, previous) << "position " << env.position();
    previous = at;
    ++by_type[env.type()];
    actors.insert(env.actor());
  }
  // Recorded on the simulated clock: the history starts in July 2025 and ends at the demo's now.
  EXPECT_EQ(previous, Noon(kToday));
  // The scheduler drove the cycles and chased the late ones.
  EXPECT_GT(by_type["goldthread.v1.ReminderIssued"], 0);
  EXPECT_GT(by_type["goldthread.v1.EscalationRaised"], 0);
  EXPECT_GT(by_type["goldthread.v1.StageOpened"], 0);
  EXPECT_GT(by_type["goldthread.v1.StageCompleted"], 0);
  // People did the rest, each as themselves.
  EXPECT_GT(by_type["goldthread.v1.FigureRejected"], 0);
  EXPECT_GT(by_type["goldthread.v1.FigureAmended"], 0);
  EXPECT_GT(by_type["goldthread.v1.FigurePublished"], 0);
  EXPECT_GT(by_type["goldthread.v1.ChallengeFindingClosed"], 0);
  EXPECT_TRUE(actors.count("system/scheduler"));
  EXPECT_TRUE(actors.count("perf-shah"));
  EXPECT_TRUE(actors.count("entry-planning"));
  EXPECT_TRUE(actors.count("hos-planning"));
  EXPECT_FALSE(actors.count("system/operator"));
}

TEST_F(DemoTest, ScorecardsShowRedsAmbersAndGreens) {
  auto store = store::EventStore::Open(Folder(), store::StoreOptions{});
  ASSERT_TRUE(store);
  SimulatedClock clock(Noon(kToday));
  auto reads = engine::ReadModels::Open(store->get(), &clock, {.tenant = "demo"});
  ASSERT_TRUE(reads) << reads.error().message;
  int green = 0, amber = 0, red = 0, rows = 0;
  for (const std::string& period : report_->periods) {
    auto card = (*reads)->Scorecard("ashcombe", period);
    ASSERT_TRUE(card) << card.error().message;
    ASSERT_EQ(card->rows_size(), 60) << period;
    for (const auto& row : card->rows()) {
      if (!row.submitted()) continue;
      ++rows;
      green += row.rag() == v1::RAG_GREEN;
      amber += row.rag() == v1::RAG_AMBER;
      red += row.rag() == v1::RAG_RED;
    }
    if (period != report_->current_period) {
      // A finished quarter: published figures, with their trends.
      int published = 0, with_trend = 0;
      for (const auto& row : card->rows()) {
        published += row.published();
        with_trend +=
            row.vs_previous() == v1::TREND_IMPROVING || row.vs_previous() == v1::TREND_WORSENING;
      }
      EXPECT_GT(published, 50) << period;
      if (period != report_->periods.front()) {
        EXPECT_GT(with_trend, 20) << period;
      }
    }
  }
  ASSERT_GT(rows, 250);
  // Roughly 60% green, 25% amber, 15% red.
  EXPECT_NEAR(1.0 * green / rows, 0.60, 0.12);
  EXPECT_NEAR(1.0 * amber / rows, 0.25, 0.10);
  EXPECT_NEAR(1.0 * red / rows, 0.15, 0.08);
}

TEST_F(DemoTest, CurrentCycleHasLateWork) {
  EXPECT_GT(report_->figures_not_submitted, 0);
  auto store = store::EventStore::Open(Folder(), store::StoreOptions{});
  ASSERT_TRUE(store);
  SimulatedClock clock(Noon(kToday));
  auto reads = engine::ReadModels::Open(store->get(), &clock, {.tenant = "demo"});
  ASSERT_TRUE(reads);
  auto late = (*reads)->LateReturns();
  ASSERT_TRUE(late) << late.error().message;
  int late_submissions = 0;
  for (const auto& item : late->items()) {
    if (item.kind() == v1::WORK_KIND_SUBMIT_FIGURE && item.period() == "FY2026-Q2" && item.late()) {
      ++late_submissions;
    }
  }
  EXPECT_EQ(late_submissions, report_->figures_not_submitted);
  // The planning service's data entry officer (whose token the demo prints) has work to do.
  auto mine = (*reads)->OutstandingWork("entry-planning");
  ASSERT_TRUE(mine) << mine.error().message;
  EXPECT_GT(mine->items_size(), 0);
}

TEST_F(DemoTest, SecondDemoIntoTheSameFolderFailsAndChangesNothing) {
  store::HeadInfo before;
  {
    auto store = store::EventStore::Open(Folder(), store::StoreOptions{.read_only = true});
    ASSERT_TRUE(store);
    before = (*store)->Head();
  }
  auto again = CreateDemoCouncil(SmallDemo(Folder()));
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code, ErrorCode::kAlreadyExists);
  EXPECT_NE(again.error().message.find("already holds a store"), std::string::npos)
      << again.error().message;
  auto store = store::EventStore::Open(Folder(), store::StoreOptions{.read_only = true});
  ASSERT_TRUE(store);
  EXPECT_EQ((*store)->Head().position, before.position);
  EXPECT_EQ((*store)->Head().hash, before.hash);
  // No temporary folder left beside it.
  for (const auto& entry : std::filesystem::directory_iterator(dir_->path())) {
    EXPECT_EQ(entry.path().filename(), "var");
  }
}

TEST(DemoCouncilTest, RefusesAFolderWithFilesInIt) {
  testing::TempDir dir;
  std::filesystem::create_directories(dir.Sub("var"));
  std::FILE* f = std::fopen(dir.Sub("var/notes.txt").c_str(), "w");
  ASSERT_NE(f, nullptr);
  std::fclose(f);
  auto made = CreateDemoCouncil(SmallDemo(dir.Sub("var")));
  ASSERT_FALSE(made);
  EXPECT_EQ(made.error().code, ErrorCode::kAlreadyExists);
  EXPECT_TRUE(std::filesystem::exists(dir.Sub("var/notes.txt")));
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(dir.Sub("var")),
                          std::filesystem::directory_iterator()),
            1);
}

TEST(DemoCouncilTest, RefusesYearsOutOfRange) {
  testing::TempDir dir;
  DemoOptions options = SmallDemo(dir.Sub("var"));
  options.years = 0;
  auto made = CreateDemoCouncil(options);
  ASSERT_FALSE(made);
  EXPECT_EQ(made.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(made.error().field, "years");
  EXPECT_FALSE(std::filesystem::exists(dir.Sub("var")));
}

// Writes `text` to `path`.
void WriteFile(const std::string& path, const std::string& text) {
  std::FILE* f = std::fopen(path.c_str(), "w");
  ASSERT_NE(f, nullptr);
  std::fwrite(text.data(), 1, text.size(), f);
  std::fclose(f);
}

TEST(DemoCouncilTest, ReadsTheCouncilFromItsFileByDefault) {
  // The default file is Ashcombe's, found beside the workflows.
  auto seed = LoadCouncilSeed(DefaultDemoCouncilPath());
  ASSERT_TRUE(seed) << seed.error().message;
  EXPECT_EQ(seed->council.name(), "Ashcombe Borough Council");
  EXPECT_EQ(seed->council.directorates_size(), 4);
  EXPECT_EQ(seed->council.services_size(), 12);
  EXPECT_EQ(seed->council.indicators_size(), 60);
  EXPECT_EQ(seed->council.users_size(), 10);
}

TEST(DemoCouncilTest, AMalformedCouncilFileIsRefusedWithFileAndLineAndWritesNothing) {
  testing::TempDir dir;
  const std::string bad = dir.Sub("broken.textproto");
  WriteFile(bad, "id: \"x\"\nname: \"X\"\ndirectorates { id: \"d\" nmae: \"D\" }\n");
  DemoOptions options = SmallDemo(dir.Sub("var"));
  options.council_path = bad;
  auto made = CreateDemoCouncil(options);
  ASSERT_FALSE(made);
  EXPECT_EQ(made.error().code, ErrorCode::kInvalidArgument);
  EXPECT_NE(made.error().message.find(bad + ":3:"), std::string::npos) << made.error().message;
  EXPECT_FALSE(std::filesystem::exists(dir.Sub("var")));
  // Nor any temporary folder beside it.
  for (const auto& entry : std::filesystem::directory_iterator(dir.path())) {
    EXPECT_EQ(entry.path().filename(), "broken.textproto");
  }
}

TEST(DemoCouncilTest, ACouncilFileNamingAnUnknownServiceIsRefusedAtThatLine) {
  auto text = [] {
    std::FILE* f = std::fopen(DefaultDemoCouncilPath().c_str(), "r");
    std::string out;
    std::array<char, 4096> buf;
    while (size_t n = std::fread(buf.data(), 1, buf.size(), f)) out.append(buf.data(), n);
    std::fclose(f);
    return out;
  }();
  const std::string needle = "service_id: \"planning\"";
  const size_t at = text.find(needle);
  ASSERT_NE(at, std::string::npos);
  text.replace(at, needle.size(), "service_id: \"plannnig\"");
  const int line = 1 + static_cast<int>(std::count(text.begin(), text.begin() + at, '\n'));
  testing::TempDir dir;
  const std::string bad = dir.Sub("ashcombe.textproto");
  WriteFile(bad, text);
  DemoOptions options = SmallDemo(dir.Sub("var"));
  options.council_path = bad;
  auto made = CreateDemoCouncil(options);
  ASSERT_FALSE(made);
  EXPECT_EQ(made.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(made.error().message,
            fmt::format("{}:{}: indicator 'PLN-01': there is no service 'plannnig'", bad, line));
  EXPECT_FALSE(std::filesystem::exists(dir.Sub("var")));
}

TEST(DemoCouncilTest, AMissingCouncilFileIsNotFound) {
  testing::TempDir dir;
  DemoOptions options = SmallDemo(dir.Sub("var"));
  options.council_path = dir.Sub("nowhere.textproto");
  auto made = CreateDemoCouncil(options);
  ASSERT_FALSE(made);
  EXPECT_EQ(made.error().code, ErrorCode::kNotFound);
  EXPECT_FALSE(std::filesystem::exists(dir.Sub("var")));
}

// Runs the built `goldthread` with `args`; returns the exit code and the output.
std::pair<int, std::string> RunCli(const std::string& args, bool with_stderr = true) {
  const std::string command =
      std::string("'") + GOLDTHREAD_CLI + "' " + args + (with_stderr ? " 2>&1" : " 2>/dev/null");
  std::FILE* pipe = ::popen(command.c_str(), "r");
  if (pipe == nullptr) return {-1, ""};
  std::string out;
  std::array<char, 4096> buf;
  while (size_t n = std::fread(buf.data(), 1, buf.size(), pipe)) out.append(buf.data(), n);
  const int status = ::pclose(pipe);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, out};
}

TEST(DemoCommandTest, DemoThenVerifyPassesAndASecondDemoIsRefused) {
  testing::TempDir dir;
  const std::string folder = dir.Sub("council");
  auto [code, out] =
      RunCli("demo --data-dir '" + folder + "' --years 1 --today 2026-11-23 --seed 3");
  ASSERT_EQ(code, 0) << out;
  EXPECT_NE(out.find("Ashcombe Borough Council"), std::string::npos) << out;
  EXPECT_NE(out.find("token: gt_"), std::string::npos) << out;
  EXPECT_NE(out.find("http://127.0.0.1:8080/"), std::string::npos) << out;
  for (const char* role : {"data entry officer", "service manager", "director", "performance team",
                           "auditor", "administrator", "scrutiny member"}) {
    EXPECT_NE(out.find(role), std::string::npos) << role;
  }
  // Issue 16, defect 10: the folder and everything in it, demo-accounts.txt included, are the
  // owner's only, whatever the umask (the test runs under the caller's, typically 022).
  namespace fs = std::filesystem;
  EXPECT_EQ(fs::status(folder).permissions() & fs::perms::all, fs::perms::owner_all);
  EXPECT_EQ(fs::status(folder + "/demo-accounts.txt").permissions() & fs::perms::all,
            fs::perms::owner_read | fs::perms::owner_write);
  for (const auto& e : fs::recursive_directory_iterator(folder)) {
    if (e.is_symlink()) continue;
    EXPECT_EQ(e.status().permissions() & (fs::perms::group_all | fs::perms::others_all),
              fs::perms::none)
        << e.path() << " is readable by others";
  }
  auto [verify_code, verify_out] = RunCli("verify --data-dir '" + folder + "'");
  EXPECT_EQ(verify_code, 0) << verify_out;
  EXPECT_EQ(verify_out.rfind("OK: ", 0), 0u) << verify_out;

  auto [again_code, again_out] = RunCli("demo --data-dir '" + folder + "' --years 1");
  EXPECT_NE(again_code, 0);
  // One line on stderr, naming the problem.
  EXPECT_EQ(std::count(again_out.begin(), again_out.end(), '\n'), 1) << again_out;
  EXPECT_NE(again_out.find("already holds a store"), std::string::npos) << again_out;
}

}  // namespace
}  // namespace goldthread::adapters
