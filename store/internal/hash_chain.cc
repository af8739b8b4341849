#include "store/internal/hash_chain.h"

#include <openssl/sha.h>

#include "store/internal/keys.h"

namespace goldthread::store::internal {
namespace {
void PutLengthPrefixed(std::string* out, std::string_view s) {
  PutBigEndian32(out, static_cast<uint32_t>(s.size()));
  out->append(s);
}
}  // namespace

std::string Sha256(std::string_view data) {
  std::string out(kHashBytes, '\0');
  SHA256(reinterpret_cast<const unsigned char*>(data.data()), data.size(),
         reinterpret_cast<unsigned char*>(out.data()));
  return out;
}

std::string ToHex(std::string_view bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char c : bytes) {
    out.push_back(kDigits[c >> 4]);
    out.push_back(kDigits[c & 0xf]);
  }
  return out;
}

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
  std::string buf(previous_hash);
  buf.append(CanonicalBytes(e));
  return Sha256(buf);
}

}  // namespace goldthread::store::internal
