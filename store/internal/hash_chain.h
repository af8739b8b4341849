// The hash chain: canonical bytes of an envelope and the SHA-256 link between records.
// Specified byte by byte in store/README.md; changing it breaks every existing log, so a new
// encoding must come with a new EventEnvelope.format_version. Pure functions; thread-safe.
#ifndef GOLDTHREAD_STORE_INTERNAL_HASH_CHAIN_H_
#define GOLDTHREAD_STORE_INTERNAL_HASH_CHAIN_H_

#include <string>
#include <string_view>

#include "goldthread/v1/envelope.pb.h"

namespace goldthread::store::internal {

inline constexpr size_t kHashBytes = 32;  // SHA-256 (store/base/sha256.h)

// The canonical bytes of `e` for format version 1: every field except payload, payload_redacted,
// previous_hash and hash, with the payload represented by payload_sha256.
std::string CanonicalBytes(const goldthread::v1::EventEnvelope& e);
// SHA-256(previous_hash || CanonicalBytes(e)).
std::string ChainHash(std::string_view previous_hash, const goldthread::v1::EventEnvelope& e);

}  // namespace goldthread::store::internal

#endif  // GOLDTHREAD_STORE_INTERNAL_HASH_CHAIN_H_
