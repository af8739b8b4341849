// Tests of store/internal/hash_chain.cc: SHA-256, the canonical bytes exactly as store/README.md
// specifies them, and the chain the writer builds from them.
#include "store/internal/hash_chain.h"

#include <gtest/gtest.h>

#include "store/base/hex.h"
#include "store/base/sha256.h"
#include "store/internal/keys.h"
#include "tests/store/store_test_util.h"
#include "tests/testing/temp_dir.h"

namespace goldthread::store::internal {
namespace {

using goldthread::testing::TempDir;

Envelope SampleEnvelope() {
  Envelope e;
  e.set_format_version(1);
  e.set_position(0x0102030405060708ULL);
  e.set_stream_version(9);
  e.mutable_recorded_at()->set_seconds(1'300'000'000);
  e.mutable_recorded_at()->set_nanos(250'000);
  e.set_event_id("evt");
  e.set_stream("demo/org");
  e.set_type("goldthread.v1.FigureSubmitted");
  e.set_actor("p-42");
  e.set_command_id("cmd-1");
  e.set_correlation_id("corr");
  e.set_causation_id("");
  e.set_payload("payload bytes");
  e.set_payload_sha256(Sha256("payload bytes"));
  e.set_previous_hash(std::string(kHashBytes, '\x11'));
  e.set_hash(std::string(kHashBytes, '\x22'));
  return e;
}

TEST(Sha256Test, MatchesTheStandardTestVectors) {
  EXPECT_EQ(HexEncode(Sha256("abc")),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(HexEncode(Sha256("")), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST(HexEncodeTest, IsLowerCaseTwoDigitsPerByte) {
  EXPECT_EQ(HexEncode(std::string("\x00\x0f\xa0\xff", 4)), "000fa0ff");
  EXPECT_EQ(HexEncode(""), "");
}

TEST(CanonicalBytesTest, FollowTheDocumentedLayoutByteByByte) {
  const Envelope e = SampleEnvelope();
  std::string want;
  auto u32 = [&](uint32_t v) { PutBigEndian32(&want, v); };
  auto u64 = [&](uint64_t v) { PutBigEndian64(&want, v); };
  auto str = [&](const std::string& s) {
    u32(static_cast<uint32_t>(s.size()));
    want += s;
  };
  want += "GTE1";
  u32(1);                      // format_version
  u64(0x0102030405060708ULL);  // position
  u64(9);                      // stream_version
  u64(1'300'000'000);          // recorded_at.seconds
  u32(250'000);                // recorded_at.nanos
  str("evt");
  str("demo/org");
  str("goldthread.v1.FigureSubmitted");
  str("p-42");
  str("cmd-1");
  str("corr");
  str("");
  str(Sha256("payload bytes"));
  EXPECT_EQ(HexEncode(CanonicalBytes(e)), HexEncode(want));
}

TEST(CanonicalBytesTest, LeaveOutThePayloadRedactionAndTheHashes) {
  const Envelope e = SampleEnvelope();
  Envelope other = e;
  other.set_payload("");
  other.set_payload_redacted(true);
  other.set_previous_hash("");
  other.set_hash("");
  EXPECT_EQ(CanonicalBytes(other), CanonicalBytes(e));
}

TEST(CanonicalBytesTest, LengthPrefixesKeepFieldBoundaries) {
  // Without length prefixes these two would encode the same concatenation.
  Envelope a = SampleEnvelope();
  Envelope b = SampleEnvelope();
  a.set_actor("ab");
  a.set_command_id("c");
  b.set_actor("a");
  b.set_command_id("bc");
  EXPECT_NE(CanonicalBytes(a), CanonicalBytes(b));
}

TEST(ChainHashTest, IsSha256OfThePreviousHashAndTheCanonicalBytes) {
  const Envelope e = SampleEnvelope();
  const std::string previous(kHashBytes, '\x11');
  EXPECT_EQ(ChainHash(previous, e), Sha256(previous + CanonicalBytes(e)));
  EXPECT_NE(ChainHash(std::string(kHashBytes, '\0'), e), ChainHash(previous, e));
}

// Every covered field changes the hash.
TEST(ChainHashTest, CoversEveryHeaderField) {
  const Envelope base = SampleEnvelope();
  const std::string previous(kHashBytes, '\0');
  const std::string base_hash = ChainHash(previous, base);
  const std::vector<std::pair<const char*, std::function<void(Envelope&)>>> changes = {
      {"format_version", [](Envelope& e) { e.set_format_version(2); }},
      {"position", [](Envelope& e) { e.set_position(e.position() + 1); }},
      {"stream_version", [](Envelope& e) { e.set_stream_version(10); }},
      {"seconds", [](Envelope& e) { e.mutable_recorded_at()->set_seconds(1); }},
      {"nanos", [](Envelope& e) { e.mutable_recorded_at()->set_nanos(1); }},
      {"event_id", [](Envelope& e) { e.set_event_id("evu"); }},
      {"stream", [](Envelope& e) { e.set_stream("demo/orh"); }},
      {"type", [](Envelope& e) { e.set_type("x"); }},
      {"actor", [](Envelope& e) { e.set_actor("p-43"); }},
      {"command_id", [](Envelope& e) { e.set_command_id("cmd-2"); }},
      {"correlation_id", [](Envelope& e) { e.set_correlation_id("cors"); }},
      {"causation_id", [](Envelope& e) { e.set_causation_id("x"); }},
      {"payload_sha256", [](Envelope& e) { e.set_payload_sha256(Sha256("other")); }},
  };
  for (const auto& [name, change] : changes) {
    Envelope e = base;
    change(e);
    EXPECT_NE(ChainHash(previous, e), base_hash) << name;
  }
}

// The records the writer stores form the chain: 32 zero bytes before position 1, each
// previous_hash the hash of the record before, each hash recomputable, the head its last hash.
TEST(ChainHashTest, StoredRecordsFormTheChain) {
  TempDir dir;
  auto store = testing::OpenOrFail(dir.Sub("db"));
  ASSERT_TRUE(store);
  ASSERT_TRUE(store->Append(testing::Request("s/a", ExpectedVersion::Any(), 4)));
  ASSERT_TRUE(store->Append(testing::Request("s/b", ExpectedVersion::Any(), 3)));
  auto page = store->ReadAll(1, Direction::kForward, 100);
  ASSERT_TRUE(page);
  ASSERT_EQ(page->events.size(), 7u);
  std::string previous(kHashBytes, '\0');
  for (const Envelope& e : page->events) {
    EXPECT_EQ(e.format_version(), 1u);
    EXPECT_EQ(e.previous_hash(), previous) << e.position();
    EXPECT_EQ(e.payload_sha256(), Sha256(e.payload()));
    EXPECT_EQ(e.hash(), ChainHash(previous, e)) << e.position();
    previous = e.hash();
  }
  EXPECT_EQ(store->Head().hash, previous);
}

}  // namespace
}  // namespace goldthread::store::internal
