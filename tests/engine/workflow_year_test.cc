// A year of each shipped workflow on a small council with scripted behaviour (see
// tests/testing/year_simulation.h): the reminders, escalations and stage outcomes it produces,
// with their local times, must equal tests/engine/testdata/year_<workflow>.txt, a file a person
// can read and check against the seed timetables. After a deliberate change, regenerate with
//   GOLDTHREAD_UPDATE_EXPECTED=1 build/test/bin/engine_tests --gtest_filter='WorkflowYear*'
// and read the diff before committing it.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "engine/timetable/workflow_timetables.h"
#include "tests/testing/temp_dir.h"
#include "tests/testing/year_simulation.h"

namespace goldthread::engine {
namespace {

std::string ExpectedPath(const std::string& workflow) {
  return std::string(GOLDTHREAD_SOURCE_DIR) + "/tests/engine/testdata/year_" + workflow + ".txt";
}

std::string Header(const Workflow& w, const std::vector<std::string>& periods) {
  std::string h = "# " + w.definition().title() + " (" + w.id() + ")\n";
  h += "# Source: " + w.definition().source() + "\n";
  h += "# Cycles:";
  for (const auto& p : periods) h += " " + p;
  h += "\n# Council: 3 directorates, 8 services, 30 indicators (I-01..I-03 partnership). Script:\n"
       "# most figures in the first working day after their stage opens; I-25 and I-26 two days\n"
       "# late; I-27 never; I-28 amended after service sign-off and signed again; I-24 red every\n"
       "# period; one finding about I-29 in the first cycle, never answered. Times are\n"
       "# Europe/London. Lines: when, the stream, what happened (-> who was told).\n";
  return h;
}

std::string StripComments(const std::string& text) {
  std::istringstream in(text);
  std::string line, out;
  while (std::getline(in, line)) {
    if (!line.empty() && line[0] == '#') continue;
    out += line + "\n";
  }
  return out;
}

class WorkflowYearTest : public ::testing::TestWithParam<std::string> {};

TEST_P(WorkflowYearTest, ProducesTheExpectedRemindersEscalationsAndOutcomes) {
  auto set = WorkflowSet::Load(DefaultWorkflowsDir(), DefaultBankHolidaysPath());
  ASSERT_TRUE(set) << set.error().ToString();
  const Workflow* workflow = (*set)->catalogue.Find(GetParam());
  ASSERT_NE(workflow, nullptr);
  std::vector<std::string> periods;
  const auto frequency = workflow->definition().cadence().frequency();
  for (Period p = Period::Containing(frequency, date::year(2011) / 4 / 1); p.fiscal_year() == 2011;
       p = p.Next()) {
    if (workflow->OpensCycleFor(p)) periods.push_back(p.id());
  }
  ASSERT_FALSE(periods.empty());
  goldthread::testing::TempDir dir;
  auto transcript = goldthread::testing::RunYearSimulation(
      {.workflow_id = GetParam(),
       .periods = periods,
       .timetables = TimetablesFrom(*set),
       .finding_escalation = FindingEscalationsFrom(*set, GetParam()),
       .sign_off_levels = SignOffLevelsOf(*workflow),
       .data_dir = dir.Sub("store")});
  ASSERT_TRUE(transcript) << transcript.error().ToString();
  const std::string path = ExpectedPath(GetParam());
  if (std::getenv("GOLDTHREAD_UPDATE_EXPECTED") != nullptr) {
    std::ofstream(path) << Header(*workflow, periods) << *transcript;
  }
  std::ifstream in(path);
  ASSERT_TRUE(in) << "no expected file " << path << "; run with GOLDTHREAD_UPDATE_EXPECTED=1";
  std::stringstream expected;
  expected << in.rdbuf();
  const std::string want = StripComments(expected.str());
  if (want != *transcript) {
    std::istringstream a(want), b(*transcript);
    std::string la, lb;
    int line = 0;
    while (true) {
      const bool ga = static_cast<bool>(std::getline(a, la));
      const bool gb = static_cast<bool>(std::getline(b, lb));
      ++line;
      if (!ga && !gb) break;
      if (la != lb || ga != gb) {
        ADD_FAILURE() << "transcript differs from " << path << " at event line " << line
                      << "\n  expected: " << (ga ? la : "<end>")
                      << "\n  produced: " << (gb ? lb : "<end>");
        break;
      }
    }
  }
  // Whatever the timetable, the scripted behaviour must show up: the never-submitted figure is
  // reminded and escalated, the on-time ones are never chased.
  EXPECT_NE(transcript->find("figure/I-27/"), std::string::npos);
  EXPECT_NE(transcript->find("ESCALATION rung 1"), std::string::npos);
  EXPECT_EQ(transcript->find("figure/I-01/" + periods.front() + "  REMINDER"), std::string::npos);
}

INSTANTIATE_TEST_SUITE_P(Shipped, WorkflowYearTest,
                         ::testing::Values("chesterfield-service-first",
                                           "chesterfield-corporate-first", "peterborough-monthly",
                                           "herefordshire-ipfr", "leeds-quarterly"),
                         [](const auto& info) {
                           std::string name = info.param;
                           for (char& c : name) c = c == '-' ? '_' : c;
                           return name;
                         });

}  // namespace
}  // namespace goldthread::engine
