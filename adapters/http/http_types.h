// HTTP request/response values, the router, and RFC 9457 problem documents.
//
// Handlers are asynchronous: a handler receives the request and a Responder, and may call the
// responder later from any thread (after store work done off the I/O threads); the server
// moves the response back onto the connection's strand. A handler must call the responder
// exactly once; later calls are ignored, and a handler that never calls it holds its
// connection until the server stops.
//
// The Router is built once before the server starts and is read-only afterwards, so it is
// safe to share between I/O threads without locks.
#ifndef GOLDTHREAD_ADAPTERS_HTTP_HTTP_TYPES_H_
#define GOLDTHREAD_ADAPTERS_HTTP_HTTP_TYPES_H_

#include <ostream>  // boost/core string_view needs it complete
#include <boost/beast/http/verb.hpp>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "store/base/json_text.h"
#include "store/base/errors.h"

namespace goldthread::adapters {

struct HttpRequest {
  boost::beast::http::verb method = boost::beast::http::verb::get;
  std::string target;  // as received: path and query (may hold secrets: never log it)
  std::string path;    // percent-decoded path, no query
  std::map<std::string, std::string> query;    // percent-decoded query parameters
  std::map<std::string, std::string> params;   // path parameters captured by the route
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;
  std::string remote;  // peer address, for logs

  // The header's value, or "" when absent (`name` in lower case).
  std::string Header(std::string_view name) const;
};

struct HttpResponse {
  // 200..599; anything else is answered 500 and logged as a handler bug.
  unsigned status = 200;
  std::string content_type = "application/json";
  std::string body;
  // Extra headers. A name or value holding CR, LF or NUL is dropped (and logged), so a value
  // copied from input cannot split the response.
  std::vector<std::pair<std::string, std::string>> headers;
  // Who the request acted as, for the access log (never a token). Set by the auth layer.
  std::string actor;
};

using Responder = std::function<void(HttpResponse)>;
using Handler = std::function<void(HttpRequest&&, Responder)>;

// An RFC 9457 problem document. `type` is a URI reference naming the problem
// ("/problems/validation"), `detail` says what a person can do about it, and `field` (an
// extension member) names the offending input when there is one.
HttpResponse Problem(unsigned status, std::string_view type, std::string_view title,
                     std::string_view detail, std::string_view field = {});
// The problem document for an engine or store error (kInvalidArgument → 400, kNotFound → 404,
// kConflict → 409, kPermissionDenied → 403, kUnauthenticated → 401, ...).
HttpResponse ProblemFromError(const Error& error);
// 503 for a store (or model) failure: the reason is logged; the answer says to try again. A
// store failure is never answered as 404 or 403.
HttpResponse StoreUnavailable(const Error& error);
// 429 with a Retry-After header of `retry_after_seconds` (at least 1), for a rate limiter's
// refusal.
HttpResponse TooManyRequests(int retry_after_seconds);
// JSON string escaping (engine/json_text.h), for the problem documents and hand-written JSON.
using engine::JsonEscape;

class Router {
 public:
  // Adds a route. `pattern` is a path whose segments may be `{name}` captures, e.g.
  // "/api/v1/figures/{indicator}/{period}/history", and whose last segment may be `{name...}`,
  // capturing the rest of the path (one or more segments, joined by '/'). `name` labels metrics and logs. When two
  // routes match a path, the one added first wins. Empty segments are ignored ("/a//b/" is
  // "/a/b").
  void Add(boost::beast::http::verb method, std::string pattern, std::string name, Handler h);
  // As Add, for a route whose path carries a credential (a private calendar feed URL): the
  // access log shows the route's pattern ("/api/v1/calendars/{feed}"), never the path.
  void AddSecretPath(boost::beast::http::verb method, std::string pattern, std::string name,
                     Handler h);
  // What the access log may show of `raw_path`: the path itself, or, when it matches a route
  // added with AddSecretPath (with any method), that route's pattern.
  std::string PathForLog(std::string_view raw_path) const;

  struct Match {
    const Handler* handler = nullptr;
    // The matched route's name; for a path some route has but not with this method, that
    // route's name; otherwise "unmatched".
    std::string name;
    std::map<std::string, std::string> params;  // captures, percent-decoded
    bool path_matched = false;                  // some route has this path (405, not 404)
    // When path_matched and no handler: the methods the path has, for the Allow header.
    std::vector<boost::beast::http::verb> allowed;
    // False when a segment holds a malformed percent-escape (answer 400).
    bool well_formed = true;
  };
  // `raw_path` is the path as received, still percent-encoded and without the query: each
  // segment is decoded after splitting, so "%2F" inside a parameter stays inside it.
  Match Find(boost::beast::http::verb method, std::string_view raw_path) const;
  // Every route as (method, pattern), in the order added (the OpenAPI check uses it).
  std::vector<std::pair<std::string, std::string>> Routes() const;

 private:
  struct Route {
    boost::beast::http::verb method;
    std::string pattern;
    std::vector<std::string> segments;
    std::string name;
    Handler handler;
    bool secret_path = false;
  };
  // Whether `r` matches the decoded `segments`, filling `params` with its captures.
  static bool Matches(const Route& r, const std::vector<std::string>& segments,
                      std::map<std::string, std::string>* params);
  std::vector<Route> routes_;
};

// "GET, POST" for an Allow header.
std::string AllowHeader(const std::vector<boost::beast::http::verb>& methods);

// Splits "/a/b?x=1&y=%20" into the decoded path and query; false on a malformed escape.
bool ParseTarget(std::string_view target, std::string* path,
                 std::map<std::string, std::string>* query);

}  // namespace goldthread::adapters

#endif  // GOLDTHREAD_ADAPTERS_HTTP_HTTP_TYPES_H_
