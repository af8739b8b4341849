// Helpers shared by the store's tests: opening a store in a temporary folder, building append
// requests, and RawStore, which opens a (closed) store's RocksDB directly so that tests can
// tamper with records, delete them or rewrite meta keys exactly as an attacker or a disk fault
// would. Header-only; test code only. Each object is used by one thread.
#ifndef GOLDTHREAD_TESTS_STORE_STORE_TEST_UTIL_H_
#define GOLDTHREAD_TESTS_STORE_STORE_TEST_UTIL_H_

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "rocksdb/db.h"
#include "store/event_store.h"
#include "store/internal/keys.h"

namespace goldthread::store::testing {

// StoreOptions for tests: buffered (no fsync), so that the suite stays fast. Tests about
// durability set kSync themselves.
inline StoreOptions FastOptions() {
  StoreOptions o;
  o.durability = Durability::kBuffered;
  return o;
}

// Opens a store or fails the calling test (use with ASSERT_NO_FATAL_FAILURE or check for null).
inline std::unique_ptr<EventStore> OpenOrFail(const std::string& dir,
                                              StoreOptions options = FastOptions()) {
  auto store = EventStore::Open(dir, options);
  EXPECT_TRUE(store) << store.error().ToString();
  return store ? std::move(*store) : nullptr;
}

// `n` events of type "test.Event" with payloads "<prefix>0", "<prefix>1", ...
inline std::vector<NewEvent> Events(size_t n, const std::string& prefix = "payload-") {
  std::vector<NewEvent> events;
  for (size_t i = 0; i < n; ++i) {
    events.push_back(NewEvent{.type = "test.Event", .payload = prefix + std::to_string(i)});
  }
  return events;
}

inline AppendRequest Request(std::string stream, ExpectedVersion expected, size_t n = 1,
                             std::string command_id = {}) {
  return AppendRequest{.stream = std::move(stream),
                       .expected = expected,
                       .events = Events(n),
                       .command_id = std::move(command_id),
                       .actor = "person/test"};
}

// Direct access to the RocksDB of a closed store, with every column family of the layout
// (store/README.md, store/internal/keys.h).
class RawStore {
 public:
  static std::unique_ptr<RawStore> Open(const std::string& dir) {
    rocksdb::DBOptions options;
    // A store from before the tree gains an empty `tree` family (DropTree takes it away again).
    options.create_missing_column_families = true;
    std::vector<rocksdb::ColumnFamilyDescriptor> families;
    for (const char* name :
         {rocksdb::kDefaultColumnFamilyName.c_str(), internal::kLogFamily, internal::kStreamsFamily,
          internal::kMetaFamily, internal::kCommandsFamily, internal::kProjectionsFamily,
          internal::kTreeFamily}) {
      families.emplace_back(name, rocksdb::ColumnFamilyOptions());
    }
    auto raw = std::unique_ptr<RawStore>(new RawStore);
    rocksdb::DB* db = nullptr;
    rocksdb::Status s = rocksdb::DB::Open(options, dir, families, &raw->handles_, &db);
    EXPECT_TRUE(s.ok()) << s.ToString();
    if (!s.ok()) return nullptr;
    raw->db_.reset(db);
    return raw;
  }
  ~RawStore() {
    for (auto* h : handles_) db_->DestroyColumnFamilyHandle(h).PermitUncheckedError();
    db_->Close().PermitUncheckedError();
  }
  RawStore(const RawStore&) = delete;
  RawStore& operator=(const RawStore&) = delete;

  rocksdb::ColumnFamilyHandle* log() { return handles_[1]; }
  rocksdb::ColumnFamilyHandle* streams() { return handles_[2]; }
  rocksdb::ColumnFamilyHandle* meta() { return handles_[3]; }
  rocksdb::ColumnFamilyHandle* commands() { return handles_[4]; }
  rocksdb::ColumnFamilyHandle* tree() { return handles_[6]; }

  // Every key of `family`, in order.
  std::vector<std::string> Keys(rocksdb::ColumnFamilyHandle* family) {
    std::vector<std::string> keys;
    std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions(), family));
    for (it->SeekToFirst(); it->Valid(); it->Next()) keys.push_back(it->key().ToString());
    EXPECT_TRUE(it->status().ok()) << it->status().ToString();
    return keys;
  }
  // Drops the `tree` family: the store as a goldthread from before the Merkle tree left it.
  void DropTree() {
    rocksdb::Status s = db_->DropColumnFamily(handles_[6]);
    EXPECT_TRUE(s.ok()) << s.ToString();
    db_->DestroyColumnFamilyHandle(handles_[6]).PermitUncheckedError();
    handles_.pop_back();
  }

  // The stored value, or "" (and a test failure) when it cannot be read.
  std::string Get(rocksdb::ColumnFamilyHandle* family, const std::string& key) {
    std::string value;
    rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), family, key, &value);
    EXPECT_TRUE(s.ok()) << s.ToString();
    return value;
  }
  void Put(rocksdb::ColumnFamilyHandle* family, const std::string& key, const std::string& value) {
    rocksdb::WriteOptions wo;
    wo.sync = true;
    rocksdb::Status s = db_->Put(wo, family, key, value);
    EXPECT_TRUE(s.ok()) << s.ToString();
  }
  void Delete(rocksdb::ColumnFamilyHandle* family, const std::string& key) {
    rocksdb::WriteOptions wo;
    wo.sync = true;
    rocksdb::Status s = db_->Delete(wo, family, key);
    EXPECT_TRUE(s.ok()) << s.ToString();
  }

 private:
  RawStore() = default;
  std::unique_ptr<rocksdb::DB> db_;
  std::vector<rocksdb::ColumnFamilyHandle*> handles_;
};

}  // namespace goldthread::store::testing

#endif  // GOLDTHREAD_TESTS_STORE_STORE_TEST_UTIL_H_
