// SessionStore: the web interface's sessions, in memory, keyed by the SHA-256 of their id.
//
// A session id is 256 random bits sent as a cookie (HttpOnly, SameSite=Lax); only its hash is
// kept, so a memory dump or log shows no usable id. A session starts anonymous (the sign-in
// form's CSRF token needs one) and is replaced by a new one at sign-in (the id rotates, so an
// id planted before sign-in is worthless after). It ends at sign-out, after `idle` without a
// request, or `absolute` after sign-in, whichever comes first; an ended id is never accepted
// again. Restarting `serve` ends every session (people sign in again).
//
// Times come from the real clock, even under `serve --simulate`: timeouts measure how long a
// person has been away, not the simulated calendar.
//
// Threading: every method may be called from any thread.
#ifndef GOLDTHREAD_ADAPTERS_WEB_SESSIONS_H_
#define GOLDTHREAD_ADAPTERS_WEB_SESSIONS_H_

#include <chrono>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>

#include "goldthread/v1/events.pb.h"

namespace goldthread::web {

// The cookie that carries the session id.
inline constexpr char kSessionCookie[] = "gt_session";

struct SessionOptions {
  // No request for this long ends the session. Default: 30 minutes.
  std::chrono::seconds idle{30 * 60};
  // A session lasts at most this long after sign-in. Default: 12 hours.
  std::chrono::seconds absolute{12 * 60 * 60};
  // Anonymous sessions kept at once (sign-in pages opened and never used); the oldest go
  // first beyond it. Default: 100,000.
  size_t max_anonymous = 100'000;
};

struct Session {
  // The signed-in person; empty for an anonymous session.
  std::string person_id;
  // The CSRF token every form of this session carries.
  std::string csrf_token;
  std::chrono::steady_clock::time_point started;
  std::chrono::steady_clock::time_point last_seen;
};

// A session that ended by itself, found when its id came back: who, and why.
struct EndedSession {
  std::string person_id;
  goldthread::v1::SignOutReason reason;
};

class SessionStore {
 public:
  using Now = std::function<std::chrono::steady_clock::time_point()>;
  explicit SessionStore(SessionOptions options, Now now = &std::chrono::steady_clock::now);

  // A new session for `person_id` ("" for anonymous); returns its id (the cookie value).
  std::string Start(const std::string& person_id);
  // The live session `id` names, touched (its idle timer restarts). nullopt when unknown or
  // ended; when it ended by timing out just now, `*ended` says who and why (once).
  std::optional<Session> Find(const std::string& id, std::optional<EndedSession>* ended = nullptr);
  // Ends session `id`; returns whom it belonged to ("" when anonymous or unknown).
  std::string End(const std::string& id);

  const SessionOptions& options() const { return options_; }

 private:
  const SessionOptions options_;
  const Now now_;
  std::mutex mu_;
  std::map<std::string, Session> sessions_;  // by HashToken(id); guarded by mu_
};

}  // namespace goldthread::web

#endif  // GOLDTHREAD_ADAPTERS_WEB_SESSIONS_H_
