// FigureState: one figure (an indicator for a period) as its own stream's events make it.
//
// The command handler folds the figure's stream into a FigureState before deciding a figure
// command, and appends with the stream version it folded to (so a concurrent change is a
// conflict, never a lost update). Tests fold the same stream and must get the same state:
// state comes only from events.
//
//   FigureState state;
//   for (const auto& envelope : page.events) state.Apply(envelope, *DecodeEvent(envelope));
//   if (state.locked) ...
//
// Threading: a plain value; not synchronised.
#ifndef GOLDTHREAD_ENGINE_MODEL_FIGURE_STATE_H_
#define GOLDTHREAD_ENGINE_MODEL_FIGURE_STATE_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "goldthread/v1/events.pb.h"
#include "store/event_store.h"

namespace goldthread::engine {

struct FigureSignOff {
  goldthread::v1::SignOffLevel level = goldthread::v1::SIGN_OFF_LEVEL_UNSPECIFIED;
  std::string person_id;
  std::string on_behalf_of_person_id;
  goldthread::v1::Role role = goldthread::v1::ROLE_UNSPECIFIED;
  uint32_t figure_version = 0;
  uint64_t position = 0;

  friend bool operator==(const FigureSignOff&, const FigureSignOff&) = default;
};

struct DataQualityQuery {
  std::string query_id;
  std::string question;
  std::string raised_by;
  bool answered = false;
  std::string answer;

  friend bool operator==(const DataQualityQuery&, const DataQualityQuery&) = default;
};

// An escalation raised about an item (a figure or a finding), and whether it was acknowledged.
struct EscalationNote {
  std::vector<std::string> recipients;
  uint32_t rung = 0;
  bool acknowledged = false;

  friend bool operator==(const EscalationNote&, const EscalationNote&) = default;
  // Records an EscalationRaised / EscalationAcknowledged into `notes`; other events are ignored.
  static void Apply(const goldthread::v1::Event& event,
                    std::map<std::string, EscalationNote>* notes);
};

struct FigureState {
  // The stream's version: 0 when the figure has never been submitted.
  uint64_t stream_version = 0;
  std::string indicator_id;
  std::string period;

  // The current version (0 before submission) and what it holds.
  uint32_t figure_version = 0;
  goldthread::v1::FigureValue value;
  std::string commentary;
  std::string evidence_note;
  uint32_t definition_version = 0;
  // Who created the current version (submitted, amended or restated it): the four-eyes rule
  // keeps them from signing it off.
  std::string version_author;

  // Sign-offs given to the current version, by level.
  std::map<int, FigureSignOff> sign_offs;
  // Sent back: awaiting an amendment.
  bool rejected = false;
  std::string rejection_reason;
  std::map<std::string, DataQualityQuery> queries;
  bool locked = false;
  std::string reported_to;
  // The figure was corrected after it was reported.
  bool restated = false;
  // The version last published (0 when never).
  uint32_t published_version = 0;
  // Escalations raised about this figure, by escalation id.
  std::map<std::string, EscalationNote> escalations;

  bool submitted() const { return figure_version > 0; }
  bool HasSignOff(goldthread::v1::SignOffLevel level) const {
    return sign_offs.count(level) > 0;
  }
  size_t OpenQueries() const;
  // The current value, or nullopt when not submitted or declared not available.
  std::optional<double> NumericValue() const;

  // Folds one event of this figure's stream (others are ignored).
  void Apply(const store::Envelope& envelope, const goldthread::v1::Event& event);

  friend bool operator==(const FigureState&, const FigureState&);
};

}  // namespace goldthread::engine

#endif  // GOLDTHREAD_ENGINE_MODEL_FIGURE_STATE_H_
