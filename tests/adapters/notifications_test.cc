#include "adapters/notify/notifications.h"

#include <gtest/gtest.h>

#include <fstream>
#include <thread>

#include "engine/model/event_summary.h"
#include "tests/testing/loopback_receivers.h"
#include "tests/testing/notification_log.h"
#include "tests/testing/temp_dir.h"

namespace goldthread::adapters {
namespace {

namespace v1 = goldthread::v1;
using goldthread::testing::DeliveryEvents;
using goldthread::testing::FreeLoopbackPort;
using goldthread::testing::RegisterPerson;
using goldthread::testing::RemindAboutFigure;
using goldthread::testing::TempDir;

TEST(NotificationsTest, NothingConfiguredIsNoOutbox) {
  auto n = Notifications::Configure({});
  ASSERT_TRUE(n) << n.error().ToString();
  EXPECT_EQ(*n, nullptr);
}

TEST(NotificationsTest, ConfigureNamesTheBadOption) {
  TempDir dir;
  std::ofstream(dir.Sub("secret")) << "k";
  struct Case {
    NotificationOptions options;
    std::string field;
  };
  std::vector<Case> cases = {
      {{.smtp_url = "smtp:/broken", .smtp_from = "a@b.example"}, "smtp-url"},
      {{.smtp_from = "a@b.example"}, "smtp-url"},
      {{.smtp_url = "smtp://mail.example"}, "smtp-from"},
      {{.webhook_url = "http://h.example/x"}, "webhook-secret-file"},
      {{.webhook_url = "http://h.example/x", .webhook_secret_file = dir.Sub("missing")},
       "webhook-secret-file"},
      {{.webhook_url = "mailto:x", .webhook_secret_file = dir.Sub("secret")}, "webhook-url"},
      {{.webhook_url = "http://h.example/x",
        .webhook_secret_file = dir.Sub("secret"),
        .public_base_url = "goldthread.example"},
       "public-url"},
      {{.webhook_url = "http://h.example/x",
        .webhook_secret_file = dir.Sub("secret"),
        .max_attempts = 0},
       "notify-max-attempts"},
      {{.webhook_url = "http://h.example/x",
        .webhook_secret_file = dir.Sub("secret"),
        .initial_backoff_seconds = 100,
        .max_backoff_seconds = 10},
       "notify-backoff"},
  };
  for (const Case& c : cases) {
    auto n = Notifications::Configure(c.options);
    ASSERT_FALSE(n) << c.field;
    EXPECT_EQ(n.error().field, c.field) << n.error().message;
    EXPECT_FALSE(n.error().message.empty());
  }
  auto good = Notifications::Configure(
      {.webhook_url = "https://h.example/x", .webhook_secret_file = dir.Sub("secret")});
  ASSERT_TRUE(good) << good.error().ToString();
  ASSERT_NE(*good, nullptr);
  EXPECT_EQ((*good)->Describe(), "webhook to https://h.example/x");
}

// The receiver is down: every attempt fails, each is recorded, the waits between them double
// up to the cap (in simulated time), and after the last attempt the delivery is abandoned and
// reported (an event, the abandoned counter).
TEST(NotificationsTest, ReceiverDownBacksOffRecordsAttemptsThenAbandons) {
  TempDir dir;
  std::ofstream(dir.Sub("secret")) << "k";
  SimulatedClock clock(TimePoint(std::chrono::seconds(1767607200)));  // 2026-01-05 10:00 UTC
  store::StoreOptions so;
  so.durability = store::Durability::kBuffered;
  so.clock = &clock;
  auto store = store::EventStore::Open(dir.Sub("store"), so);
  ASSERT_TRUE(store);
  RegisterPerson(**store, "t", "p-entry", "Pat Entry", "pat@council.example");
  RemindAboutFigure(**store, "t", "NI-192", "FY2025-Q3", clock.Now(), {"p-entry"});

  auto n = Notifications::Configure(
      {.webhook_url = "http://127.0.0.1:" + std::to_string(FreeLoopbackPort()) + "/down",
       .webhook_secret_file = dir.Sub("secret"),
       .webhook_timeout_seconds = 2,
       .max_attempts = 4,
       .initial_backoff_seconds = 60,
       .max_backoff_seconds = 150});
  ASSERT_TRUE(n && *n);
  Metrics metrics;
  ASSERT_TRUE((*n)->Start(store->get(), &clock, "t", &metrics));

  auto wait_for_events = [&](size_t count) {
    for (int i = 0; i < 500 && DeliveryEvents(**store).size() < count; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return DeliveryEvents(**store);
  };
  auto events = wait_for_events(1);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_NE(metrics.Render().find("goldthread_notifications_pending 1"), std::string::npos)
      << metrics.Render();
  // Each retry happens only once simulated time reaches the recorded next attempt.
  for (size_t attempt = 2; attempt <= 4; ++attempt) {
    const auto& last = events.back().event.notification_attempted();
    clock.Set(engine::ToTimePoint(last.next_attempt_at()) - std::chrono::seconds(1));
    std::this_thread::sleep_for(std::chrono::milliseconds(400));
    EXPECT_EQ(DeliveryEvents(**store).size(), attempt - 1) << "retried before its backoff";
    clock.Set(engine::ToTimePoint(last.next_attempt_at()));
    events = wait_for_events(attempt == 4 ? attempt + 1 : attempt);
    ASSERT_GE(events.size(), attempt);
  }
  (*n)->Stop();

  ASSERT_EQ(events.size(), 5u);
  const int64_t waits[] = {60, 120, 150};
  for (int i = 0; i < 3; ++i) {
    const auto& a = events[i].event.notification_attempted();
    EXPECT_EQ(a.outcome(), v1::NOTIFICATION_OUTCOME_FAILED);
    EXPECT_EQ(a.channel(), v1::NOTIFICATION_CHANNEL_WEBHOOK);
    EXPECT_FALSE(a.error().empty());
    EXPECT_EQ(std::chrono::duration_cast<std::chrono::seconds>(
                  engine::ToTimePoint(a.next_attempt_at()) -
                  engine::ToTimePoint(events[i].envelope.recorded_at()))
                  .count(),
              waits[i]);
  }
  EXPECT_EQ(events[3].event.notification_attempted().outcome(),
            v1::NOTIFICATION_OUTCOME_FAILED_PERMANENTLY);
  ASSERT_TRUE(events[4].event.has_notification_abandoned());
  EXPECT_EQ(events[4].event.notification_abandoned().attempts(), 4u);
  const std::string rendered = metrics.Render();
  EXPECT_NE(rendered.find("goldthread_notifications_abandoned_total{channel=\"webhook\"} 1"),
            std::string::npos)
      << rendered;
  EXPECT_NE(rendered.find("goldthread_notifications_pending 0"), std::string::npos) << rendered;
}

}  // namespace
}  // namespace goldthread::adapters
