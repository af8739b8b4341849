// Tests of EventStore::Verify (store/rocks_event_store.cc) against a tampered log: the store is
// closed, its RocksDB opened directly (layout in store/README.md and store/internal/keys.h), one
// byte of one record changed or a record deleted, and Verify must name exactly that position.
#include <gtest/gtest.h>

#include <thread>

#include "store/base/hex.h"
#include "store/internal/hash_chain.h"
#include "store/internal/keys.h"
#include "tests/store/store_test_util.h"
#include "tests/testing/temp_dir.h"

namespace goldthread::store {
namespace {

using goldthread::testing::TempDir;
using internal::LogKey;
using testing::OpenOrFail;
using testing::RawStore;
using testing::Request;

constexpr uint64_t kEvents = 30;
constexpr uint64_t kTampered = 17;

// Flips the low bit of the byte at `offset` in `value`.
std::string FlipByte(std::string value, size_t offset) {
  value[offset] = static_cast<char>(value[offset] ^ 0x01);
  return value;
}

class TamperTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto store = OpenOrFail(db());
    ASSERT_TRUE(store);
    for (uint64_t i = 0; i < kEvents; ++i) {
      AppendRequest r = Request("demo/figure/" + std::to_string(i % 4), ExpectedVersion::Any());
      r.actor = "person/p-" + std::to_string(1000 + i);
      r.events[0].payload = "figure value " + std::to_string(1000 + i);
      ASSERT_TRUE(store->Append(r));
    }
    auto report = store->Verify(1, 0);
    ASSERT_TRUE(report);
    ASSERT_TRUE(report->ok) << report->problem;
    ASSERT_EQ(report->events_checked, kEvents);
  }

  std::string db() const { return dir_.Sub("db"); }

  // Rewrites the stored record at `position` with `change` applied to its serialised bytes.
  void ChangeStoredRecord(uint64_t position,
                          const std::function<std::string(const std::string&)>& change) {
    auto raw = RawStore::Open(db());
    ASSERT_TRUE(raw);
    const std::string before = raw->Get(raw->log(), LogKey(position));
    ASSERT_FALSE(before.empty());
    const std::string after = change(before);
    ASSERT_EQ(after.size(), before.size());
    ASSERT_NE(after, before);
    raw->Put(raw->log(), LogKey(position), after);
  }

  // The offset of `needle` inside the stored record at `position`; the needle must be unique.
  size_t OffsetOf(uint64_t position, const std::string& needle) {
    auto raw = RawStore::Open(db());
    EXPECT_TRUE(raw);
    if (!raw) return 0;
    const std::string value = raw->Get(raw->log(), LogKey(position));
    const size_t at = value.find(needle);
    EXPECT_NE(at, std::string::npos);
    EXPECT_EQ(value.find(needle, at + 1), std::string::npos) << "needle not unique";
    return at;
  }

  Envelope StoredEnvelope(uint64_t position) {
    auto raw = RawStore::Open(db());
    Envelope e;
    EXPECT_TRUE(raw && e.ParseFromString(raw->Get(raw->log(), LogKey(position))));
    return e;
  }

  // Verify over the whole log, from a read-only open as the CLI does and from a writable one.
  void ExpectVerifyNames(uint64_t position, const std::string& problem_part) {
    for (bool read_only : {true, false}) {
      StoreOptions options = testing::FastOptions();
      options.read_only = read_only;
      auto store = OpenOrFail(db(), options);
      ASSERT_TRUE(store);
      auto report = store->Verify(1, 0);
      ASSERT_TRUE(report) << report.error().ToString();
      EXPECT_FALSE(report->ok);
      EXPECT_EQ(report->first_bad_position, position) << report->problem;
      EXPECT_NE(report->problem.find(problem_part), std::string::npos) << report->problem;
      EXPECT_EQ(report->events_checked, position - 1);
    }
  }

  TempDir dir_;
};

TEST_F(TamperTest, ChangedPayloadByteIsNamed) {
  const std::string payload = "figure value " + std::to_string(1000 + kTampered - 1);
  const size_t at = OffsetOf(kTampered, payload);
  ChangeStoredRecord(kTampered, [&](const std::string& v) { return FlipByte(v, at + 5); });
  EXPECT_NE(StoredEnvelope(kTampered).payload(), payload);
  ExpectVerifyNames(kTampered, "payload digest");
}

TEST_F(TamperTest, ChangedPayloadDigestByteIsNamed) {
  const std::string digest = StoredEnvelope(kTampered).payload_sha256();
  ASSERT_EQ(digest.size(), 32u);
  const size_t at = OffsetOf(kTampered, digest);
  ChangeStoredRecord(kTampered, [&](const std::string& v) { return FlipByte(v, at + 31); });
  ExpectVerifyNames(kTampered, "payload digest");
}

TEST_F(TamperTest, ChangedActorByteIsNamed) {
  const std::string actor = "person/p-" + std::to_string(1000 + kTampered - 1);
  const size_t at = OffsetOf(kTampered, actor);
  ChangeStoredRecord(kTampered,
                     [&](const std::string& v) { return FlipByte(v, at + actor.size() - 1); });
  EXPECT_NE(StoredEnvelope(kTampered).actor(), actor);
  ExpectVerifyNames(kTampered, "hash does not match");
}

TEST_F(TamperTest, ChangedStreamVersionByteIsNamed) {
  const Envelope original = StoredEnvelope(kTampered);
  // Protobuf writes fields in number order: event_id (1) and stream (2) as tag, one length byte
  // and the bytes, then stream_version (3) as tag 0x18 and a varint, one byte while below 128.
  ASSERT_LT(original.stream_version(), 128u);
  ASSERT_LT(original.stream().size(), 128u);
  const size_t at = 2 + original.event_id().size() + 2 + original.stream().size() + 1;
  ChangeStoredRecord(kTampered, [&](const std::string& v) {
    EXPECT_EQ(v[at - 1], '\x18');
    EXPECT_EQ(static_cast<uint64_t>(v[at]), original.stream_version());
    return FlipByte(v, at);
  });
  EXPECT_NE(StoredEnvelope(kTampered).stream_version(), original.stream_version());
  EXPECT_EQ(StoredEnvelope(kTampered).hash(), original.hash());
  ExpectVerifyNames(kTampered, "hash does not match");
}

TEST_F(TamperTest, ChangedStoredHashIsNamedAtThatPosition) {
  // Rewriting the hash of a record breaks its own check, not only its successor's link.
  const std::string hash = StoredEnvelope(kTampered).hash();
  const size_t at = OffsetOf(kTampered, hash);
  ChangeStoredRecord(kTampered, [&](const std::string& v) { return FlipByte(v, at); });
  ExpectVerifyNames(kTampered, "hash");
}

TEST_F(TamperTest, ChangedLastRecordIsNamed) {
  const std::string payload = "figure value " + std::to_string(1000 + kEvents - 1);
  const size_t at = OffsetOf(kEvents, payload);
  ChangeStoredRecord(kEvents, [&](const std::string& v) { return FlipByte(v, at); });
  ExpectVerifyNames(kEvents, "payload digest");
}

TEST_F(TamperTest, DeletedRecordIsAGapAtThatPosition) {
  {
    auto raw = RawStore::Open(db());
    ASSERT_TRUE(raw);
    raw->Delete(raw->log(), LogKey(kTampered));
  }
  ExpectVerifyNames(kTampered, "gap");
}

TEST_F(TamperTest, DeletedLastRecordIsAGapAtTheHead) {
  {
    auto raw = RawStore::Open(db());
    ASSERT_TRUE(raw);
    raw->Delete(raw->log(), LogKey(kEvents));
  }
  ExpectVerifyNames(kEvents, "gap");
}

TEST_F(TamperTest, DeletedStreamIndexEntryIsNamed) {
  const Envelope e = StoredEnvelope(kTampered);
  {
    auto raw = RawStore::Open(db());
    ASSERT_TRUE(raw);
    raw->Delete(raw->streams(), internal::StreamKey(e.stream(), e.stream_version()));
  }
  ExpectVerifyNames(kTampered, "stream index");
}

TEST_F(TamperTest, ARecordBeyondTheHeadIsNamed) {
  {
    auto raw = RawStore::Open(db());
    ASSERT_TRUE(raw);
    raw->Put(raw->log(), LogKey(kEvents + 1), raw->Get(raw->log(), LogKey(kEvents)));
  }
  ExpectVerifyNames(kEvents + 1, "beyond the recorded head");
}

TEST_F(TamperTest, RedactedPayloadStillVerifiesAndIsCounted) {
  {
    auto raw = RawStore::Open(db());
    ASSERT_TRUE(raw);
    Envelope e;
    ASSERT_TRUE(e.ParseFromString(raw->Get(raw->log(), LogKey(kTampered))));
    e.clear_payload();
    e.set_payload_redacted(true);
    raw->Put(raw->log(), LogKey(kTampered), e.SerializeAsString());
  }
  auto store = OpenOrFail(db());
  ASSERT_TRUE(store);
  auto report = store->Verify(1, 0);
  ASSERT_TRUE(report);
  EXPECT_TRUE(report->ok) << report->problem;
  EXPECT_EQ(report->redacted_payloads, 1u);
  EXPECT_EQ(report->events_checked, kEvents);
}

TEST_F(TamperTest, VerifyOfARangeBeforeTheTamperingHolds) {
  const size_t at = OffsetOf(kTampered, "figure value");
  ChangeStoredRecord(kTampered, [&](const std::string& v) { return FlipByte(v, at); });
  auto store = OpenOrFail(db());
  ASSERT_TRUE(store);
  auto report = store->Verify(1, kTampered - 1);
  ASSERT_TRUE(report);
  EXPECT_TRUE(report->ok) << report->problem;
  EXPECT_EQ(report->events_checked, kTampered - 1);
  report = store->Verify(kTampered - 3, kTampered + 3);
  ASSERT_TRUE(report);
  EXPECT_FALSE(report->ok);
  EXPECT_EQ(report->first_bad_position, kTampered);
  report = store->Verify(kTampered + 1, 0);
  ASSERT_TRUE(report);
  EXPECT_TRUE(report->ok) << "the later records still chain to the stored hash";
}

TEST(VerifyTest, ReportsTheHeadHashInHex) {
  TempDir dir;
  auto store = OpenOrFail(dir.Sub("db"));
  ASSERT_TRUE(store);
  ASSERT_TRUE(store->Append(Request("s/a", ExpectedVersion::Any(), 3)));
  auto report = store->Verify(1, 0);
  ASSERT_TRUE(report);
  EXPECT_TRUE(report->ok);
  EXPECT_EQ(report->head_position, 3u);
  EXPECT_EQ(report->head_hash_hex, HexEncode(store->Head().hash));
  EXPECT_EQ(report->head_hash_hex.size(), 64u);
}

// Verify on a store that is being appended to must not mistake the new records for damage.
TEST(VerifyTest, HoldsWhileAppendsContinue) {
  TempDir dir;
  auto store = OpenOrFail(dir.Sub("db"));
  ASSERT_TRUE(store);
  ASSERT_TRUE(store->Append(Request("s/a", ExpectedVersion::Any(), 200)));
  std::atomic<bool> done{false};
  std::thread appender([&] {
    for (int i = 0; i < 1500; ++i) {
      if (!store->Append(Request("s/b", ExpectedVersion::Any(), 3))) break;
    }
    done = true;
  });
  int failures = 0;
  int verifies = 0;
  std::string problem;
  while (!done || verifies == 0) {
    ++verifies;
    auto report = store->Verify(1, 0);
    ASSERT_TRUE(report);
    if (!report->ok) {
      ++failures;
      problem = report->problem;
    }
    const HeadInfo head = store->Head();
    auto last = store->ReadAll(head.position, Direction::kForward, 1);
    ASSERT_TRUE(last);
    ASSERT_FALSE(last->events.empty());
    // The head position and hash are read as a pair: the hash is that record's.
    if (last->events[0].position() == head.position && last->events[0].hash() != head.hash) {
      ++failures;
      problem = "Head() paired a position with another record's hash";
    }
  }
  appender.join();
  EXPECT_EQ(failures, 0) << problem << " (in " << verifies << " verifies)";
}

}  // namespace
}  // namespace goldthread::store
