#include "tests/testing/slow_event_store.h"

#include <thread>

namespace goldthread::testing {

void SlowEventStore::Sleep() const {
  const int64_t ms = delay_ms_;
  if (ms <= 0) return;
  ++slow_reads_;
  std::this_thread::sleep_for(std::chrono::milliseconds(ms));
}

Result<store::AppendResult> SlowEventStore::Append(store::AppendRequest request) {
  return inner_->Append(std::move(request));
}
void SlowEventStore::AppendAsync(store::AppendRequest request,
                                 std::function<void(Result<store::AppendResult>)> done) {
  inner_->AppendAsync(std::move(request), std::move(done));
}
Result<std::vector<store::AppendResult>> SlowEventStore::AppendAll(
    std::vector<store::AppendRequest> requests) {
  return inner_->AppendAll(std::move(requests));
}
void SlowEventStore::AppendAllAsync(
    std::vector<store::AppendRequest> requests,
    std::function<void(Result<std::vector<store::AppendResult>>)> done) {
  inner_->AppendAllAsync(std::move(requests), std::move(done));
}
Result<store::ReadPage> SlowEventStore::ReadStream(std::string_view stream, uint64_t from_version,
                                                   store::Direction direction,
                                                   size_t max_count) const {
  Sleep();
  return inner_->ReadStream(stream, from_version, direction, max_count);
}
Result<store::ReadPage> SlowEventStore::ReadAll(uint64_t from_position, store::Direction direction,
                                                size_t max_count) const {
  Sleep();
  return inner_->ReadAll(from_position, direction, max_count);
}
Status SlowEventStore::ReadAllInto(uint64_t from_position, store::Direction direction,
                                   size_t max_count, store::ReadPage* page) const {
  Sleep();
  return inner_->ReadAllInto(from_position, direction, max_count, page);
}
Result<uint64_t> SlowEventStore::StreamVersion(std::string_view stream) const {
  Sleep();
  return inner_->StreamVersion(stream);
}
store::HeadInfo SlowEventStore::Head() const { return inner_->Head(); }
Result<std::optional<store::AppendResult>> SlowEventStore::FindCommand(
    std::string_view command_id) const {
  Sleep();
  return inner_->FindCommand(command_id);
}
std::unique_ptr<store::Subscription> SlowEventStore::Subscribe(uint64_t from_position,
                                                               store::SubscribeOptions options) {
  return inner_->Subscribe(from_position, std::move(options));
}
Result<store::VerifyReport> SlowEventStore::Verify(uint64_t from, uint64_t to) const {
  Sleep();
  return inner_->Verify(from, to);
}
Result<store::TreeHead> SlowEventStore::Tree() const { return inner_->Tree(); }
Result<std::string> SlowEventStore::TreeRoot(uint64_t tree_size) const {
  Sleep();
  return inner_->TreeRoot(tree_size);
}
Result<std::vector<std::string>> SlowEventStore::InclusionProof(uint64_t leaf_index,
                                                                uint64_t tree_size) const {
  Sleep();
  return inner_->InclusionProof(leaf_index, tree_size);
}
Result<std::vector<std::string>> SlowEventStore::ConsistencyProof(uint64_t old_size,
                                                                  uint64_t new_size) const {
  Sleep();
  return inner_->ConsistencyProof(old_size, new_size);
}
Result<std::vector<std::string>> SlowEventStore::TreeHashes(int level, uint64_t from,
                                                            uint64_t count,
                                                            uint64_t tree_size) const {
  Sleep();
  return inner_->TreeHashes(level, from, count, tree_size);
}
Result<std::vector<std::string>> SlowEventStore::LeafEntries(uint64_t from_index,
                                                             uint64_t count) const {
  Sleep();
  return inner_->LeafEntries(from_index, count);
}
Status SlowEventStore::WriteProjections(const std::vector<store::ProjectionWrite>& writes) {
  return inner_->WriteProjections(writes);
}
Result<uint64_t> SlowEventStore::ProjectionCheckpoint(std::string_view projection) const {
  Sleep();
  return inner_->ProjectionCheckpoint(projection);
}
Result<std::optional<std::string>> SlowEventStore::ReadProjection(std::string_view projection,
                                                                  std::string_view key) const {
  Sleep();
  return inner_->ReadProjection(projection, key);
}
Status SlowEventStore::ScanProjection(
    std::string_view projection,
    const std::function<Status(std::string_view key, std::string_view value)>& visit) const {
  Sleep();
  return inner_->ScanProjection(projection, visit);
}
Status SlowEventStore::DropProjection(std::string_view projection) {
  return inner_->DropProjection(projection);
}
Status SlowEventStore::CreateBackup(const std::string& backup_dir) {
  return inner_->CreateBackup(backup_dir);
}

}  // namespace goldthread::testing
