#include "adapters/web/sessions.h"

#include <algorithm>
#include <vector>

#include "adapters/web/token.h"

namespace goldthread::web {

SessionStore::SessionStore(SessionOptions options, Now now)
    : options_(options), now_(std::move(now)) {}

std::string SessionStore::Start(const std::string& person_id) {
  const std::string id = RandomToken();
  const auto now = now_();
  std::lock_guard lock(mu_);
  if (person_id.empty()) {
    size_t anonymous = 0;
    for (const auto& [key, s] : sessions_) anonymous += s.person_id.empty() ? 1 : 0;
    if (anonymous >= options_.max_anonymous) {
      // Drop the oldest anonymous session: nobody signed in loses anything.
      auto oldest = sessions_.end();
      for (auto it = sessions_.begin(); it != sessions_.end(); ++it) {
        if (it->second.person_id.empty() &&
            (oldest == sessions_.end() || it->second.last_seen < oldest->second.last_seen)) {
          oldest = it;
        }
      }
      if (oldest != sessions_.end()) sessions_.erase(oldest);
    }
  }
  sessions_[HashToken(id)] = Session{
      .person_id = person_id, .csrf_token = RandomToken(), .started = now, .last_seen = now};
  return id;
}

std::optional<Session> SessionStore::Find(const std::string& id,
                                          std::optional<EndedSession>* ended) {
  if (id.empty()) return std::nullopt;
  const auto now = now_();
  std::lock_guard lock(mu_);
  auto it = sessions_.find(HashToken(id));
  if (it == sessions_.end()) return std::nullopt;
  Session& s = it->second;
  std::optional<goldthread::v1::SignOutReason> reason;
  if (now - s.started >= options_.absolute) {
    reason = goldthread::v1::SIGN_OUT_REASON_EXPIRED;
  } else if (now - s.last_seen >= options_.idle) {
    reason = goldthread::v1::SIGN_OUT_REASON_IDLE;
  }
  if (reason) {
    if (ended != nullptr && !s.person_id.empty()) *ended = EndedSession{s.person_id, *reason};
    sessions_.erase(it);
    return std::nullopt;
  }
  s.last_seen = now;
  return s;
}

std::string SessionStore::End(const std::string& id) {
  if (id.empty()) return "";
  std::lock_guard lock(mu_);
  auto it = sessions_.find(HashToken(id));
  if (it == sessions_.end()) return "";
  std::string person = it->second.person_id;
  sessions_.erase(it);
  return person;
}

}  // namespace goldthread::web
