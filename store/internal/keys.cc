#include "store/internal/keys.h"

namespace goldthread::store::internal {

void PutBigEndian64(std::string* out, uint64_t v) {
  for (int shift = 56; shift >= 0; shift -= 8)
    out->push_back(static_cast<char>((v >> shift) & 0xff));
}

void PutBigEndian32(std::string* out, uint32_t v) {
  for (int shift = 24; shift >= 0; shift -= 8)
    out->push_back(static_cast<char>((v >> shift) & 0xff));
}

uint64_t GetBigEndian64(std::string_view in) {
  uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v = (v << 8) | static_cast<uint8_t>(in[i]);
  return v;
}

uint32_t GetBigEndian32(std::string_view in) {
  uint32_t v = 0;
  for (int i = 0; i < 4; ++i) v = (v << 8) | static_cast<uint8_t>(in[i]);
  return v;
}

std::string LogKey(uint64_t position) {
  std::string key;
  key.reserve(8);
  PutBigEndian64(&key, position);
  return key;
}

std::string StreamPrefix(std::string_view stream) {
  std::string key(stream);
  key.push_back('\0');
  return key;
}

std::string TreeKey(int level, uint64_t index) {
  std::string key(1, static_cast<char>(level));
  PutBigEndian64(&key, index);
  return key;
}

std::string StreamKey(std::string_view stream, uint64_t version) {
  std::string key = StreamPrefix(stream);
  PutBigEndian64(&key, version);
  return key;
}

std::string EncodeHead(uint64_t position, std::string_view hash) {
  std::string v;
  PutBigEndian64(&v, position);
  v.append(hash);
  return v;
}

std::string EncodeCommandResult(uint64_t first, uint64_t last, uint64_t stream_version) {
  std::string v;
  PutBigEndian64(&v, first);
  PutBigEndian64(&v, last);
  PutBigEndian64(&v, stream_version);
  return v;
}

std::string ProjectionCheckpointKey(std::string_view projection) {
  std::string key(projection);
  key.push_back('\0');
  key.push_back('\1');
  return key;
}

std::string ProjectionStatePrefix(std::string_view projection) {
  std::string key(projection);
  key.push_back('\0');
  key.push_back('\2');
  return key;
}

std::string ProjectionStateKey(std::string_view projection, std::string_view key) {
  std::string out = ProjectionStatePrefix(projection);
  out.append(key);
  return out;
}

std::string ProjectionEnd(std::string_view projection) {
  std::string key(projection);
  key.push_back('\1');
  return key;
}

}  // namespace goldthread::store::internal
