#include "engine/model/cycle_state.h"

namespace goldthread::engine {

namespace v1 = goldthread::v1;

TimePoint RecordedAt(const store::Envelope& envelope) {
  return TimePoint(std::chrono::seconds(envelope.recorded_at().seconds()) +
                   std::chrono::microseconds(envelope.recorded_at().nanos() / 1000));
}

void CycleState::Apply(const store::Envelope& envelope, const v1::Event& event) {
  stream_version = envelope.stream_version();
  switch (event.body_case()) {
    case v1::Event::kCycleOpened:
      workflow_id = event.cycle_opened().workflow_id();
      period = event.cycle_opened().period();
      opened_at = RecordedAt(envelope);
      break;
    case v1::Event::kStageOpened:
      stages[event.stage_opened().stage_id()].opened = true;
      break;
    case v1::Event::kStageFellDue:
      stages[event.stage_fell_due().stage_id()].fell_due = true;
      break;
    case v1::Event::kStageCompleted: {
      StageProgress& s = stages[event.stage_completed().stage_id()];
      s.completed = true;
      s.on_time = event.stage_completed().on_time();
      break;
    }
    case v1::Event::kStageClosedIncomplete:
      stages[event.stage_closed_incomplete().stage_id()].closed_incomplete = true;
      break;
    case v1::Event::kReviewMeetingRecorded: {
      StageProgress& s = stages[event.review_meeting_recorded().stage_id()];
      s.meeting_recorded = true;
      s.settled_at = RecordedAt(envelope);
      break;
    }
    case v1::Event::kStageClosed: {
      StageProgress& s = stages[event.stage_closed().stage_id()];
      s.closed_by_role = true;
      s.settled_at = RecordedAt(envelope);
      break;
    }
    default:
      break;
  }
}

}  // namespace goldthread::engine
