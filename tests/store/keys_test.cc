// Tests of store/internal/keys.cc: the key encodings of store/README.md, and that RocksDB's
// bytewise order of them is the numeric order the store relies on.
#include "store/internal/keys.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <vector>

namespace goldthread::store::internal {
namespace {

TEST(KeysTest, LogKeyIsEightBytesBigEndian) {
  EXPECT_EQ(LogKey(0x0102030405060708ULL), std::string("\x01\x02\x03\x04\x05\x06\x07\x08", 8));
  EXPECT_EQ(LogKey(1), std::string("\0\0\0\0\0\0\0\1", 8));
  EXPECT_EQ(GetBigEndian64(LogKey(0xfedcba9876543210ULL)), 0xfedcba9876543210ULL);
}

TEST(KeysTest, BytewiseOrderOfLogKeysIsNumericOrder) {
  const std::vector<uint64_t> positions = {1, 2, 255, 256, 65535, 65536, 1ULL << 40, UINT64_MAX};
  for (size_t i = 1; i < positions.size(); ++i) {
    EXPECT_LT(LogKey(positions[i - 1]), LogKey(positions[i])) << positions[i];
  }
}

TEST(KeysTest, StreamKeyIsIdNulThenVersion) {
  EXPECT_EQ(StreamKey("s/a", 3), std::string("s/a\0\0\0\0\0\0\0\0\3", 12));
  EXPECT_EQ(StreamPrefix("s/a"), std::string("s/a\0", 4));
}

TEST(KeysTest, AStreamsKeysSortTogetherBeforeLongerIds) {
  // Every key of "s/a" sorts before any key of a stream whose id extends it.
  EXPECT_LT(StreamKey("s/a", UINT64_MAX), StreamKey("s/a-", 1));
  EXPECT_LT(StreamKey("s/a", UINT64_MAX), StreamKey("s/a/b", 1));
  EXPECT_LT(StreamKey("s/a", 9), StreamKey("s/a", 10));
}

TEST(KeysTest, HeadAndCommandValues) {
  const std::string hash(32, '\x7f');
  const std::string head = EncodeHead(5, hash);
  ASSERT_EQ(head.size(), 40u);
  EXPECT_EQ(GetBigEndian64(head), 5u);
  EXPECT_EQ(head.substr(8), hash);
  const std::string command = EncodeCommandResult(7, 9, 3);
  ASSERT_EQ(command.size(), 24u);
  EXPECT_EQ(GetBigEndian64(command), 7u);
  EXPECT_EQ(GetBigEndian64(command.substr(8)), 9u);
  EXPECT_EQ(GetBigEndian64(command.substr(16)), 3u);
}

TEST(KeysTest, BigEndian32RoundTrips) {
  std::string s;
  PutBigEndian32(&s, 0x01020304);
  EXPECT_EQ(s, std::string("\x01\x02\x03\x04", 4));
  EXPECT_EQ(GetBigEndian32(s), 0x01020304u);
}

}  // namespace
}  // namespace goldthread::store::internal
