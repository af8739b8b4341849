#include "adapters/notify/webhook_sender.h"

#include <gtest/gtest.h>

#include <fstream>

#include "tests/testing/loopback_receivers.h"
#include "tests/testing/temp_dir.h"

namespace goldthread::adapters {
namespace {

using goldthread::testing::FreeLoopbackPort;
using goldthread::testing::PythonHasModule;
using goldthread::testing::TempDir;
using goldthread::testing::WebhookReceiver;

constexpr char kSecret[] = "s3cret-for-hmac";

class WebhookSenderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!PythonHasModule("http.server")) GTEST_SKIP() << "/usr/bin/python3 is not installed";
    std::ofstream(dir_.Sub("secret")) << kSecret << "\n";
  }
  std::unique_ptr<WebhookSender> Sender(const std::string& url) {
    auto s = WebhookSender::Create(
        {.url = url, .secret_file = dir_.Sub("secret"), .timeout = std::chrono::seconds(5)});
    EXPECT_TRUE(s) << s.error().ToString();
    return s ? std::move(*s) : nullptr;
  }
  static engine::Notification Sample() {
    engine::Notification n;
    n.delivery_id = "dfeedface";
    n.channel = goldthread::v1::NOTIFICATION_CHANNEL_WEBHOOK;
    n.recipient = "webhook";
    n.message.json =
        R"({"delivery_id":"dfeedface","kind":"reminder","outstanding":"not submitted"})";
    return n;
  }
  TempDir dir_;
};

TEST_F(WebhookSenderTest, ArrivesOnceSignedWithTheDeliveryId) {
  WebhookReceiver receiver(kSecret);
  ASSERT_TRUE(receiver.Start());
  auto hook = Sender(receiver.url());
  const Status sent = hook->Send(Sample());
  ASSERT_TRUE(sent) << sent.error().ToString();
  const auto requests = receiver.Requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].delivery_id, "dfeedface");
  EXPECT_TRUE(requests[0].signature_ok)
      << "the receiver could not verify " << requests[0].signature;
  EXPECT_EQ(requests[0].body, Sample().message.json);
}

TEST_F(WebhookSenderTest, ReceiverWithAnotherSecretRejectsTheSignature) {
  WebhookReceiver receiver("another secret");
  ASSERT_TRUE(receiver.Start());
  ASSERT_TRUE(Sender(receiver.url())->Send(Sample()));
  const auto requests = receiver.Requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_FALSE(requests[0].signature_ok);
}

TEST_F(WebhookSenderTest, ServerErrorsAreRetriedAndRefusalsAreNot) {
  WebhookReceiver busy(kSecret, 503);
  ASSERT_TRUE(busy.Start());
  const Status s503 = Sender(busy.url())->Send(Sample());
  ASSERT_FALSE(s503);
  EXPECT_EQ(s503.error().code, ErrorCode::kUnavailable);
  EXPECT_EQ(s503.error().message, "HTTP 503");

  WebhookReceiver refusing(kSecret, 400);
  ASSERT_TRUE(refusing.Start());
  const Status s400 = Sender(refusing.url())->Send(Sample());
  ASSERT_FALSE(s400);
  EXPECT_EQ(s400.error().code, ErrorCode::kFailedPrecondition);
}

TEST_F(WebhookSenderTest, ReceiverDownIsAFailureToRetry) {
  const Status s =
      Sender("http://127.0.0.1:" + std::to_string(FreeLoopbackPort()) + "/x")->Send(Sample());
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().code, ErrorCode::kUnavailable);
}

TEST_F(WebhookSenderTest, CreateRejectsBadUrlAndMissingSecret) {
  auto bad = WebhookSender::Create({.url = "ftp://x", .secret_file = dir_.Sub("secret")});
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().field, "webhook-url");
  auto no_secret =
      WebhookSender::Create({.url = "https://hooks.example/x", .secret_file = dir_.Sub("missing")});
  ASSERT_FALSE(no_secret);
  EXPECT_EQ(no_secret.error().field, "webhook-secret-file");
}

TEST(WebhookSignatureTest, MatchesAKnownHmacSha256) {
  // RFC 4231 test case 2.
  EXPECT_EQ(WebhookSignature("Jefe", "what do ya want for nothing?"),
            "sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

}  // namespace
}  // namespace goldthread::adapters
