#include "adapters/web/sign_in_throttle.h"

#include <algorithm>

namespace goldthread::web {

SignInThrottle::SignInThrottle(SignInThrottleOptions options, Now now)
    : options_(options), now_(std::move(now)) {}

long SignInThrottle::Wait(Times& times, int limit, std::chrono::steady_clock::time_point now) const {
  while (!times.empty() && now - times.front() >= options_.window) times.pop_front();
  if (static_cast<int>(times.size()) < limit) return 0;
  const auto free_at = times[times.size() - limit] + options_.window;
  return std::max<long>(1, std::chrono::ceil<std::chrono::seconds>(free_at - now).count());
}

long SignInThrottle::RetryAfterSeconds(const std::string& account, const std::string& address) {
  const auto now = now_();
  std::lock_guard lock(mu_);
  return std::max(Wait(by_account_[account], options_.max_failures_per_account, now),
                  Wait(by_address_[address], options_.max_failures_per_address, now));
}

void SignInThrottle::RecordFailure(const std::string& account, const std::string& address) {
  const auto now = now_();
  std::lock_guard lock(mu_);
  by_account_[account].push_back(now);
  by_address_[address].push_back(now);
}

void SignInThrottle::RecordSuccess(const std::string& account) {
  std::lock_guard lock(mu_);
  by_account_.erase(account);
}

}  // namespace goldthread::web
