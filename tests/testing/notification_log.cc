#include "tests/testing/notification_log.h"

#include <gtest/gtest.h>

#include <atomic>

#include "engine/model/event_codec.h"
#include "tests/testing/scheduler_events.h"

namespace goldthread::testing {

namespace v1 = goldthread::v1;

namespace {

std::string NextCommandId() {
  static std::atomic<int> next{0};
  return "test/notification-log/" + std::to_string(++next);
}

}  // namespace

void RegisterPerson(store::EventStore& store, const std::string& tenant, const std::string& id,
                    const std::string& name, const std::string& email) {
  v1::Event e;
  auto* p = e.mutable_person_registered();
  p->set_person_id(id);
  p->set_name(name);
  p->set_email(email);
  auto r = store.Append({.stream = engine::PersonStream(tenant, id),
                         .events = {engine::EncodeEvent(e)},
                         .command_id = NextCommandId(),
                         .actor = "admin"});
  ASSERT_TRUE(r) << r.error().ToString();
}

void DefineIndicator(store::EventStore& store, const std::string& tenant, const std::string& id,
                     const std::string& title) {
  v1::Event e;
  auto* d = e.mutable_indicator_defined();
  d->set_indicator_id(id);
  d->mutable_definition()->set_title(title);
  d->set_definition_version(1);
  auto r = store.Append({.stream = engine::IndicatorStream(tenant, id),
                         .events = {engine::EncodeEvent(e)},
                         .command_id = NextCommandId(),
                         .actor = "admin"});
  ASSERT_TRUE(r) << r.error().ToString();
}

std::string RemindAboutFigure(store::EventStore& store, const std::string& tenant,
                              const std::string& indicator, const std::string& period,
                              TimePoint due_at, std::vector<std::string> recipients) {
  const std::string stream = engine::FigureStream(tenant, indicator, period);
  auto r = store.Append(
      {.stream = stream,
       .events = {engine::EncodeEvent(Reminder("not submitted", "collation", due_at, recipients))},
       .command_id = NextCommandId(),
       .actor = "system/scheduler"});
  EXPECT_TRUE(r) << r.error().ToString();
  if (!r) return "";
  auto page = store.ReadAll(r->first_position, store::Direction::kForward, 1);
  EXPECT_TRUE(page && page->events.size() == 1);
  return page && !page->events.empty() ? page->events[0].event_id() : "";
}

std::vector<RecordedDelivery> DeliveryEvents(const store::EventStore& store) {
  std::vector<RecordedDelivery> out;
  uint64_t from = 1;
  while (from != 0) {
    auto page = store.ReadAll(from, store::Direction::kForward, 1000);
    EXPECT_TRUE(page) << page.error().ToString();
    if (!page) break;
    for (const store::Envelope& envelope : page->events) {
      auto event = engine::DecodeEvent(envelope);
      if (event && (event->has_notification_attempted() || event->has_notification_abandoned())) {
        out.push_back({envelope, *event});
      }
    }
    from = page->next;
  }
  return out;
}

}  // namespace goldthread::testing
