// SlowEventStore: an EventStore that forwards to another and sleeps before every read, for
// tests that a slow store cannot stall what must not wait for it (the HTTP server's I/O
// threads answering /healthz while a read route waits on the store).
//
// Reads (ReadStream, ReadAll, ReadAllInto, StreamVersion, FindCommand, Verify, the tree's
// roots, proofs, hashes and entries, projection reads) sleep for the delay set last; appends, Head and subscriptions pass straight through.
//
// Threading: as the wrapped store; set_read_delay from any thread. The wrapped store is not
// owned and must outlive this one.
#ifndef GOLDTHREAD_TESTS_TESTING_SLOW_EVENT_STORE_H_
#define GOLDTHREAD_TESTS_TESTING_SLOW_EVENT_STORE_H_

#include <atomic>
#include <chrono>

#include "store/event_store.h"

namespace goldthread::testing {

class SlowEventStore : public store::EventStore {
 public:
  explicit SlowEventStore(store::EventStore* inner) : inner_(inner) {}

  // How long each read sleeps before it is forwarded. Default: 0.
  void set_read_delay(std::chrono::milliseconds delay) { delay_ms_ = delay.count(); }
  // Reads that have slept so far.
  uint64_t slow_reads() const { return slow_reads_; }

  Result<store::AppendResult> Append(store::AppendRequest request) override;
  void AppendAsync(store::AppendRequest request,
                   std::function<void(Result<store::AppendResult>)> done) override;
  Result<std::vector<store::AppendResult>> AppendAll(
      std::vector<store::AppendRequest> requests) override;
  void AppendAllAsync(std::vector<store::AppendRequest> requests,
                      std::function<void(Result<std::vector<store::AppendResult>>)> done) override;
  Result<store::ReadPage> ReadStream(std::string_view stream, uint64_t from_version,
                                     store::Direction direction, size_t max_count) const override;
  Result<store::ReadPage> ReadAll(uint64_t from_position, store::Direction direction,
                                  size_t max_count) const override;
  Status ReadAllInto(uint64_t from_position, store::Direction direction, size_t max_count,
                     store::ReadPage* page) const override;
  Result<uint64_t> StreamVersion(std::string_view stream) const override;
  store::HeadInfo Head() const override;
  Result<std::optional<store::AppendResult>> FindCommand(
      std::string_view command_id) const override;
  std::unique_ptr<store::Subscription> Subscribe(uint64_t from_position,
                                                 store::SubscribeOptions options) override;
  Result<store::VerifyReport> Verify(uint64_t from, uint64_t to) const override;
  Result<store::TreeHead> Tree() const override;
  Result<std::string> TreeRoot(uint64_t tree_size) const override;
  Result<std::vector<std::string>> InclusionProof(uint64_t leaf_index,
                                                  uint64_t tree_size) const override;
  Result<std::vector<std::string>> ConsistencyProof(uint64_t old_size,
                                                    uint64_t new_size) const override;
  Result<std::vector<std::string>> TreeHashes(int level, uint64_t from, uint64_t count,
                                              uint64_t tree_size) const override;
  Result<std::vector<std::string>> LeafEntries(uint64_t from_index, uint64_t count) const override;
  Status WriteProjections(const std::vector<store::ProjectionWrite>& writes) override;
  Result<uint64_t> ProjectionCheckpoint(std::string_view projection) const override;
  Result<std::optional<std::string>> ReadProjection(std::string_view projection,
                                                    std::string_view key) const override;
  Status ScanProjection(std::string_view projection,
                        const std::function<Status(std::string_view key, std::string_view value)>&
                            visit) const override;
  Status DropProjection(std::string_view projection) override;
  Status CreateBackup(const std::string& backup_dir) override;

 private:
  void Sleep() const;

  store::EventStore* const inner_;
  std::atomic<int64_t> delay_ms_{0};
  mutable std::atomic<uint64_t> slow_reads_{0};
};

}  // namespace goldthread::testing

#endif  // GOLDTHREAD_TESTS_TESTING_SLOW_EVENT_STORE_H_
