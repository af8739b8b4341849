// Event summaries: one line a person can read for each event a figure's or a finding's history
// holds ("amended to 61.2 (version 2); service sign-off lapsed"), and the words the actor gave
// with it (a reason, a question, an answer, a comment). Used by the figure history, the
// assurance trail and their exports.
//
// Pure functions; thread-safe.
#ifndef GOLDTHREAD_ENGINE_MODEL_EVENT_SUMMARY_H_
#define GOLDTHREAD_ENGINE_MODEL_EVENT_SUMMARY_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "goldthread/v1/events.pb.h"
#include "store/base/clock.h"

namespace goldthread::engine {

struct EventSummary {
  std::string summary;
  // The reason, question, answer, comment, commentary or evidence given; empty when none.
  std::string reason;
  // The figure version the event concerns; 0 when none.
  uint32_t figure_version = 0;
};

// `decimal_places`: how the indicator's values are written; nullopt writes them as recorded.
EventSummary SummariseEvent(const goldthread::v1::Event& event,
                            std::optional<uint32_t> decimal_places);

// "58.0", or "not available (survey not run until Q3)"; "" when unset.
std::string FormatFigureValue(const goldthread::v1::FigureValue& value,
                              std::optional<uint32_t> decimal_places);
std::string FormatNumber(double value, std::optional<uint32_t> decimal_places);
// "FigureSubmitted" for "goldthread.v1.FigureSubmitted".
std::string_view ShortTypeName(std::string_view type);
// "2011-10-21 23:59 BST": an instant in London local time, to the minute.
std::string FormatLondonTime(TimePoint t);
// "3d 4h", "5h", "12m".
std::string FormatDuration(int64_t seconds);
TimePoint ToTimePoint(const google::protobuf::Timestamp& ts);
google::protobuf::Timestamp TimestampOf(TimePoint t);

}  // namespace goldthread::engine

#endif  // GOLDTHREAD_ENGINE_MODEL_EVENT_SUMMARY_H_
