// FindingState: one challenge finding as its stream's events make it.
//
// Life: raised → responded (by the owner) → accepted (by the raiser's side) → closed with
// evidence; a response found wanting is re-opened and must be answered again. The handler
// folds the stream before each finding command; state comes only from events.
//
// Threading: a plain value; not synchronised.
#ifndef GOLDTHREAD_ENGINE_MODEL_FINDING_STATE_H_
#define GOLDTHREAD_ENGINE_MODEL_FINDING_STATE_H_

#include <cstdint>
#include <string>

#include "engine/model/figure_state.h"
#include "goldthread/v1/events.pb.h"
#include "store/event_store.h"

namespace goldthread::engine {

enum class FindingStatus { kNone, kOpen, kResponded, kAccepted, kClosed };

const char* FindingStatusName(FindingStatus status);

struct FindingState {
  uint64_t stream_version = 0;
  FindingStatus status = FindingStatus::kNone;
  goldthread::v1::ChallengeFindingRaised raised;
  std::string raised_by;
  int responses = 0;
  int reopenings = 0;
  std::map<std::string, EscalationNote> escalations;

  bool exists() const { return status != FindingStatus::kNone; }
  void Apply(const store::Envelope& envelope, const goldthread::v1::Event& event);
};

}  // namespace goldthread::engine

#endif  // GOLDTHREAD_ENGINE_MODEL_FINDING_STATE_H_
