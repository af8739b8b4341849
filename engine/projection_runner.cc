#include "engine/projection_runner.h"

namespace goldthread::engine {

ProjectionRunner::ProjectionRunner(store::EventStore* store, std::unique_ptr<ProjectionSet> set,
                                   ProjectionRunnerOptions options)
    : store_(store), options_(options), set_(std::move(set)) {}

Result<uint64_t> ProjectionRunner::CatchUp() {
  std::lock_guard<std::mutex> one(catch_up_mu_);
  const uint64_t head = store_->Head().position;
  store::ReadPage page;
  while (position() < head) {
    if (auto r = store_->ReadAllInto(position() + 1, store::Direction::kForward,
                                     options_.page_events, &page);
        !r) {
      return Unexpected(r.error());
    }
    if (page.events.empty()) break;
    std::unique_lock<std::shared_mutex> lock(mu_);
    const std::vector<Projection*> projections = set_->projections();
    for (const store::Envelope& e : page.events) {
      if (e.position() > head) break;
      EventView view(e);
      for (Projection* p : projections) {
        if (auto s = p->Apply(view); !s) return Unexpected(s.error());
      }
      position_.store(e.position(), std::memory_order_release);
    }
  }
  return position();
}

ProjectionRunner::Held ProjectionRunner::Read() const {
  std::shared_lock<std::shared_mutex> lock(mu_);
  const uint64_t p = position();
  return Held{std::move(lock), set_.get(), p};
}

}  // namespace goldthread::engine
