#include "engine/read/assurance_trail.h"

#include <fmt/format.h>

#include <algorithm>
#include <functional>
#include <map>
#include <set>

#include "engine/model/authority.h"
#include "engine/model/event_codec.h"
#include "engine/model/event_summary.h"
#include "engine/model/figure_state.h"
#include "engine/model/finding_state.h"
#include "engine/model/local_date.h"
#include "engine/model/period.h"
#include "engine/model/reporting_period.h"
#include "engine/model/sign_off_progress.h"
#include "store/base/base64.h"
#include "store/tlog/merkle.h"
#include "store/base/hex.h"

namespace goldthread::engine {

namespace v1 = goldthread::v1;

namespace {

// The periods of `frequency` that lie within `outer`, in order.
std::vector<Period> PeriodsWithin(v1::Frequency frequency, const Period& outer) {
  std::vector<Period> out;
  if (Period::MonthsPer(frequency) == 0) return out;
  for (Period p = Period::Containing(frequency, outer.start()); p.end() <= outer.end();
       p = p.Next()) {
    if (PeriodWithin(p, outer)) out.push_back(p);
  }
  return out;
}

// What completes the item an escalation's `outstanding` names, as the scheduler words it
// (engine/scheduler.cc): the matcher returns true for the event that did it.
using Completes = std::function<bool(const v1::Event&)>;
std::optional<Completes> CompletionOf(const std::string& outstanding) {
  if (outstanding.rfind("not submitted", 0) == 0) {
    return Completes([](const v1::Event& e) { return e.has_figure_submitted(); });
  }
  for (v1::SignOffLevel level :
       {v1::SIGN_OFF_LEVEL_SERVICE, v1::SIGN_OFF_LEVEL_DIRECTORATE,
        v1::SIGN_OFF_LEVEL_CORPORATE_VERIFICATION, v1::SIGN_OFF_LEVEL_PARTNERSHIP}) {
    if (outstanding == fmt::format("not signed off at {} level", LevelName(level))) {
      return Completes([level](const v1::Event& e) {
        return e.has_figure_signed_off() && e.figure_signed_off().level() == level;
      });
    }
  }
  if (outstanding.rfind("finding not answered", 0) == 0) {
    return Completes([](const v1::Event& e) { return e.has_challenge_finding_responded(); });
  }
  return std::nullopt;
}

// Escalation chains and reminders on one item's stream (the figure's, or a finding's).
void AddSchedulerEvents(const std::vector<RecordedEvent>& events, const std::string& finding_id,
                        v1::TrailFigure* out) {
  struct Chain {
    v1::TrailEscalation escalation;
    uint64_t first_position = 0;
    std::set<std::string> ids;
  };
  std::vector<Chain> chains;
  std::map<std::string, size_t> chain_of;  // stage and outstanding → chain
  for (const RecordedEvent& r : events) {
    if (r.event.has_reminder_issued()) {
      const auto& e = r.event.reminder_issued();
      v1::TrailReminder* reminder = out->add_reminders();
      *reminder->mutable_at() = r.envelope.recorded_at();
      reminder->set_outstanding(e.outstanding());
      reminder->set_stage_id(e.deadline().stage_id());
      reminder->mutable_recipient_person_ids()->CopyFrom(e.recipient_person_ids());
      reminder->set_late_by_seconds(e.late_by_seconds());
      reminder->set_finding_id(finding_id);
    } else if (r.event.has_escalation_raised()) {
      const auto& e = r.event.escalation_raised();
      const std::string key = e.deadline().stage_id() + '\n' + e.outstanding();
      auto [it, fresh] = chain_of.emplace(key, chains.size());
      if (fresh) {
        chains.emplace_back();
        Chain& c = chains.back();
        c.first_position = r.envelope.position();
        c.escalation.set_escalation_id(e.escalation_id());
        c.escalation.set_finding_id(finding_id);
        c.escalation.set_outstanding(e.outstanding());
        c.escalation.set_stage_id(e.deadline().stage_id());
        *c.escalation.mutable_due_at() = e.deadline().due_at();
        *c.escalation.mutable_first_raised_at() = r.envelope.recorded_at();
      }
      Chain& c = chains[it->second];
      c.ids.insert(e.escalation_id());
      c.escalation.set_highest_rung(std::max(c.escalation.highest_rung(), e.rung()));
      *c.escalation.mutable_last_raised_at() = r.envelope.recorded_at();
      for (const std::string& p : e.recipient_person_ids()) {
        const auto& have = c.escalation.recipient_person_ids();
        if (std::find(have.begin(), have.end(), p) == have.end()) {
          c.escalation.add_recipient_person_ids(p);
        }
      }
    } else if (r.event.has_escalation_acknowledged()) {
      for (Chain& c : chains) {
        if (c.ids.count(r.event.escalation_acknowledged().escalation_id()) > 0 &&
            !c.escalation.acknowledged()) {
          c.escalation.set_acknowledged(true);
          c.escalation.set_acknowledged_by(r.envelope.actor());
        }
      }
    }
  }
  for (Chain& c : chains) {
    v1::TrailEscalation& e = c.escalation;
    const std::optional<Completes> completes = CompletionOf(e.outstanding());
    const RecordedEvent* done = nullptr;
    if (completes) {
      for (const RecordedEvent& r : events) {
        if (r.envelope.position() > c.first_position && (*completes)(r.event)) {
          done = &r;
          break;
        }
      }
    }
    if (done != nullptr) {
      // The rung reached before the item was done.
      uint32_t rung = 0;
      for (const RecordedEvent& r : events) {
        if (r.envelope.position() < done->envelope.position() && r.event.has_escalation_raised() &&
            c.ids.count(r.event.escalation_raised().escalation_id()) > 0) {
          rung = std::max(rung, r.event.escalation_raised().rung());
        }
      }
      e.set_resolved(true);
      *e.mutable_resolved_at() = done->envelope.recorded_at();
      e.set_resolution(fmt::format("done at {} after rung {}",
                                   FormatLondonTime(ToTimePoint(done->envelope.recorded_at())),
                                   rung));
    } else if (completes) {
      e.set_resolution(fmt::format("still outstanding after rung {}", e.highest_rung()));
    } else {
      e.set_resolution(fmt::format("after rung {}; what completes '{}' is not on this stream",
                                   e.highest_rung(), e.outstanding()));
    }
    *out->add_escalations() = std::move(e);
  }
}

Status AddFinding(const LogSnapshot& snapshot, const std::string& id, TimePoint evaluated_at,
                  v1::TrailFigure* out, v1::TrailTotals* totals) {
  auto events = snapshot.FindingEvents(id);
  if (!events) return Unexpected(events.error());
  FindingState state;
  v1::TrailFinding* f = out->add_findings();
  f->set_finding_id(id);
  for (const RecordedEvent& r : *events) {
    state.Apply(r.envelope, r.event);
    if (r.event.has_challenge_finding_raised()) {
      *f->mutable_raised_at() = r.envelope.recorded_at();
    } else if (r.event.has_challenge_finding_responded() && !f->has_first_response_at()) {
      *f->mutable_first_response_at() = r.envelope.recorded_at();
    } else if (r.event.has_challenge_finding_closed()) {
      *f->mutable_closed_at() = r.envelope.recorded_at();
    }
  }
  const auto& raised = state.raised;
  f->set_stage(raised.stage());
  f->set_severity(raised.severity());
  f->set_finding(raised.finding());
  f->set_owner_person_id(raised.owner_person_id());
  f->set_raised_by(state.raised_by);
  *f->mutable_due() = raised.due();
  f->set_status(FindingStatusName(state.status));
  if (auto due = ParseLocalDay(raised.due().iso(), "due")) {
    const TimePoint deadline = EndOfLondonDay(*due);
    f->set_overdue(state.status == FindingStatus::kOpen && evaluated_at > deadline);
    f->set_answered_late(f->has_first_response_at() &&
                         ToTimePoint(f->first_response_at()) > deadline);
  }
  totals->set_findings_raised(totals->findings_raised() + 1);
  totals->set_findings_answered(totals->findings_answered() + (state.responses > 0 ? 1 : 0));
  totals->set_findings_overdue(totals->findings_overdue() + (f->overdue() ? 1 : 0));
  totals->set_findings_closed(totals->findings_closed() +
                              (state.status == FindingStatus::kClosed ? 1 : 0));
  AddSchedulerEvents(*events, id, out);
  return OkStatus();
}

Status AddFigure(const LogSnapshot& snapshot, const CouncilModel& model, const Indicator& indicator,
                 const Period& period, TimePoint evaluated_at, v1::TrailFigure* out,
                 v1::TrailTotals* totals) {
  const auto& d = indicator.definition;
  out->set_indicator_id(indicator.id);
  out->set_title(d.title());
  out->set_owning_unit_id(d.owning_unit_id());
  out->set_directorate_id(model.NearestOfKind(d.owning_unit_id(), v1::ORG_UNIT_KIND_DIRECTORATE));
  out->set_period(period.id());
  auto events = snapshot.FigureEvents(indicator.id, period.id());
  if (!events) return Unexpected(events.error());

  FigureState state;
  std::map<uint32_t, std::string> author_of;  // figure version → who created it
  std::vector<int> live_sign_offs;            // indexes into out->sign_offs()
  auto lapse_all = [&] {
    for (int i : live_sign_offs) out->mutable_sign_offs(i)->set_lapsed(true);
    live_sign_offs.clear();
  };
  for (const RecordedEvent& r : *events) {
    v1::TrailLogEntry* entry = out->add_log_entries();
    entry->set_position(r.envelope.position());
    entry->set_type(r.envelope.type());
    entry->set_leaf_hash(Base64Encode(tlog::LeafHash(store::LeafEntry(r.envelope))));
    const v1::FigureValue previous_value = state.value;
    state.Apply(r.envelope, r.event);
    const auto& e = r.event;
    auto change = [&](v1::ChangeKind kind, uint32_t version, const std::string& reason,
                      const auto& lapsed) {
      v1::TrailChange* c = out->add_changes();
      c->set_kind(kind);
      *c->mutable_at() = r.envelope.recorded_at();
      c->set_by(r.envelope.actor());
      c->set_reason(reason);
      c->set_figure_version(version);
      c->mutable_lapsed_levels()->CopyFrom(lapsed);
      return c;
    };
    switch (e.body_case()) {
      case v1::Event::kFigureSubmitted:
        out->set_submitted_by(r.envelope.actor());
        *out->mutable_submitted_at() = r.envelope.recorded_at();
        author_of[e.figure_submitted().figure_version()] = r.envelope.actor();
        break;
      case v1::Event::kFigureAmended: {
        const auto& a = e.figure_amended();
        author_of[a.figure_version()] = r.envelope.actor();
        v1::TrailChange* c =
            change(v1::CHANGE_KIND_AMENDMENT, a.figure_version(), a.reason(), a.lapsed_levels());
        *c->mutable_previous_value() = previous_value;
        *c->mutable_value() = a.value();
        if (a.lapsed_levels_size() > 0) {
          out->set_amendments_after_sign_off(out->amendments_after_sign_off() + 1);
        }
        lapse_all();
        break;
      }
      case v1::Event::kFigureRestated: {
        const auto& a = e.figure_restated();
        author_of[a.figure_version()] = r.envelope.actor();
        v1::TrailChange* c =
            change(v1::CHANGE_KIND_RESTATEMENT, a.figure_version(), a.reason(), a.lapsed_levels());
        *c->mutable_previous_value() = a.previous_value();
        *c->mutable_value() = a.value();
        out->set_restatements(out->restatements() + 1);
        lapse_all();
        break;
      }
      case v1::Event::kFigureRejected: {
        const auto& a = e.figure_rejected();
        v1::TrailChange* c =
            change(v1::CHANGE_KIND_REJECTION, a.figure_version(), a.reason(), a.lapsed_levels());
        *c->mutable_value() = previous_value;
        totals->set_rejections(totals->rejections() + 1);
        lapse_all();
        break;
      }
      case v1::Event::kFigureSignedOff: {
        const auto& s = e.figure_signed_off();
        v1::TrailSignOff* t = out->add_sign_offs();
        t->set_level(s.level());
        t->set_person_id(r.envelope.actor());
        if (const Person* p = model.FindPerson(r.envelope.actor())) t->set_person_name(p->name);
        t->set_role(s.role());
        t->set_on_behalf_of_person_id(s.on_behalf_of_person_id());
        *t->mutable_at() = r.envelope.recorded_at();
        t->set_figure_version(s.figure_version());
        // Computed, not assumed: the version's author may not sign it, nor be signed for.
        const std::string& author = author_of[s.figure_version()];
        t->set_by_version_author(!author.empty() && (author == r.envelope.actor() ||
                                                     author == s.on_behalf_of_person_id()));
        live_sign_offs.push_back(out->sign_offs_size() - 1);
        break;
      }
      case v1::Event::kDataQualityQueryRaised: {
        const auto& q = e.data_quality_query_raised();
        v1::TrailQuery* t = out->add_queries();
        t->set_query_id(q.query_id());
        t->set_question(q.question());
        t->set_raised_by(r.envelope.actor());
        *t->mutable_raised_at() = r.envelope.recorded_at();
        break;
      }
      case v1::Event::kDataQualityQueryAnswered: {
        const auto& a = e.data_quality_query_answered();
        for (v1::TrailQuery& t : *out->mutable_queries()) {
          if (t.query_id() == a.query_id() && !t.answered()) {
            t.set_answered(true);
            t.set_answer(a.answer());
            t.set_answered_by(r.envelope.actor());
            *t.mutable_answered_at() = r.envelope.recorded_at();
          }
        }
        break;
      }
      case v1::Event::kFigureLocked:
        if (!out->locked()) *out->mutable_locked_at() = r.envelope.recorded_at();
        out->set_locked(true);
        out->set_reported_to(e.figure_locked().reported_to());
        break;
      case v1::Event::kFigurePublished:
        out->set_published(true);
        *out->mutable_published_at() = r.envelope.recorded_at();
        break;
      default:
        break;
    }
  }
  out->set_submitted(state.submitted());
  out->set_figure_version(state.figure_version);
  if (state.submitted()) *out->mutable_value() = state.value;
  for (v1::SignOffLevel level : RequiredSignOffLevels(d, snapshot.sign_off_levels())) {
    out->add_required_levels(level);
  }
  const std::vector<v1::SignOffLevel> missing =
      MissingSignOffLevels(state, d, snapshot.sign_off_levels());
  for (v1::SignOffLevel level : missing) out->add_missing_levels(level);
  out->set_fully_signed_off(state.submitted() && !state.rejected && missing.empty());
  bool four_eyes = true;
  for (const v1::TrailSignOff& s : out->sign_offs()) four_eyes &= !s.by_version_author();
  out->set_four_eyes_ok(four_eyes);
  AddSchedulerEvents(*events, "", out);

  v1::FindingSubject subject;
  subject.mutable_figure()->set_indicator_id(indicator.id);
  subject.mutable_figure()->set_period(period.id());
  for (const std::string& id : snapshot.FindingsAbout(subject)) {
    if (auto s = AddFinding(snapshot, id, evaluated_at, out, totals); !s) return s;
  }

  totals->set_figures(totals->figures() + 1);
  totals->set_submitted(totals->submitted() + (out->submitted() ? 1 : 0));
  totals->set_fully_signed_off(totals->fully_signed_off() + (out->fully_signed_off() ? 1 : 0));
  for (const v1::TrailSignOff& s : out->sign_offs()) {
    totals->set_four_eyes_breaches(totals->four_eyes_breaches() + (s.by_version_author() ? 1 : 0));
  }
  totals->set_amendments_after_sign_off(totals->amendments_after_sign_off() +
                                        out->amendments_after_sign_off());
  totals->set_restatements(totals->restatements() + out->restatements());
  for (const v1::TrailQuery& q : out->queries()) {
    totals->set_queries_raised(totals->queries_raised() + 1);
    totals->set_queries_open(totals->queries_open() + (q.answered() ? 0 : 1));
  }
  for (const v1::TrailEscalation& e : out->escalations()) {
    totals->set_escalations(totals->escalations() + 1);
    totals->set_escalations_resolved(totals->escalations_resolved() + (e.resolved() ? 1 : 0));
    totals->set_escalations_outstanding(totals->escalations_outstanding() + (e.resolved() ? 0 : 1));
  }
  totals->set_reminders(totals->reminders() + out->reminders_size());
  totals->set_locked(totals->locked() + (out->locked() ? 1 : 0));
  totals->set_published(totals->published() + (out->published() ? 1 : 0));
  return OkStatus();
}

}  // namespace

Result<v1::TrailVerification> VerifyForTrail(const store::EventStore& store, uint64_t position) {
  v1::TrailVerification out;
  out.set_position(position);
  out.set_ok(true);
  if (position == 0) return out;
  auto report = store.Verify(1, position);
  if (!report) return Unexpected(report.error());
  out.set_ok(report->ok);
  out.set_first_bad_position(report->first_bad_position);
  out.set_problem(report->problem);
  out.set_events_checked(report->events_checked);
  out.set_redacted_payloads(report->redacted_payloads);
  auto page = store.ReadAll(position, store::Direction::kForward, 1);
  if (!page) return Unexpected(page.error());
  if (!page->events.empty() && page->events[0].position() == position) {
    out.set_hash_hex(HexEncode(page->events[0].hash()));
  }
  out.set_tree_size(position);
  if (report->ok) {
    auto root = store.TreeRoot(position);
    if (!root) return Unexpected(root.error());
    out.set_tree_root(Base64Encode(*root));
  }
  return out;
}

Result<v1::AssuranceTrail> BuildAssuranceTrail(const LogSnapshot& snapshot,
                                               std::string_view period_id,
                                               std::string_view directorate_id,
                                               const v1::TrailVerification& verification,
                                               TimePoint evaluated_at) {
  auto period = Period::Parse(period_id);
  if (!period) return Unexpected(period.error());
  auto model = snapshot.Council({});
  if (!model) return Unexpected(model.error());
  if (!directorate_id.empty()) {
    const OrgUnit* unit = model->Unit(directorate_id);
    if (unit == nullptr) {
      return MakeError(ErrorCode::kNotFound,
                       fmt::format("there is no org unit '{}' (as of log position {})",
                                   directorate_id, snapshot.position()),
                       "directorate_id");
    }
  }
  v1::AssuranceTrail trail;
  trail.set_period(period->id());
  trail.set_directorate_id(std::string(directorate_id));
  *trail.mutable_as_of() = snapshot.point();
  *trail.mutable_evaluated_at() = TimestampOf(evaluated_at);
  *trail.mutable_verification() = verification;
  for (const auto& [id, indicator] : model->indicators()) {
    const auto& d = indicator.definition;
    if (!directorate_id.empty() && !model->IsWithin(d.owning_unit_id(), directorate_id)) continue;
    for (const Period& p : PeriodsWithin(d.frequency(), *period)) {
      if (indicator.retired) {
        // A retired indicator is listed only for the figures it has.
        auto events = snapshot.FigureEvents(id, p.id());
        if (!events) return Unexpected(events.error());
        if (events->empty()) continue;
      }
      if (auto s = AddFigure(snapshot, *model, indicator, p, evaluated_at, trail.add_figures(),
                             trail.mutable_totals());
          !s) {
        return Unexpected(s.error());
      }
    }
  }
  return trail;
}

}  // namespace goldthread::engine
