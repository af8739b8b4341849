// LiveSubscription: the catch-up-then-live Subscription of RocksEventStore. Private to store/.
//
// States: catching up (reads pages from RocksDB) and live (takes events the writer pushed into
// its bounded buffer). It goes live only under the store's publish lock, after seeing that it
// has read everything up to the durable head, so the writer's next publish is exactly the next
// event it needs. If the buffer overflows the writer drops it back to catching up; positions
// already delivered are skipped, so there is never a gap or a duplicate.
//
// Locks: the store's publish_mu_ is always taken before mu_.
#ifndef GOLDTHREAD_STORE_INTERNAL_LIVE_SUBSCRIPTION_H_
#define GOLDTHREAD_STORE_INTERNAL_LIVE_SUBSCRIPTION_H_

#include <deque>

#include "store/base/mutex.h"
#include "store/base/thread_annotations.h"
#include "store/event_store.h"

namespace goldthread::store::internal {

class RocksEventStore;

class LiveSubscription final : public Subscription {
 public:
  LiveSubscription(RocksEventStore* store, uint64_t from_position, SubscribeOptions options);
  ~LiveSubscription() override;

  Result<std::vector<Envelope>> Poll(size_t max_events, std::chrono::milliseconds timeout) override;
  void Cancel() override EXCLUDES(mu_);
  uint64_t next_position() const override EXCLUDES(mu_);
  bool is_live() const override EXCLUDES(mu_);

  // Called by the writer under the store's publish lock with newly durable events, in order.
  // Returns false when the subscriber fell behind and must be unregistered.
  bool Deliver(const std::vector<const Envelope*>& events) EXCLUDES(mu_);
  // Called by the store when it closes.
  void StoreClosing();

 private:
  // Tries to switch to live; false when the head moved past next_ meanwhile.
  bool TryGoLive() EXCLUDES(mu_);

  RocksEventStore* const store_;  // not owned
  const SubscribeOptions options_;

  mutable Mutex mu_;
  CondVar cv_;
  std::deque<Envelope> buffer_ GUARDED_BY(mu_);
  bool live_ GUARDED_BY(mu_) = false;
  bool registered_ GUARDED_BY(mu_) = false;  // and the store's publish lock to change
  bool cancelled_ GUARDED_BY(mu_) = false;
  uint64_t next_ GUARDED_BY(mu_);
};

}  // namespace goldthread::store::internal

#endif  // GOLDTHREAD_STORE_INTERNAL_LIVE_SUBSCRIPTION_H_
