#include "engine/notify/notification_message.h"

#include <google/protobuf/struct.pb.h>
#include <google/protobuf/util/json_util.h>
#include <gtest/gtest.h>

#include "engine/model/event_summary.h"

namespace goldthread::engine {
namespace {

namespace v1 = goldthread::v1;

// 2011-10-21 16:00 UTC is 17:00 BST.
const TimePoint kDue = TimePoint(std::chrono::seconds(1319212800));

NotificationFacts FigureFacts(bool escalation) {
  NotificationFacts f;
  f.tenant = "t";
  f.stream = "t/figure/NI-192/FY2011-Q2";
  f.position = 42;
  f.event_id = "ev-1";
  f.recorded_at = kDue - std::chrono::hours(24);
  f.indicator_title = "Household waste recycled";
  f.public_base_url = "https://goldthread.example.gov.uk/";
  f.people["p-entry"] = {.name = "Pat Entry", .email = "pat@council.example"};
  f.people["p-sm"] = {.name = "Sam Manager", .email = "sam@council.example"};
  v1::DeadlineRef* d;
  if (escalation) {
    auto* e = f.event.mutable_escalation_raised();
    e->set_escalation_id("esc-1");
    e->set_rung(2);
    e->set_outstanding("not signed off at service level");
    e->set_overdue_by_seconds(3 * 86400 + 4 * 3600);
    e->add_recipient_person_ids("p-entry");
    e->add_recipient_person_ids("p-sm");
    d = e->mutable_deadline();
  } else {
    auto* r = f.event.mutable_reminder_issued();
    r->set_outstanding("not submitted");
    r->add_recipient_person_ids("p-entry");
    r->add_recipient_person_ids("p-sm");
    r->add_recipient_roles(v1::ROLE_DATA_ENTRY);
    d = r->mutable_deadline();
  }
  d->set_workflow_id("chesterfield-service-first");
  d->set_cycle_period("FY2011-Q2");
  d->set_stage_id("collation");
  *d->mutable_due_at() = TimestampOf(kDue);
  return f;
}

bool Contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

TEST(NotificationMessageTest, ReminderSaysWhatIsDueForWhichFigureByWhenWhoElseAndWhere) {
  const RenderedNotification m = RenderNotification(FigureFacts(false), "p-entry", "d123");
  EXPECT_EQ(m.subject,
            "Reminder: NI-192 Household waste recycled, FY2011-Q2: not submitted, due "
            "2011-10-21 17:00 BST");
  EXPECT_TRUE(Contains(m.text, "Dear Pat Entry,")) << m.text;
  EXPECT_TRUE(Contains(m.text, "What is due:  not submitted")) << m.text;
  EXPECT_TRUE(Contains(m.text, "Indicator:    NI-192 Household waste recycled")) << m.text;
  EXPECT_TRUE(Contains(m.text, "Period:       FY2011-Q2")) << m.text;
  EXPECT_TRUE(Contains(m.text, "Due by:       2011-10-21 17:00 BST")) << m.text;
  EXPECT_TRUE(Contains(m.text, "Also told:    Sam Manager <sam@council.example>")) << m.text;
  EXPECT_FALSE(Contains(m.text, "Also told:    Pat")) << "the recipient is not 'also' told";
  EXPECT_TRUE(
      Contains(m.text, "https://goldthread.example.gov.uk/api/v1/figures/NI-192/FY2011-Q2\n"))
      << m.text;
  EXPECT_TRUE(Contains(m.text, "d123")) << m.text;
}

TEST(NotificationMessageTest, EscalationSaysItsLevelAndHowOverdue) {
  const RenderedNotification m = RenderNotification(FigureFacts(true), "p-sm", "d9");
  EXPECT_EQ(m.subject,
            "Escalation (level 2): NI-192 Household waste recycled, FY2011-Q2: not signed off at "
            "service level, 3d 4h overdue");
  EXPECT_TRUE(Contains(m.text, "Overdue by:   3d 4h")) << m.text;
  EXPECT_TRUE(Contains(m.text, "Also told:    Pat Entry <pat@council.example>")) << m.text;
}

TEST(NotificationMessageTest, WebhookJsonParsesAndCarriesTheFacts) {
  NotificationFacts f = FigureFacts(true);
  f.people["p-sm"].name = "Sam \"Quote\" Manager\n";
  const RenderedNotification m = RenderNotification(f, "", "d77");
  google::protobuf::Struct parsed;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(m.json, &parsed).ok()) << m.json;
  const auto& fields = parsed.fields();
  EXPECT_EQ(fields.at("delivery_id").string_value(), "d77");
  EXPECT_EQ(fields.at("kind").string_value(), "escalation");
  EXPECT_EQ(fields.at("rung").number_value(), 2);
  EXPECT_EQ(fields.at("source").struct_value().fields().at("position").number_value(), 42);
  EXPECT_EQ(fields.at("item").struct_value().fields().at("indicator_id").string_value(), "NI-192");
  EXPECT_EQ(fields.at("deadline").struct_value().fields().at("due_at").string_value(),
            "2011-10-21T16:00:00Z");
  const auto& recipients = fields.at("recipients").list_value().values();
  ASSERT_EQ(recipients.size(), 2);
  EXPECT_EQ(recipients[1].struct_value().fields().at("name").string_value(),
            "Sam \"Quote\" Manager\n");
  EXPECT_EQ(fields.at("link").string_value(),
            "https://goldthread.example.gov.uk/api/v1/figures/NI-192/FY2011-Q2");
}

TEST(NotificationMessageTest, ItemOfStreamNamesFindingsCyclesAndNothingElse) {
  EXPECT_EQ(ItemOfStream("t", "t/finding/f-1").path, "/api/v1/findings/f-1");
  const NotifiedItem cycle = ItemOfStream("t", "t/cycle/leeds-quarterly/FY2011-Q2");
  EXPECT_EQ(cycle.kind, "cycle");
  EXPECT_EQ(cycle.path, "/api/v1/cycles/leeds-quarterly/FY2011-Q2");
  EXPECT_EQ(ItemOfStream("t", "other/figure/NI-1/FY2011-Q2").kind, "");
  EXPECT_EQ(ItemOfStream("t", "t/org").kind, "");
}

TEST(NotificationMessageTest, JsonQuoteEscapesControlCharacters) {
  EXPECT_EQ(JsonQuote("a\"b\\c\n\x01"), "\"a\\\"b\\\\c\\n\\u0001\"");
}

}  // namespace
}  // namespace goldthread::engine
