#include "engine/model/figure_state.h"

#include <google/protobuf/util/message_differencer.h>

namespace goldthread::engine {

namespace v1 = goldthread::v1;

void EscalationNote::Apply(const v1::Event& event, std::map<std::string, EscalationNote>* notes) {
  if (event.has_escalation_raised()) {
    const auto& e = event.escalation_raised();
    EscalationNote& note = (*notes)[e.escalation_id()];
    note.recipients.assign(e.recipient_person_ids().begin(), e.recipient_person_ids().end());
    note.rung = e.rung();
  } else if (event.has_escalation_acknowledged()) {
    auto it = notes->find(event.escalation_acknowledged().escalation_id());
    if (it != notes->end()) it->second.acknowledged = true;
  }
}

size_t FigureState::OpenQueries() const {
  size_t open = 0;
  for (const auto& [id, q] : queries) open += q.answered ? 0 : 1;
  return open;
}

std::optional<double> FigureState::NumericValue() const {
  if (!submitted() || value.kind_case() != v1::FigureValue::kValue) return std::nullopt;
  return value.value();
}

void FigureState::Apply(const store::Envelope& envelope, const v1::Event& event) {
  stream_version = envelope.stream_version();
  // A new version: the value changes, earlier sign-offs lapse, a rejection is answered.
  auto new_version = [&](uint32_t version, const v1::FigureValue& v, const std::string& commentary_,
                         const std::string& evidence, uint32_t definition) {
    figure_version = version;
    value = v;
    commentary = commentary_;
    evidence_note = evidence;
    definition_version = definition;
    version_author = envelope.actor();
    sign_offs.clear();
    rejected = false;
    rejection_reason.clear();
  };
  switch (event.body_case()) {
    case v1::Event::kFigureSubmitted: {
      const auto& e = event.figure_submitted();
      indicator_id = e.indicator_id();
      period = e.period();
      new_version(e.figure_version(), e.value(), e.commentary(), e.evidence_note(),
                  e.definition_version());
      break;
    }
    case v1::Event::kFigureAmended: {
      const auto& e = event.figure_amended();
      new_version(e.figure_version(), e.value(), e.commentary(), e.evidence_note(),
                  e.definition_version());
      break;
    }
    case v1::Event::kFigureRestated: {
      const auto& e = event.figure_restated();
      new_version(e.figure_version(), e.value(), e.commentary(), e.evidence_note(),
                  e.definition_version());
      restated = true;
      break;
    }
    case v1::Event::kFigureSignedOff: {
      const auto& e = event.figure_signed_off();
      sign_offs[e.level()] = FigureSignOff{.level = e.level(),
                                           .person_id = envelope.actor(),
                                           .on_behalf_of_person_id = e.on_behalf_of_person_id(),
                                           .role = e.role(),
                                           .figure_version = e.figure_version(),
                                           .position = envelope.position()};
      break;
    }
    case v1::Event::kFigureRejected:
      sign_offs.clear();
      rejected = true;
      rejection_reason = event.figure_rejected().reason();
      break;
    case v1::Event::kDataQualityQueryRaised: {
      const auto& e = event.data_quality_query_raised();
      queries[e.query_id()] = DataQualityQuery{
          .query_id = e.query_id(), .question = e.question(), .raised_by = envelope.actor()};
      break;
    }
    case v1::Event::kDataQualityQueryAnswered: {
      const auto& e = event.data_quality_query_answered();
      if (auto it = queries.find(e.query_id()); it != queries.end()) {
        it->second.answered = true;
        it->second.answer = e.answer();
      }
      break;
    }
    case v1::Event::kFigureLocked:
      locked = true;
      reported_to = event.figure_locked().reported_to();
      break;
    case v1::Event::kFigurePublished:
      published_version = event.figure_published().figure_version();
      break;
    case v1::Event::kEscalationRaised:
    case v1::Event::kEscalationAcknowledged:
      EscalationNote::Apply(event, &escalations);
      break;
    default:
      break;  // reminders and the like do not change the figure itself
  }
}

bool operator==(const FigureState& a, const FigureState& b) {
  return a.stream_version == b.stream_version && a.indicator_id == b.indicator_id &&
         a.period == b.period && a.figure_version == b.figure_version &&
         google::protobuf::util::MessageDifferencer::Equals(a.value, b.value) &&
         a.commentary == b.commentary && a.evidence_note == b.evidence_note &&
         a.definition_version == b.definition_version && a.version_author == b.version_author &&
         a.sign_offs == b.sign_offs && a.rejected == b.rejected &&
         a.rejection_reason == b.rejection_reason && a.queries == b.queries &&
         a.locked == b.locked && a.reported_to == b.reported_to && a.restated == b.restated &&
         a.published_version == b.published_version && a.escalations == b.escalations;
}

}  // namespace goldthread::engine
