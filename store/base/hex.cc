#include "store/base/hex.h"

namespace goldthread {

void AppendHex(std::string* out, std::string_view bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  out->reserve(out->size() + bytes.size() * 2);
  for (unsigned char c : bytes) {
    out->push_back(kDigits[c >> 4]);
    out->push_back(kDigits[c & 0xf]);
  }
}

std::string HexEncode(std::string_view bytes) {
  std::string out;
  AppendHex(&out, bytes);
  return out;
}

std::string HexEncode(const unsigned char* bytes, size_t n) {
  return HexEncode(std::string_view(reinterpret_cast<const char*>(bytes), n));
}

}  // namespace goldthread
