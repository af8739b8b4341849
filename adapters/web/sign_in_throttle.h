// SignInThrottle: limits failed sign-ins per account and per address, so a password cannot be
// guessed by trying many.
//
// After `max_failures_per_account` failures for one e-mail address within `window`, or
// `max_failures_per_address` from one remote address, further attempts for it are refused
// until the oldest failure in the window is older than `window` — before the password is even
// checked. A successful sign-in clears its account's count.
//
// Real time (see sessions.h). Threading: every method may be called from any thread.
#ifndef GOLDTHREAD_ADAPTERS_WEB_SIGN_IN_THROTTLE_H_
#define GOLDTHREAD_ADAPTERS_WEB_SIGN_IN_THROTTLE_H_

#include <chrono>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <string>

namespace goldthread::web {

struct SignInThrottleOptions {
  int max_failures_per_account = 5;
  int max_failures_per_address = 20;
  std::chrono::seconds window{15 * 60};
};

class SignInThrottle {
 public:
  using Now = std::function<std::chrono::steady_clock::time_point()>;
  explicit SignInThrottle(SignInThrottleOptions options,
                          Now now = &std::chrono::steady_clock::now);

  // Seconds until `account` from `address` may try again; 0 when it may now.
  long RetryAfterSeconds(const std::string& account, const std::string& address);
  void RecordFailure(const std::string& account, const std::string& address);
  void RecordSuccess(const std::string& account);

 private:
  using Times = std::deque<std::chrono::steady_clock::time_point>;
  // Drops failures older than the window; seconds until `times` is under `limit`.
  long Wait(Times& times, int limit, std::chrono::steady_clock::time_point now) const;

  const SignInThrottleOptions options_;
  const Now now_;
  std::mutex mu_;
  std::map<std::string, Times> by_account_;  // guarded by mu_
  std::map<std::string, Times> by_address_;  // guarded by mu_
};

}  // namespace goldthread::web

#endif  // GOLDTHREAD_ADAPTERS_WEB_SIGN_IN_THROTTLE_H_
