// Opaque random tokens for web sessions and CSRF: generation, hashing for storage, and
// constant-time comparison.
#pragma once

#include <string>
#include <string_view>

namespace goldthread::web {

// 32 random bytes from libsodium, as 64 lowercase hex characters.
std::string RandomToken();

// SHA-256 (libsodium crypto_hash_sha256) of `token`, hex: what a session store keeps.
std::string HashToken(std::string_view token);

// Constant-time equality; false when lengths differ or either side is empty.
bool TokensEqual(std::string_view a, std::string_view b);

}  // namespace goldthread::web
