// Password hashing for web sign-in: Argon2id through libsodium's crypto_pwhash_str.
// The stored string carries its own salt and cost parameters; passwords are never logged.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace goldthread::web {

// Hashes `password` with Argon2id (interactive limits). nullopt if libsodium fails (out of memory).
std::optional<std::string> HashPassword(std::string_view password);

// True when `password` matches `stored` (a HashPassword result); false for any malformed input.
bool VerifyPassword(std::string_view stored, std::string_view password);

}  // namespace goldthread::web
