#include "adapters/web/token.h"

#include <sodium.h>

#include <stdexcept>

#include "store/base/hex.h"
#include "store/base/sha256.h"

namespace goldthread::web {
namespace {
void EnsureSodium() {
  static const bool ok = sodium_init() >= 0;
  if (!ok) throw std::runtime_error("libsodium failed to initialise");
}
}  // namespace

std::string RandomToken() {
  EnsureSodium();
  unsigned char bytes[32];
  randombytes_buf(bytes, sizeof bytes);
  return HexEncode(bytes, sizeof bytes);
}

std::string HashToken(std::string_view token) {
  // The one SHA-256 of store/base, so a stored token hash reads the same everywhere.
  return Sha256Hex(token);
}

bool TokensEqual(std::string_view a, std::string_view b) {
  if (a.empty() || a.size() != b.size()) return false;
  return sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace goldthread::web
