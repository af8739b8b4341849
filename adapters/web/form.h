// Reading what a browser sends: URL-encoded form bodies and cookies; writing Set-Cookie.
//
// Pure functions; thread-safe.
#ifndef GOLDTHREAD_ADAPTERS_WEB_FORM_H_
#define GOLDTHREAD_ADAPTERS_WEB_FORM_H_

#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace goldthread::web {

// The fields of an application/x-www-form-urlencoded body ('+' is a space, %XX a byte). A
// field given twice keeps its first value. nullopt when an escape is malformed.
std::optional<std::map<std::string, std::string>> ParseForm(std::string_view body);

// The value of cookie `name` in a Cookie header, or "" when absent.
std::string CookieValue(std::string_view cookie_header, std::string_view name);

struct CookieOptions {
  // Seconds until the browser drops it; 0: a session cookie; negative: delete it now.
  long max_age_seconds = 0;
  // Only over HTTPS (the request came over TLS, or through a proxy that says so).
  bool secure = false;
};
// A Set-Cookie value: HttpOnly, SameSite=Lax, Path=/, and Secure when asked.
std::string SetCookie(std::string_view name, std::string_view value, const CookieOptions& options);

// `text` percent-encoded for a query value or path segment.
std::string UrlEncode(std::string_view text);

}  // namespace goldthread::web

#endif  // GOLDTHREAD_ADAPTERS_WEB_FORM_H_
