#include "tests/testing/random_history.h"

#include <fmt/format.h>

#include <cmath>

#include "engine/model/event_codec.h"
#include "engine/model/local_date.h"

namespace goldthread::testing {

namespace v1 = goldthread::v1;

namespace {

struct IndicatorPeople {
  std::vector<std::string> enter;
  std::vector<std::string> service;
  std::vector<std::string> directorate;
};

const IndicatorPeople& PeopleFor(const std::string& indicator) {
  static const IndicatorPeople homes{
      {"p-entry", "p-entry2", "p-sm", "p-perf"}, {"p-sm", "p-sm2"}, {"p-dir"}};
  static const IndicatorPeople waste{{"p-perf", "p-perf2", "p-sm2"}, {"p-sm2", "p-sm"}, {"p-dir"}};
  static const IndicatorPeople care{{"p-care", "p-perf"}, {"p-care"}, {"p-dir2"}};
  if (indicator == "HW-1") return waste;
  if (indicator == "CA-1") return care;
  return homes;
}

uint32_t DecimalPlaces(const std::string& indicator) {
  return indicator == "HW-1" || indicator == "CA-1" ? 0 : 1;
}

google::protobuf::Timestamp Stamp(TimePoint t) {
  google::protobuf::Timestamp ts;
  ts.set_seconds(std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count());
  return ts;
}

}  // namespace

RandomHistory::RandomHistory(engine::CommandHandler* handler, store::EventStore* store,
                             SimulatedClock* clock, uint32_t seed)
    : handler_(handler), store_(store), clock_(clock), rng_(seed) {}

const std::vector<std::string>& RandomHistory::Indicators() {
  static const std::vector<std::string> ids = {"NI-192", "HW-1", "HW-2", "CA-1"};
  return ids;
}

std::vector<std::string> RandomHistory::PeriodsOf(const std::string& indicator) {
  if (indicator == "HW-2") {
    return {"FY2010-M06", "FY2011-M01", "FY2011-M02", "FY2011-M03",
            "FY2011-M04", "FY2011-M05", "FY2011-M06"};
  }
  return {"FY2010-Q1", "FY2010-Q2", "FY2010-Q3", "FY2010-Q4", "FY2011-Q1", "FY2011-Q2"};
}

std::string RandomHistory::Pick(const std::vector<std::string>& from) {
  return from[std::uniform_int_distribution<size_t>(0, from.size() - 1)(rng_)];
}

int RandomHistory::Uniform(int lo, int hi) {
  return std::uniform_int_distribution<int>(lo, hi)(rng_);
}

Result<bool> RandomHistory::Run(const std::string& actor, const v1::Command& command) {
  auto r = handler_->Execute({.actor = actor, .command_id = fmt::format("rnd-{}", ++commands_)},
                             command);
  if (r) {
    if (command.has_raise_challenge_finding()) findings_.push_back(r->created_id());
    if (command.has_register_risk()) risks_.push_back(r->created_id());
    return !r->duplicate();
  }
  switch (r.error().code) {
    case ErrorCode::kInternal:
    case ErrorCode::kDataLoss:
    case ErrorCode::kUnavailable:
      return Unexpected(r.error());
    default:
      return false;  // refused: nothing written
  }
}

Result<bool> RandomHistory::AppendScheduler(const std::string& indicator, const std::string& period,
                                            const v1::Event& event) {
  auto r = store_->Append({.stream = engine::FigureStream("t", indicator, period),
                           .events = {engine::EncodeEvent(event)},
                           .command_id = fmt::format("rnd-sched-{}", ++commands_),
                           .actor = "system/scheduler"});
  if (!r) return Unexpected(r.error());
  return true;
}

Status RandomHistory::SetUp() {
  auto must = [&](const std::string& actor, const v1::Command& c) -> Status {
    auto r = handler_->Execute(
        {.actor = actor, .command_id = fmt::format("rnd-setup-{}", ++commands_)}, c);
    if (!r) return Unexpected(r.error());
    return OkStatus();
  };
  {
    v1::Command c;
    auto* p = c.mutable_register_person();
    p->set_person_id("p-dir2");
    p->set_name("Person p-dir2");
    p->set_home_unit_id("dir-people");
    if (auto s = must("admin", c); !s) return s;
  }
  auto grant = [&](const std::string& person, v1::Role role, const std::string& scope) {
    v1::Command c;
    c.mutable_grant_role()->set_person_id(person);
    c.mutable_grant_role()->set_role(role);
    c.mutable_grant_role()->set_scope_unit_id(scope);
    c.mutable_grant_role()->mutable_effective_from()->set_iso("2011-04-01");
    return must("admin", c);
  };
  if (auto s = grant("p-dir2", v1::ROLE_DIRECTOR, "dir-people"); !s) return s;
  if (auto s = grant("p-sm2", v1::ROLE_SERVICE_MANAGER, "svc-waste"); !s) return s;
  {
    v1::Command c;
    auto* p = c.mutable_define_priority();
    p->set_priority_id("P-homes");
    p->set_title("Decent homes and clean streets");
    p->set_owner_unit_id("dir-place");
    if (auto s = must("p-perf", c); !s) return s;
  }
  auto define = [&](const std::string& id, v1::Frequency f, v1::Polarity polarity,
                    const std::string& unit, v1::Perspective perspective, bool absolute) {
    v1::Command c;
    auto* d = c.mutable_define_indicator();
    d->set_indicator_id(id);
    auto* def = d->mutable_definition();
    def->set_title("Indicator " + id);
    def->set_definition("Randomised test indicator " + id);
    def->set_method_of_calculation("count of events in the period");
    def->set_unit(absolute ? "number" : "%");
    def->set_decimal_places(DecimalPlaces(id));
    def->set_valid_min(0);
    def->set_valid_max(1000);
    def->set_polarity(polarity);
    def->set_frequency(f);
    def->set_owning_unit_id(unit);
    def->set_perspective(perspective);
    def->set_priority_id(unit == "svc-care" ? "" : "P-homes");
    if (absolute) {
      def->mutable_amber_tolerance()->set_absolute(2);
    } else {
      def->mutable_amber_tolerance()->set_percent(5);
    }
    return must("p-perf", c);
  };
  if (auto s = define("HW-1", v1::FREQUENCY_QUARTERLY, v1::POLARITY_LOWER_IS_BETTER, "svc-waste",
                      v1::PERSPECTIVE_PROCESS, true);
      !s) {
    return s;
  }
  if (auto s = define("HW-2", v1::FREQUENCY_MONTHLY, v1::POLARITY_HIGHER_IS_BETTER, "svc-homes",
                      v1::PERSPECTIVE_FINANCE, false);
      !s) {
    return s;
  }
  if (auto s = define("CA-1", v1::FREQUENCY_QUARTERLY, v1::POLARITY_LOWER_IS_BETTER, "svc-care",
                      v1::PERSPECTIVE_ORGANISATION, true);
      !s) {
    return s;
  }
  for (const std::string& indicator : Indicators()) {
    for (const std::string& period : PeriodsOf(indicator)) {
      if (Uniform(0, 3) == 0) continue;  // some periods have no target
      v1::Command c;
      auto* t = c.mutable_set_target();
      t->set_indicator_id(indicator);
      t->set_period(period);
      t->set_target(Uniform(0, 6) == 0 ? 0 : Uniform(50, 70));
      t->set_reason("set in the service plan");
      if (auto s = must("p-perf", c); !s) return s;
    }
  }
  return OkStatus();
}

Result<bool> RandomHistory::Step() {
  clock_->Advance(std::chrono::minutes(Uniform(1, 1440)));
  const std::string indicator = Pick(Indicators());
  const std::string period = Pick(PeriodsOf(indicator));
  const IndicatorPeople& people = PeopleFor(indicator);
  const double scale = std::pow(10.0, DecimalPlaces(indicator));
  auto value = [&] { return std::round(Uniform(300, 900) / 10.0 * scale) / scale; };
  v1::Command c;
  switch (Uniform(0, 21)) {
    case 0:
    case 1:
    case 2: {
      auto* s = c.mutable_submit_figure();
      s->set_indicator_id(indicator);
      s->set_period(period);
      if (Uniform(0, 9) == 0) {
        s->mutable_value()->set_not_available_reason("survey not run");
      } else {
        s->mutable_value()->set_value(value());
      }
      s->set_commentary("as measured");
      return Run(Pick(people.enter), c);
    }
    case 3: {
      auto* a = c.mutable_amend_figure();
      a->set_indicator_id(indicator);
      a->set_period(period);
      a->mutable_value()->set_value(value());
      a->set_commentary("corrected");
      a->set_reason("late returns added");
      return Run(Pick(people.enter), c);
    }
    case 4:
    case 5:
    case 6:
    case 7: {
      auto figure = handler_->LoadFigure(indicator, period);
      if (!figure) return Unexpected(figure.error());
      const int level = Uniform(1, 4);
      auto* s = c.mutable_sign_off_figure();
      s->set_indicator_id(indicator);
      s->set_period(period);
      s->set_level(static_cast<v1::SignOffLevel>(level));
      s->set_figure_version(figure->figure_version);
      s->set_comment(Uniform(0, 1) ? "checked against the return" : "");
      const std::vector<std::string> signers = level == 1   ? people.service
                                               : level == 2 ? people.directorate
                                               : level == 3
                                                   ? std::vector<std::string>{"p-perf", "p-perf2"}
                                                   : std::vector<std::string>{"p-board"};
      return Run(Pick(signers), c);
    }
    case 8: {
      const int level = Uniform(1, 3);
      auto* r = c.mutable_reject_figure();
      r->set_indicator_id(indicator);
      r->set_period(period);
      r->set_level(static_cast<v1::SignOffLevel>(level));
      r->set_reason("does not match the source return");
      const std::vector<std::string> signers = level == 1   ? people.service
                                               : level == 2 ? people.directorate
                                                            : std::vector<std::string>{"p-perf"};
      return Run(Pick(signers), c);
    }
    case 9: {
      auto* q = c.mutable_raise_data_quality_query();
      q->set_indicator_id(indicator);
      q->set_period(period);
      q->set_question("Which extract does this come from?");
      return Run(Pick({"p-perf", "p-dir"}), c);
    }
    case 10: {
      auto figure = handler_->LoadFigure(indicator, period);
      if (!figure) return Unexpected(figure.error());
      if (figure->queries.empty()) return false;
      auto* a = c.mutable_answer_data_quality_query();
      a->set_indicator_id(indicator);
      a->set_period(period);
      a->set_query_id(figure->queries.begin()->first);
      a->set_answer("The CRM extract of the 5th");
      return Run(Pick(people.enter), c);
    }
    case 11: {
      auto* l = c.mutable_lock_figure();
      l->set_indicator_id(indicator);
      l->set_period(period);
      l->set_reported_to("Cabinet");
      return Run("p-perf", c);
    }
    case 12: {
      auto* r = c.mutable_restate_figure();
      r->set_indicator_id(indicator);
      r->set_period(period);
      r->mutable_value()->set_value(value());
      r->set_commentary("restated");
      r->set_reason("late tonnage from the reprocessor");
      return Run(Pick({"p-sm", "p-perf", "p-sm2"}), c);
    }
    case 13: {
      c.mutable_publish_figure()->set_indicator_id(indicator);
      c.mutable_publish_figure()->set_period(period);
      return Run("p-perf2", c);
    }
    case 14: {
      auto* f = c.mutable_raise_challenge_finding();
      f->set_stage(v1::CHALLENGE_STAGE_CORPORATE_REVIEW);
      f->mutable_subject()->mutable_figure()->set_indicator_id(indicator);
      f->mutable_subject()->mutable_figure()->set_period(period);
      f->set_severity(static_cast<v1::Severity>(Uniform(1, 3)));
      f->set_finding("The trend is not explained");
      f->set_action_required("Explain the trend in the commentary");
      f->set_owner_person_id(Pick(people.service));
      *f->mutable_due() =
          engine::ToLocalDate(engine::LondonDayOf(clock_->Now()) + date::days(Uniform(1, 20)));
      return Run("p-perf", c);
    }
    case 15: {
      if (findings_.empty()) return false;
      const std::string& id = Pick(findings_);
      auto finding = handler_->LoadFinding(id);
      if (!finding) return Unexpected(finding.error());
      switch (Uniform(0, 2)) {
        case 0:
          c.mutable_respond_to_challenge_finding()->set_finding_id(id);
          c.mutable_respond_to_challenge_finding()->set_response("Commentary updated");
          return Run(finding->raised.owner_person_id(), c);
        case 1:
          c.mutable_accept_challenge_finding()->set_finding_id(id);
          return Run(Pick({"p-perf", "p-perf2"}), c);
        default:
          c.mutable_close_challenge_finding()->set_finding_id(id);
          c.mutable_close_challenge_finding()->set_evidence("Commentary seen at CMT");
          return Run("p-perf", c);
      }
    }
    case 16: {
      auto* t = c.mutable_set_target();
      t->set_indicator_id(indicator);
      t->set_period(period);
      t->set_target(Uniform(40, 80));
      t->set_reason("revised at mid-year review");
      return Run("p-perf", c);
    }
    case 17: {
      if (Uniform(0, 1) == 0) {
        auto* p = c.mutable_record_priority_progress();
        p->set_priority_id("P-homes");
        p->set_period(Pick(PeriodsOf("NI-192")));
        p->set_summary(fmt::format("Progress note {}", commands_));
        p->set_overall_rating(static_cast<v1::Rag>(Uniform(1, 3)));
        p->add_actions_delivered("Bring sites reopened");
        p->add_actions_planned("Kerbside glass from January");
        return Run("p-dir", c);
      }
      auto* a = c.mutable_record_self_assessment();
      a->set_unit_id("dir-place");
      a->set_period(Pick(PeriodsOf("NI-192")));
      a->set_summary(fmt::format("Self-assessment {}", commands_));
      a->add_concerns("Recruitment of drivers");
      a->set_overall_rating(static_cast<v1::Rag>(Uniform(1, 3)));
      return Run("p-dir", c);
    }
    case 18: {
      if (risks_.empty() || Uniform(0, 1) == 0) {
        auto* r = c.mutable_register_risk();
        r->set_title(fmt::format("Risk {}", commands_));
        r->set_owner_person_id("p-dir");
        r->set_unit_id("dir-place");
        r->set_likelihood(Uniform(1, 5));
        r->set_impact(Uniform(1, 5));
        r->add_priority_ids("P-homes");
        r->add_indicator_ids(indicator);
        return Run("p-perf", c);
      }
      auto* r = c.mutable_rate_risk();
      r->set_risk_id(Pick(risks_));
      r->set_likelihood(Uniform(1, 5));
      r->set_impact(Uniform(1, 5));
      r->set_reason("quarterly review");
      return Run("p-perf", c);
    }
    case 19: {
      v1::Event e;
      auto* r = e.mutable_reminder_issued();
      r->mutable_deadline()->set_workflow_id("chesterfield-service-first");
      r->mutable_deadline()->set_cycle_period("FY2011-Q2");
      r->mutable_deadline()->set_stage_id("collation");
      *r->mutable_deadline()->mutable_due_at() = Stamp(clock_->Now() + std::chrono::hours(48));
      r->set_outstanding("not submitted");
      r->set_reminder_id("2 days before");
      r->add_recipient_person_ids(Pick(people.enter));
      return AppendScheduler(indicator, period, e);
    }
    case 20: {
      v1::Event e;
      auto* x = e.mutable_escalation_raised();
      x->set_escalation_id(fmt::format("E-rnd-{}", ++escalations_));
      x->mutable_deadline()->set_workflow_id("chesterfield-service-first");
      x->mutable_deadline()->set_cycle_period("FY2011-Q2");
      x->mutable_deadline()->set_stage_id("service-sign-off");
      *x->mutable_deadline()->mutable_due_at() = Stamp(clock_->Now() - std::chrono::hours(30));
      x->set_outstanding("not signed off at service level");
      x->set_rung(static_cast<uint32_t>(Uniform(1, 3)));
      x->add_recipient_person_ids(Pick(people.service));
      x->set_overdue_by_seconds(30 * 3600);
      escalated_.emplace_back(indicator + "|" + period, x->escalation_id());
      return AppendScheduler(indicator, period, e);
    }
    default: {
      if (escalated_.empty()) return false;
      const auto& [figure, id] = escalated_[Uniform(0, static_cast<int>(escalated_.size()) - 1)];
      const size_t bar = figure.find('|');
      auto* a = c.mutable_acknowledge_escalation();
      a->mutable_figure()->set_indicator_id(figure.substr(0, bar));
      a->mutable_figure()->set_period(figure.substr(bar + 1));
      a->set_escalation_id(id);
      a->set_comment("In hand");
      return Run(Pick({"p-sm", "p-sm2", "p-care"}), c);
    }
  }
}

}  // namespace goldthread::testing
