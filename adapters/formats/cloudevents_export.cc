#include "adapters/formats/cloudevents_export.h"

#include <fmt/format.h>
#include <google/protobuf/util/json_util.h>
#include <google/protobuf/util/time_util.h>

#include "engine/model/event_codec.h"
#include "store/base/base64.h"
#include "store/base/hex.h"
#include "store/base/json_text.h"

namespace goldthread::adapters {
namespace {

namespace pbutil = google::protobuf::util;

}  // namespace

Result<std::string> EnvelopeToCloudEvent(const store::Envelope& e, std::string_view source) {
  std::string out = "{\"specversion\":\"1.0\"";
  auto attribute = [&out](std::string_view name, std::string_view value) {
    out += fmt::format(",\"{}\":{}", name, engine::JsonQuote(value));
  };
  attribute("id", e.event_id());
  attribute("source", source);
  attribute("type", e.type());
  attribute("subject", e.stream());
  attribute("time", pbutil::TimeUtil::ToString(e.recorded_at()));
  attribute("position", std::to_string(e.position()));
  attribute("streamversion", std::to_string(e.stream_version()));
  attribute("hash", HexEncode(e.hash()));
  // The payload's digest is what the log's Merkle tree covers (docs/VERIFYING.md): an auditor
  // checks SHA-256 of payloadbase64's bytes against it, then reads `data` as its decoding.
  attribute("payloadsha256", HexEncode(e.payload_sha256()));
  attribute("previoushash", HexEncode(e.previous_hash()));
  for (auto [name, value] : {std::pair<std::string_view, const std::string*>{"actor", &e.actor()},
                             {"commandid", &e.command_id()},
                             {"correlationid", &e.correlation_id()},
                             {"causationid", &e.causation_id()}}) {
    if (!value->empty()) attribute(name, *value);
  }
  if (e.payload_redacted()) {
    out += ",\"redacted\":true}";
    return out;
  }
  auto event = engine::DecodeEvent(e);
  if (!event) return Unexpected(event.error());
  std::string data;
  if (!pbutil::MessageToJsonString(*event, &data).ok()) {
    return MakeError(
        ErrorCode::kInternal,
        fmt::format("position {}: the payload could not be written as JSON", e.position()));
  }
  attribute("payloadbase64", Base64Encode(e.payload()));
  attribute("datacontenttype", "application/json");
  out += ",\"data\":";
  out += data;
  out += "}";
  return out;
}

Result<uint64_t> ExportLogAsCloudEvents(const store::EventStore& store, std::string_view source,
                                        const std::function<Status(std::string_view)>& write) {
  const uint64_t head = store.Head().position;
  uint64_t written = 0;
  store::ReadPage page;
  uint64_t from = 1;
  std::string line;
  while (from != 0 && from <= head) {
    if (auto s = store.ReadAllInto(from, store::Direction::kForward, 1000, &page); !s) {
      return Unexpected(s.error());
    }
    for (const store::Envelope& e : page.events) {
      if (e.position() > head) return written;
      auto ce = EnvelopeToCloudEvent(e, source);
      if (!ce) return Unexpected(ce.error());
      line = std::move(*ce);
      line.push_back('\n');
      if (auto s = write(line); !s) return Unexpected(s.error());
      ++written;
    }
    from = page.next;
  }
  return written;
}

}  // namespace goldthread::adapters
