// Scheduler events for read-model tests: the ReminderIssued, EscalationRaised and
// EscalationAcknowledged events the workflow engine appends to an item's stream, built and
// appended directly (as the scheduler does, with actor "system/scheduler"), so tests can show
// that read models list them without running a whole cycle.
//
// Threading: one test thread.
#ifndef GOLDTHREAD_TESTS_TESTING_SCHEDULER_EVENTS_H_
#define GOLDTHREAD_TESTS_TESTING_SCHEDULER_EVENTS_H_

#include <string>
#include <vector>

#include "goldthread/v1/events.pb.h"
#include "store/base/clock.h"
#include "store/event_store.h"

namespace goldthread::testing {

goldthread::v1::Event Reminder(const std::string& outstanding, const std::string& stage_id,
                               TimePoint due_at, std::vector<std::string> recipients);
goldthread::v1::Event Escalation(const std::string& escalation_id, uint32_t rung,
                                 const std::string& outstanding, const std::string& stage_id,
                                 TimePoint due_at, TimePoint now,
                                 std::vector<std::string> recipients);
// Appends `event` to `stream` as the scheduler; fails the test on error.
void AppendAsScheduler(store::EventStore& store, const std::string& stream,
                       const goldthread::v1::Event& event);

}  // namespace goldthread::testing

#endif  // GOLDTHREAD_TESTS_TESTING_SCHEDULER_EVENTS_H_
