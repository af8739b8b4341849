#include "adapters/notify/notifications.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

namespace goldthread::adapters {

namespace {

std::string_view ChannelLabel(goldthread::v1::NotificationChannel channel) {
  return channel == goldthread::v1::NOTIFICATION_CHANNEL_EMAIL ? "email" : "webhook";
}

std::string_view OutcomeLabel(goldthread::v1::NotificationOutcome outcome) {
  switch (outcome) {
    case goldthread::v1::NOTIFICATION_OUTCOME_DELIVERED:
      return "delivered";
    case goldthread::v1::NOTIFICATION_OUTCOME_FAILED:
      return "failed";
    default:
      return "failed_permanently";
  }
}

}  // namespace

Result<std::unique_ptr<Notifications>> Notifications::Configure(
    const NotificationOptions& options) {
  const bool any_smtp = !options.smtp_from.empty() || !options.smtp_user.empty() ||
                        !options.smtp_password_file.empty();
  const bool any_webhook = !options.webhook_secret_file.empty();
  if (options.smtp_url.empty() && any_smtp) {
    return InvalidField("smtp-url", "--smtp-url is required when other --smtp-* options are set");
  }
  if (options.webhook_url.empty() && any_webhook) {
    return InvalidField("webhook-url",
                        "--webhook-url is required when --webhook-secret-file is set");
  }
  if (options.smtp_url.empty() && options.webhook_url.empty()) return nullptr;
  if (!options.public_base_url.empty() && !options.public_base_url.starts_with("http://") &&
      !options.public_base_url.starts_with("https://")) {
    return InvalidField("public-url",
                        fmt::format("--public-url must start with http:// or https:// (got \"{}\")",
                                    options.public_base_url));
  }
  if (options.max_attempts < 1) {
    return InvalidField("notify-max-attempts", "--notify-max-attempts must be at least 1");
  }
  if (options.initial_backoff_seconds < 1 ||
      options.max_backoff_seconds < options.initial_backoff_seconds) {
    return InvalidField(
        "notify-backoff",
        "--notify-backoff must be at least 1 second and at most --notify-backoff-cap");
  }
  if (options.max_pending < 1) {
    return InvalidField("notify-max-pending", "--notify-max-pending must be at least 1");
  }
  if (options.max_source_age_hours < 1) {
    return InvalidField("notify-max-age-hours", "--notify-max-age-hours must be at least 1");
  }
  std::unique_ptr<Notifications> n(new Notifications(options));
  if (!options.smtp_url.empty()) {
    auto smtp = SmtpSender::Create({.url = options.smtp_url,
                                    .port = options.smtp_port,
                                    .require_starttls = options.smtp_require_starttls,
                                    .user = options.smtp_user,
                                    .password_file = options.smtp_password_file,
                                    .from = options.smtp_from,
                                    .timeout = std::chrono::seconds(options.smtp_timeout_seconds)});
    if (!smtp) return Unexpected(smtp.error());
    n->smtp_ = std::move(*smtp);
  }
  if (!options.webhook_url.empty()) {
    auto hook =
        WebhookSender::Create({.url = options.webhook_url,
                               .secret_file = options.webhook_secret_file,
                               .timeout = std::chrono::seconds(options.webhook_timeout_seconds)});
    if (!hook) return Unexpected(hook.error());
    n->webhook_ = std::move(*hook);
  }
  return n;
}

Notifications::~Notifications() { Stop(); }

Status Notifications::Start(store::EventStore* store, const Clock* clock, const std::string& tenant,
                            Metrics* metrics) {
  MetricFamily& attempts =
      metrics->Counter("goldthread_notification_attempts_total",
                       "Notification delivery attempts recorded, by channel and outcome");
  MetricFamily& abandoned =
      metrics->Counter("goldthread_notifications_abandoned_total",
                       "Notifications given up after too many attempts or a permanent refusal");
  auto outbox = engine::Outbox::Create(
      store, clock,
      {.tenant = tenant,
       .email = smtp_.get(),
       .webhook = webhook_.get(),
       .public_base_url = options_.public_base_url,
       .max_attempts = options_.max_attempts,
       .initial_backoff = std::chrono::seconds(options_.initial_backoff_seconds),
       .max_backoff = std::chrono::seconds(options_.max_backoff_seconds),
       .max_pending = options_.max_pending,
       .max_source_age = std::chrono::hours(options_.max_source_age_hours),
       .on_attempt =
           [&attempts, &abandoned](const engine::AttemptReport& r) {
             attempts.Add({{"channel", std::string(ChannelLabel(r.channel))},
                           {"outcome", std::string(OutcomeLabel(r.outcome))}});
             if (r.outcome == goldthread::v1::NOTIFICATION_OUTCOME_DELIVERED) {
               spdlog::info("notify delivered id={} channel={} to={} source={} attempt={}",
                            r.delivery_id, ChannelLabel(r.channel), r.recipient, r.source_stream,
                            r.attempt);
             } else if (r.abandoned) {
               abandoned.Add({{"channel", std::string(ChannelLabel(r.channel))}});
               spdlog::warn(
                   "notify abandoned id={} channel={} to={} source={} attempts={} error=\"{}\"",
                   r.delivery_id, ChannelLabel(r.channel), r.recipient, r.source_stream, r.attempt,
                   r.error);
             } else {
               spdlog::info("notify failed id={} channel={} to={} attempt={} error=\"{}\"",
                            r.delivery_id, ChannelLabel(r.channel), r.recipient, r.attempt,
                            r.error);
             }
           },
       .on_error = [](const Error& e) { spdlog::error("notify: {}", e.message); }});
  if (!outbox) return Unexpected(outbox.error());
  outbox_ = std::move(*outbox);
  engine::Outbox* o = outbox_.get();
  metrics->Callback("goldthread_notifications_pending",
                    "Notifications waiting for delivery or a retry (held in memory, bounded by "
                    "--notify-max-pending)",
                    [o] { return static_cast<double>(o->pending()); });
  metrics->Callback("goldthread_notifications_caught_up",
                    "1 when the outbox has read the log to its head; 0 while it catches up or "
                    "waits for a full backlog to drain",
                    [o] { return o->caught_up() ? 1.0 : 0.0; });
  outbox_->Start();
  return OkStatus();
}

void Notifications::Stop() {
  if (outbox_) outbox_->Stop();
}

std::string Notifications::Describe() const {
  std::string out;
  if (smtp_) out += fmt::format("e-mail via {}", options_.smtp_url);
  if (webhook_) {
    out += fmt::format("{}webhook to {}", out.empty() ? "" : ", ", options_.webhook_url);
  }
  return out;
}

}  // namespace goldthread::adapters
