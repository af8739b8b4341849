#include "adapters/http/json_guard.h"

#include <fmt/format.h>

#include <string>

namespace goldthread::adapters {

size_t FindInvalidUtf8(std::string_view s) {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const size_t n = s.size();
  size_t i = 0;
  while (i < n) {
    const unsigned char c = p[i];
    if (c < 0x80) {
      ++i;
      continue;
    }
    // The length of the sequence and the allowed range of its second byte (RFC 3629
    // section 4); every later byte is 80..BF.
    size_t len = 0;
    unsigned char lo = 0x80, hi = 0xBF;
    if (c >= 0xC2 && c <= 0xDF) {
      len = 2;
    } else if (c == 0xE0) {
      len = 3, lo = 0xA0;  // not overlong
    } else if ((c >= 0xE1 && c <= 0xEC) || c == 0xEE || c == 0xEF) {
      len = 3;
    } else if (c == 0xED) {
      len = 3, hi = 0x9F;  // no UTF-16 surrogates
    } else if (c == 0xF0) {
      len = 4, lo = 0x90;  // not overlong
    } else if (c >= 0xF1 && c <= 0xF3) {
      len = 4;
    } else if (c == 0xF4) {
      len = 4, hi = 0x8F;  // not past U+10FFFF
    } else {
      return i;  // a continuation byte, C0, C1 or F5..FF
    }
    if (i + 1 >= n || p[i + 1] < lo || p[i + 1] > hi) return i;
    for (size_t k = 2; k < len; ++k) {
      if (i + k >= n || p[i + k] < 0x80 || p[i + k] > 0xBF) return i;
    }
    i += len;
  }
  return std::string_view::npos;
}

Status CheckJsonBody(std::string_view body, int max_depth) {
  if (const size_t bad = FindInvalidUtf8(body); bad != std::string_view::npos) {
    return InvalidField(
        "body", fmt::format("the body is not valid UTF-8 (byte {} of {})", bad, body.size()));
  }
  int depth = 0;
  bool in_string = false;
  for (size_t i = 0; i < body.size(); ++i) {
    const char c = body[i];
    if (in_string) {
      if (c == '\\')
        ++i;  // the escaped character cannot end the string
      else if (c == '"')
        in_string = false;
      continue;
    }
    switch (c) {
      case '"':
        in_string = true;
        break;
      case '[':
      case '{':
        if (++depth > max_depth) {
          return InvalidField("body", fmt::format("the body nests arrays and objects more than "
                                                  "{} deep (at byte {})",
                                                  max_depth, i));
        }
        break;
      case ']':
      case '}':
        if (depth > 0) --depth;  // unbalanced brackets are the parser's to report
        break;
      default:
        break;
    }
  }
  return OkStatus();
}

}  // namespace goldthread::adapters
