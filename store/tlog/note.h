// Signed notes (C2SP signed-note) with Ed25519: how the log's checkpoints are signed, in the
// format Go's golang.org/x/mod/sumdb/note and the transparency-log ecosystem read.
//
//   auto signer = NoteSigner::Generate("goldthread.example-council.gov.uk/performance");
//   std::string note = signer->Sign("text\n").value();   // text, blank line, "— name sig"
//   auto verifier = NoteVerifier::FromVerifierKey(signer->VerifierKey());
//   Result<std::string> text = verifier->Open(note);      // "text\n", or why not
//
// Key formats (the same strings Go's note.NewSigner and note.NewVerifier take):
//   signer key   PRIVATE+KEY+<name>+<key id, 8 hex>+<base64(0x01 ‖ 32-byte seed)>
//   verifier key <name>+<key id, 8 hex>+<base64(0x01 ‖ 32-byte public key)>
//   key id       the first 4 bytes of SHA-256(name ‖ 0x0A ‖ 0x01 ‖ public key), big-endian
// A signature line is "— <name> <base64(key id ‖ 64-byte signature)>"; the signature covers
// the text with its final newline and not the blank line after it.
//
// Values; thread-safe (each Sign builds its own OpenSSL key).
#ifndef GOLDTHREAD_STORE_TLOG_NOTE_H_
#define GOLDTHREAD_STORE_TLOG_NOTE_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "store/base/errors.h"

namespace goldthread::tlog {

inline constexpr unsigned char kEd25519SignatureType = 0x01;

// A key name is non-empty UTF-8 with no whitespace or '+'; kInvalidArgument otherwise.
Status CheckKeyName(std::string_view name);
// The key id of an Ed25519 public key under `name`.
uint32_t KeyId(std::string_view name, std::string_view public_key);

class NoteSigner {
 public:
  static Result<NoteSigner> Generate(std::string name);
  // Parses a signer key (the contents of the log's key file, surrounding whitespace ignored).
  static Result<NoteSigner> FromSignerKey(std::string_view signer_key);

  const std::string& name() const { return name_; }
  uint32_t key_id() const { return key_id_; }
  const std::string& public_key() const { return public_key_; }
  std::string SignerKey() const;
  std::string VerifierKey() const;

  // `text` must be valid for a note: non-empty, ending in a newline, without a blank line
  // or control characters other than newline. Returns the whole signed note.
  Result<std::string> Sign(std::string_view text) const;

 private:
  NoteSigner() = default;
  std::string name_, seed_, public_key_;
  uint32_t key_id_ = 0;
};

class NoteVerifier {
 public:
  static Result<NoteVerifier> FromVerifierKey(std::string_view verifier_key);

  const std::string& name() const { return name_; }
  uint32_t key_id() const { return key_id_; }

  // The note's text if it carries a valid signature by this key. kInvalidArgument for a
  // malformed note, kPermissionDenied ("not signed by ...") when no line is by this key or
  // the signature does not verify. Lines by other keys are ignored, as the spec says.
  Result<std::string> Open(std::string_view note) const;

 private:
  NoteVerifier() = default;
  std::string name_, public_key_;
  uint32_t key_id_ = 0;
};

}  // namespace goldthread::tlog

#endif  // GOLDTHREAD_STORE_TLOG_NOTE_H_
