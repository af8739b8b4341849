// Request-body guards the API layer runs before parsing a JSON body, so that the parser never
// sees input that is not text or that nests deep enough to exhaust its stack.
//
// CheckJsonBody is a single pass over the bytes: it validates UTF-8 (RFC 3629: no overlong
// forms, no surrogates, nothing past U+10FFFF, no truncated sequence), counts the nesting
// of arrays and objects outside strings, refuses a key given twice in one object
// ({"name":"A","name":"B"}: which one counts would be the parser's guess; keys are compared
// after decoding their escapes) and a raw control character (below U+0020) inside a string
// (RFC 8259 section 7 requires them escaped). Those two name the field ("name",
// "value.value"). It does not otherwise check that the body is JSON; the parser that follows
// does. Escaped control characters (\u0000, \n) are the engine's to judge, field by field
// (engine/command/internal/command_text.cc).
//
//   if (Status s = CheckJsonBody(req.body); !s) return respond(ProblemFromError(s.error()));
//
// Threading: pure functions of their arguments.
#ifndef GOLDTHREAD_ADAPTERS_HTTP_JSON_GUARD_H_
#define GOLDTHREAD_ADAPTERS_HTTP_JSON_GUARD_H_

#include <cstddef>
#include <string_view>

#include "store/base/errors.h"

namespace goldthread::adapters {

// Default for CheckJsonBody's max_depth: no API message nests anywhere near this.
inline constexpr int kDefaultMaxJsonDepth = 32;

// OK when `body` is valid UTF-8, its arrays and objects nest at most `max_depth` deep
// ("[]" is depth 1), no object gives a key twice and no string holds a raw control character.
// Otherwise kInvalidArgument with a message naming the byte offset of the problem and field
// "body" (or the key concerned, for a duplicate or a control character); ProblemFromError turns
// it into a 400 problem document.
Status CheckJsonBody(std::string_view body, int max_depth = kDefaultMaxJsonDepth);

// The offset of the first byte that does not belong to well-formed UTF-8, or npos when all
// of `s` is well formed.
size_t FindInvalidUtf8(std::string_view s);

}  // namespace goldthread::adapters

#endif  // GOLDTHREAD_ADAPTERS_HTTP_JSON_GUARD_H_
