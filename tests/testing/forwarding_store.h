// ForwardingStore: an EventStore that passes every call to another one, with hooks a test sets
// to step into the middle of an operation — another writer's append landing between a decision
// and its append (before_append_all), or a slow disk (read_delay).
//
// Threading: as the store it forwards to; set the hooks before sharing it.
#ifndef GOLDTHREAD_TESTS_TESTING_FORWARDING_STORE_H_
#define GOLDTHREAD_TESTS_TESTING_FORWARDING_STORE_H_

#include <chrono>
#include <functional>
#include <memory>
#include <thread>

#include "store/event_store.h"

namespace goldthread::testing {

class ForwardingStore : public store::EventStore {
 public:
  explicit ForwardingStore(store::EventStore* base) : base_(base) {}

  // Runs before each AppendAll is forwarded (on the caller's thread).
  std::function<void(const std::vector<store::AppendRequest>&)> before_append_all;
  // Slept before each read is forwarded.
  std::chrono::milliseconds read_delay{0};

  Result<store::AppendResult> Append(store::AppendRequest request) override {
    return base_->Append(std::move(request));
  }
  void AppendAsync(store::AppendRequest request,
                   std::function<void(Result<store::AppendResult>)> done) override {
    base_->AppendAsync(std::move(request), std::move(done));
  }
  Result<std::vector<store::AppendResult>> AppendAll(
      std::vector<store::AppendRequest> requests) override {
    if (before_append_all) before_append_all(requests);
    return base_->AppendAll(std::move(requests));
  }
  void AppendAllAsync(std::vector<store::AppendRequest> requests,
                      std::function<void(Result<std::vector<store::AppendResult>>)> done) override {
    if (before_append_all) before_append_all(requests);
    base_->AppendAllAsync(std::move(requests), std::move(done));
  }
  Result<store::ReadPage> ReadStream(std::string_view stream, uint64_t from_version,
                                     store::Direction direction, size_t max_count) const override {
    Delay();
    return base_->ReadStream(stream, from_version, direction, max_count);
  }
  Result<store::ReadPage> ReadAll(uint64_t from_position, store::Direction direction,
                                  size_t max_count) const override {
    Delay();
    return base_->ReadAll(from_position, direction, max_count);
  }
  Status ReadAllInto(uint64_t from_position, store::Direction direction, size_t max_count,
                     store::ReadPage* page) const override {
    Delay();
    return base_->ReadAllInto(from_position, direction, max_count, page);
  }
  Result<uint64_t> StreamVersion(std::string_view stream) const override {
    Delay();
    return base_->StreamVersion(stream);
  }
  store::HeadInfo Head() const override { return base_->Head(); }
  Result<std::optional<store::AppendResult>> FindCommand(
      std::string_view command_id) const override {
    Delay();
    return base_->FindCommand(command_id);
  }
  std::unique_ptr<store::Subscription> Subscribe(uint64_t from_position,
                                                 store::SubscribeOptions options) override {
    return base_->Subscribe(from_position, std::move(options));
  }
  Result<store::VerifyReport> Verify(uint64_t from, uint64_t to) const override {
    Delay();
    return base_->Verify(from, to);
  }
  Result<store::TreeHead> Tree() const override { return base_->Tree(); }
  Result<std::string> TreeRoot(uint64_t tree_size) const override {
    Delay();
    return base_->TreeRoot(tree_size);
  }
  Result<std::vector<std::string>> InclusionProof(uint64_t leaf_index,
                                                  uint64_t tree_size) const override {
    Delay();
    return base_->InclusionProof(leaf_index, tree_size);
  }
  Result<std::vector<std::string>> ConsistencyProof(uint64_t old_size,
                                                    uint64_t new_size) const override {
    Delay();
    return base_->ConsistencyProof(old_size, new_size);
  }
  Result<std::vector<std::string>> TreeHashes(int level, uint64_t from, uint64_t count,
                                              uint64_t tree_size) const override {
    Delay();
    return base_->TreeHashes(level, from, count, tree_size);
  }
  Result<std::vector<std::string>> LeafEntries(uint64_t from_index,
                                               uint64_t count) const override {
    Delay();
    return base_->LeafEntries(from_index, count);
  }
  Status WriteProjections(const std::vector<store::ProjectionWrite>& writes) override {
    return base_->WriteProjections(writes);
  }
  Result<uint64_t> ProjectionCheckpoint(std::string_view projection) const override {
    return base_->ProjectionCheckpoint(projection);
  }
  Result<std::optional<std::string>> ReadProjection(std::string_view projection,
                                                    std::string_view key) const override {
    Delay();
    return base_->ReadProjection(projection, key);
  }
  Status ScanProjection(std::string_view projection,
                        const std::function<Status(std::string_view, std::string_view)>& visit)
      const override {
    Delay();
    return base_->ScanProjection(projection, visit);
  }
  Status DropProjection(std::string_view projection) override {
    return base_->DropProjection(projection);
  }
  Status CreateBackup(const std::string& backup_dir) override {
    return base_->CreateBackup(backup_dir);
  }

 private:
  void Delay() const {
    if (read_delay.count() > 0) std::this_thread::sleep_for(read_delay);
  }

  store::EventStore* const base_;
};

}  // namespace goldthread::testing

#endif  // GOLDTHREAD_TESTS_TESTING_FORWARDING_STORE_H_
