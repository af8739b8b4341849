#include "engine/notify/outbox.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <deque>
#include <map>

#include "engine/model/event_summary.h"
#include "tests/testing/forwarding_store.h"
#include "tests/testing/notification_log.h"
#include "tests/testing/temp_dir.h"

namespace goldthread::engine {
namespace {

namespace v1 = goldthread::v1;
using goldthread::testing::DeliveryEvents;
using goldthread::testing::RegisterPerson;
using goldthread::testing::RemindAboutFigure;
using goldthread::testing::TempDir;
using std::chrono::seconds;

constexpr char kTenant[] = "t";
const TimePoint kStart = TimePoint(std::chrono::seconds(1317808800));  // 2011-10-05 10:00 UTC

// Records every notification; fails as told: `failures` transient failures first, or every
// attempt for good when `refuse` is set.
class FakeSender : public NotificationSender {
 public:
  Status Send(const Notification& n) override {
    sent.push_back(n);
    if (refuse) return MakeError(ErrorCode::kFailedPrecondition, "550 no such mailbox");
    if (failures > 0) {
      --failures;
      return MakeError(ErrorCode::kUnavailable, "HTTP 503");
    }
    delivered.push_back(n);
    return OkStatus();
  }
  std::vector<Notification> sent, delivered;
  int failures = 0;
  bool refuse = false;
};

class OutboxTest : public ::testing::Test {
 protected:
  void SetUp() override { Open(); }
  void Open() {
    store_.reset();
    store::StoreOptions options;
    options.durability = store::Durability::kBuffered;
    options.clock = &clock_;
    auto s = store::EventStore::Open(dir_.Sub("store"), options);
    ASSERT_TRUE(s) << s.error().ToString();
    store_ = std::move(*s);
  }
  std::unique_ptr<Outbox> MakeOutbox(OutboxOptions options) {
    options.tenant = kTenant;
    auto o = Outbox::Create(store_.get(), &clock_, std::move(options));
    EXPECT_TRUE(o) << o.error().ToString();
    return o ? std::move(*o) : nullptr;
  }
  // CatchUp then DeliverDue, failing the test on error; returns the attempts made.
  size_t Round(Outbox& outbox) {
    auto read = outbox.CatchUp();
    EXPECT_TRUE(read) << read.error().ToString();
    auto made = outbox.DeliverDue();
    EXPECT_TRUE(made) << made.error().ToString();
    return made ? *made : 0;
  }
  void People() {
    RegisterPerson(*store_, kTenant, "p-entry", "Pat Entry", "pat@council.example");
    RegisterPerson(*store_, kTenant, "p-sm", "Sam Manager", "sam@council.example");
    RegisterPerson(*store_, kTenant, "p-nomail", "Nia Nomail", "");
  }

  TempDir dir_;
  SimulatedClock clock_{kStart};
  std::unique_ptr<store::EventStore> store_;
  FakeSender email_, webhook_;
};

TEST(DeliveryIdTest, IsStableAndDiffersByChannelAndRecipient) {
  const std::string id = DeliveryId("e-1", v1::NOTIFICATION_CHANNEL_EMAIL, "pat@x");
  EXPECT_EQ(id, DeliveryId("e-1", v1::NOTIFICATION_CHANNEL_EMAIL, "pat@x"));
  EXPECT_EQ(id.size(), 33u);
  EXPECT_NE(id, DeliveryId("e-1", v1::NOTIFICATION_CHANNEL_EMAIL, "sam@x"));
  EXPECT_NE(id, DeliveryId("e-1", v1::NOTIFICATION_CHANNEL_WEBHOOK, "pat@x"));
  EXPECT_NE(id, DeliveryId("e-2", v1::NOTIFICATION_CHANNEL_EMAIL, "pat@x"));
}

TEST_F(OutboxTest, CreateRejectsBadOptions) {
  OutboxOptions o{.tenant = kTenant, .max_attempts = 0};
  auto r = Outbox::Create(store_.get(), &clock_, o);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().field, "max_attempts");
  o = {.tenant = kTenant, .initial_backoff = seconds(60), .max_backoff = seconds(30)};
  r = Outbox::Create(store_.get(), &clock_, o);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().field, "initial_backoff");
  o = {.tenant = kTenant, .max_pending = 0};
  EXPECT_FALSE(Outbox::Create(store_.get(), &clock_, o));
}

TEST_F(OutboxTest, DeliversOneEmailPerAddressedRecipientAndOneWebhookOnce) {
  People();
  const std::string source =
      RemindAboutFigure(*store_, kTenant, "NI-192", "FY2011-Q2", kStart + std::chrono::hours(48),
                        {"p-entry", "p-sm", "p-nomail"});
  auto outbox = MakeOutbox({.email = &email_, .webhook = &webhook_});
  EXPECT_EQ(Round(*outbox), 3u);
  EXPECT_EQ(Round(*outbox), 0u) << "delivered notifications are not sent again";
  ASSERT_EQ(email_.delivered.size(), 2u);
  // Pending deliveries are keyed by delivery id (a hash of the random event id), so the two
  // e-mails go out in either order.
  std::sort(email_.delivered.begin(), email_.delivered.end(),
            [](const auto& x, const auto& y) { return x.recipient < y.recipient; });
  EXPECT_EQ(email_.delivered[0].recipient, "pat@council.example");
  EXPECT_EQ(email_.delivered[1].recipient, "sam@council.example");
  EXPECT_EQ(email_.delivered[0].delivery_id,
            DeliveryId(source, v1::NOTIFICATION_CHANNEL_EMAIL, "pat@council.example"));
  ASSERT_EQ(webhook_.delivered.size(), 1u);
  EXPECT_EQ(webhook_.delivered[0].delivery_id,
            DeliveryId(source, v1::NOTIFICATION_CHANNEL_WEBHOOK, "webhook"));
  EXPECT_EQ(outbox->pending(), 0u);
  EXPECT_EQ(outbox->stats().delivered, 3u);
  EXPECT_EQ(outbox->stats().skipped_no_address, 1u);

  const auto recorded = DeliveryEvents(*store_);
  ASSERT_EQ(recorded.size(), 3u);
  for (const auto& r : recorded) {
    const auto& a = r.event.notification_attempted();
    EXPECT_EQ(a.outcome(), v1::NOTIFICATION_OUTCOME_DELIVERED);
    EXPECT_EQ(a.attempt(), 1u);
    EXPECT_EQ(a.source_event_id(), source);
    EXPECT_EQ(a.source_stream(), "t/figure/NI-192/FY2011-Q2");
    EXPECT_EQ(r.envelope.stream(), DeliveryStream(kTenant, a.delivery_id()));
    EXPECT_EQ(r.envelope.actor(), "system/outbox");
  }
}

TEST_F(OutboxTest, FailedAttemptsBackOffExponentiallyUpToTheCapThenAbandon) {
  People();
  RemindAboutFigure(*store_, kTenant, "NI-192", "FY2011-Q2", kStart, {"p-entry"});
  webhook_.failures = 100;
  std::vector<AttemptReport> reports;
  auto outbox = MakeOutbox({.webhook = &webhook_,
                            .max_attempts = 5,
                            .initial_backoff = seconds(10),
                            .max_backoff = seconds(40),
                            .on_attempt = [&](const AttemptReport& r) { reports.push_back(r); }});
  EXPECT_EQ(Round(*outbox), 1u);
  // Nothing is due until the backoff has passed.
  clock_.Advance(seconds(9));
  EXPECT_EQ(Round(*outbox), 0u);
  for (int i = 0; i < 10 && outbox->pending() > 0; ++i) {
    clock_.Set(*outbox->next_due());
    EXPECT_EQ(Round(*outbox), 1u);
  }
  EXPECT_EQ(webhook_.sent.size(), 5u);
  EXPECT_EQ(outbox->pending(), 0u);

  const auto recorded = DeliveryEvents(*store_);
  ASSERT_EQ(recorded.size(), 6u);
  const int64_t expected_waits[] = {10, 20, 40, 40};
  for (int i = 0; i < 4; ++i) {
    const auto& a = recorded[i].event.notification_attempted();
    EXPECT_EQ(a.attempt(), static_cast<uint32_t>(i + 1));
    EXPECT_EQ(a.outcome(), v1::NOTIFICATION_OUTCOME_FAILED);
    EXPECT_EQ(a.error(), "HTTP 503");
    const auto wait =
        ToTimePoint(a.next_attempt_at()) - ToTimePoint(recorded[i].envelope.recorded_at());
    EXPECT_EQ(std::chrono::duration_cast<seconds>(wait).count(), expected_waits[i]) << i;
    if (i > 0) {
      // Each attempt was made when the previous one said it was due.
      EXPECT_EQ(ToTimePoint(recorded[i].envelope.recorded_at()),
                ToTimePoint(recorded[i - 1].event.notification_attempted().next_attempt_at()));
    }
  }
  EXPECT_EQ(recorded[4].event.notification_attempted().outcome(),
            v1::NOTIFICATION_OUTCOME_FAILED_PERMANENTLY);
  ASSERT_TRUE(recorded[5].event.has_notification_abandoned());
  EXPECT_EQ(recorded[5].event.notification_abandoned().attempts(), 5u);
  EXPECT_EQ(recorded[5].event.notification_abandoned().last_error(), "HTTP 503");
  ASSERT_EQ(reports.size(), 5u);
  EXPECT_TRUE(reports.back().abandoned);
  EXPECT_FALSE(reports.front().abandoned);
  EXPECT_EQ(outbox->stats().abandoned, 1u);

  // Abandoned stays abandoned across a restart.
  auto again = MakeOutbox({.webhook = &webhook_, .max_attempts = 5});
  EXPECT_EQ(Round(*again), 0u);
  EXPECT_EQ(again->pending(), 0u);
}

TEST_F(OutboxTest, PermanentRefusalAbandonsAtOnce) {
  People();
  RemindAboutFigure(*store_, kTenant, "NI-192", "FY2011-Q2", kStart, {"p-entry"});
  email_.refuse = true;
  auto outbox = MakeOutbox({.email = &email_});
  EXPECT_EQ(Round(*outbox), 1u);
  const auto recorded = DeliveryEvents(*store_);
  ASSERT_EQ(recorded.size(), 2u);
  EXPECT_EQ(recorded[0].event.notification_attempted().outcome(),
            v1::NOTIFICATION_OUTCOME_FAILED_PERMANENTLY);
  EXPECT_EQ(recorded[1].event.notification_abandoned().last_error(), "550 no such mailbox");
  EXPECT_EQ(outbox->pending(), 0u);
}

TEST_F(OutboxTest, RestartResumesWhatIsPendingAndRepeatsNothingDelivered) {
  People();
  RemindAboutFigure(*store_, kTenant, "NI-192", "FY2011-Q2", kStart, {"p-entry", "p-sm"});
  webhook_.failures = 1;
  {
    auto outbox = MakeOutbox({.email = &email_, .webhook = &webhook_});
    EXPECT_EQ(Round(*outbox), 3u);
    EXPECT_EQ(outbox->pending(), 1u);  // the webhook, waiting for its retry
  }
  Open();  // as after a restart
  FakeSender email2, webhook2;
  auto outbox = MakeOutbox({.email = &email2, .webhook = &webhook2});
  ASSERT_TRUE(outbox->CatchUp());
  EXPECT_EQ(outbox->pending(), 1u);
  EXPECT_TRUE(outbox->caught_up());
  clock_.Set(*outbox->next_due());
  EXPECT_EQ(Round(*outbox), 1u);
  EXPECT_TRUE(email2.sent.empty()) << "e-mails already delivered went again";
  ASSERT_EQ(webhook2.delivered.size(), 1u);
  EXPECT_EQ(webhook2.delivered[0].delivery_id, webhook_.sent[0].delivery_id);
  const auto recorded = DeliveryEvents(*store_);
  ASSERT_EQ(recorded.size(), 4u);
  EXPECT_EQ(recorded[3].event.notification_attempted().attempt(), 2u);
}

TEST_F(OutboxTest, SendWithoutRecordIsRepeatedWithTheSameDeliveryId) {
  People();
  RemindAboutFigure(*store_, kTenant, "NI-192", "FY2011-Q2", kStart, {"p-entry"});
  // The first process sends, then its store refuses to record (as when it is killed between
  // the two): the delivery stays pending and the next process sends it again, same id.
  store::StoreOptions read_only;
  read_only.read_only = true;
  std::string first_id;
  {
    store_.reset();
    auto ro = store::EventStore::Open(dir_.Sub("store"), read_only);
    ASSERT_TRUE(ro) << ro.error().ToString();
    auto outbox = Outbox::Create(ro->get(), &clock_, {.tenant = kTenant, .email = &email_});
    ASSERT_TRUE(outbox);
    ASSERT_TRUE((*outbox)->CatchUp());
    EXPECT_FALSE((*outbox)->DeliverDue()) << "recording should have failed";
    ASSERT_EQ(email_.sent.size(), 1u);
    first_id = email_.sent[0].delivery_id;
  }
  Open();
  FakeSender email2;
  auto outbox = MakeOutbox({.email = &email2});
  EXPECT_EQ(Round(*outbox), 1u);
  ASSERT_EQ(email2.delivered.size(), 1u);
  EXPECT_EQ(email2.delivered[0].delivery_id, first_id);
  EXPECT_EQ(DeliveryEvents(*store_).size(), 1u);
}

TEST_F(OutboxTest, FullBacklogStopsReadingTheLogUntilDeliveriesFinish) {
  People();
  for (int q = 1; q <= 5; ++q) {
    RemindAboutFigure(*store_, kTenant, "NI-" + std::to_string(q), "FY2011-Q2", kStart,
                      {"p-entry"});
  }
  email_.failures = 2;  // the first two attempts fail, so the backlog stays full for a while
  auto outbox = MakeOutbox({.email = &email_, .initial_backoff = seconds(60), .max_pending = 2});
  ASSERT_TRUE(outbox->CatchUp());
  EXPECT_EQ(outbox->pending(), 2u);
  EXPECT_FALSE(outbox->caught_up());
  ASSERT_TRUE(outbox->DeliverDue());
  ASSERT_TRUE(outbox->CatchUp());
  EXPECT_EQ(outbox->pending(), 2u) << "the backlog grew past its bound";
  EXPECT_FALSE(outbox->caught_up());
  for (int i = 0; i < 10 && (outbox->pending() > 0 || !outbox->caught_up()); ++i) {
    clock_.Set(*outbox->next_due());
    Round(*outbox);
    EXPECT_LE(outbox->pending(), 2u);
  }
  EXPECT_TRUE(outbox->caught_up());
  ASSERT_EQ(email_.delivered.size(), 5u) << "a source event was dropped while the backlog was full";
  std::set<std::string> ids;
  for (const auto& n : email_.delivered) ids.insert(n.delivery_id);
  EXPECT_EQ(ids.size(), 5u);
}

TEST_F(OutboxTest, SourceEventsOlderThanMaxAgeAreNotDelivered) {
  People();
  RemindAboutFigure(*store_, kTenant, "NI-192", "FY2011-Q1", kStart, {"p-entry"});
  clock_.Advance(std::chrono::hours(24 * 8));
  RemindAboutFigure(*store_, kTenant, "NI-192", "FY2011-Q2", clock_.Now(), {"p-entry"});
  auto outbox = MakeOutbox({.email = &email_, .max_source_age = std::chrono::hours(24 * 7)});
  EXPECT_EQ(Round(*outbox), 1u);
  ASSERT_EQ(email_.delivered.size(), 1u);
  EXPECT_NE(email_.delivered[0].message.subject.find("FY2011-Q2"), std::string::npos);
  EXPECT_EQ(outbox->stats().skipped_old, 1u);
}

TEST_F(OutboxTest, StartedOutboxDeliversWhatIsAppendedLater) {
  People();
  auto outbox = MakeOutbox({.email = &email_, .poll_interval = std::chrono::milliseconds(10)});
  outbox->Start();
  RemindAboutFigure(*store_, kTenant, "NI-192", "FY2011-Q2", kStart, {"p-sm"});
  for (int i = 0; i < 500 && outbox->stats().delivered == 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  outbox->Stop();
  ASSERT_EQ(email_.delivered.size(), 1u);
  EXPECT_EQ(email_.delivered[0].recipient_name, "Sam Manager");
}

// Reads of the log, by where each began.
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

// Issue 12, "the log folded once": what the outbox has read is a checkpointed projection. A
// restarted outbox reads the log from its checkpoint, not from position 1, and a pending
// delivery restored from it says exactly what it said before.
TEST_F(OutboxTest, ARestartReadsFromTheCheckpointAndRestoresPendingDeliveriesAsTheyWere) {
  People();
  RemindAboutFigure(*store_, kTenant, "NI-192", "FY2011-Q2", kStart, {"p-entry", "p-sm"});
  webhook_.failures = 1;
  const OutboxOptions options{.tenant = kTenant, .public_base_url = "https://gt.example"};
  {
    OutboxOptions first = options;
    first.email = &email_;
    first.webhook = &webhook_;
    auto outbox = MakeOutbox(first);
    EXPECT_EQ(Round(*outbox), 3u);
    EXPECT_EQ(outbox->pending(), 1u);  // the webhook, waiting for its retry
  }                                    // checkpoints
  ReadRecordingStore recording(store_.get());
  FakeSender email2, webhook2;
  OutboxOptions second = options;
  second.email = &email2;
  second.webhook = &webhook2;
  auto outbox = Outbox::Create(&recording, &clock_, second);
  ASSERT_TRUE(outbox) << outbox.error().ToString();
  ASSERT_TRUE((*outbox)->CatchUp());
  EXPECT_EQ((*outbox)->pending(), 1u);
  EXPECT_TRUE((*outbox)->caught_up());
  ASSERT_FALSE(recording.froms.empty());
  for (uint64_t from : recording.froms) EXPECT_GT(from, 1u) << "the log was read from position 1";
  clock_.Set(*(*outbox)->next_due());
  auto made = (*outbox)->DeliverDue();
  ASSERT_TRUE(made) << made.error().ToString();
  EXPECT_EQ(*made, 1u);
  EXPECT_TRUE(email2.sent.empty()) << "e-mails already delivered went again";
  ASSERT_EQ(webhook2.delivered.size(), 1u);
  const Notification& before = webhook_.sent[0];
  const Notification& after = webhook2.delivered[0];
  EXPECT_EQ(after.delivery_id, before.delivery_id);
  EXPECT_EQ(after.recipient, before.recipient);
  EXPECT_EQ(after.message.subject, before.message.subject);
  EXPECT_EQ(after.message.text, before.message.text);
  EXPECT_EQ(after.message.json, before.message.json);
  EXPECT_EQ(DeliveryEvents(*store_).back().event.notification_attempted().attempt(), 2u);
}

// The state is kept per set of channels: turning the webhook on starts a state of its own,
// read from position 1, so the webhook gets what an e-mail-only outbox had already sent by mail.
TEST_F(OutboxTest, TurningAChannelOnReadsTheLogAgainForIt) {
  People();
  RemindAboutFigure(*store_, kTenant, "NI-192", "FY2011-Q2", kStart, {"p-entry"});
  {
    auto outbox = MakeOutbox({.email = &email_});
    EXPECT_EQ(Round(*outbox), 1u);
  }
  auto outbox = MakeOutbox({.email = &email_, .webhook = &webhook_});
  EXPECT_EQ(Round(*outbox), 1u);
  EXPECT_EQ(webhook_.delivered.size(), 1u);
  EXPECT_EQ(email_.sent.size(), 1u) << "the e-mail already delivered went again";
}

}  // namespace
}  // namespace goldthread::engine
