// Assurance trail exports: what a committee clerk attaches to the Audit Committee's papers.
//
//   TrailToJson  the whole trail in the protobuf JSON mapping (the API's form), indented, every
//                field written even when false or zero so a reader sees "fourEyesOk": false;
//   TrailToCsv   one row per figure under a header row, RFC 4180 (CRLF line ends; a field
//                holding a comma, a quote or a line break is quoted, its quotes doubled), so it
//                opens in a spreadsheet; times in London local time with their UTC offset;
//   TrailToHtml  one self-contained printable page (no scripts, no external files; every value
//                HTML-escaped; print CSS for A4 that keeps each figure on one page where it can).
//
// Each carries the log's verification and the hash the trail was computed at.
//
// Pure functions; thread-safe.
#ifndef GOLDTHREAD_ADAPTERS_FORMATS_TRAIL_EXPORT_H_
#define GOLDTHREAD_ADAPTERS_FORMATS_TRAIL_EXPORT_H_

#include <string>
#include <string_view>
#include <vector>

#include "goldthread/v1/read_models.pb.h"
#include "store/base/errors.h"

namespace goldthread::engine {

Result<std::string> TrailToJson(const goldthread::v1::AssuranceTrail& trail);
std::string TrailToCsv(const goldthread::v1::AssuranceTrail& trail);
std::string TrailToHtml(const goldthread::v1::AssuranceTrail& trail);

// `text` with &, <, >, " and ' replaced by character references.
std::string HtmlEscape(std::string_view text);

}  // namespace goldthread::engine

#endif  // GOLDTHREAD_ADAPTERS_FORMATS_TRAIL_EXPORT_H_
