#include "engine/read/figure_history.h"

#include <fmt/format.h>

#include <algorithm>

#include "engine/model/authority.h"
#include "engine/model/event_codec.h"
#include "engine/model/event_summary.h"
#include "engine/model/period.h"

namespace goldthread::engine {

namespace v1 = goldthread::v1;

v1::FigureSummary SummariseFigure(const FigureState& state) {
  v1::FigureSummary out;
  out.set_figure_version(state.figure_version);
  if (state.submitted()) *out.mutable_value() = state.value;
  out.set_commentary(state.commentary);
  out.set_version_author(state.version_author);
  for (const auto& [level, sign_off] : state.sign_offs) {
    out.add_signed_levels(static_cast<v1::SignOffLevel>(level));
  }
  out.set_rejected(state.rejected);
  out.set_rejection_reason(state.rejection_reason);
  out.set_open_queries(static_cast<uint32_t>(state.OpenQueries()));
  out.set_locked(state.locked);
  out.set_reported_to(state.reported_to);
  out.set_restated(state.restated);
  out.set_published_version(state.published_version);
  return out;
}

Result<v1::FigureHistory> BuildFigureHistory(const LogSnapshot& snapshot,
                                             std::string_view indicator_id,
                                             std::string_view period) {
  if (auto s = CheckId(indicator_id, "indicator_id"); !s) return Unexpected(s.error());
  if (auto p = Period::Parse(period); !p) return Unexpected(p.error());
  auto model = snapshot.Council({});
  if (!model) return Unexpected(model.error());
  const Indicator* indicator = model->FindIndicator(indicator_id);
  auto figure_events = snapshot.FigureEvents(indicator_id, period);
  if (!figure_events) return Unexpected(figure_events.error());
  if (indicator == nullptr && figure_events->empty()) {
    return MakeError(ErrorCode::kNotFound,
                     fmt::format("there is no indicator '{}' (as of log position {})", indicator_id,
                                 snapshot.position()),
                     "indicator_id");
  }
  const std::optional<uint32_t> dp =
      indicator == nullptr ? std::nullopt
                           : std::optional<uint32_t>(indicator->definition.decimal_places());

  v1::FindingSubject subject;
  subject.mutable_figure()->set_indicator_id(std::string(indicator_id));
  subject.mutable_figure()->set_period(std::string(period));
  struct Item {
    const RecordedEvent* recorded;
    std::string finding_id;
  };
  std::vector<Item> items;
  for (const RecordedEvent& r : *figure_events) items.push_back({&r, ""});
  std::vector<std::vector<RecordedEvent>> finding_events;
  std::vector<std::string> finding_ids = snapshot.FindingsAbout(subject);
  finding_events.reserve(finding_ids.size());
  for (const std::string& id : finding_ids) {
    auto events = snapshot.FindingEvents(id);
    if (!events) return Unexpected(events.error());
    finding_events.push_back(std::move(*events));
    for (const RecordedEvent& r : finding_events.back()) items.push_back({&r, id});
  }
  std::sort(items.begin(), items.end(), [](const Item& a, const Item& b) {
    return a.recorded->envelope.position() < b.recorded->envelope.position();
  });

  v1::FigureHistory out;
  out.set_indicator_id(std::string(indicator_id));
  out.set_period(std::string(period));
  *out.mutable_as_of() = snapshot.point();
  if (indicator != nullptr) out.set_indicator_title(indicator->definition.title());
  FigureState state;
  for (const Item& item : items) {
    const store::Envelope& e = item.recorded->envelope;
    const v1::Event& event = item.recorded->event;
    v1::FigureHistoryEntry* entry = out.add_entries();
    entry->set_position(e.position());
    *entry->mutable_recorded_at() = e.recorded_at();
    entry->set_stream(e.stream());
    entry->set_stream_version(e.stream_version());
    entry->set_actor(e.actor());
    if (const Person* person = model->FindPerson(e.actor())) entry->set_actor_name(person->name);
    entry->set_event_type(std::string(ShortTypeName(e.type())));
    const EventSummary summary = SummariseEvent(event, dp);
    entry->set_summary(summary.summary);
    entry->set_reason(summary.reason);
    entry->set_figure_version(summary.figure_version);
    entry->set_finding_id(item.finding_id);
    *entry->mutable_event() = event;
    if (!item.finding_id.empty()) continue;

    state.Apply(e, event);
    auto reported = [&](v1::ReportKind kind, std::string seen_by, uint32_t version) {
      v1::ReportedValue* r = out.add_as_reported();
      r->set_kind(kind);
      r->set_seen_by(std::move(seen_by));
      r->set_position(e.position());
      *r->mutable_at() = e.recorded_at();
      r->set_actor(e.actor());
      r->set_figure_version(version);
      *r->mutable_value() = state.value;
      return r;
    };
    switch (event.body_case()) {
      case v1::Event::kFigureSignedOff: {
        const auto& s = event.figure_signed_off();
        reported(v1::REPORT_KIND_SIGN_OFF, fmt::format("{} sign-off", LevelName(s.level())),
                 s.figure_version())
            ->set_level(s.level());
        break;
      }
      case v1::Event::kFigureLocked: {
        const auto& l = event.figure_locked();
        reported(v1::REPORT_KIND_LOCK, l.reported_to().empty() ? "committee" : l.reported_to(),
                 l.figure_version());
        break;
      }
      case v1::Event::kFigurePublished:
        reported(v1::REPORT_KIND_PUBLICATION, "publication",
                 event.figure_published().figure_version());
        break;
      default:
        break;
    }
  }
  for (v1::ReportedValue& r : *out.mutable_as_reported()) {
    r.set_superseded(r.figure_version() < state.figure_version);
  }
  *out.mutable_current() = SummariseFigure(state);
  return out;
}

}  // namespace goldthread::engine
