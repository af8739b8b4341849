// SmtpSender: delivers a notification as a plain-text e-mail over SMTP with libcurl.
//
// One message per Send, on a connection of its own (notifications are few; a pooled
// connection would only add failure modes). The message is UTF-8 plain text with a
// `Message-ID: <delivery id@goldthread>` and an `X-Goldthread-Delivery` header, so a repeat
// after a crash can be recognised by a mail filter or a person.
//
//   auto smtp = SmtpSender::Create({.url = "smtp://mail.council.example", .from = "..."});
//   if (!smtp) { print smtp.error().message; }   // bad URL, unreadable password file, ...
//   Status s = (*smtp)->Send(notification);
//
// Threading: Send may be called from one thread at a time (the outbox's). Create is
// thread-safe.
#ifndef GOLDTHREAD_ADAPTERS_NOTIFY_SMTP_SENDER_H_
#define GOLDTHREAD_ADAPTERS_NOTIFY_SMTP_SENDER_H_

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include "engine/notify/outbox.h"
#include "store/base/clock.h"
#include "store/base/errors.h"

namespace goldthread::adapters {

struct SmtpOptions {
  // smtp://host (STARTTLS per require_starttls) or smtps://host (TLS from the first byte).
  // Required.
  std::string url;
  // Overrides the URL's port; 0 keeps the URL's, or the scheme's default (25, 465).
  uint16_t port = 0;
  // For smtp:// URLs: true refuses to send unless the server upgrades to TLS with STARTTLS
  // (credentials and content never cross the network in clear); false uses STARTTLS when the
  // server offers it and sends in clear otherwise (for a relay on the same host or a test
  // server). Default: true.
  bool require_starttls = true;
  // SMTP AUTH user; empty sends without authenticating. Default: empty.
  std::string user;
  // File holding the password (trailing newline ignored); required with `user`. Read once, at
  // Create.
  std::string password_file;
  // The From header, an address or "Name <address>". Required.
  std::string from;
  // Longest one message may take, connection included. Default: 30 s.
  std::chrono::seconds timeout{30};
  // Source of the Date header. Not owned. Default: the system clock.
  const Clock* clock = nullptr;
};

class SmtpSender final : public engine::NotificationSender {
 public:
  // Checks the options (scheme, host, From address, password file), contacting nothing.
  // InvalidArgument naming the option ("smtp_url", "smtp_from", "smtp_password_file").
  static Result<std::unique_ptr<SmtpSender>> Create(SmtpOptions options);

  // OK once the server accepted the message (250 after DATA). kFailedPrecondition when it
  // refused the recipient for good (550, 551, 553: no such mailbox); kUnavailable otherwise
  // (connection, TLS, authentication, 4xx), which the outbox retries.
  Status Send(const engine::Notification& notification) override;

  // The whole message as sent (headers, blank line, body; CRLF line ends). For tests.
  std::string Compose(const engine::Notification& notification) const;

 private:
  SmtpSender(SmtpOptions options, std::string password, std::string from_address);

  // Constant after construction.
  const SmtpOptions options_;
  const std::string password_;
  const std::string from_address_;  // the bare address of options_.from
};

}  // namespace goldthread::adapters

#endif  // GOLDTHREAD_ADAPTERS_NOTIFY_SMTP_SENDER_H_
