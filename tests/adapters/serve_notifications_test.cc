// `goldthread serve` as an operator runs it: the real binary, its notification flags, a SIGKILL
// in the middle of deliveries, and bad configuration.
#include <gtest/gtest.h>

#include <filesystem>
#include <signal.h>
#include <sys/wait.h>

#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <thread>

#include "engine/notify/outbox.h"
#include "tests/testing/loopback_receivers.h"
#include "tests/testing/notification_log.h"
#include "tests/testing/temp_dir.h"

namespace goldthread::adapters {
namespace {

namespace v1 = goldthread::v1;
using goldthread::testing::ReceiverProcess;
using goldthread::testing::DeliveryEvents;
using goldthread::testing::FreeLoopbackPort;
using goldthread::testing::PythonHasModule;
using goldthread::testing::SmtpReceiver;
using goldthread::testing::TempDir;
using goldthread::testing::WebhookReceiver;

constexpr char kSecret[] = "webhook-secret-for-the-test";
const TimePoint kRecordedAt = TimePoint(std::chrono::seconds(1767607200));  // 2026-01-05 10:00Z

std::string ReadAll(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string HeaderValue(const std::string& message, const std::string& name) {
  const size_t at = message.find("\n" + name + ": ");
  if (at == std::string::npos) return "";
  const size_t start = at + name.size() + 3;
  return message.substr(start, message.find_first_of("\r\n", start) - start);
}

template <typename Pred>
bool WaitUntil(Pred pred, std::chrono::seconds within) {
  const auto deadline = std::chrono::steady_clock::now() + within;
  while (std::chrono::steady_clock::now() < deadline) {
    if (pred()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return pred();
}

// Kill -9 while deliveries are in progress, restart on the same folder: every notification
// arrives, and a repeat carries the same delivery id.
TEST(ServeNotificationsTest, KilledMidDeliveryAndRestartedLosesNoNotification) {
  if (!PythonHasModule("aiosmtpd")) {
    GTEST_SKIP() << "python3-aiosmtpd is not installed (GOLDTHREAD_WITH_TEST_TOOLS=1 "
                    "deploy/install-deps.sh)";
  }
  TempDir dir;
  const std::string data_dir = dir.Sub("data");
  std::ofstream(dir.Sub("secret")) << kSecret << "\n";
  std::filesystem::permissions(dir.Sub("secret"), std::filesystem::perms::owner_read |
                                                     std::filesystem::perms::owner_write);

  // The log: three people and 40 reminders to all three (120 e-mails, 40 webhook calls).
  const std::vector<std::pair<std::string, std::string>> people = {
      {"p-entry", "pat@council.example"},
      {"p-sm", "sam@council.example"},
      {"p-dir", "dee@council.example"}};
  std::map<std::string, std::string> expected_email;  // delivery id -> address
  std::set<std::string> expected_webhook;
  {
    SimulatedClock clock(kRecordedAt);
    store::StoreOptions so;
    so.clock = &clock;
    auto store = store::EventStore::Open(data_dir, so);
    ASSERT_TRUE(store) << store.error().ToString();
    for (const auto& [id, email] : people) {
      goldthread::testing::RegisterPerson(**store, "t", id, id + " name", email);
    }
    goldthread::testing::DefineIndicator(**store, "t", "NI-192", "Household waste recycled");
    for (int i = 0; i < 40; ++i) {
      const std::string source = goldthread::testing::RemindAboutFigure(
          **store, "t", "NI-192", "FY2025-M" + std::to_string(10 + i), kRecordedAt,
          {"p-entry", "p-sm", "p-dir"});
      ASSERT_FALSE(source.empty());
      for (const auto& [id, email] : people) {
        expected_email[engine::DeliveryId(source, v1::NOTIFICATION_CHANNEL_EMAIL, email)] = email;
      }
      expected_webhook.insert(
          engine::DeliveryId(source, v1::NOTIFICATION_CHANNEL_WEBHOOK, "webhook"));
    }
  }

  SmtpReceiver smtp;
  ASSERT_TRUE(smtp.Start());
  WebhookReceiver hook(kSecret, 200, std::chrono::milliseconds(40));
  ASSERT_TRUE(hook.Start());
  const std::vector<std::string> argv = {GOLDTHREAD_CLI,
                                         "serve",
                                         "--data-dir",
                                         data_dir,
                                         "--tenant",
                                         "t",
                                         "--listen",
                                         "127.0.0.1:" + std::to_string(FreeLoopbackPort()),
                                         "--simulate",
                                         "--simulate-start",
                                         "2026-01-05T11:00:00Z",
                                         "--smtp-url",
                                         "smtp://127.0.0.1",
                                         "--smtp-port",
                                         std::to_string(smtp.port()),
                                         "--smtp-require-starttls",
                                         "false",
                                         "--smtp-from",
                                         "Performance team <performance@council.example>",
                                         "--webhook-url",
                                         hook.url(),
                                         "--webhook-secret-file",
                                         dir.Sub("secret"),
                                         "--public-url",
                                         "https://gt.example"};

  ReceiverProcess first;
  ASSERT_TRUE(first.Start(argv, dir.Sub("serve1.log")));
  ASSERT_TRUE(WaitUntil([&] { return hook.Requests().size() >= 12; }, std::chrono::seconds(60)))
      << ReadAll(dir.Sub("serve1.log"));
  const int status = first.Kill(SIGKILL);
  EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
  const size_t before_restart = hook.Requests().size() + smtp.Messages().size();
  ASSERT_LT(before_restart, 160u) << "everything arrived before the kill: the test proves nothing";

  auto distinct = [&] {
    std::set<std::string> email_ids, webhook_ids;
    for (const std::string& m : smtp.Messages()) {
      email_ids.insert(HeaderValue(m, "X-Goldthread-Delivery"));
    }
    for (const auto& r : hook.Requests()) webhook_ids.insert(r.delivery_id);
    return std::make_pair(email_ids, webhook_ids);
  };
  ReceiverProcess second;
  ASSERT_TRUE(second.Start(argv, dir.Sub("serve2.log")));
  EXPECT_TRUE(WaitUntil(
      [&] {
        auto [e, w] = distinct();
        return e.size() >= expected_email.size() && w.size() >= expected_webhook.size();
      },
      std::chrono::seconds(120)))
      << ReadAll(dir.Sub("serve2.log"));
  std::this_thread::sleep_for(std::chrono::milliseconds(500));  // the last attempts are recorded
  second.Kill(SIGTERM);

  auto [email_ids, webhook_ids] = distinct();
  std::set<std::string> want_email;
  for (const auto& [id, address] : expected_email) want_email.insert(id);
  EXPECT_EQ(email_ids, want_email) << "an e-mail was lost, or one arrived with an unknown id";
  EXPECT_EQ(webhook_ids, expected_webhook) << "a webhook call was lost or has an unknown id";
  for (const std::string& m : smtp.Messages()) {
    const std::string id = HeaderValue(m, "X-Goldthread-Delivery");
    ASSERT_TRUE(expected_email.contains(id));
    EXPECT_NE(HeaderValue(m, "To").find("<" + expected_email[id] + ">"), std::string::npos) << m;
    EXPECT_NE(m.find("https://gt.example/api/v1/figures/NI-192/FY2025-M"), std::string::npos);
  }
  for (const auto& r : hook.Requests()) EXPECT_TRUE(r.signature_ok) << r.delivery_id;
  const size_t total = smtp.Messages().size() + hook.Requests().size();
  // At most the deliveries in flight at the kill are repeated (one at a time: one repeat).
  EXPECT_LE(total, 160u + 1u) << "repeats beyond the one in flight at the kill";
  std::printf("deliveries received: %zu for 160 (repeats: %zu), %zu before the kill\n", total,
              total - 160, before_restart);

  // The log agrees: every delivery has a DELIVERED attempt.
  store::StoreOptions ro;
  ro.read_only = true;
  auto store = store::EventStore::Open(data_dir, ro);
  ASSERT_TRUE(store) << store.error().ToString();
  std::set<std::string> delivered;
  for (const auto& r : DeliveryEvents(**store)) {
    if (r.event.has_notification_attempted() &&
        r.event.notification_attempted().outcome() == v1::NOTIFICATION_OUTCOME_DELIVERED) {
      EXPECT_TRUE(delivered.insert(r.event.notification_attempted().delivery_id()).second)
          << "a delivery recorded as delivered twice";
    }
  }
  EXPECT_EQ(delivered.size(), 160u);
}

// Bad notification settings stop `serve` before it opens the store: one line on stderr, exit
// 2, no folder created and nothing appended to an existing one.
TEST(ServeNotificationsTest, BadNotificationConfigurationFailsAtStartAndWritesNothing) {
  TempDir dir;
  std::ofstream(dir.Sub("secret")) << kSecret;
  std::filesystem::permissions(dir.Sub("secret"), std::filesystem::perms::owner_read |
                                                     std::filesystem::perms::owner_write);
  const std::vector<std::vector<std::string>> bad = {
      {"--webhook-url", "ftp://hooks.example/x", "--webhook-secret-file", dir.Sub("secret")},
      {"--webhook-url", "http://hooks.example/x", "--webhook-secret-file", dir.Sub("missing")},
      {"--smtp-url", "smtp://mail.example", "--smtp-user", "gt", "--smtp-password-file",
       dir.Sub("missing"), "--smtp-from", "a@b.example"},
      {"--smtp-url", "mail.example", "--smtp-from", "a@b.example"},
  };
  int n = 0;
  for (const auto& flags : bad) {
    const std::string data_dir = dir.Sub("data" + std::to_string(++n));
    std::vector<std::string> argv = {GOLDTHREAD_CLI, "serve",    "--data-dir",
                                     data_dir,       "--listen", "127.0.0.1:0"};
    argv.insert(argv.end(), flags.begin(), flags.end());
    const std::string log = dir.Sub("log" + std::to_string(n));
    ReceiverProcess p;
    ASSERT_TRUE(p.Start(argv, log));
    const int status = p.WaitExit(std::chrono::seconds(30));
    ASSERT_TRUE(WIFEXITED(status)) << ReadAll(log);
    EXPECT_EQ(WEXITSTATUS(status), 2) << ReadAll(log);
    const std::string output = ReadAll(log);
    EXPECT_EQ(std::count(output.begin(), output.end(), '\n'), 1) << output;
    EXPECT_TRUE(output.starts_with("goldthread: ")) << output;
    EXPECT_FALSE(std::filesystem::exists(data_dir)) << "a folder was created for " << output;
  }

  // An existing store is left as it was.
  const std::string data_dir = dir.Sub("existing");
  uint64_t head = 0;
  {
    SimulatedClock clock(kRecordedAt);
    store::StoreOptions so;
    so.clock = &clock;
    auto store = store::EventStore::Open(data_dir, so);
    ASSERT_TRUE(store);
    goldthread::testing::RegisterPerson(**store, "t", "p-1", "P", "p@x.example");
    head = (*store)->Head().position;
  }
  ReceiverProcess p;
  ASSERT_TRUE(p.Start({GOLDTHREAD_CLI, "serve", "--data-dir", data_dir, "--webhook-url",
                       "http://hooks.example/x", "--webhook-secret-file", dir.Sub("missing")},
                      dir.Sub("log-existing")));
  const int status = p.WaitExit(std::chrono::seconds(30));
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 2);
  store::StoreOptions ro;
  ro.read_only = true;
  auto store = store::EventStore::Open(data_dir, ro);
  ASSERT_TRUE(store);
  EXPECT_EQ((*store)->Head().position, head);
}

}  // namespace
}  // namespace goldthread::adapters
