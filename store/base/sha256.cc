#include "store/base/sha256.h"

#include <openssl/evp.h>

#include <cstdlib>

#include "store/base/hex.h"

namespace goldthread {
namespace {

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

  std::string Digest(std::initializer_list<std::string_view> parts) {
    const EVP_MD* md = Sha256Algorithm();
    if (md == nullptr || ctx_ == nullptr || EVP_DigestInit_ex2(ctx_, md, nullptr) != 1) {
      std::abort();  // no SHA-256 means no hash chain: nothing can be written or verified
    }
    for (std::string_view p : parts) {
      if (EVP_DigestUpdate(ctx_, p.data(), p.size()) != 1) std::abort();
    }
    std::string out(kSha256Bytes, '\0');
    unsigned int n = 0;
    if (EVP_DigestFinal_ex(ctx_, reinterpret_cast<unsigned char*>(out.data()), &n) != 1 ||
        n != kSha256Bytes) {
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

std::string Sha256(std::initializer_list<std::string_view> parts) {
  return ThreadContext().Digest(parts);
}

std::string Sha256Hex(std::string_view data) { return HexEncode(Sha256(data)); }

}  // namespace goldthread
