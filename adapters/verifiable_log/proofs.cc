#include "adapters/verifiable_log/proofs.h"

#include <fmt/format.h>

#include "store/base/base64.h"
#include "store/base/sha256.h"
#include "store/tlog/checkpoint.h"
#include "store/tlog/merkle.h"

namespace goldthread::adapters {
namespace {

std::string HashList(const std::vector<std::string>& hashes) {
  std::string out = "[";
  for (size_t i = 0; i < hashes.size(); ++i) {
    if (i > 0) out += ",";
    out += "\"" + Base64Encode(hashes[i]) + "\"";
  }
  return out + "]";
}

}  // namespace

Result<std::string> InclusionProofJson(const store::EventStore& store, uint64_t leaf_index,
                                       uint64_t tree_size) {
  auto proof = store.InclusionProof(leaf_index, tree_size);
  if (!proof) return Unexpected(proof.error());
  auto entry = store.LeafEntries(leaf_index, 1);
  if (!entry) return Unexpected(entry.error());
  if (entry->size() != 1) return MakeError(ErrorCode::kNotFound, "no such leaf", "leaf_index");
  auto root = store.TreeRoot(tree_size);
  if (!root) return Unexpected(root.error());
  return fmt::format(
      R"({{"kind":"inclusion","leaf_index":{},"position":{},"tree_size":{},"leaf_hash":"{}","root":"{}","proof":{}}})",
      leaf_index, leaf_index + 1, tree_size, Base64Encode(tlog::LeafHash((*entry)[0])),
      Base64Encode(*root), HashList(*proof));
}

Result<std::string> ConsistencyProofJson(const store::EventStore& store, uint64_t old_size,
                                         uint64_t tree_size) {
  auto proof = store.ConsistencyProof(old_size, tree_size);
  if (!proof) return Unexpected(proof.error());
  auto old_root = old_size == 0 ? Result<std::string>(tlog::EmptyTreeRoot()) : store.TreeRoot(old_size);
  if (!old_root) return Unexpected(old_root.error());
  auto root = store.TreeRoot(tree_size);
  if (!root) return Unexpected(root.error());
  return fmt::format(
      R"({{"kind":"consistency","old_size":{},"tree_size":{},"old_root":"{}","root":"{}","proof":{}}})",
      old_size, tree_size, Base64Encode(*old_root), Base64Encode(*root), HashList(*proof));
}

Result<SinceCheckpointReport> CheckSinceCheckpoint(const store::EventStore& store,
                                                   const tlog::NoteVerifier& verifier,
                                                   std::string_view checkpoint_note) {
  SinceCheckpointReport report;
  auto old = tlog::OpenCheckpoint(checkpoint_note, verifier);
  if (!old) {
    report.problem = "the earlier checkpoint does not verify with the log's key: " +
                     old.error().message;
    return report;
  }
  report.checkpoint_size = old->size;
  auto tree = store.Tree();
  if (!tree) return Unexpected(tree.error());
  report.tree_size = tree->size;
  if (tree->size < old->size) {
    report.problem = fmt::format(
        "the log holds {} events but a checkpoint signed earlier covers {}: events at the end "
        "of the log have been removed",
        tree->size, old->size);
    return report;
  }
  if (old->size == 0) {
    report.ok = old->root == tlog::EmptyTreeRoot();
    if (!report.ok) report.problem = "the earlier checkpoint of an empty log has a wrong root";
    return report;
  }
  auto proof = store.ConsistencyProof(old->size, tree->size);
  if (!proof) return Unexpected(proof.error());
  if (!tlog::VerifyConsistency(old->size, tree->size, old->root, tree->root, *proof)) {
    report.problem = fmt::format(
        "the log is not an append-only extension of the checkpoint of {} events signed "
        "earlier: some of its first {} events have been changed, removed or reordered",
        old->size, old->size);
    return report;
  }
  report.ok = true;
  return report;
}

}  // namespace goldthread::adapters
