#include "engine/notify/outbox.h"

#include <fmt/format.h>

#include <algorithm>
#include <utility>
#include <vector>

#include "engine/model/event_codec.h"
#include "engine/model/event_summary.h"
#include "goldthread/v1/projection_state.pb.h"
#include "store/base/hex.h"
#include "store/base/sha256.h"

namespace goldthread::engine {

namespace v1 = goldthread::v1;

namespace {

constexpr size_t kReadPage = 256;

std::string_view ChannelName(v1::NotificationChannel channel) {
  switch (channel) {
    case v1::NOTIFICATION_CHANNEL_EMAIL:
      return "email";
    case v1::NOTIFICATION_CHANNEL_WEBHOOK:
      return "webhook";
    default:
      return "unspecified";
  }
}

// The wait after failed attempt `attempt` (1-based): initial * 2^(attempt-1), at most `cap`.
std::chrono::seconds Backoff(uint32_t attempt, std::chrono::seconds initial,
                             std::chrono::seconds cap) {
  std::chrono::seconds wait = initial;
  for (uint32_t i = 1; i < attempt && wait < cap; ++i) wait *= 2;
  return std::min(wait, cap);
}

bool IsFinal(v1::NotificationOutcome outcome) {
  return outcome == v1::NOTIFICATION_OUTCOME_DELIVERED ||
         outcome == v1::NOTIFICATION_OUTCOME_FAILED_PERMANENTLY;
}

int64_t Micros(TimePoint t) {
  return std::chrono::duration_cast<std::chrono::microseconds>(t.time_since_epoch()).count();
}
TimePoint FromMicros(int64_t us) {
  return TimePoint(std::chrono::duration_cast<TimePoint::duration>(std::chrono::microseconds(us)));
}

}  // namespace

// The outbox's state as a projection: it folds into the Outbox's own maps (under the Outbox's
// mutex: the runner applies only when the Outbox calls it).
class Outbox::State : public Projection {
 public:
  State(Outbox* outbox, std::string name) : outbox_(outbox), name_(std::move(name)) {}
  std::string_view name() const override { return name_; }
  Status Apply(const EventView& view) override {
    if (!view.stream().starts_with(outbox_->options_.tenant + "/")) return OkStatus();
    auto event = view.event();
    // A payload that is not an Event (or was redacted) carries nothing to deliver.
    if (event) outbox_->ApplyLocked(view.envelope(), **event);
    return OkStatus();
  }
  void TakeChanges(ProjectionChanges* out) override { outbox_->TakeChangesLocked(out); }
  Status Restore(std::string_view key, std::string_view value) override {
    return outbox_->RestoreLocked(key, value);
  }
  Status FinishRestore() override { return outbox_->FinishRestoreLocked(); }

 private:
  Outbox* const outbox_;
  const std::string name_;
};

class Outbox::StateSet : public ProjectionSet {
 public:
  StateSet(Outbox* outbox, std::string name) : state_(outbox, std::move(name)) {}
  std::string_view name() const override { return "outbox"; }
  std::vector<Projection*> projections() override { return {&state_}; }

 private:
  State state_;
};

std::string DeliveryId(std::string_view source_event_id, v1::NotificationChannel channel,
                       std::string_view recipient) {
  const std::string input =
      fmt::format("{}\n{}\n{}", source_event_id, ChannelName(channel), recipient);
  std::string out = "d";
  AppendHex(&out, std::string_view(Sha256(input)).substr(0, 16));
  return out;
}

std::string DeliveryStream(std::string_view tenant, std::string_view delivery_id) {
  return fmt::format("{}/delivery/{}", tenant, delivery_id);
}

Result<std::unique_ptr<Outbox>> Outbox::Create(store::EventStore* store, const Clock* clock,
                                               OutboxOptions options) {
  if (store == nullptr || clock == nullptr) {
    return MakeError(ErrorCode::kInvalidArgument, "the outbox needs a store and a clock");
  }
  if (options.tenant.empty()) return InvalidField("tenant", "the outbox needs a tenant");
  if (options.max_attempts == 0) {
    return InvalidField("max_attempts", "notification attempts must be at least 1");
  }
  if (options.max_pending == 0) {
    return InvalidField("max_pending", "the notification backlog must hold at least 1");
  }
  if (options.initial_backoff.count() <= 0 || options.max_backoff < options.initial_backoff) {
    return InvalidField("initial_backoff",
                        "notification backoff must be positive and at most the backoff cap");
  }
  if (options.poll_interval.count() <= 0) {
    return InvalidField("poll_interval", "the outbox poll interval must be positive");
  }
  return std::unique_ptr<Outbox>(new Outbox(store, clock, std::move(options)));
}

Outbox::Outbox(store::EventStore* store, const Clock* clock, OutboxOptions options)
    : store_(store), clock_(clock), options_(std::move(options)) {}

Outbox::~Outbox() { Stop(); }

std::string Outbox::StateName() const {
  std::string channels;
  if (options_.email != nullptr) channels += "-email";
  if (options_.webhook != nullptr) channels += "-webhook";
  return fmt::format("outbox{}.v1", channels.empty() ? "-none" : channels);
}

Status Outbox::OpenStateLocked() {
  if (runner_ != nullptr) return OkStatus();
  auto runner = ProjectionRunner::Open(
      store_, [this, name = StateName()] { return std::make_unique<StateSet>(this, name); },
      {.page_events = kReadPage,
       .checkpoint_every_events = 100'000,
       .checkpoint_when_caught_up = false,
       .persist = options_.persist_state});
  if (!runner) return Unexpected(runner.error());
  runner_ = std::move(*runner);
  last_checkpoint_ = std::chrono::steady_clock::now();
  return OkStatus();
}

Status Outbox::CheckpointIfDueLocked(bool force) {
  if (runner_ == nullptr) return OkStatus();
  const auto now = std::chrono::steady_clock::now();
  if (!force && now - last_checkpoint_ < options_.checkpoint_interval) return OkStatus();
  last_checkpoint_ = now;
  return runner_->Checkpoint();
}

Result<size_t> Outbox::CatchUp() {
  std::lock_guard lock(mu_);
  if (auto s = OpenStateLocked(); !s) return Unexpected(s.error());
  const uint64_t head = store_->Head().position;
  const uint64_t from = runner_->position();
  // While the backlog has room, and no further than it has room for (an event adds at least
  // one delivery when it adds any), so the backlog stays near its bound.
  while (deliveries_.size() < options_.max_pending && runner_->position() < head) {
    const uint64_t room = options_.max_pending - deliveries_.size();
    const uint64_t until = runner_->position() + std::min<uint64_t>(room, kReadPage);
    const uint64_t before = runner_->position();
    auto applied = runner_->CatchUp(std::min(until, head));
    if (!applied) return Unexpected(applied.error());
    if (*applied == before) break;  // the log ended sooner than its head said
  }
  if (runner_->position() != from) {
    if (auto s = CheckpointIfDueLocked(/*force=*/false); !s) return Unexpected(s.error());
  }
  caught_up_.store(runner_->position() >= head);
  pending_count_.store(deliveries_.size());
  return runner_->position() - from;
}

void Outbox::ApplyLocked(const store::Envelope& envelope, const v1::Event& event) {
  switch (event.body_case()) {
    case v1::Event::kPersonRegistered: {
      const auto& p = event.person_registered();
      people_[p.person_id()] = NotifiedPerson{.name = p.name(), .email = p.email()};
      dirty_.insert("p/" + p.person_id());
      break;
    }
    case v1::Event::kIndicatorDefined:
      indicator_titles_[event.indicator_defined().indicator_id()] =
          event.indicator_defined().definition().title();
      dirty_.insert("i/" + event.indicator_defined().indicator_id());
      break;
    case v1::Event::kIndicatorRevised: {
      // The stream is <tenant>/indicator/<indicator id>.
      const std::string& stream = envelope.stream();
      indicator_titles_[stream.substr(stream.rfind('/') + 1)] =
          event.indicator_revised().definition().title();
      dirty_.insert("i/" + stream.substr(stream.rfind('/') + 1));
      break;
    }
    case v1::Event::kReminderIssued:
    case v1::Event::kEscalationRaised:
      AddDeliveriesLocked(envelope, event);
      break;
    case v1::Event::kNotificationAttempted: {
      const auto& a = event.notification_attempted();
      ApplyAttemptLocked(a.delivery_id(), a.attempt(), IsFinal(a.outcome()),
                         ToTimePoint(a.next_attempt_at()), envelope.stream_version());
      break;
    }
    case v1::Event::kNotificationAbandoned: {
      const auto& a = event.notification_abandoned();
      ApplyAttemptLocked(a.delivery_id(), a.attempts(), true, TimePoint{},
                         envelope.stream_version());
      break;
    }
    default:
      break;
  }
}

void Outbox::AddDeliveriesLocked(const store::Envelope& envelope, const v1::Event& event) {
  if (options_.email == nullptr && options_.webhook == nullptr) return;
  const TimePoint recorded_at = ToTimePoint(envelope.recorded_at());
  if (clock_->Now() - recorded_at > options_.max_source_age) {
    skipped_old_.fetch_add(1);
    return;
  }
  NotificationFacts facts{.tenant = options_.tenant,
                          .event = event,
                          .stream = envelope.stream(),
                          .position = envelope.position(),
                          .event_id = envelope.event_id(),
                          .recorded_at = recorded_at,
                          .public_base_url = options_.public_base_url};
  const auto& person_ids = event.has_escalation_raised()
                               ? event.escalation_raised().recipient_person_ids()
                               : event.reminder_issued().recipient_person_ids();
  for (const std::string& id : person_ids) {
    if (auto it = people_.find(id); it != people_.end()) facts.people[id] = it->second;
  }
  const NotifiedItem item = ItemOfStream(options_.tenant, envelope.stream());
  if (auto it = indicator_titles_.find(item.indicator_id);
      !item.indicator_id.empty() && it != indicator_titles_.end()) {
    facts.indicator_title = it->second;
  }

  auto make = [&](v1::NotificationChannel channel, const std::string& recipient,
                  const std::string& person_id) {
    Delivery d;
    d.notification.delivery_id = DeliveryId(envelope.event_id(), channel, recipient);
    d.notification.channel = channel;
    d.notification.recipient = recipient;
    d.notification.recipient_person_id = person_id;
    if (auto it = facts.people.find(person_id); it != facts.people.end()) {
      d.notification.recipient_name = it->second.name;
    }
    d.notification.message = RenderNotification(facts, person_id, d.notification.delivery_id);
    d.source_stream = envelope.stream();
    d.source_position = envelope.position();
    d.source_event_id = envelope.event_id();
    d.facts = facts;
    d.facts.public_base_url.clear();  // the current one is used when rendered again
    return d;
  };
  if (options_.email != nullptr) {
    for (const std::string& id : person_ids) {
      auto it = facts.people.find(id);
      if (it == facts.people.end() || it->second.email.empty()) {
        skipped_no_address_.fetch_add(1);
        continue;
      }
      AddDeliveryLocked(make(v1::NOTIFICATION_CHANNEL_EMAIL, it->second.email, id));
    }
  }
  if (options_.webhook != nullptr) {
    AddDeliveryLocked(make(v1::NOTIFICATION_CHANNEL_WEBHOOK, "webhook", ""));
  }
}

void Outbox::AddDeliveryLocked(Delivery delivery) {
  const std::string id = delivery.notification.delivery_id;
  if (deliveries_.emplace(id, std::move(delivery)).second) {  // a repeated recipient adds nothing
    dirty_.insert("d/" + id);
  }
}

void Outbox::ApplyAttemptLocked(const std::string& delivery_id, uint32_t attempt,
                                bool final_outcome, TimePoint next_attempt_at,
                                uint64_t stream_version) {
  auto it = deliveries_.find(delivery_id);
  // Unknown: finished earlier, or its source was too old to deliver.
  if (it == deliveries_.end()) return;
  Delivery& d = it->second;
  if (stream_version <= d.stream_version) return;  // applied when it was recorded
  dirty_.insert("d/" + delivery_id);
  d.stream_version = stream_version;
  d.attempts = std::max(d.attempts, attempt);
  if (final_outcome) {
    deliveries_.erase(it);
    return;
  }
  d.next_attempt_at = next_attempt_at;
}

Result<size_t> Outbox::DeliverDue() {
  std::lock_guard lock(mu_);
  const TimePoint now = clock_->Now();
  // Oldest source first, so a backlog drains in the order things happened.
  std::vector<std::pair<uint64_t, std::string>> due;
  for (const auto& [id, d] : deliveries_) {
    if (d.next_attempt_at <= now) due.emplace_back(d.source_position, id);
  }
  std::sort(due.begin(), due.end());
  size_t attempts = 0;
  for (const auto& [position, id] : due) {
    if (stop_requested_.load()) break;
    auto it = deliveries_.find(id);
    if (it == deliveries_.end()) continue;
    if (auto s = AttemptLocked(&it->second); !s) {
      pending_count_.store(deliveries_.size());
      return Unexpected(s.error());
    }
    ++attempts;
  }
  pending_count_.store(deliveries_.size());
  return attempts;
}

Status Outbox::AttemptLocked(Delivery* d) {
  NotificationSender* sender =
      d->notification.channel == v1::NOTIFICATION_CHANNEL_EMAIL ? options_.email : options_.webhook;
  const uint32_t attempt = d->attempts + 1;
  const Status sent = sender->Send(d->notification);
  const TimePoint now = clock_->Now();

  v1::Event attempted;
  auto* a = attempted.mutable_notification_attempted();
  a->set_delivery_id(d->notification.delivery_id);
  a->set_channel(d->notification.channel);
  a->set_recipient(d->notification.recipient);
  a->set_recipient_person_id(d->notification.recipient_person_id);
  a->set_source_stream(d->source_stream);
  a->set_source_position(d->source_position);
  a->set_source_event_id(d->source_event_id);
  a->set_attempt(attempt);
  bool abandon = false;
  if (sent) {
    a->set_outcome(v1::NOTIFICATION_OUTCOME_DELIVERED);
  } else if (sent.error().code == ErrorCode::kFailedPrecondition ||
             attempt >= options_.max_attempts) {
    a->set_outcome(v1::NOTIFICATION_OUTCOME_FAILED_PERMANENTLY);
    a->set_error(sent.error().message);
    abandon = true;
  } else {
    a->set_outcome(v1::NOTIFICATION_OUTCOME_FAILED);
    a->set_error(sent.error().message);
    *a->mutable_next_attempt_at() =
        TimestampOf(now + Backoff(attempt, options_.initial_backoff, options_.max_backoff));
  }
  store::AppendRequest request{
      .stream = DeliveryStream(options_.tenant, d->notification.delivery_id),
      .expected = d->stream_version == 0 ? store::ExpectedVersion::NoStream()
                                         : store::ExpectedVersion::Exact(d->stream_version),
      .events = {EncodeEvent(attempted)},
      .command_id = fmt::format("{}/system/outbox/{}/{}", options_.tenant,
                                d->notification.delivery_id, attempt),
      .actor = options_.actor,
      .correlation_id = d->source_event_id,
      .causation_id = d->source_event_id};
  if (abandon) {
    v1::Event abandoned;
    auto* x = abandoned.mutable_notification_abandoned();
    x->set_delivery_id(d->notification.delivery_id);
    x->set_channel(d->notification.channel);
    x->set_recipient(d->notification.recipient);
    x->set_recipient_person_id(d->notification.recipient_person_id);
    x->set_source_stream(d->source_stream);
    x->set_source_position(d->source_position);
    x->set_attempts(attempt);
    x->set_last_error(sent.error().message);
    request.events.push_back(EncodeEvent(abandoned));
  }
  auto appended = store_->Append(std::move(request));
  if (!appended) {
    // Another writer recorded this attempt first: what the stream says is the truth.
    if (appended.error().code == ErrorCode::kConflict) return ReloadLocked(d);
    return Unexpected(appended.error());
  }

  AttemptReport report{.delivery_id = d->notification.delivery_id,
                       .channel = d->notification.channel,
                       .recipient = d->notification.recipient,
                       .source_stream = d->source_stream,
                       .attempt = attempt,
                       .outcome = a->outcome(),
                       .error = a->error(),
                       .abandoned = abandon};
  if (sent) {
    delivered_.fetch_add(1);
  } else {
    failed_attempts_.fetch_add(1);
    if (abandon) abandoned_.fetch_add(1);
  }
  dirty_.insert("d/" + report.delivery_id);
  d->attempts = attempt;
  d->stream_version = appended->stream_version;
  if (IsFinal(a->outcome())) {
    deliveries_.erase(report.delivery_id);  // `d` dangles from here
  } else {
    d->next_attempt_at = ToTimePoint(a->next_attempt_at());
  }
  if (options_.on_attempt) options_.on_attempt(report);
  return OkStatus();
}

Status Outbox::ReloadLocked(Delivery* d) {
  const std::string id = d->notification.delivery_id;
  auto page = store_->ReadStream(DeliveryStream(options_.tenant, id), d->stream_version + 1,
                                 store::Direction::kForward, 10'000);
  if (!page) return Unexpected(page.error());
  for (const store::Envelope& envelope : page->events) {
    auto event = DecodeEvent(envelope);
    if (!event) continue;
    ApplyLocked(envelope, *event);
    if (!deliveries_.contains(id)) break;  // finished
  }
  return OkStatus();
}

// ---- persistence: the one place that knows the stored format (projection_state.proto)
//
//   p/<person id>     OutboxPerson: a person's name and address, as messages name them
//   i/<indicator id>  the indicator's title (the value is the title itself)
//   d/<delivery id>   OutboxDelivery: a pending delivery, its attempts and what it says

void Outbox::TakeChangesLocked(ProjectionChanges* out) {
  for (const std::string& key : dirty_) {
    const std::string id = key.substr(2);
    if (key[0] == 'p') {
      auto it = people_.find(id);
      if (it == people_.end()) continue;
      v1::OutboxPerson m;
      m.set_name(it->second.name);
      m.set_email(it->second.email);
      out->puts.emplace_back(key, m.SerializeAsString());
    } else if (key[0] == 'i') {
      auto it = indicator_titles_.find(id);
      if (it != indicator_titles_.end()) out->puts.emplace_back(key, it->second);
    } else if (key[0] == 'd') {
      auto it = deliveries_.find(id);
      if (it == deliveries_.end()) {
        out->deletes.push_back(key);  // finished
        continue;
      }
      const Delivery& d = it->second;
      v1::OutboxDelivery m;
      m.set_channel(d.notification.channel);
      m.set_recipient(d.notification.recipient);
      m.set_recipient_person_id(d.notification.recipient_person_id);
      m.set_recipient_name(d.notification.recipient_name);
      m.set_source_stream(d.source_stream);
      m.set_source_position(d.source_position);
      m.set_source_event_id(d.source_event_id);
      m.set_source_recorded_at_us(Micros(d.facts.recorded_at));
      *m.mutable_source_event() = d.facts.event;
      for (const auto& [person, p] : d.facts.people) {
        v1::OutboxPerson& named = (*m.mutable_people())[person];
        named.set_name(p.name);
        named.set_email(p.email);
      }
      m.set_indicator_title(d.facts.indicator_title);
      m.set_attempts(d.attempts);
      m.set_stream_version(d.stream_version);
      m.set_next_attempt_at_us(Micros(d.next_attempt_at));
      out->puts.emplace_back(key, m.SerializeAsString());
    }
  }
  dirty_.clear();
}

Status Outbox::RestoreLocked(std::string_view key, std::string_view value) {
  auto corrupt = [&] {
    return MakeError(ErrorCode::kDataLoss,
                     fmt::format("outbox state key '{}' does not parse; drop projection {}@1 to "
                                 "read the log again",
                                 key, StateName()));
  };
  if (key.size() < 3 || key[1] != '/') return corrupt();
  const std::string id(key.substr(2));
  if (key[0] == 'p') {
    v1::OutboxPerson m;
    if (!m.ParseFromArray(value.data(), static_cast<int>(value.size()))) return corrupt();
    people_[id] = NotifiedPerson{.name = m.name(), .email = m.email()};
  } else if (key[0] == 'i') {
    indicator_titles_[id] = std::string(value);
  } else if (key[0] == 'd') {
    v1::OutboxDelivery m;
    if (!m.ParseFromArray(value.data(), static_cast<int>(value.size()))) return corrupt();
    Delivery& d = deliveries_[id];
    d.notification.delivery_id = id;
    d.notification.channel = m.channel();
    d.notification.recipient = m.recipient();
    d.notification.recipient_person_id = m.recipient_person_id();
    d.notification.recipient_name = m.recipient_name();
    d.source_stream = m.source_stream();
    d.source_position = m.source_position();
    d.source_event_id = m.source_event_id();
    d.facts = NotificationFacts{.tenant = options_.tenant,
                                .event = m.source_event(),
                                .stream = m.source_stream(),
                                .position = m.source_position(),
                                .event_id = m.source_event_id(),
                                .recorded_at = FromMicros(m.source_recorded_at_us()),
                                .indicator_title = m.indicator_title()};
    for (const auto& [person, p] : m.people()) {
      d.facts.people[person] = NotifiedPerson{.name = p.name(), .email = p.email()};
    }
    d.attempts = m.attempts();
    d.stream_version = m.stream_version();
    d.next_attempt_at = FromMicros(m.next_attempt_at_us());
  } else {
    return corrupt();
  }
  return OkStatus();
}

Status Outbox::FinishRestoreLocked() {
  for (auto& [id, d] : deliveries_) {
    NotificationFacts facts = d.facts;
    facts.public_base_url = options_.public_base_url;
    d.notification.message = RenderNotification(facts, d.notification.recipient_person_id, id);
  }
  pending_count_.store(deliveries_.size());
  return OkStatus();
}

OutboxStats Outbox::stats() const {
  return OutboxStats{.delivered = delivered_.load(),
                     .failed_attempts = failed_attempts_.load(),
                     .abandoned = abandoned_.load(),
                     .skipped_old = skipped_old_.load(),
                     .skipped_no_address = skipped_no_address_.load()};
}

std::optional<TimePoint> Outbox::next_due() const {
  std::lock_guard lock(mu_);
  std::optional<TimePoint> earliest;
  for (const auto& [id, d] : deliveries_) {
    if (!earliest || d.next_attempt_at < *earliest) earliest = d.next_attempt_at;
  }
  return earliest;
}

void Outbox::Start() {
  std::lock_guard lock(run_mu_);
  if (thread_.joinable() || stopping_) return;
  thread_ = std::thread([this] { Run(); });
}

void Outbox::Stop() {
  bool first = false;
  {
    std::lock_guard lock(run_mu_);
    first = !stopping_;
    stopping_ = true;
  }
  stop_requested_.store(true);
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
  if (first) {
    std::lock_guard lock(mu_);
    IgnoreError(CheckpointIfDueLocked(/*force=*/true));  // unsaved: read again at the next start
  }
}

void Outbox::Run() {
  while (true) {
    {
      std::unique_lock lock(run_mu_);
      if (stopping_) return;
    }
    if (auto read = CatchUp(); !read) {
      if (options_.on_error) options_.on_error(read.error());
    } else if (auto made = DeliverDue(); !made) {
      if (options_.on_error) options_.on_error(made.error());
    }
    std::unique_lock lock(run_mu_);
    wake_.wait_for(lock, options_.poll_interval, [this] { return stopping_; });
  }
}

}  // namespace goldthread::engine
