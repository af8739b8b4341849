#include "engine/read/finding_list.h"

#include <fmt/format.h>

#include "engine/model/event_summary.h"
#include "engine/model/finding_state.h"
#include "engine/model/local_date.h"

namespace goldthread::engine {

namespace v1 = goldthread::v1;

Result<v1::FindingView> BuildFindingView(const LogSnapshot& snapshot, std::string_view finding_id,
                                         TimePoint evaluated_at) {
  auto events = snapshot.FindingEvents(finding_id);
  if (!events) return Unexpected(events.error());
  FindingState state;
  v1::FindingView view;
  for (const RecordedEvent& r : *events) {
    state.Apply(r.envelope, r.event);
    if (r.event.has_challenge_finding_raised())
      *view.mutable_raised_at() = r.envelope.recorded_at();
    const EventSummary summary = SummariseEvent(r.event, std::nullopt);
    v1::FindingEntry* entry = view.add_entries();
    entry->set_position(r.envelope.position());
    *entry->mutable_at() = r.envelope.recorded_at();
    entry->set_by(r.envelope.actor());
    entry->set_event_type(std::string(ShortTypeName(r.envelope.type())));
    entry->set_summary(summary.summary);
    entry->set_text(summary.reason);
  }
  if (!state.exists()) {
    return MakeError(ErrorCode::kNotFound, fmt::format("there is no finding '{}'", finding_id),
                     "finding_id");
  }
  const v1::ChallengeFindingRaised& raised = state.raised;
  view.set_finding_id(std::string(finding_id));
  *view.mutable_subject() = raised.subject();
  view.set_unit_id(raised.unit_id());
  view.set_stage(raised.stage());
  view.set_severity(raised.severity());
  view.set_finding(raised.finding());
  view.set_action_required(raised.action_required());
  view.set_owner_person_id(raised.owner_person_id());
  view.set_raised_by(state.raised_by);
  *view.mutable_due() = raised.due();
  view.set_status(FindingStatusName(state.status));
  view.set_responses(static_cast<uint32_t>(state.responses));
  view.set_reopenings(static_cast<uint32_t>(state.reopenings));
  if (auto due = ParseLocalDay(raised.due().iso(), "due")) {
    view.set_overdue(state.status == FindingStatus::kOpen && evaluated_at > EndOfLondonDay(*due));
  }
  uint32_t open_escalations = 0;
  for (const auto& [id, note] : state.escalations) open_escalations += note.acknowledged ? 0 : 1;
  view.set_open_escalations(open_escalations);
  return view;
}

Result<v1::FindingList> BuildFindingList(const LogSnapshot& snapshot, TimePoint evaluated_at) {
  v1::FindingList list;
  *list.mutable_as_of() = snapshot.point();
  *list.mutable_evaluated_at() = TimestampOf(evaluated_at);
  for (const std::string& id : snapshot.Findings()) {
    auto view = BuildFindingView(snapshot, id, evaluated_at);
    if (!view) return Unexpected(view.error());
    *list.add_findings() = std::move(*view);
  }
  return list;
}

}  // namespace goldthread::engine
