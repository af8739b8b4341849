#include "adapters/notify/smtp_sender.h"

#include <gtest/gtest.h>

#include <fstream>

#include "tests/testing/loopback_receivers.h"
#include "tests/testing/temp_dir.h"

namespace goldthread::adapters {
namespace {

using goldthread::testing::FreeLoopbackPort;
using goldthread::testing::PythonHasModule;
using goldthread::testing::SmtpReceiver;

engine::Notification Sample() {
  engine::Notification n;
  n.delivery_id = "d0123456789abcdef0123456789abcdef";
  n.channel = goldthread::v1::NOTIFICATION_CHANNEL_EMAIL;
  n.recipient = "pat@council.example";
  n.recipient_name = "Pat Entry";
  n.recipient_person_id = "p-entry";
  n.message.subject = "Reminder: NI-192, FY2011-Q2: not submitted, due 2011-10-21 17:00 BST";
  n.message.text =
      "Dear Pat Entry,\n\nWhat is due:  not submitted\n.\nAct on it here:\n"
      "http://gt.example/api/v1/figures/NI-192/FY2011-Q2\n";
  return n;
}

#define REQUIRE_AIOSMTPD()                                                             \
  if (!PythonHasModule("aiosmtpd")) {                                                  \
    GTEST_SKIP() << "python3-aiosmtpd is not installed (GOLDTHREAD_WITH_TEST_TOOLS=1 " \
                    "deploy/install-deps.sh)";                                         \
  }

TEST(SmtpSenderTest, MessageArrivesOnceWithTheRightContent) {
  REQUIRE_AIOSMTPD();
  SmtpReceiver server;
  ASSERT_TRUE(server.Start());
  auto smtp = SmtpSender::Create({.url = "smtp://127.0.0.1",
                                  .port = server.port(),
                                  .require_starttls = false,
                                  .from = "Performance team <performance@council.example>"});
  ASSERT_TRUE(smtp) << smtp.error().ToString();
  const Status sent = (*smtp)->Send(Sample());
  ASSERT_TRUE(sent) << sent.error().ToString();
  const auto messages = server.Messages();
  ASSERT_EQ(messages.size(), 1u);
  const std::string& m = messages[0];
  EXPECT_NE(m.find("To: \"Pat Entry\" <pat@council.example>"), std::string::npos) << m;
  EXPECT_NE(m.find("From: Performance team <performance@council.example>"), std::string::npos);
  EXPECT_NE(m.find("Subject: Reminder: NI-192, FY2011-Q2: not submitted, due 2011-10-21 17:00 BST"),
            std::string::npos)
      << m;
  EXPECT_NE(m.find("X-Goldthread-Delivery: d0123456789abcdef0123456789abcdef"), std::string::npos);
  EXPECT_NE(m.find("Message-ID: <d0123456789abcdef0123456789abcdef@goldthread>"),
            std::string::npos);
  EXPECT_NE(m.find("What is due:  not submitted"), std::string::npos) << m;
  // A line holding a lone dot survives SMTP's end-of-data marker.
  EXPECT_NE(m.find("not submitted\n.\nAct on it here:"), std::string::npos) << m;
  EXPECT_NE(m.find("http://gt.example/api/v1/figures/NI-192/FY2011-Q2"), std::string::npos);
}

TEST(SmtpSenderTest, RequiredStarttlsRefusesAServerWithoutTls) {
  REQUIRE_AIOSMTPD();
  SmtpReceiver server;
  ASSERT_TRUE(server.Start());
  auto smtp = SmtpSender::Create({.url = "smtp://127.0.0.1",
                                  .port = server.port(),
                                  .require_starttls = true,
                                  .from = "performance@council.example"});
  ASSERT_TRUE(smtp);
  const Status sent = (*smtp)->Send(Sample());
  ASSERT_FALSE(sent);
  EXPECT_EQ(sent.error().code, ErrorCode::kUnavailable) << sent.error().message;
  EXPECT_TRUE(server.Messages().empty()) << "sent in clear although STARTTLS was required";
}

TEST(SmtpSenderTest, ServerDownIsAFailureToRetry) {
  auto smtp = SmtpSender::Create({.url = "smtp://127.0.0.1",
                                  .port = FreeLoopbackPort(),
                                  .require_starttls = false,
                                  .from = "performance@council.example",
                                  .timeout = std::chrono::seconds(5)});
  ASSERT_TRUE(smtp);
  const Status sent = (*smtp)->Send(Sample());
  ASSERT_FALSE(sent);
  EXPECT_EQ(sent.error().code, ErrorCode::kUnavailable);
}

TEST(SmtpSenderTest, ARefusedMailboxIsGivenUpNotRetried) {
  REQUIRE_AIOSMTPD();
  // An SMTP server (aiosmtpd) that answers every RCPT TO with 550: no such mailbox.
  constexpr char kRefusingServer[] = R"(
import sys, time
from aiosmtpd.controller import Controller
class Refuse:
    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        return '550 5.1.1 no such mailbox'
Controller(Refuse(), hostname='127.0.0.1', port=int(sys.argv[1])).start()
while True:
    time.sleep(60)
)";
  goldthread::testing::TempDir dir;
  goldthread::testing::ReceiverProcess server;
  const uint16_t port = FreeLoopbackPort();
  ASSERT_TRUE(server.Start(
      {goldthread::testing::kSystemPython, "-c", kRefusingServer, std::to_string(port)},
      dir.Sub("smtpd.log")));
  ASSERT_TRUE(goldthread::testing::WaitForPort(port, std::chrono::seconds(10)));
  auto smtp = SmtpSender::Create({.url = "smtp://127.0.0.1",
                                  .port = port,
                                  .require_starttls = false,
                                  .from = "performance@council.example",
                                  .timeout = std::chrono::seconds(5)});
  ASSERT_TRUE(smtp);
  const Status sent = (*smtp)->Send(Sample());
  ASSERT_FALSE(sent);
  EXPECT_EQ(sent.error().code, ErrorCode::kFailedPrecondition) << sent.error().message;
  EXPECT_NE(sent.error().message.find("SMTP 550"), std::string::npos) << sent.error().message;
}

TEST(SmtpSenderTest, CreateRejectsBadOptionsNamingThem) {
  auto bad_url = SmtpSender::Create({.url = "http://mail.example", .from = "a@b.example"});
  ASSERT_FALSE(bad_url);
  EXPECT_EQ(bad_url.error().field, "smtp-url");
  EXPECT_FALSE(SmtpSender::Create({.url = "smtp://", .from = "a@b.example"}));
  auto no_from = SmtpSender::Create({.url = "smtp://mail.example"});
  ASSERT_FALSE(no_from);
  EXPECT_EQ(no_from.error().field, "smtp-from");
  EXPECT_FALSE(SmtpSender::Create({.url = "smtp://mail.example", .from = "not an address"}));
  auto no_password = SmtpSender::Create({.url = "smtps://mail.example",
                                         .user = "goldthread",
                                         .password_file = "/nonexistent/password",
                                         .from = "a@b.example"});
  ASSERT_FALSE(no_password);
  EXPECT_EQ(no_password.error().field, "smtp-password-file");
}

TEST(SmtpSenderTest, NonAsciiSubjectAndNameAreEncodedWords) {
  auto smtp = SmtpSender::Create({.url = "smtp://mail.example", .from = "a@b.example"});
  ASSERT_TRUE(smtp);
  engine::Notification n = Sample();
  n.recipient_name = "Zoë Brontë";
  n.message.subject = "Reminder — due";
  const std::string m = (*smtp)->Compose(n);
  EXPECT_NE(m.find("Subject: =?UTF-8?B?"), std::string::npos) << m;
  EXPECT_NE(m.find("To: =?UTF-8?B?"), std::string::npos) << m;
  EXPECT_EQ(m.find("\n\n"), std::string::npos) << "bare LF in an SMTP message";
}

}  // namespace
}  // namespace goldthread::adapters
