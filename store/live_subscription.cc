#include "store/internal/live_subscription.h"

#include <algorithm>

#include "store/internal/rocks_event_store.h"

namespace goldthread::store::internal {

LiveSubscription::LiveSubscription(RocksEventStore* store, uint64_t from_position,
                                   SubscribeOptions options)
    : store_(store), options_(options), next_(std::max<uint64_t>(from_position, 1)) {}

LiveSubscription::~LiveSubscription() {
  Cancel();
  store_->Unregister(this);
}

void LiveSubscription::Cancel() {
  MutexLock lock(mu_);
  cancelled_ = true;
  cv_.SignalAll();
}

void LiveSubscription::StoreClosing() { Cancel(); }

uint64_t LiveSubscription::next_position() const {
  MutexLock lock(mu_);
  return next_;
}

bool LiveSubscription::is_live() const {
  MutexLock lock(mu_);
  return live_;
}

bool LiveSubscription::TryGoLive() {
  MutexLock publish(store_->publish_mu());
  MutexLock lock(mu_);
  if (store_->head_position() >= next_) return false;  // more to read from disk first
  live_ = true;
  buffer_.clear();
  if (!registered_) {
    registered_ = true;
    store_->Register(this);
  }
  return true;
}

bool LiveSubscription::Deliver(const std::vector<const Envelope*>& events) {
  MutexLock lock(mu_);
  if (!live_ || cancelled_) {
    registered_ = false;
    return false;
  }
  if (buffer_.size() + events.size() > options_.live_buffer_events) {
    // Fell behind: drop the buffer and read the rest back from RocksDB.
    live_ = false;
    registered_ = false;
    buffer_.clear();
    cv_.SignalAll();
    return false;
  }
  for (const Envelope* e : events) buffer_.push_back(*e);
  cv_.SignalAll();
  return true;
}

Result<std::vector<Envelope>> LiveSubscription::Poll(size_t max_events,
                                                     std::chrono::milliseconds timeout) {
  if (max_events == 0) max_events = 1;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (true) {
    uint64_t from;
    {
      MutexLock lock(mu_);
      if (cancelled_) return MakeError(ErrorCode::kCancelled, "subscription cancelled");
      if (live_) {
        while (!cancelled_ && live_ && buffer_.empty()) {
          if (!cv_.WaitUntil(mu_, deadline)) break;
        }
        if (cancelled_) return MakeError(ErrorCode::kCancelled, "subscription cancelled");
        std::vector<Envelope> out;
        while (!buffer_.empty() && out.size() < max_events) {
          if (buffer_.front().position() >= next_) {
            next_ = buffer_.front().position() + 1;
            out.push_back(std::move(buffer_.front()));
          }
          buffer_.pop_front();
        }
        if (!out.empty() || live_) return out;  // events, or a timeout while live
        // Dropped back to catching up: fall through and read from disk.
      }
      from = next_;
    }
    auto page = store_->ReadAll(from, Direction::kForward, max_events);
    if (!page) return Unexpected(page.error());
    if (!page->events.empty()) {
      MutexLock lock(mu_);
      next_ = page->events.back().position() + 1;
      return std::move(page->events);
    }
    if (!TryGoLive()) continue;  // the head moved while we looked; read again
    if (std::chrono::steady_clock::now() >= deadline) return std::vector<Envelope>{};
  }
}

}  // namespace goldthread::store::internal
