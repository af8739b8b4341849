#include "adapters/web/password.h"

#include <sodium.h>

#include <stdexcept>

namespace goldthread::web {
namespace {
void EnsureSodium() {
  static const bool ok = sodium_init() >= 0;
  if (!ok) throw std::runtime_error("libsodium failed to initialise");
}
}  // namespace

std::optional<std::string> HashPassword(std::string_view password) {
  EnsureSodium();
  char out[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str(out, password.data(), password.size(),
                        crypto_pwhash_OPSLIMIT_INTERACTIVE,
                        crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0) {
    return std::nullopt;
  }
  return std::string(out);
}

bool VerifyPassword(std::string_view stored, std::string_view password) {
  EnsureSodium();
  if (stored.empty() || stored.size() >= crypto_pwhash_STRBYTES) return false;
  std::string s(stored);  // crypto_pwhash_str_verify needs a NUL-terminated string
  return crypto_pwhash_str_verify(s.c_str(), password.data(), password.size()) == 0;
}

}  // namespace goldthread::web
