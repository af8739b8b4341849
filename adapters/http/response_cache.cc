#include "adapters/http/response_cache.h"

namespace goldthread::adapters {
namespace {

size_t Cost(const std::string& key, const HttpResponse& r) {
  return key.size() + r.body.size() + r.content_type.size() + 64;
}

}  // namespace

std::optional<HttpResponse> ResponseCache::Find(const std::string& key) {
  MutexLock lock(mu_);
  auto it = index_.find(key);
  if (it == index_.end()) {
    ++misses_;
    return std::nullopt;
  }
  ++hits_;
  lru_.splice(lru_.begin(), lru_, it->second);
  return it->second->response;
}

void ResponseCache::Put(const std::string& key, const HttpResponse& response) {
  if (response.status != 200) return;
  const size_t cost = Cost(key, response);
  if (cost > max_bytes_ / 4) return;
  MutexLock lock(mu_);
  if (index_.contains(key)) return;
  lru_.push_front(Entry{key, response});
  index_.emplace(key, lru_.begin());
  bytes_ += cost;
  while (bytes_ > max_bytes_ && !lru_.empty()) {
    const Entry& last = lru_.back();
    bytes_ -= Cost(last.key, last.response);
    index_.erase(last.key);
    lru_.pop_back();
  }
}

size_t ResponseCache::bytes() const {
  MutexLock lock(mu_);
  return bytes_;
}
uint64_t ResponseCache::hits() const {
  MutexLock lock(mu_);
  return hits_;
}
uint64_t ResponseCache::misses() const {
  MutexLock lock(mu_);
  return misses_;
}

}  // namespace goldthread::adapters
