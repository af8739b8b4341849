#include "adapters/http/json_guard.h"

#include <fmt/format.h>

#include <set>
#include <string>
#include <vector>

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

namespace {

// Appends the UTF-8 form of code point `cp` to `out`.
void AppendUtf8(uint32_t cp, std::string* out) {
  if (cp < 0x80) {
    out->push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out->push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out->push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out->push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// One open array or object, and for an object the keys seen so far and whether a key (rather
// than a value) comes next.
struct Container {
  bool object = false;
  bool expecting_key = false;
  std::set<std::string> keys;
  std::string key;  // the key whose value is being read
};

// The dotted path of keys down to the value being read ("value.value"); "body" at the top.
std::string PathOf(const std::vector<Container>& stack, const std::string& last = "") {
  std::string path;
  for (const Container& c : stack) {
    if (!c.object || c.key.empty()) continue;
    if (!path.empty()) path += '.';
    path += c.key;
  }
  if (!last.empty()) path += (path.empty() ? "" : ".") + last;
  return path.empty() ? "body" : path;
}

}  // namespace

Status CheckJsonBody(std::string_view body, int max_depth) {
  if (const size_t bad = FindInvalidUtf8(body); bad != std::string_view::npos) {
    return InvalidField(
        "body", fmt::format("the body is not valid UTF-8 (byte {} of {})", bad, body.size()));
  }
  std::vector<Container> stack;
  for (size_t i = 0; i < body.size(); ++i) {
    const char c = body[i];
    switch (c) {
      case '"': {
        // A string: a key when an object expects one, else a value. Keys are decoded (escapes
        // included) so that "n\u0061me" and "name" are the same key.
        const bool is_key = !stack.empty() && stack.back().object && stack.back().expecting_key;
        std::string decoded;
        size_t j = i + 1;
        for (; j < body.size() && body[j] != '"'; ++j) {
          const auto b = static_cast<unsigned char>(body[j]);
          if (b < 0x20) {
            // RFC 8259 section 7: control characters must be escaped in a JSON string.
            const std::string field = is_key ? PathOf(stack) : PathOf(stack);
            return InvalidField(field,
                                fmt::format("{} holds a raw control character (byte 0x{:02X} at "
                                            "offset {}); JSON strings may not",
                                            field, b, j));
          }
          if (body[j] == '\\' && j + 1 < body.size()) {
            ++j;
            if (is_key) {
              const char e = body[j];
              if (e == 'u' && j + 4 < body.size()) {
                uint32_t cp = 0;
                bool ok = true;
                for (size_t k = 1; k <= 4; ++k) {
                  const int h = HexDigit(body[j + k]);
                  if (h < 0) ok = false;
                  cp = cp * 16 + static_cast<uint32_t>(h < 0 ? 0 : h);
                }
                if (ok) {
                  AppendUtf8(cp, &decoded);
                  j += 4;
                }
              } else {
                decoded.push_back(e == 'n' ? '\n' : e == 't' ? '\t' : e == 'r' ? '\r' : e);
              }
            }
            continue;
          }
          if (is_key) decoded.push_back(body[j]);
        }
        if (is_key) {
          Container& top = stack.back();
          if (!top.keys.insert(decoded).second) {
            const std::string field = PathOf(stack, decoded);
            return InvalidField(field, fmt::format("{} is given twice; give each field once",
                                                   field));
          }
          top.key = decoded;
          top.expecting_key = false;
        }
        i = j;  // the closing quote (or the end: the parser reports it)
        break;
      }
      case '[':
      case '{':
        if (static_cast<int>(stack.size()) + 1 > max_depth) {
          return InvalidField("body", fmt::format("the body nests arrays and objects more than "
                                                  "{} deep (at byte {})",
                                                  max_depth, i));
        }
        stack.push_back(Container{.object = c == '{', .expecting_key = c == '{'});
        break;
      case ',':
        if (!stack.empty() && stack.back().object) {
          stack.back().expecting_key = true;
          stack.back().key.clear();
        }
        break;
      case ']':
      case '}':
        if (!stack.empty()) stack.pop_back();  // unbalanced brackets are the parser's to report
        break;
      default:
        break;
    }
  }
  return OkStatus();
}

}  // namespace goldthread::adapters
