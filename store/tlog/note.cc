#include "store/tlog/note.h"

#include <openssl/evp.h>

#include <memory>
#include <vector>

#include "store/base/base64.h"
#include "store/base/sha256.h"

namespace goldthread::tlog {
namespace {

constexpr std::string_view kSignerPrefix = "PRIVATE+KEY+";
constexpr std::string_view kSignatureLinePrefix = "\xe2\x80\x94 ";  // em dash, space
constexpr size_t kKeyBytes = 32;
constexpr size_t kSignatureBytes = 64;
constexpr size_t kMaxSignatures = 100;

struct PkeyFree {
  void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};
struct MdCtxFree {
  void operator()(EVP_MD_CTX* c) const { EVP_MD_CTX_free(c); }
};
using Pkey = std::unique_ptr<EVP_PKEY, PkeyFree>;
using MdCtx = std::unique_ptr<EVP_MD_CTX, MdCtxFree>;

const unsigned char* Bytes(std::string_view s) {
  return reinterpret_cast<const unsigned char*>(s.data());
}

Result<std::string> PublicKeyOf(EVP_PKEY* key) {
  std::string pub(kKeyBytes, '\0');
  size_t n = pub.size();
  if (EVP_PKEY_get_raw_public_key(key, reinterpret_cast<unsigned char*>(pub.data()), &n) != 1 ||
      n != kKeyBytes) {
    return MakeError(ErrorCode::kInternal, "OpenSSL could not read the Ed25519 public key");
  }
  return pub;
}

std::string KeyIdHex(uint32_t id) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out(8, '0');
  for (int i = 7; i >= 0; --i, id >>= 4) out[static_cast<size_t>(i)] = kDigits[id & 0xf];
  return out;
}

Result<uint32_t> ParseKeyIdHex(std::string_view hex, std::string_view field) {
  if (hex.size() != 8) return InvalidField(std::string(field), "the key id is not 8 hex digits");
  uint32_t id = 0;
  for (char c : hex) {
    int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
    if (d < 0) return InvalidField(std::string(field), "the key id is not 8 lower-case hex digits");
    id = (id << 4) | static_cast<uint32_t>(d);
  }
  return id;
}

// Splits "<name>+<hex id>+<base64 key>" and checks the id against the key.
struct ParsedKey {
  std::string name, key;  // key: 32 raw bytes, without the signature type
  uint32_t id = 0;
};
Result<ParsedKey> ParseKey(std::string_view text, std::string_view field) {
  // A name holds no '+' but base64 may: split at the first two.
  size_t first = text.find('+');
  size_t second = first == std::string_view::npos ? first : text.find('+', first + 1);
  if (second == std::string_view::npos) {
    return InvalidField(std::string(field), "expected <name>+<key id>+<base64 key>");
  }
  ParsedKey k;
  k.name = std::string(text.substr(0, first));
  if (auto s = CheckKeyName(k.name); !s) return Unexpected(s.error());
  auto id = ParseKeyIdHex(text.substr(first + 1, second - first - 1), field);
  if (!id) return Unexpected(id.error());
  auto raw = Base64Decode(text.substr(second + 1), field);
  if (!raw) return Unexpected(raw.error());
  if (raw->size() != 1 + kKeyBytes || static_cast<unsigned char>((*raw)[0]) != kEd25519SignatureType) {
    return InvalidField(std::string(field), "not an Ed25519 key (type 0x01 and 32 bytes)");
  }
  k.key = raw->substr(1);
  k.id = *id;
  return k;
}

bool ValidUtf8(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    auto c = static_cast<unsigned char>(s[i]);
    size_t n = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xe ? 3 : (c >> 3) == 0x1e ? 4 : 0;
    if (n == 0 || i + n > s.size()) return false;
    uint32_t cp = n == 1 ? c : c & (0x7f >> n);
    for (size_t k = 1; k < n; ++k) {
      auto cc = static_cast<unsigned char>(s[i + k]);
      if ((cc >> 6) != 0x2) return false;
      cp = (cp << 6) | (cc & 0x3f);
    }
    // Overlong forms, surrogates and values beyond U+10FFFF are not UTF-8.
    if ((n == 2 && cp < 0x80) || (n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) ||
        (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff) {
      return false;
    }
    i += n;
  }
  return true;
}

Status CheckNoteText(std::string_view text, std::string_view field) {
  if (text.empty() || text.back() != '\n') {
    return InvalidField(std::string(field), "a note's text must end with a newline");
  }
  if (!ValidUtf8(text)) return InvalidField(std::string(field), "a note must be valid UTF-8");
  for (char c : text) {
    if (static_cast<unsigned char>(c) < 0x20 && c != '\n') {
      return InvalidField(std::string(field),
                          "a note may hold no control characters other than newline");
    }
  }
  return OkStatus();
}

}  // namespace

Status CheckKeyName(std::string_view name) {
  if (name.empty()) return InvalidField("name", "the key name is empty");
  if (!ValidUtf8(name)) return InvalidField("name", "the key name is not valid UTF-8");
  for (char c : name) {
    auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u == 0x7f || c == '+') {
      return InvalidField("name", "the key name may hold no spaces, control characters or '+'");
    }
  }
  return OkStatus();
}

uint32_t KeyId(std::string_view name, std::string_view public_key) {
  const char type = static_cast<char>(kEd25519SignatureType);
  std::string h = Sha256({name, "\n", std::string_view(&type, 1), public_key});
  return (uint32_t{static_cast<unsigned char>(h[0])} << 24) |
         (uint32_t{static_cast<unsigned char>(h[1])} << 16) |
         (uint32_t{static_cast<unsigned char>(h[2])} << 8) | static_cast<unsigned char>(h[3]);
}

Result<NoteSigner> NoteSigner::Generate(std::string name) {
  if (auto s = CheckKeyName(name); !s) return Unexpected(s.error());
  std::unique_ptr<EVP_PKEY_CTX, decltype(&EVP_PKEY_CTX_free)> ctx(
      EVP_PKEY_CTX_new_id(EVP_PKEY_ED25519, nullptr), &EVP_PKEY_CTX_free);
  EVP_PKEY* raw = nullptr;
  if (!ctx || EVP_PKEY_keygen_init(ctx.get()) != 1 || EVP_PKEY_keygen(ctx.get(), &raw) != 1) {
    return MakeError(ErrorCode::kInternal, "OpenSSL could not generate an Ed25519 key");
  }
  Pkey key(raw);
  NoteSigner s;
  s.seed_.assign(kKeyBytes, '\0');
  size_t n = kKeyBytes;
  if (EVP_PKEY_get_raw_private_key(key.get(), reinterpret_cast<unsigned char*>(s.seed_.data()),
                                   &n) != 1 || n != kKeyBytes) {
    return MakeError(ErrorCode::kInternal, "OpenSSL could not read the Ed25519 private key");
  }
  auto pub = PublicKeyOf(key.get());
  if (!pub) return Unexpected(pub.error());
  s.name_ = std::move(name);
  s.public_key_ = *pub;
  s.key_id_ = KeyId(s.name_, s.public_key_);
  return s;
}

Result<NoteSigner> NoteSigner::FromSignerKey(std::string_view signer_key) {
  while (!signer_key.empty() && (signer_key.back() == '\n' || signer_key.back() == ' ' ||
                                 signer_key.back() == '\r')) {
    signer_key.remove_suffix(1);
  }
  if (signer_key.substr(0, kSignerPrefix.size()) != kSignerPrefix) {
    return InvalidField("signer_key", "a signer key starts with PRIVATE+KEY+");
  }
  auto parsed = ParseKey(signer_key.substr(kSignerPrefix.size()), "signer_key");
  if (!parsed) return Unexpected(parsed.error());
  Pkey key(EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, nullptr, Bytes(parsed->key),
                                        parsed->key.size()));
  if (!key) return InvalidField("signer_key", "not a usable Ed25519 private key");
  auto pub = PublicKeyOf(key.get());
  if (!pub) return Unexpected(pub.error());
  NoteSigner s;
  s.name_ = parsed->name;
  s.seed_ = parsed->key;
  s.public_key_ = *pub;
  s.key_id_ = KeyId(s.name_, s.public_key_);
  if (s.key_id_ != parsed->id) {
    return InvalidField("signer_key", "the key id does not match the key (a damaged key file?)");
  }
  return s;
}

std::string NoteSigner::SignerKey() const {
  const char type = static_cast<char>(kEd25519SignatureType);
  return std::string(kSignerPrefix) + name_ + "+" + KeyIdHex(key_id_) + "+" +
         Base64Encode(std::string(1, type) + seed_);
}

std::string NoteSigner::VerifierKey() const {
  const char type = static_cast<char>(kEd25519SignatureType);
  return name_ + "+" + KeyIdHex(key_id_) + "+" + Base64Encode(std::string(1, type) + public_key_);
}

Result<std::string> NoteSigner::Sign(std::string_view text) const {
  if (auto s = CheckNoteText(text, "text"); !s) return Unexpected(s.error());
  if (text.find("\n\n") != std::string_view::npos) {
    return InvalidField("text", "a note's text may not hold a blank line");
  }
  Pkey key(EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, nullptr, Bytes(seed_), seed_.size()));
  MdCtx md(EVP_MD_CTX_new());
  std::string sig(kSignatureBytes, '\0');
  size_t n = sig.size();
  if (!key || !md || EVP_DigestSignInit(md.get(), nullptr, nullptr, nullptr, key.get()) != 1 ||
      EVP_DigestSign(md.get(), reinterpret_cast<unsigned char*>(sig.data()), &n, Bytes(text),
                     text.size()) != 1 ||
      n != kSignatureBytes) {
    return MakeError(ErrorCode::kInternal, "OpenSSL could not sign the note");
  }
  std::string id(4, '\0');
  for (int i = 0; i < 4; ++i) id[static_cast<size_t>(i)] = static_cast<char>(key_id_ >> (24 - 8 * i));
  std::string note(text);
  note += "\n";
  note += kSignatureLinePrefix;
  note += name_;
  note += " ";
  note += Base64Encode(id + sig);
  note += "\n";
  return note;
}

Result<NoteVerifier> NoteVerifier::FromVerifierKey(std::string_view verifier_key) {
  while (!verifier_key.empty() && (verifier_key.back() == '\n' || verifier_key.back() == ' ' ||
                                   verifier_key.back() == '\r')) {
    verifier_key.remove_suffix(1);
  }
  auto parsed = ParseKey(verifier_key, "verifier_key");
  if (!parsed) return Unexpected(parsed.error());
  if (KeyId(parsed->name, parsed->key) != parsed->id) {
    return InvalidField("verifier_key", "the key id does not match the key");
  }
  NoteVerifier v;
  v.name_ = parsed->name;
  v.public_key_ = parsed->key;
  v.key_id_ = parsed->id;
  return v;
}

Result<std::string> NoteVerifier::Open(std::string_view note) const {
  if (auto s = CheckNoteText(note, "note"); !s) return Unexpected(s.error());
  size_t split = note.rfind("\n\n");
  if (split == std::string_view::npos) {
    return InvalidField("note", "a signed note has a blank line before its signatures");
  }
  std::string_view text = note.substr(0, split + 1);
  std::string_view lines = note.substr(split + 2);
  if (lines.empty()) return InvalidField("note", "the note has no signature lines");
  size_t count = 0;
  bool verified = false;
  while (!lines.empty()) {
    size_t end = lines.find('\n');  // present: the note ends with a newline
    std::string_view line = lines.substr(0, end);
    lines.remove_prefix(end + 1);
    if (++count > kMaxSignatures) return InvalidField("note", "the note has over 100 signatures");
    if (line.substr(0, kSignatureLinePrefix.size()) != kSignatureLinePrefix) {
      return InvalidField("note", "a signature line starts with an em dash and a space");
    }
    line.remove_prefix(kSignatureLinePrefix.size());
    size_t space = line.find(' ');
    if (space == std::string_view::npos) return InvalidField("note", "a signature line has no signature");
    std::string_view name = line.substr(0, space);
    if (auto s = CheckKeyName(name); !s) return InvalidField("note", "a signature line's key name is invalid");
    auto raw = Base64Decode(line.substr(space + 1), "note");
    if (!raw) return Unexpected(raw.error());
    if (raw->size() < 5) return InvalidField("note", "a signature is too short");
    uint32_t id = (uint32_t{static_cast<unsigned char>((*raw)[0])} << 24) |
                  (uint32_t{static_cast<unsigned char>((*raw)[1])} << 16) |
                  (uint32_t{static_cast<unsigned char>((*raw)[2])} << 8) |
                  static_cast<unsigned char>((*raw)[3]);
    if (name != name_ || id != key_id_ || verified) continue;  // another key's: ignored
    std::string_view sig = std::string_view(*raw).substr(4);
    Pkey key(EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nullptr, Bytes(public_key_),
                                         public_key_.size()));
    MdCtx md(EVP_MD_CTX_new());
    if (!key || !md || EVP_DigestVerifyInit(md.get(), nullptr, nullptr, nullptr, key.get()) != 1) {
      return MakeError(ErrorCode::kInternal, "OpenSSL could not load the verifier key");
    }
    if (sig.size() != kSignatureBytes ||
        EVP_DigestVerify(md.get(), Bytes(sig), sig.size(), Bytes(text), text.size()) != 1) {
      return MakeError(ErrorCode::kPermissionDenied,
                       "the signature by " + name_ + " does not verify: the note was altered or "
                       "signed by another key", "note");
    }
    verified = true;
  }
  if (!verified) {
    return MakeError(ErrorCode::kPermissionDenied,
                     "the note is not signed by " + name_ + "+" + KeyIdHex(key_id_), "note");
  }
  return std::string(text);
}

}  // namespace goldthread::tlog
