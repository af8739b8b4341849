// The whole log as CloudEvents 1.0 in the JSON event format, one event per line (JSON Lines),
// for other systems (a data warehouse, a message bus) to load.
//
// Each line is one JSON object:
//   specversion      "1.0"
//   id               the event id (a UUID, unique in the log)
//   source           the `source` given (a URI reference naming this goldthread and tenant)
//   type             the event type, e.g. "goldthread.v1.FigureSubmitted"
//   subject          the stream, e.g. "demo/figure/NI-192/FY2011-Q2"
//   time             recorded_at, RFC 3339 in UTC
//   datacontenttype  "application/json"
//   data             the payload (a goldthread.v1.Event) in the protobuf JSON mapping; absent
//                    when the payload was redacted
// and extension attributes (lower-case names, as the specification requires):
//   position         the global position, as a decimal string (CloudEvents integers are 32-bit;
//                    positions are 64-bit)
//   streamversion    the stream version, as a decimal string
//   hash, previoushash  the chain hashes in lower-case hex (store/README.md), so a reader can
//                    check the export against `goldthread verify`'s head hash
//   actor, commandid, correlationid, causationid   when not empty
//   redacted         true, only for a redacted payload
//
// Threading: EnvelopeToCloudEvent is a pure function; ExportLog reads the store (safe beside a
// writer; it exports up to the head it sees when it starts) and writes to `out` only.
#ifndef GOLDTHREAD_ADAPTERS_FORMATS_CLOUDEVENTS_EXPORT_H_
#define GOLDTHREAD_ADAPTERS_FORMATS_CLOUDEVENTS_EXPORT_H_

#include <functional>
#include <string>
#include <string_view>

#include "store/event_store.h"

namespace goldthread::adapters {

// One CloudEvent as a single line of JSON (no line break). InvalidArgument for a payload that
// does not parse as a goldthread.v1.Event.
Result<std::string> EnvelopeToCloudEvent(const store::Envelope& envelope, std::string_view source);

// Every event from position 1 to the head, in order, each line passed to `write` with its
// line break. Returns the number of events written.
Result<uint64_t> ExportLogAsCloudEvents(const store::EventStore& store, std::string_view source,
                                        const std::function<Status(std::string_view)>& write);

}  // namespace goldthread::adapters

#endif  // GOLDTHREAD_ADAPTERS_FORMATS_CLOUDEVENTS_EXPORT_H_
