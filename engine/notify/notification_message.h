// Notification messages: what a reminder or an escalation says when it is delivered — the plain
// e-mail a person reads (what is due, for which indicator and period, by when, who else was
// told, the link to act) and the JSON a webhook receives.
//
//   NotificationFacts facts = ...;  // the source event and what the log says about its people
//   RenderedNotification m = RenderNotification(facts, recipient_person_id, delivery_id);
//   // m.subject, m.text (CRLF-free plain text), m.json
//
// Pure functions; thread-safe.
#ifndef GOLDTHREAD_ENGINE_NOTIFY_NOTIFICATION_MESSAGE_H_
#define GOLDTHREAD_ENGINE_NOTIFY_NOTIFICATION_MESSAGE_H_

#include <map>
#include <string>
#include <string_view>

#include "goldthread/v1/events.pb.h"
#include "store/base/clock.h"

namespace goldthread::engine {

// A person as a notification names them.
struct NotifiedPerson {
  std::string name;
  std::string email;  // empty when the person has none
};

// Everything a message is made from: the source event (a ReminderIssued or EscalationRaised)
// and what the log said about the people and indicator it names when it was read.
struct NotificationFacts {
  std::string tenant;
  // The source event, its stream, log position, event id and recorded time.
  goldthread::v1::Event event;
  std::string stream;
  uint64_t position = 0;
  std::string event_id;
  TimePoint recorded_at;
  // Every recipient person id of the event that the log knows, with name and address.
  std::map<std::string, NotifiedPerson> people;
  // The indicator's title when the event is about a figure; empty otherwise.
  std::string indicator_title;
  // Where people act, e.g. "https://goldthread.example.gov.uk" (no trailing slash needed);
  // empty gives the path alone.
  std::string public_base_url;
};

// What the item of a source stream is, parsed from the stream id.
struct NotifiedItem {
  // "figure", "finding", "priority", "cycle", or "" when the stream is none of these.
  std::string kind;
  std::string indicator_id;  // figures
  std::string period;        // figures and cycles
  std::string id;            // findings, priorities; the workflow id for cycles
  // The item's API path: "/api/v1/figures/NI-192/FY2011-Q2".
  std::string path;
};
NotifiedItem ItemOfStream(std::string_view tenant, std::string_view stream);

struct RenderedNotification {
  std::string subject;  // one line, UTF-8
  std::string text;     // plain text, lines ending in "\n"
  std::string json;     // one JSON object (the webhook body)
};

// The message for `recipient_person_id` (empty for a webhook: the text then addresses no one
// by name). `delivery_id` is quoted in the text and the JSON.
RenderedNotification RenderNotification(const NotificationFacts& facts,
                                        std::string_view recipient_person_id,
                                        std::string_view delivery_id);

// `s` as a JSON string literal, quotes included (control characters escaped; UTF-8 passed
// through).
std::string JsonQuote(std::string_view s);

}  // namespace goldthread::engine

#endif  // GOLDTHREAD_ENGINE_NOTIFY_NOTIFICATION_MESSAGE_H_
