#include "store/internal/hash_chain.h"

#include <openssl/evp.h>

#include <cstdlib>

#include "store/internal/keys.h"

namespace goldthread::store::internal {
namespace {

void PutLengthPrefixed(std::string* out, std::string_view s) {
  PutBigEndian32(out, static_cast<uint32_t>(s.size()));
  out->append(s);
}

// OpenSSL 3's one-shot SHA256() fetches the algorithm, under a global read lock, on every call.
// Here it is fetched once, and each thread keeps one digest context.
const EVP_MD* Sha256Algorithm() {
  static const EVP_MD* const md = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  return md;
}

class Sha256Context {
 public:
  Sha256Context() : ctx_(EVP_MD_CTX_new()) {}
  ~Sha256Context() { EVP_MD_CTX_free(ctx_); }
  Sha256Context(const Sha256Context&) = delete;
  Sha256Context& operator=(const Sha256Context&) = delete;

  // SHA-256 of the concatenation of `parts`.
  std::string Digest(std::initializer_list<std::string_view> parts) {
    const EVP_MD* md = Sha256Algorithm();
    if (md == nullptr || ctx_ == nullptr || EVP_DigestInit_ex2(ctx_, md, nullptr) != 1) {
      std::abort();  // no SHA-256 means no hash chain: nothing can be written or verified
    }
    for (std::string_view p : parts) {
      if (EVP_DigestUpdate(ctx_, p.data(), p.size()) != 1) std::abort();
    }
    std::string out(kHashBytes, '\0');
    unsigned int n = 0;
    if (EVP_DigestFinal_ex(ctx_, reinterpret_cast<unsigned char*>(out.data()), &n) != 1 ||
        n != kHashBytes) {
      std::abort();
    }
    return out;
  }

 private:
  EVP_MD_CTX* const ctx_;
};

Sha256Context& ThreadContext() {
  thread_local Sha256Context context;
  return context;
}

}  // namespace

std::string Sha256(std::string_view data) { return ThreadContext().Digest({data}); }

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
  return ThreadContext().Digest({previous_hash, CanonicalBytes(e)});
}

}  // namespace goldthread::store::internal
