// RandomHistory: random but valid council activity, through the real command handler, for
// property tests of the read models (as-of answers equal fresh folds; a projection restarted
// mid-stream equals one built in a single pass).
//
// It works on the CouncilFixture's council (see council_fixture.h). SetUp adds a priority owned
// by dir-place, three more indicators (HW-1: quarterly, lower is better, absolute tolerance,
// svc-waste; HW-2: monthly, higher is better, svc-homes; CA-1: quarterly, lower is better,
// svc-care) and targets. Each Step then picks one action at random — submit, amend, sign off at
// a level, reject, raise or answer a data-quality query, lock, restate, publish, raise, answer,
// accept or close a finding, set a target, record priority progress or a self-assessment,
// register or rate a risk — with random plausible arguments, by a random plausible person, and
// runs it; a command the engine refuses writes nothing, which is fine. Some steps append a
// scheduler's ReminderIssued, EscalationRaised or an EscalationAcknowledged straight to a
// figure's stream (as the workflow engine would), and every step moves the clock on by a random
// few minutes to a day.
//
// Deterministic for a seed. Threading: one test thread.
#ifndef GOLDTHREAD_TESTS_TESTING_RANDOM_HISTORY_H_
#define GOLDTHREAD_TESTS_TESTING_RANDOM_HISTORY_H_

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "engine/command/command_handler.h"
#include "store/base/clock.h"
#include "store/event_store.h"

namespace goldthread::testing {

class RandomHistory {
 public:
  RandomHistory(engine::CommandHandler* handler, store::EventStore* store, SimulatedClock* clock,
                uint32_t seed);

  // Adds the priority, indicators and targets described above. Call once, first.
  Status SetUp();
  // One random action. Returns true when it wrote events; an error only when the store failed.
  Result<bool> Step();

  // The indicators and periods the steps use.
  static const std::vector<std::string>& Indicators();
  static std::vector<std::string> PeriodsOf(const std::string& indicator);

 private:
  Result<bool> Run(const std::string& actor, const goldthread::v1::Command& command);
  Result<bool> AppendScheduler(const std::string& indicator, const std::string& period,
                               const goldthread::v1::Event& event);
  std::string Pick(const std::vector<std::string>& from);
  int Uniform(int lo, int hi);

  engine::CommandHandler* const handler_;
  store::EventStore* const store_;
  SimulatedClock* const clock_;
  std::mt19937 rng_;
  int commands_ = 0;
  int escalations_ = 0;
  std::vector<std::string> findings_;
  std::vector<std::string> risks_;
  std::vector<std::pair<std::string, std::string>> escalated_;  // (figure stream, escalation id)
};

}  // namespace goldthread::testing

#endif  // GOLDTHREAD_TESTS_TESTING_RANDOM_HISTORY_H_
