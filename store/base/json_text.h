// JSON text pieces for the few places that write JSON by hand rather than through protobuf's
// mapping (problem documents, CloudEvents envelopes, webhook bodies): one string escaper.
//
// Pure functions; thread-safe.
#ifndef GOLDTHREAD_STORE_BASE_JSON_TEXT_H_
#define GOLDTHREAD_STORE_BASE_JSON_TEXT_H_

#include <string>
#include <string_view>

namespace goldthread::engine {

// `s` escaped for the inside of a JSON string (RFC 8259): quotes, backslashes and control
// characters escaped; UTF-8 passes through.
std::string JsonEscape(std::string_view s);
// `s` as a JSON string literal: JsonEscape in quotes.
inline std::string JsonQuote(std::string_view s) { return "\"" + JsonEscape(s) + "\""; }

}  // namespace goldthread::engine

#endif  // GOLDTHREAD_STORE_BASE_JSON_TEXT_H_
