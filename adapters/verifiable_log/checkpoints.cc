#include "adapters/verifiable_log/checkpoints.h"

#include <utility>

namespace goldthread::adapters {
namespace {

constexpr std::string_view kLatestKey = "latest";

std::string SizeKey(uint64_t size) {
  std::string key(8, '\0');
  for (int i = 7; i >= 0; --i, size >>= 8) key[static_cast<size_t>(i)] = static_cast<char>(size & 0xff);
  return key;
}

}  // namespace

Result<std::optional<SignedCheckpoint>> ReadLatestCheckpoint(const store::EventStore& store) {
  auto note = store.ReadProjection(kCheckpointsProjection, kLatestKey);
  if (!note) return Unexpected(note.error());
  if (!note->has_value()) return std::optional<SignedCheckpoint>();
  // The body is the note up to its blank line; the signature is checked by whoever relies on it.
  const std::string& text = **note;
  const size_t split = text.rfind("\n\n");
  if (split == std::string::npos) {
    return MakeError(ErrorCode::kDataLoss, "the kept checkpoint is not a signed note");
  }
  auto cp = tlog::ParseCheckpoint(std::string_view(text).substr(0, split + 1));
  if (!cp) return MakeError(ErrorCode::kDataLoss, "the kept checkpoint: " + cp.error().message);
  return std::optional<SignedCheckpoint>(SignedCheckpoint{*cp, text});
}

Result<std::string> SignTreeCheckpoint(const store::EventStore& store,
                                       const tlog::NoteSigner& signer, uint64_t size) {
  auto root = store.TreeRoot(size);
  if (!root) return Unexpected(root.error());
  return tlog::SignCheckpoint({signer.name(), size, *root}, signer);
}

Checkpointer::Checkpointer(store::EventStore* store, tlog::NoteSigner signer,
                           CheckpointPolicy policy)
    : store_(store), signer_(std::move(signer)), policy_(policy) {}

Result<std::optional<SignedCheckpoint>> Checkpointer::Latest() const {
  return ReadLatestCheckpoint(*store_);
}

Result<SignedCheckpoint> Checkpointer::SignNow() {
  std::lock_guard lock(mu_);
  auto tree = store_->Tree();
  if (!tree) return Unexpected(tree.error());
  auto latest = ReadLatestCheckpoint(*store_);
  if (!latest) return Unexpected(latest.error());
  if (*latest && (*latest)->checkpoint.size == tree->size &&
      (*latest)->checkpoint.origin == signer_.name()) {
    return **latest;
  }
  tlog::Checkpoint cp{signer_.name(), tree->size, tree->root};
  auto note = tlog::SignCheckpoint(cp, signer_);
  if (!note) return Unexpected(note.error());
  store::ProjectionWrite write;
  write.projection = std::string(kCheckpointsProjection);
  write.puts = {{std::string(kLatestKey), *note}, {SizeKey(cp.size), *note}};
  if (auto s = store_->WriteProjections({write}); !s) return Unexpected(s.error());
  last_signed_at_ = std::chrono::steady_clock::now();
  return SignedCheckpoint{cp, *note};
}

Result<SignedCheckpoint> Checkpointer::SignAt(uint64_t size) {
  if (size >= store_->Head().position) return SignNow();
  if (auto kept = store_->ReadProjection(kCheckpointsProjection, SizeKey(size)); kept && *kept) {
    auto cp = tlog::ParseCheckpoint(std::string_view(**kept).substr(0, (*kept)->rfind("\n\n") + 1));
    if (cp && cp->origin == signer_.name()) return SignedCheckpoint{*cp, **kept};
  }
  auto root = store_->TreeRoot(size);
  if (!root) return Unexpected(root.error());
  tlog::Checkpoint cp{signer_.name(), size, *root};
  auto note = tlog::SignCheckpoint(cp, signer_);
  if (!note) return Unexpected(note.error());
  // (SignTreeCheckpoint without keeping it; here the note is kept by its size.)
  store::ProjectionWrite write;
  write.projection = std::string(kCheckpointsProjection);
  write.puts = {{SizeKey(size), *note}};
  if (auto s = store_->WriteProjections({write}); !s) return Unexpected(s.error());
  return SignedCheckpoint{cp, *note};
}

Result<std::optional<SignedCheckpoint>> Checkpointer::MaybeSign() {
  uint64_t signed_size = 0;
  bool any = false;
  {
    auto latest = ReadLatestCheckpoint(*store_);
    if (!latest) return Unexpected(latest.error());
    if (*latest) {
      any = true;
      signed_size = (*latest)->checkpoint.size;
    }
  }
  const uint64_t size = store_->Head().position;
  bool due = !any;
  if (size > signed_size) {
    std::lock_guard lock(mu_);
    const auto now = std::chrono::steady_clock::now();
    due = due || size - signed_size >= policy_.every_events || !last_signed_at_ ||
          now - *last_signed_at_ >= policy_.every;
  }
  if (!due) return std::optional<SignedCheckpoint>();
  auto signed_now = SignNow();
  if (!signed_now) return Unexpected(signed_now.error());
  return std::optional<SignedCheckpoint>(std::move(*signed_now));
}

}  // namespace goldthread::adapters
