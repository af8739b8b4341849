// Outbox: delivers reminders and escalations after they are recorded, by e-mail and webhook,
// recording every attempt as an event.
//
// Reminders and escalations are events first (ReminderIssued, EscalationRaised, written by the
// scheduler). The outbox reads the log in order and turns each such source event into
// deliveries: one e-mail per named person with an address, one webhook call. Each delivery has
// an id derived from the source event's id, the channel and the recipient (DeliveryId), and its
// own stream `<tenant>/delivery/<delivery id>`, where every attempt is recorded *after* it was
// made (NotificationAttempted; NotificationAbandoned when it gives up). So:
//
//   - a crash between sending and recording gives at most a repeat, carrying the same delivery
//     id (receivers can drop it), never a loss: the state (below) changes only when an attempt
//     is recorded, so on start a delivery without a DELIVERED attempt or an abandonment is
//     pending;
//   - failed attempts back off exponentially (initial_backoff, doubling, at most max_backoff)
//     and a delivery is abandoned after max_attempts, or at once on a permanent refusal;
//   - the in-memory backlog is bounded (max_pending): when it is full the outbox stops reading
//     the log until deliveries finish, so later source events wait in the log, where they
//     already are, and none is dropped;
//   - disk use per source event is bounded: at most (max_attempts + 1) small events per
//     delivery, and a stuck receiver adds at most one event per delivery per backoff.
//
// What the outbox has read — the people and indicator titles messages name, and the pending
// deliveries with their attempts so far — is a checkpointed projection (projection
// "outbox-<channels>.v1" of the set "outbox", formats in
// proto/goldthread/v1/projection_state.proto), written with the log position it covers in one
// batch, so a restart reads only the log after its checkpoint instead of the whole log from
// position 1. The state is kept per set of channels turned on ("outbox-email-webhook.v1",
// "outbox-email.v1", "outbox-webhook.v1"): turning a channel on or off starts a state of its own,
// folded from position 1 once, as every start did before. Messages are rendered from the facts kept
// with each delivery, with the current `public_base_url`.
//
// Source events recorded longer than `max_source_age` before the outbox reads them are not
// delivered (a store that predates the outbox, or a restart after a long outage, must not mail
// out years of old reminders); they are counted in `stats().skipped_old`.
//
// Time comes from the Clock, so under a SimulatedClock (`serve --simulate`, tests) backoff
// follows simulated time.
//
//   Outbox outbox(store.get(), &clock, {.tenant = "demo", .email = &smtp, .webhook = &hook});
//   outbox.Start();   // or, step by step in tests: outbox.CatchUp(); outbox.DeliverDue();
//   ...
//   outbox.Stop();
//
// Threading: CatchUp and DeliverDue take an internal mutex and may be called from any thread
// (serialised). Start runs them on a thread the outbox owns until Stop (or the destructor).
// Senders are called on that thread, one delivery at a time. pending() and stats() may be
// called from any thread. The store, clock and senders must outlive the outbox.
#ifndef GOLDTHREAD_ENGINE_NOTIFY_OUTBOX_H_
#define GOLDTHREAD_ENGINE_NOTIFY_OUTBOX_H_

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <thread>

#include "engine/notify/notification_message.h"
#include "engine/projection/projection_runner.h"
#include "goldthread/v1/events.pb.h"
#include "store/event_store.h"

namespace goldthread::engine {

// One message for one recipient on one channel.
struct Notification {
  std::string delivery_id;
  goldthread::v1::NotificationChannel channel = goldthread::v1::NOTIFICATION_CHANNEL_UNSPECIFIED;
  // The e-mail address, or "webhook".
  std::string recipient;
  std::string recipient_person_id;  // empty for a webhook
  std::string recipient_name;       // empty for a webhook
  RenderedNotification message;
};

// Delivers a notification on one channel. Implementations: adapters/smtp_sender.h,
// adapters/webhook_sender.h; fakes in tests.
class NotificationSender {
 public:
  virtual ~NotificationSender() = default;
  // Delivers `notification` once, blocking for at most the sender's own timeout. OK: the
  // receiver accepted it. An error with code kFailedPrecondition: refused for good, retrying
  // cannot help (the outbox abandons the delivery). Any other error: retried after a backoff.
  // The message says what happened, for a person ("HTTP 503", "Couldn't connect to server").
  // Called from one thread at a time.
  virtual Status Send(const Notification& notification) = 0;
};

// The delivery id: "d" and 32 hex digits of SHA-256(source event id, channel, recipient).
std::string DeliveryId(std::string_view source_event_id,
                       goldthread::v1::NotificationChannel channel, std::string_view recipient);
// `<tenant>/delivery/<delivery id>`.
std::string DeliveryStream(std::string_view tenant, std::string_view delivery_id);

// One recorded attempt, as reported to OutboxOptions::on_attempt (for metrics and logs).
struct AttemptReport {
  std::string delivery_id;
  goldthread::v1::NotificationChannel channel = goldthread::v1::NOTIFICATION_CHANNEL_UNSPECIFIED;
  std::string recipient;
  std::string source_stream;
  uint32_t attempt = 0;
  goldthread::v1::NotificationOutcome outcome = goldthread::v1::NOTIFICATION_OUTCOME_UNSPECIFIED;
  std::string error;
  // True when this attempt ended in a NotificationAbandoned.
  bool abandoned = false;
};

struct OutboxOptions {
  // The tenant whose log is read. Required.
  std::string tenant;
  // Senders per channel; not owned. A null sender turns its channel off: no deliveries are
  // made for it. Default: none (the outbox then reads the log and delivers nothing).
  NotificationSender* email = nullptr;
  NotificationSender* webhook = nullptr;
  // Base of the links in messages ("https://goldthread.example.gov.uk"). Default: empty (the
  // message shows the path alone).
  std::string public_base_url;
  // Attempts per delivery before it is abandoned (>= 1). Bounds the events one delivery can
  // write to max_attempts + 1. Default: 8.
  uint32_t max_attempts = 8;
  // Wait after the first failed attempt; doubled after each further failure, up to
  // max_backoff. Defaults: 30 s, 1 h (8 attempts then span about 1 h 4 min).
  std::chrono::seconds initial_backoff{30};
  std::chrono::seconds max_backoff{3600};
  // Most deliveries held in memory (pending, not yet delivered or abandoned). When reached, the
  // outbox stops reading the log until some finish: later source events wait in the log.
  // Default: 10,000.
  size_t max_pending = 10'000;
  // Source events recorded longer ago than this when read are not delivered. Default: 7 days.
  std::chrono::seconds max_source_age{std::chrono::hours(24 * 7)};
  // The actor recorded on attempt events. Default: "system/outbox".
  std::string actor = "system/outbox";
  // Keep what the outbox has read in the store with its checkpoint (see above). False: nothing
  // is written and every start reads the log from position 1. Default: true.
  bool persist_state = true;
  // Least time between two checkpoints of that state (also written every 100,000 events while
  // catching up, and by Stop). What was not checkpointed when the process dies is read
  // again at the next start; attempts recorded meanwhile are applied once. Default: 2 s.
  std::chrono::milliseconds checkpoint_interval{2000};
  // How often the Start thread looks for new events and due retries (real time). Default:
  // 200 ms.
  std::chrono::milliseconds poll_interval{200};
  // Called after each recorded attempt, on the delivering thread; keep it short. Optional.
  std::function<void(const AttemptReport&)> on_attempt;
  // Called on the Start thread when a round fails (the log could not be read, an attempt
  // could not be recorded); the round is tried again after poll_interval. Optional.
  std::function<void(const Error&)> on_error;
};

struct OutboxStats {
  uint64_t delivered = 0;           // deliveries completed by this process
  uint64_t failed_attempts = 0;     // attempts that failed (including final ones)
  uint64_t abandoned = 0;           // deliveries given up by this process
  uint64_t skipped_old = 0;         // source events older than max_source_age when read
  uint64_t skipped_no_address = 0;  // recipients with no e-mail address
};

class Outbox {
 public:
  // Checks `options`: InvalidArgument naming the option when tenant is empty, max_attempts or
  // max_pending is zero, or a backoff is not positive (or initial above max).
  static Result<std::unique_ptr<Outbox>> Create(store::EventStore* store, const Clock* clock,
                                                OutboxOptions options);
  ~Outbox();
  Outbox(const Outbox&) = delete;
  Outbox& operator=(const Outbox&) = delete;

  // Reads the log from where it stopped (its checkpoint at first, position 1 without one)
  // towards the head, while the backlog has room: learns people and indicator titles, adds the
  // deliveries of each new source event, and applies recorded attempts and abandonments. Returns
  // the number of log events read. A source event whose deliveries were all recorded as finished
  // adds nothing.
  Result<size_t> CatchUp();

  // Attempts every pending delivery whose next attempt is due by the clock's now, one after
  // another, and records each attempt. Returns the number of attempts made. A failure to record
  // (the store closing) stops the round and is returned; the delivery stays pending and will
  // be repeated with the same id.
  Result<size_t> DeliverDue();

  // Runs CatchUp and DeliverDue every poll_interval on a thread of its own until Stop.
  void Start();
  // Stops that thread after the delivery in progress, then (the first time) checkpoints what
  // was read, so the store must still be open; idempotent. The destructor calls it: an owner
  // that closes the store first must call Stop before.
  void Stop();

  // Deliveries held, not yet delivered or abandoned.
  size_t pending() const { return pending_count_.load(); }
  // True once CatchUp has reached the head it saw (the backlog did not stop it).
  bool caught_up() const { return caught_up_.load(); }
  OutboxStats stats() const;
  // When the earliest pending delivery is due; nullopt when none is pending.
  std::optional<TimePoint> next_due() const;

 private:
  class State;
  class StateSet;
  struct Delivery {
    Notification notification;
    std::string source_stream;
    uint64_t source_position = 0;
    std::string source_event_id;
    // What the message is rendered from (kept so a restored delivery can render it again).
    NotificationFacts facts;
    // Attempts recorded so far, and the delivery stream's version.
    uint32_t attempts = 0;
    uint64_t stream_version = 0;
    TimePoint next_attempt_at;
  };

  Outbox(store::EventStore* store, const Clock* clock, OutboxOptions options);

  // The projection's name for the channels turned on.
  std::string StateName() const;
  // Opens the runner (restoring the checkpointed state) on first use.
  Status OpenStateLocked();
  // The state's persistence, for State (the only code that knows its stored format).
  void TakeChangesLocked(ProjectionChanges* out);
  Status RestoreLocked(std::string_view key, std::string_view value);
  Status FinishRestoreLocked();
  Status CheckpointIfDueLocked(bool force);

  void ApplyLocked(const store::Envelope& envelope, const goldthread::v1::Event& event);
  void AddDeliveriesLocked(const store::Envelope& envelope, const goldthread::v1::Event& event);
  void AddDeliveryLocked(Delivery delivery);
  void ApplyAttemptLocked(const std::string& delivery_id, uint32_t attempt, bool final_outcome,
                          TimePoint next_attempt_at, uint64_t stream_version);
  // Makes one attempt and records it.
  Status AttemptLocked(Delivery* delivery);
  // Re-reads a delivery's stream after a conflict (someone else recorded an attempt).
  Status ReloadLocked(Delivery* delivery);
  void Run();

  // Constant after construction.
  store::EventStore* const store_;
  const Clock* const clock_;
  const OutboxOptions options_;

  mutable std::mutex mu_;
  // Protected by mu_. The runner applies the log to the maps below (through State) only when
  // called under mu_, and DeliverDue changes them under mu_ too.
  std::unique_ptr<ProjectionRunner> runner_;
  std::chrono::steady_clock::time_point last_checkpoint_;
  std::map<std::string, Delivery> deliveries_;  // by delivery id
  std::map<std::string, NotifiedPerson> people_;
  std::map<std::string, std::string> indicator_titles_;
  std::set<std::string> dirty_;  // keys of the state changed since the last checkpoint

  // Readable without mu_ (a send can hold mu_ for the sender's whole timeout).
  std::atomic<size_t> pending_count_{0};
  std::atomic<bool> caught_up_{false};
  std::atomic<uint64_t> delivered_{0}, failed_attempts_{0}, abandoned_{0}, skipped_old_{0},
      skipped_no_address_{0};
  std::atomic<bool> stop_requested_{false};

  // The Start thread.
  std::mutex run_mu_;
  std::condition_variable wake_;
  bool stopping_ = false;  // protected by run_mu_
  std::thread thread_;
};

}  // namespace goldthread::engine

#endif  // GOLDTHREAD_ENGINE_NOTIFY_OUTBOX_H_
