// Notifications: `goldthread serve`'s delivery of reminders and escalations — the options an
// operator sets (SMTP, webhook, outbox limits), checked before anything starts, and the outbox
// running beside the server with its metrics and log lines.
//
//   auto n = Notifications::Configure(options.notifications);  // before the store is opened
//   if (!n) { print n.error().message; exit 2; }               // one clear line, nothing written
//   if (*n) (*n)->Start(store, clock, tenant, &metrics);       // null: nothing configured
//   ...
//   (*n)->Stop();
//
// Threading: Configure, Start and Stop from one thread (serve's main thread); the outbox runs
// on a thread of its own between Start and Stop.
#ifndef GOLDTHREAD_ADAPTERS_NOTIFY_NOTIFICATIONS_H_
#define GOLDTHREAD_ADAPTERS_NOTIFY_NOTIFICATIONS_H_

#include <cstdint>
#include <memory>
#include <string>

#include "adapters/http/metrics.h"
#include "adapters/notify/smtp_sender.h"
#include "adapters/notify/webhook_sender.h"
#include "engine/notify/outbox.h"

namespace goldthread::adapters {

// Every option has a `serve` flag and an environment variable (adapters/README.md lists them).
struct NotificationOptions {
  // E-mail: on when smtp_url is set. See SmtpOptions for each field.
  std::string smtp_url;               // GOLDTHREAD_SMTP_URL
  uint16_t smtp_port = 0;             // GOLDTHREAD_SMTP_PORT
  bool smtp_require_starttls = true;  // GOLDTHREAD_SMTP_REQUIRE_STARTTLS
  std::string smtp_user;              // GOLDTHREAD_SMTP_USER
  std::string smtp_password_file;     // GOLDTHREAD_SMTP_PASSWORD_FILE
  std::string smtp_from;              // GOLDTHREAD_SMTP_FROM
  int smtp_timeout_seconds = 30;      // GOLDTHREAD_SMTP_TIMEOUT
  // Webhook: on when webhook_url is set. See WebhookOptions.
  std::string webhook_url;           // GOLDTHREAD_WEBHOOK_URL
  std::string webhook_secret_file;   // GOLDTHREAD_WEBHOOK_SECRET_FILE
  int webhook_timeout_seconds = 10;  // GOLDTHREAD_WEBHOOK_TIMEOUT
  // Where people act: links are this plus the item's path. Default (empty): http://<listen>.
  std::string public_base_url;  // GOLDTHREAD_PUBLIC_URL
  // The outbox's limits; see engine::OutboxOptions.
  uint32_t max_attempts = 8;          // GOLDTHREAD_NOTIFY_MAX_ATTEMPTS
  int initial_backoff_seconds = 30;   // GOLDTHREAD_NOTIFY_BACKOFF
  int max_backoff_seconds = 3600;     // GOLDTHREAD_NOTIFY_BACKOFF_CAP
  size_t max_pending = 10'000;        // GOLDTHREAD_NOTIFY_MAX_PENDING
  int max_source_age_hours = 24 * 7;  // GOLDTHREAD_NOTIFY_MAX_AGE_HOURS
};

class Notifications {
 public:
  // Checks every option and reads the secret files, contacting no server and writing nothing.
  // Null when neither e-mail nor webhook is configured. InvalidArgument naming the option
  // (its flag's name) otherwise.
  static Result<std::unique_ptr<Notifications>> Configure(const NotificationOptions& options);
  ~Notifications();
  Notifications(const Notifications&) = delete;
  Notifications& operator=(const Notifications&) = delete;

  // Starts the outbox on `store` for `tenant`; registers goldthread_notifications_pending and
  // the attempt counters on `metrics`. Everything passed must outlive Stop (and `metrics` this
  // object: its callbacks read the outbox).
  Status Start(store::EventStore* store, const Clock* clock, const std::string& tenant,
               Metrics* metrics);
  // Stops the outbox after the delivery in progress; idempotent.
  void Stop();

  // What is on, for the start-up log line: "e-mail via smtp://..., webhook to http://...".
  std::string Describe() const;

 private:
  explicit Notifications(const NotificationOptions& options) : options_(options) {}

  const NotificationOptions options_;
  std::unique_ptr<SmtpSender> smtp_;
  std::unique_ptr<WebhookSender> webhook_;
  std::unique_ptr<engine::Outbox> outbox_;
};

}  // namespace goldthread::adapters

#endif  // GOLDTHREAD_ADAPTERS_NOTIFY_NOTIFICATIONS_H_
