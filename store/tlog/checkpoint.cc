#include "store/tlog/checkpoint.h"

#include <charconv>

#include "store/base/base64.h"

namespace goldthread::tlog {
namespace {

constexpr size_t kRootBytes = 32;

Result<std::string_view> NextLine(std::string_view* rest, std::string_view what) {
  size_t end = rest->find('\n');
  if (end == std::string_view::npos) {
    return InvalidField("checkpoint", "the checkpoint has no " + std::string(what) + " line");
  }
  std::string_view line = rest->substr(0, end);
  rest->remove_prefix(end + 1);
  return line;
}

}  // namespace

std::string FormatCheckpoint(const Checkpoint& checkpoint) {
  return checkpoint.origin + "\n" + std::to_string(checkpoint.size) + "\n" +
         Base64Encode(checkpoint.root) + "\n";
}

Result<Checkpoint> ParseCheckpoint(std::string_view body) {
  Checkpoint cp;
  auto origin = NextLine(&body, "origin");
  if (!origin) return Unexpected(origin.error());
  if (origin->empty()) return InvalidField("checkpoint", "the checkpoint's origin is empty");
  cp.origin = std::string(*origin);
  auto size = NextLine(&body, "tree size");
  if (!size) return Unexpected(size.error());
  auto [end, ec] = std::from_chars(size->data(), size->data() + size->size(), cp.size);
  if (size->empty() || ec != std::errc() || end != size->data() + size->size() ||
      (size->size() > 1 && (*size)[0] == '0')) {
    return InvalidField("checkpoint", "the checkpoint's tree size is not a decimal number");
  }
  auto root = NextLine(&body, "root hash");
  if (!root) return Unexpected(root.error());
  auto raw = Base64Decode(*root, "checkpoint");
  if (!raw) return Unexpected(raw.error());
  if (raw->size() != kRootBytes) {
    return InvalidField("checkpoint", "the checkpoint's root hash is not 32 bytes");
  }
  cp.root = std::move(*raw);
  return cp;
}

Result<std::string> SignCheckpoint(const Checkpoint& checkpoint, const NoteSigner& signer) {
  if (checkpoint.origin != signer.name()) {
    return InvalidField("origin", "the checkpoint's origin \"" + checkpoint.origin +
                                      "\" is not the signing key's name \"" + signer.name() + "\"");
  }
  if (checkpoint.root.size() != kRootBytes) return InvalidField("root", "the root is not 32 bytes");
  return signer.Sign(FormatCheckpoint(checkpoint));
}

Result<Checkpoint> OpenCheckpoint(std::string_view note, const NoteVerifier& verifier) {
  auto text = verifier.Open(note);
  if (!text) return Unexpected(text.error());
  auto cp = ParseCheckpoint(*text);
  if (!cp) return Unexpected(cp.error());
  if (cp->origin != verifier.name()) {
    return InvalidField("checkpoint", "the checkpoint's origin \"" + cp->origin +
                                          "\" is not the key's name \"" + verifier.name() + "\"");
  }
  return cp;
}

}  // namespace goldthread::tlog
