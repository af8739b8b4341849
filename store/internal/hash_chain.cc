#include "store/internal/hash_chain.h"

#include "store/base/sha256.h"
#include "store/event_store.h"
#include "store/internal/keys.h"

namespace goldthread::store::internal {
namespace {

void PutLengthPrefixed(std::string* out, std::string_view s) {
  PutBigEndian32(out, static_cast<uint32_t>(s.size()));
  out->append(s);
}

}  // namespace

std::string CanonicalBytes(const goldthread::v1::EventEnvelope& e) {
  std::string out;
  out.reserve(128 + e.stream().size() + e.type().size() + e.actor().size() + e.command_id().size());
  out.append("GTE1");  // magic and encoding version
  PutBigEndian32(&out, e.format_version());
  PutBigEndian64(&out, e.position());
  PutBigEndian64(&out, e.stream_version());
  PutBigEndian64(&out, static_cast<uint64_t>(e.recorded_at().seconds()));
  PutBigEndian32(&out, static_cast<uint32_t>(e.recorded_at().nanos()));
  PutLengthPrefixed(&out, e.event_id());
  PutLengthPrefixed(&out, e.stream());
  PutLengthPrefixed(&out, e.type());
  PutLengthPrefixed(&out, e.actor());
  PutLengthPrefixed(&out, e.command_id());
  PutLengthPrefixed(&out, e.correlation_id());
  PutLengthPrefixed(&out, e.causation_id());
  PutLengthPrefixed(&out, e.payload_sha256());
  return out;
}

std::string ChainHash(std::string_view previous_hash, const goldthread::v1::EventEnvelope& e) {
  return Sha256({previous_hash, CanonicalBytes(e)});
}

}  // namespace goldthread::store::internal

namespace goldthread::store {

std::string LeafEntry(const Envelope& envelope) { return internal::CanonicalBytes(envelope); }

}  // namespace goldthread::store
