// Lower-case hex of raw bytes: the one encoder for digests, ids and MACs.
//
//   HexEncode(std::string("\x00\xff", 2)) == "00ff"
//   HexEncode(digest.substr(0, 8))        // the first 8 bytes as 16 digits
//
// Pure functions; thread-safe.
#ifndef GOLDTHREAD_STORE_BASE_HEX_H_
#define GOLDTHREAD_STORE_BASE_HEX_H_

#include <cstddef>
#include <string>
#include <string_view>

namespace goldthread {

// Two lower-case hex digits per byte of `bytes`.
std::string HexEncode(std::string_view bytes);
// The same for raw memory (e.g. an OpenSSL output buffer).
std::string HexEncode(const unsigned char* bytes, size_t n);
// Appends HexEncode(bytes) to *out.
void AppendHex(std::string* out, std::string_view bytes);

}  // namespace goldthread

#endif  // GOLDTHREAD_STORE_BASE_HEX_H_
