// SHA-256, the one implementation every layer uses (the hash chain, derived ids, digests).
//
//   std::string digest = Sha256(bytes);      // 32 raw bytes
//   std::string hex = Sha256Hex(bytes);      // 64 lower-case hex digits
//
// The algorithm is fetched from OpenSSL once and each thread keeps one digest context, so a
// call takes no lock (OpenSSL 3's one-shot SHA256() fetches under a global lock every call).
// Thread-safe. SHA-256 cannot fail once OpenSSL is loaded; if it does, the process aborts.
#ifndef GOLDTHREAD_STORE_BASE_SHA256_H_
#define GOLDTHREAD_STORE_BASE_SHA256_H_

#include <cstddef>
#include <initializer_list>
#include <string>
#include <string_view>

namespace goldthread {

inline constexpr size_t kSha256Bytes = 32;

// SHA-256 of `data` (kSha256Bytes raw bytes).
std::string Sha256(std::string_view data);
// SHA-256 of the concatenation of `parts`, without building the concatenation.
std::string Sha256(std::initializer_list<std::string_view> parts);
// Lower-case hex of Sha256(data).
std::string Sha256Hex(std::string_view data);

}  // namespace goldthread

#endif  // GOLDTHREAD_STORE_BASE_SHA256_H_
