// Proofs (RFC 9162 §2.1.3-2.1.4) in the JSON form docs/VERIFYING.md defines, and the check that
// the log now is an append-only extension of an earlier signed checkpoint.
//
//   {"kind": "inclusion", "leaf_index": 41, "position": 42, "tree_size": 1000,
//    "leaf_hash": "<base64>", "root": "<base64>", "proof": ["<base64>", ...]}
//   {"kind": "consistency", "old_size": 500, "tree_size": 1000, "old_root": "<base64>",
//    "root": "<base64>", "proof": [...]}
//
// Hashes are base64 (standard, padded), proofs in RFC order. Functions; thread-safe as the
// store is.
#ifndef GOLDTHREAD_ADAPTERS_VERIFIABLE_LOG_PROOFS_H_
#define GOLDTHREAD_ADAPTERS_VERIFIABLE_LOG_PROOFS_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "store/base/errors.h"
#include "store/event_store.h"
#include "store/tlog/note.h"

namespace goldthread::adapters {

Result<std::string> InclusionProofJson(const store::EventStore& store, uint64_t leaf_index,
                                       uint64_t tree_size);
Result<std::string> ConsistencyProofJson(const store::EventStore& store, uint64_t old_size,
                                         uint64_t tree_size);

struct SinceCheckpointReport {
  bool ok = false;
  uint64_t checkpoint_size = 0;  // the earlier checkpoint's
  uint64_t tree_size = 0;        // the log's now
  std::string problem;           // for a person, when !ok
};
// Whether the log now extends `checkpoint_note` (a checkpoint signed by `verifier`): it is at
// least as long and a consistency proof from the checkpoint's root to today's verifies. A
// checkpoint not signed by the key is reported, not returned as an error.
Result<SinceCheckpointReport> CheckSinceCheckpoint(const store::EventStore& store,
                                                   const tlog::NoteVerifier& verifier,
                                                   std::string_view checkpoint_note);

}  // namespace goldthread::adapters

#endif  // GOLDTHREAD_ADAPTERS_VERIFIABLE_LOG_PROOFS_H_
