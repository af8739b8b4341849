// Notification log: the few facts the outbox reads — people with e-mail addresses, indicator
// titles, reminders and escalations — appended directly to a store (as an administrator and as
// the scheduler would), so outbox and sender tests do not have to run a whole cycle. Also reads
// back what the outbox recorded on delivery streams.
//
// Threading: one test thread.
#ifndef GOLDTHREAD_TESTS_TESTING_NOTIFICATION_LOG_H_
#define GOLDTHREAD_TESTS_TESTING_NOTIFICATION_LOG_H_

#include <string>
#include <vector>

#include "goldthread/v1/events.pb.h"
#include "store/base/clock.h"
#include "store/event_store.h"

namespace goldthread::testing {

// Appends a PersonRegistered to <tenant>/person/<id>; fails the test on error.
void RegisterPerson(store::EventStore& store, const std::string& tenant, const std::string& id,
                    const std::string& name, const std::string& email);
// Appends an IndicatorDefined with this title to <tenant>/indicator/<id>.
void DefineIndicator(store::EventStore& store, const std::string& tenant, const std::string& id,
                     const std::string& title);
// Appends a ReminderIssued ("not submitted", stage "collation", due `due_at`) for the figure
// <indicator>/<period> to `recipients`; returns the envelope's event id.
std::string RemindAboutFigure(store::EventStore& store, const std::string& tenant,
                              const std::string& indicator, const std::string& period,
                              TimePoint due_at, std::vector<std::string> recipients);

// One event the outbox recorded, with its envelope.
struct RecordedDelivery {
  store::Envelope envelope;
  goldthread::v1::Event event;
};
// Every NotificationAttempted and NotificationAbandoned in the log, in log order.
std::vector<RecordedDelivery> DeliveryEvents(const store::EventStore& store);

}  // namespace goldthread::testing

#endif  // GOLDTHREAD_TESTS_TESTING_NOTIFICATION_LOG_H_
