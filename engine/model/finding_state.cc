#include "engine/model/finding_state.h"

namespace goldthread::engine {

namespace v1 = goldthread::v1;

const char* FindingStatusName(FindingStatus status) {
  switch (status) {
    case FindingStatus::kNone:
      return "not raised";
    case FindingStatus::kOpen:
      return "open";
    case FindingStatus::kResponded:
      return "responded";
    case FindingStatus::kAccepted:
      return "accepted";
    case FindingStatus::kClosed:
      return "closed";
  }
  return "unknown";
}

void FindingState::Apply(const store::Envelope& envelope, const v1::Event& event) {
  stream_version = envelope.stream_version();
  switch (event.body_case()) {
    case v1::Event::kChallengeFindingRaised:
      raised = event.challenge_finding_raised();
      raised_by = envelope.actor();
      status = FindingStatus::kOpen;
      break;
    case v1::Event::kChallengeFindingResponded:
      ++responses;
      status = FindingStatus::kResponded;
      break;
    case v1::Event::kChallengeFindingAccepted:
      status = FindingStatus::kAccepted;
      break;
    case v1::Event::kChallengeFindingReopened:
      ++reopenings;
      status = FindingStatus::kOpen;
      break;
    case v1::Event::kChallengeFindingClosed:
      status = FindingStatus::kClosed;
      break;
    case v1::Event::kEscalationRaised:
    case v1::Event::kEscalationAcknowledged:
      EscalationNote::Apply(event, &escalations);
      break;
    default:
      break;
  }
}

}  // namespace goldthread::engine
