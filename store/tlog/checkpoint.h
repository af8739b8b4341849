// Checkpoints (C2SP tlog-checkpoint): the signed statement "this log, at this size, has this
// Merkle root". The body is three lines:
//
//   goldthread.example-council.gov.uk/performance     origin (the log's name; also its key's name)
//   1234                                              tree size, decimal, no leading zeros
//   eOy1...base64 of the 32-byte root...=             RFC 6962 root hash of the first 1234 leaves
//
// and it is signed as a signed note (note.h), whose key name is the origin.
// Values and pure functions; thread-safe.
#ifndef GOLDTHREAD_STORE_TLOG_CHECKPOINT_H_
#define GOLDTHREAD_STORE_TLOG_CHECKPOINT_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "store/base/errors.h"
#include "store/tlog/note.h"

namespace goldthread::tlog {

struct Checkpoint {
  std::string origin;
  uint64_t size = 0;
  std::string root;  // 32 raw bytes
};

// The checkpoint's body text (three lines, each ending in a newline).
std::string FormatCheckpoint(const Checkpoint& checkpoint);
// Parses a body; extension lines after the third are allowed and ignored, as the spec says.
Result<Checkpoint> ParseCheckpoint(std::string_view body);

// The signed note of `checkpoint` (its origin must be the signer's name).
Result<std::string> SignCheckpoint(const Checkpoint& checkpoint, const NoteSigner& signer);
// Verifies a signed checkpoint note by `verifier` and parses it; the origin must be the key's
// name. kPermissionDenied when the signature does not verify, kInvalidArgument when malformed.
Result<Checkpoint> OpenCheckpoint(std::string_view note, const NoteVerifier& verifier);

}  // namespace goldthread::tlog

#endif  // GOLDTHREAD_STORE_TLOG_CHECKPOINT_H_
