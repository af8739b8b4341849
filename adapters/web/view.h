// What pages show, in the words and formats a person reads: times in Europe/London, enum
// values as words, protobuf read models as template data, and the navigation a person's roles
// open.
//
// Pure functions (NavigationFor reads the council model under its lock); thread-safe.
#ifndef GOLDTHREAD_ADAPTERS_WEB_VIEW_H_
#define GOLDTHREAD_ADAPTERS_WEB_VIEW_H_

#include <google/protobuf/message.h>
#include <google/protobuf/timestamp.pb.h>

#include <string>

#include "adapters/formats/spreadsheet_export.h"
#include "adapters/web/templates.h"
#include "engine/command/command_handler.h"
#include "engine/model/local_date.h"
#include "engine/read/as_of.h"

namespace goldthread::web {

// "3 December 2026, 9:05am" in Europe/London.
std::string FormatLondonTime(TimePoint t);
std::string FormatLondonTime(const google::protobuf::Timestamp& t);
// "3 December 2026".
std::string FormatLondonDay(engine::LocalDay day);
// "in 2 days", "3 hours ago", "now": `t` against `now`.
std::string Relative(TimePoint t, TimePoint now);
// An enum value as words: RAG_RED → "red", SIGN_OFF_LEVEL_SERVICE → "service".
std::string EnumWords(const google::protobuf::EnumValueDescriptor* value);

// A message as template data: each field under its JSON (lowerCamelCase) name. Strings and
// numbers as text; bools as sections; enums as words, with `<name>Key` the short lower-case
// value ("red") for CSS classes; timestamps in London time with `<name>Iso` the RFC 3339
// instant; repeated fields as lists; unset messages absent (a section that renders nothing).
Data MessageData(const google::protobuf::Message& message);

// The service navigation for `person`: the pages their roles may open on `day`, with the one
// holding `path` marked current.
List NavigationFor(engine::CommandHandler& handler, const std::string& person,
                   engine::LocalDay day, const std::string& path);

// The point of the log a page is asked "as it stood on": `as_of_date` (YYYY-MM-DD: the end of
// that London day) or `at_position` (a log position); the head when neither is given. On a
// malformed value, `*problem` says what to type and the head is returned.
engine::AsOf AsOfFromQuery(const std::map<std::string, std::string>& query, std::string* problem);

// An instant from a protobuf Timestamp.
TimePoint TimeOf(const google::protobuf::Timestamp& t);

// One entry of a page's error summary: the message, linking to the field it is about.
Data ErrorItem(const std::string& field, const std::string& text);

// `sheet` as the bytes of an .xlsx file, for a download (libxlsxwriter writes only files, so
// through a temporary file that is removed).
Result<std::string> XlsxBytes(const adapters::Sheet& sheet);

// A figure's value as its indicator shows it: `places` decimals, then the unit ("31.4%").
std::string FormatValue(double value, int places, const std::string& unit);

}  // namespace goldthread::web

#endif  // GOLDTHREAD_ADAPTERS_WEB_VIEW_H_
