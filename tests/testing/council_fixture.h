// CouncilFixture: a small council on a fresh store, for engine tests.
//
// It opens a buffered store in a temp folder, a simulated clock at 2011-10-05 10:00 UTC (a
// Wednesday, after FY2011-Q2 ended), and a CommandHandler for tenant "t", then sets up through
// real commands:
//
//   council "council" ─┬─ directorate "dir-place" ─┬─ service "svc-homes" (NI-192 lives here)
//                      │                           └─ service "svc-waste"
//                      ├─ directorate "dir-people" ── service "svc-care"
//                      └─ partnership board "board-health"
//
//   admin       admin on council          p-entry   data entry on svc-homes
//   p-entry2    data entry on svc-homes   p-sm      service manager on svc-homes
//   p-sm2       service manager on svc-homes
//   p-dir       director on dir-place     p-perf    performance team on council
//   p-perf2     performance team on council
//   p-audit     auditor on council        p-scrutiny scrutiny member on council
//   p-board     partnership board on board-health
//   p-lead      lead member on council    p-care    service manager on svc-care
//
// and indicator NI-192 (quarterly, higher is better, 1 decimal place, range 0-100, amber within
// 5%, partnership board-health) with a target of 60 for FY2011-Q2.
//
// Threading: one test thread.
#ifndef GOLDTHREAD_TESTS_TESTING_COUNCIL_FIXTURE_H_
#define GOLDTHREAD_TESTS_TESTING_COUNCIL_FIXTURE_H_

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "engine/command/command_handler.h"
#include "engine/model/event_codec.h"
#include "store/event_store.h"
#include "tests/testing/temp_dir.h"

namespace goldthread::testing {

class CouncilFixture : public ::testing::Test {
 protected:
  static constexpr char kTenant[] = "t";

  void SetUp() override;

  // Runs `command` as `actor` with a fresh command id.
  Result<goldthread::v1::CommandResult> Run(const std::string& actor,
                                            const goldthread::v1::Command& command);
  // Runs it and fails the test when it is refused.
  goldthread::v1::CommandResult MustRun(const std::string& actor,
                                        const goldthread::v1::Command& command);
  // Runs it, expects it refused with `code` and a message containing `text`, and checks that
  // nothing was written (the log head did not move).
  void ExpectRefused(const std::string& actor, const goldthread::v1::Command& command,
                     ErrorCode code, const std::string& text, const std::string& field = "*");

  // Command builders for the common cases.
  static goldthread::v1::Command Submit(const std::string& indicator, const std::string& period,
                                        double value, const std::string& commentary = "");
  static goldthread::v1::Command Amend(const std::string& indicator, const std::string& period,
                                       double value, const std::string& reason);
  static goldthread::v1::Command SignOff(const std::string& indicator, const std::string& period,
                                         goldthread::v1::SignOffLevel level, uint32_t version);
  static goldthread::v1::Command Grant(const std::string& person, goldthread::v1::Role role,
                                       const std::string& scope);
  static goldthread::v1::IndicatorDefinition QuarterlyDefinition(const std::string& unit);

  // Every event of `stream`, decoded, with its envelope.
  struct Recorded {
    store::Envelope envelope;
    goldthread::v1::Event event;
  };
  std::vector<Recorded> ReadStream(const std::string& stream) const;
  uint64_t Head() const { return store_->Head().position; }

  TempDir dir_;
  std::unique_ptr<SimulatedClock> clock_;
  std::unique_ptr<store::EventStore> store_;
  std::unique_ptr<engine::CommandHandler> handler_;
  int next_command_ = 0;
};

}  // namespace goldthread::testing

#endif  // GOLDTHREAD_TESTS_TESTING_COUNCIL_FIXTURE_H_
