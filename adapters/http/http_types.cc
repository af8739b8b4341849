#include "adapters/http/http_types.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <boost/beast/http/verb.hpp>

namespace goldthread::adapters {
namespace {

std::vector<std::string> SplitPath(std::string_view path) {
  std::vector<std::string> out;
  size_t i = 0;
  while (i < path.size()) {
    if (path[i] == '/') {
      ++i;
      continue;
    }
    const size_t j = path.find('/', i);
    out.emplace_back(path.substr(i, j == std::string_view::npos ? path.npos : j - i));
    if (j == std::string_view::npos) break;
    i = j;
  }
  return out;
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool PercentDecode(std::string_view in, bool plus_is_space, std::string* out) {
  out->clear();
  for (size_t i = 0; i < in.size(); ++i) {
    if (in[i] == '%') {
      if (i + 2 >= in.size()) return false;
      const int hi = HexValue(in[i + 1]), lo = HexValue(in[i + 2]);
      if (hi < 0 || lo < 0) return false;
      out->push_back(static_cast<char>(hi * 16 + lo));
      i += 2;
    } else if (plus_is_space && in[i] == '+') {
      out->push_back(' ');
    } else {
      out->push_back(in[i]);
    }
  }
  return true;
}

}  // namespace

std::string HttpRequest::Header(std::string_view name) const {
  auto it = headers.find(std::string(name));
  return it == headers.end() ? std::string() : it->second;
}


HttpResponse Problem(unsigned status, std::string_view type, std::string_view title,
                     std::string_view detail, std::string_view field) {
  HttpResponse r;
  r.status = status;
  r.content_type = "application/problem+json";
  r.body = fmt::format(R"({{"type":"{}","title":"{}","status":{},"detail":"{}")", JsonEscape(type),
                       JsonEscape(title), status, JsonEscape(detail));
  if (!field.empty()) r.body += fmt::format(R"(,"field":"{}")", JsonEscape(field));
  r.body += "}";
  return r;
}

HttpResponse StoreUnavailable(const Error& error) {
  spdlog::error("api: the store failed: {}", error.ToString());
  HttpResponse r = Problem(503, "/problems/store-unavailable", "The store is not available",
                           "the server could not read its store; try again shortly (the reason "
                           "is in the server's log)");
  r.headers.emplace_back("Retry-After", "5");
  return r;
}

HttpResponse TooManyRequests(int retry_after_seconds) {
  const int seconds = std::max(1, retry_after_seconds);
  HttpResponse r =
      Problem(429, "/problems/too-many-requests", "Too many requests",
              fmt::format("this token has made too many requests; retry in {} s", seconds));
  r.headers.emplace_back("Retry-After", std::to_string(seconds));
  return r;
}

HttpResponse ProblemFromError(const Error& e) {
  switch (e.code) {
    case ErrorCode::kInvalidArgument:
      return Problem(400, "/problems/validation", "The request is not valid", e.message, e.field);
    case ErrorCode::kNotFound:
      return Problem(404, "/problems/not-found", "Not found", e.message, e.field);
    case ErrorCode::kAlreadyExists:
      return Problem(409, "/problems/already-exists", "Already exists", e.message, e.field);
    case ErrorCode::kConflict: {
      HttpResponse r =
          Problem(409, "/problems/conflict", "Changed by someone else", e.message, e.field);
      if (e.current_version) {
        r.body.pop_back();
        r.body += fmt::format(R"(,"current_version":{}}})", *e.current_version);
      }
      return r;
    }
    case ErrorCode::kFailedPrecondition:
      return Problem(409, "/problems/not-allowed-now", "Not allowed in the current state",
                     e.message, e.field);
    case ErrorCode::kPermissionDenied:
      return Problem(403, "/problems/forbidden", "Not allowed", e.message, e.field);
    case ErrorCode::kUnauthenticated: {
      HttpResponse r =
          Problem(401, "/problems/unauthenticated", "Authentication required", e.message, e.field);
      r.headers.emplace_back("WWW-Authenticate", "Bearer");
      return r;
    }
    case ErrorCode::kResourceExhausted:
      return Problem(429, "/problems/too-many-requests", "Too many requests", e.message, e.field);
    case ErrorCode::kUnavailable:
      return Problem(503, "/problems/unavailable", "Unavailable", e.message, e.field);
    case ErrorCode::kCancelled:
    case ErrorCode::kDataLoss:
    case ErrorCode::kInternal:
      break;
  }
  return Problem(500, "/problems/internal", "Internal error", e.message, e.field);
}

void Router::Add(boost::beast::http::verb method, std::string pattern, std::string name,
                 Handler h) {
  Route r{method, pattern, SplitPath(pattern), std::move(name), std::move(h)};
  routes_.push_back(std::move(r));
}

void Router::AddSecretPath(boost::beast::http::verb method, std::string pattern, std::string name,
                           Handler h) {
  Route r{method, pattern, SplitPath(pattern), std::move(name), std::move(h), true};
  routes_.push_back(std::move(r));
}

bool Router::Matches(const Route& r, const std::vector<std::string>& segments,
                     std::map<std::string, std::string>* params) {
  // A last segment "{name...}" captures the rest of the path: one or more segments, joined by
  // '/' (a tile path: x001/x234/067.p/5).
  const bool rest = !r.segments.empty() && r.segments.back().size() > 5 &&
                    r.segments.back().ends_with("...}");
  if (rest ? segments.size() < r.segments.size() : r.segments.size() != segments.size()) {
    return false;
  }
  for (size_t i = 0; i < r.segments.size(); ++i) {
    const std::string& p = r.segments[i];
    if (rest && i + 1 == r.segments.size()) {
      std::string joined;
      for (size_t k = i; k < segments.size(); ++k) {
        if (segments[k].empty()) return false;
        if (k > i) joined += '/';
        joined += segments[k];
      }
      (*params)[p.substr(1, p.size() - 5)] = std::move(joined);
      break;
    }
    if (p.size() > 2 && p.front() == '{' && p.back() == '}') {
      if (segments[i].empty()) return false;
      (*params)[p.substr(1, p.size() - 2)] = segments[i];
    } else if (p != segments[i]) {
      return false;
    }
  }
  return true;
}

std::string Router::PathForLog(std::string_view raw_path) const {
  std::vector<std::string> segments = SplitPath(raw_path);
  for (std::string& s : segments) {
    std::string decoded;
    // An undecodable path matches no route; the raw segment is compared instead, and a secret
    // route's literal segments still match it.
    if (PercentDecode(s, false, &decoded)) s = std::move(decoded);
  }
  for (const Route& r : routes_) {
    std::map<std::string, std::string> params;
    if (r.secret_path && Matches(r, segments, &params)) return r.pattern;
  }
  // A path under a secret route's literal prefix that matches no route ("/api/v1/calendars/
  // <token>.ics/x") may still carry the secret: only the prefix is shown.
  for (const Route& r : routes_) {
    if (!r.secret_path) continue;
    size_t literal = 0;
    while (literal < r.segments.size() && !r.segments[literal].starts_with("{")) ++literal;
    if (segments.size() <= literal) continue;
    bool under = true;
    for (size_t i = 0; i < literal; ++i) under = under && segments[i] == r.segments[i];
    if (!under) continue;
    std::string shown;
    for (size_t i = 0; i < literal; ++i) shown += "/" + r.segments[i];
    return shown + "/(redacted)";
  }
  return std::string(raw_path);
}

Router::Match Router::Find(boost::beast::http::verb method, std::string_view raw_path) const {
  Match m;
  m.name = "unmatched";
  std::vector<std::string> segments = SplitPath(raw_path);
  for (std::string& s : segments) {
    std::string decoded;
    if (!PercentDecode(s, false, &decoded)) {
      m.well_formed = false;
      return m;
    }
    s = std::move(decoded);
  }
  for (const Route& r : routes_) {
    std::map<std::string, std::string> params;
    if (!Matches(r, segments, &params)) continue;  // Matches compares the segment counts
    if (!m.path_matched) m.name = r.name;
    m.path_matched = true;
    if (r.method != method) {
      if (std::find(m.allowed.begin(), m.allowed.end(), r.method) == m.allowed.end()) {
        m.allowed.push_back(r.method);
      }
      continue;
    }
    m.handler = &r.handler;
    m.name = r.name;
    m.params = std::move(params);
    m.allowed.clear();
    return m;
  }
  return m;
}

std::string AllowHeader(const std::vector<boost::beast::http::verb>& methods) {
  std::string out;
  for (const auto v : methods) {
    if (!out.empty()) out += ", ";
    out += std::string(boost::beast::http::to_string(v));
  }
  return out;
}

std::vector<std::pair<std::string, std::string>> Router::Routes() const {
  std::vector<std::pair<std::string, std::string>> out;
  for (const Route& r : routes_) {
    out.emplace_back(std::string(boost::beast::http::to_string(r.method)), r.pattern);
  }
  return out;
}

bool ParseTarget(std::string_view target, std::string* path,
                 std::map<std::string, std::string>* query) {
  const size_t q = target.find('?');
  if (!PercentDecode(target.substr(0, q), false, path)) return false;
  query->clear();
  if (q == std::string_view::npos) return true;
  std::string_view rest = target.substr(q + 1);
  while (!rest.empty()) {
    const size_t amp = rest.find('&');
    std::string_view pair = rest.substr(0, amp);
    rest = amp == std::string_view::npos ? std::string_view() : rest.substr(amp + 1);
    if (pair.empty()) continue;
    const size_t eq = pair.find('=');
    std::string k, v;
    if (!PercentDecode(pair.substr(0, eq), true, &k)) return false;
    if (eq != std::string_view::npos && !PercentDecode(pair.substr(eq + 1), true, &v)) {
      return false;
    }
    (*query)[k] = v;
  }
  return true;
}

}  // namespace goldthread::adapters
