// Key encodings and column family names of the RocksDB layout (documented byte by byte in
// store/README.md). Private to store/ and its tests. Pure functions; thread-safe.
#ifndef GOLDTHREAD_STORE_INTERNAL_KEYS_H_
#define GOLDTHREAD_STORE_INTERNAL_KEYS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace goldthread::store::internal {

inline constexpr char kLogFamily[] = "log";
inline constexpr char kStreamsFamily[] = "streams";
inline constexpr char kMetaFamily[] = "meta";
inline constexpr char kCommandsFamily[] = "commands";
inline constexpr char kProjectionsFamily[] = "projections";
inline constexpr char kTreeFamily[] = "tree";

inline constexpr char kMetaHeadKey[] = "head";
inline constexpr char kMetaFormatKey[] = "format_version";

void PutBigEndian64(std::string* out, uint64_t v);
void PutBigEndian32(std::string* out, uint32_t v);
uint64_t GetBigEndian64(std::string_view in);  // requires in.size() >= 8
uint32_t GetBigEndian32(std::string_view in);  // requires in.size() >= 4

// log: 8-byte big-endian position, so RocksDB's bytewise order is the global order.
std::string LogKey(uint64_t position);
// streams: stream id bytes, one 0x00, 8-byte big-endian version. Stream ids never hold 0x00.
std::string StreamKey(std::string_view stream, uint64_t version);
// The prefix shared by every key of one stream (stream id and the 0x00 separator).
std::string StreamPrefix(std::string_view stream);

// tree: the tree level (1 byte, a multiple of 8), then the node's index at that level (8 bytes
// BE), so one level's nodes are contiguous and in index order. Value: the 32-byte hash.
std::string TreeKey(int level, uint64_t index);
// The tree levels stored: every multiple of this (C2SP tile height).
inline constexpr int kTreeStride = 8;

// meta "head": 8-byte big-endian position followed by the 32-byte hash of that record.
std::string EncodeHead(uint64_t position, std::string_view hash);
// commands: value = first position, last position, stream version after (each 8 bytes BE).
std::string EncodeCommandResult(uint64_t first, uint64_t last, uint64_t stream_version);

// projections: the projection's name, one 0x00, then 0x01 for its checkpoint (value: 8-byte
// big-endian position) or 0x02 followed by a state key. Names never hold 0x00, so
// [name‖0x00, name‖0x01) holds exactly one projection.
std::string ProjectionCheckpointKey(std::string_view projection);
std::string ProjectionStateKey(std::string_view projection, std::string_view key);
std::string ProjectionStatePrefix(std::string_view projection);
// The first key after every key of the projection (name‖0x01).
std::string ProjectionEnd(std::string_view projection);

}  // namespace goldthread::store::internal

#endif  // GOLDTHREAD_STORE_INTERNAL_KEYS_H_
