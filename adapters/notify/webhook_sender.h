// WebhookSender: delivers a notification as an HTTP POST of its JSON body with libcurl, signed
// so the receiver can tell it came from this goldthread.
//
// Each request carries
//   Content-Type: application/json
//   X-Goldthread-Delivery: <delivery id>           (the same on a repeat: drop duplicates by it)
//   X-Goldthread-Signature: sha256=<hex HMAC-SHA256(secret, body)>
// A receiver recomputes the HMAC over the raw body with the shared secret and compares in
// constant time.
//
//   auto hook = WebhookSender::Create({.url = "https://hooks.example/gt",
//                                      .secret_file = "/etc/goldthread/webhook.secret"});
//   Status s = (*hook)->Send(notification);
//
// Threading: Send may be called from one thread at a time (the outbox's). Create is
// thread-safe.
#ifndef GOLDTHREAD_ADAPTERS_NOTIFY_WEBHOOK_SENDER_H_
#define GOLDTHREAD_ADAPTERS_NOTIFY_WEBHOOK_SENDER_H_

#include <chrono>
#include <memory>
#include <string>
#include <string_view>

#include "engine/notify/outbox.h"
#include "store/base/errors.h"

namespace goldthread::adapters {

struct WebhookOptions {
  // http:// or https:// URL to POST to. Required.
  std::string url;
  // File holding the shared HMAC secret (trailing newline ignored). Required; read once, at
  // Create.
  std::string secret_file;
  // Longest one request may take, connection included. Default: 10 s.
  std::chrono::seconds timeout{10};
};

class WebhookSender final : public engine::NotificationSender {
 public:
  // Checks the URL and reads the secret, contacting nothing. InvalidArgument naming the option
  // ("webhook-url", "webhook-secret-file").
  static Result<std::unique_ptr<WebhookSender>> Create(WebhookOptions options);

  // OK on any 2xx. kUnavailable (retried) on connection failures, timeouts, 408, 429 and 5xx;
  // kFailedPrecondition (abandoned) on any other status: the receiver refuses this request
  // and would refuse it again. Redirects are not followed (they count as refusals).
  Status Send(const engine::Notification& notification) override;

 private:
  WebhookSender(WebhookOptions options, std::string secret);

  // Constant after construction.
  const WebhookOptions options_;
  const std::string secret_;
};

// "sha256=" and the lower-case hex HMAC-SHA256 of `body` under `secret`.
std::string WebhookSignature(std::string_view secret, std::string_view body);

}  // namespace goldthread::adapters

#endif  // GOLDTHREAD_ADAPTERS_NOTIFY_WEBHOOK_SENDER_H_
