#include "tests/testing/year_simulation.h"

#include <date/date.h>
#include <date/tz.h>
#include <fmt/format.h>

#include <algorithm>
#include <functional>
#include <map>
#include <memory>

#include "adapters/demo/simulated_timeline.h"
#include "engine/model/authority.h"
#include "engine/model/event_codec.h"
#include "engine/model/local_date.h"
#include "engine/model/period.h"
#include "engine/scheduler/scheduler.h"
#include "store/event_store.h"

namespace goldthread::testing {
namespace {

namespace v1 = goldthread::v1;
using engine::LocalDay;
using engine::TimedStage;

constexpr int kIndicators = 30;
constexpr int kServices = 8;
constexpr int kDirectorates = 3;

std::string Ind(int i) { return fmt::format("I-{:02d}", i); }
int ServiceOf(int indicator) { return (indicator - 1) % kServices + 1; }
int DirectorateOf(int service) { return (service - 1) % kDirectorates + 1; }

// `hour` o'clock London time on `day`.
TimePoint At(LocalDay day, int hour) {
  return engine::EndOfLondonDay(day - date::days(1)) + std::chrono::microseconds(1) +
         std::chrono::hours(hour);
}
LocalDay NextWorkingDay(LocalDay day) {
  do {
    day += date::days(1);
  } while (date::weekday(day) == date::Saturday || date::weekday(day) == date::Sunday);
  return day;
}

std::string LocalStamp(TimePoint t) {
  static const date::time_zone* london = date::locate_zone("Europe/London");
  const auto zoned =
      date::make_zoned(london, std::chrono::time_point_cast<std::chrono::minutes>(t));
  return date::format("%F %a %H:%M %Z", zoned);
}
TimePoint FromTimestamp(const google::protobuf::Timestamp& ts) {
  return TimePoint(std::chrono::seconds(ts.seconds()) +
                   std::chrono::microseconds(ts.nanos() / 1000));
}

std::string Duration(int64_t seconds) {
  const int64_t days = seconds / 86400, hours = (seconds % 86400) / 3600;
  return days > 0 ? fmt::format("{}d {}h", days, hours) : fmt::format("{}h", hours);
}

class Simulation {
 public:
  explicit Simulation(const YearSimulationOptions& o) : options_(o) {}

  Result<std::string> Run() {
    auto first = engine::Period::Parse(options_.periods.front());
    if (!first) return Unexpected(first.error());
    clock_ = std::make_unique<SimulatedClock>(At(LocalDay(first->start()), 9));
    store::StoreOptions so;
    so.durability = store::Durability::kBuffered;
    so.clock = clock_.get();
    auto opened = store::EventStore::Open(options_.data_dir, so);
    if (!opened) return Unexpected(opened.error());
    store_ = std::move(*opened);
    handler_ = std::make_unique<engine::CommandHandler>(
        store_.get(), clock_.get(),
        engine::HandlerOptions{.tenant = "sim",
                               .sign_off_levels = options_.sign_off_levels,
                               .timetables = options_.timetables});
    scheduler_ = std::make_unique<engine::Scheduler>(
        store_.get(), clock_.get(),
        engine::SchedulerOptions{.tenant = "sim",
                                 .timetables = options_.timetables,
                                 .finding_escalation = options_.finding_escalation});
    if (auto s = SetUpCouncil(first->frequency()); !s) return Unexpected(s.error());
    for (const std::string& period : options_.periods) {
      if (auto s = PlanCycle(period, period == options_.periods.front()); !s) {
        return Unexpected(s.error());
      }
    }
    auto last = engine::Period::Parse(options_.periods.back());
    const TimePoint end = At(LocalDay(last->end()) + date::days(150), 0);
    if (auto s = timeline_.Run(*scheduler_, *clock_, end,
                               [](TimePoint t) { return "at " + LocalStamp(t); });
        !s) {
      return Unexpected(s.error());
    }
    return Transcript();
  }

 private:
  Status Exec(const std::string& actor, const v1::Command& c) {
    auto r =
        handler_->Execute({.actor = actor, .command_id = fmt::format("sim-{}", ++commands_)}, c);
    if (!r) return Unexpected(r.error());
    return OkStatus();
  }

  Status SetUpCouncil(v1::Frequency frequency) {
    if (auto r = handler_->Bootstrap("council", "Simshire Council", "admin", "Ada Admin", "boot");
        !r) {
      return Unexpected(r.error());
    }
    auto unit = [&](const std::string& id, v1::OrgUnitKind kind, const std::string& parent) {
      v1::Command c;
      auto* u = c.mutable_create_org_unit();
      u->set_unit_id(id);
      u->set_kind(kind);
      u->set_name(id);
      u->set_parent_unit_id(parent);
      return Exec("admin", c);
    };
    auto person = [&](const std::string& id, v1::Role role, const std::string& scope) -> Status {
      v1::Command c;
      auto* p = c.mutable_register_person();
      p->set_person_id(id);
      p->set_name(id);
      p->set_home_unit_id(scope);
      if (auto s = Exec("admin", c); !s) return s;
      v1::Command g;
      g.mutable_grant_role()->set_person_id(id);
      g.mutable_grant_role()->set_role(role);
      g.mutable_grant_role()->set_scope_unit_id(scope);
      return Exec("admin", g);
    };
    for (int d = 1; d <= kDirectorates; ++d) {
      if (auto s = unit(fmt::format("dir-{}", d), v1::ORG_UNIT_KIND_DIRECTORATE, "council"); !s) {
        return s;
      }
      if (auto s =
              person(fmt::format("director-{}", d), v1::ROLE_DIRECTOR, fmt::format("dir-{}", d));
          !s) {
        return s;
      }
    }
    for (int s = 1; s <= kServices; ++s) {
      const std::string svc = fmt::format("svc-{}", s);
      if (auto st = unit(svc, v1::ORG_UNIT_KIND_SERVICE, fmt::format("dir-{}", DirectorateOf(s)));
          !st) {
        return st;
      }
      if (auto st = person(fmt::format("entry-{}", s), v1::ROLE_DATA_ENTRY, svc); !st) return st;
      if (auto st = person(fmt::format("manager-{}", s), v1::ROLE_SERVICE_MANAGER, svc); !st) {
        return st;
      }
    }
    if (auto s = unit("board", v1::ORG_UNIT_KIND_PARTNERSHIP_BOARD, "council"); !s) return s;
    const std::vector<std::pair<std::string, v1::Role>> corporate = {
        {"perf", v1::ROLE_PERFORMANCE_TEAM},     {"cmt", v1::ROLE_CORPORATE_MANAGEMENT_TEAM},
        {"lead", v1::ROLE_LEAD_MEMBER},          {"exec", v1::ROLE_EXECUTIVE_MEMBER},
        {"scrutiny", v1::ROLE_SCRUTINY_MEMBER},  {"audit", v1::ROLE_AUDITOR},
        {"lib", v1::ROLE_LEEDS_INITIATIVE_BOARD}};
    for (const auto& [id, role] : corporate) {
      if (auto s = person(id, role, "council"); !s) return s;
      role_holder_[role] = id;
    }
    if (auto s = person("board-member", v1::ROLE_PARTNERSHIP_BOARD, "board"); !s) return s;
    // Line management: each unit's accountable person, so overdue findings climb to managers.
    auto accountable = [&](const std::string& unit_id, const std::string& person_id) {
      v1::Command c;
      c.mutable_change_accountable_person()->set_unit_id(unit_id);
      c.mutable_change_accountable_person()->set_person_id(person_id);
      return Exec("admin", c);
    };
    if (auto s = accountable("council", "cmt"); !s) return s;
    for (int d = 1; d <= kDirectorates; ++d) {
      if (auto s = accountable(fmt::format("dir-{}", d), fmt::format("director-{}", d)); !s) {
        return s;
      }
    }
    for (int sv = 1; sv <= kServices; ++sv) {
      if (auto s = accountable(fmt::format("svc-{}", sv), fmt::format("manager-{}", sv)); !s) {
        return s;
      }
    }
    role_holder_[v1::ROLE_PARTNERSHIP_BOARD] = "board-member";
    role_holder_[v1::ROLE_DIRECTOR] = "director-1";
    role_holder_[v1::ROLE_SERVICE_MANAGER] = "manager-1";
    role_holder_[v1::ROLE_DATA_ENTRY] = "entry-1";
    role_holder_[v1::ROLE_ADMIN] = "admin";

    // Two priorities: one a partnership board owns (rated by the board), one a directorate's.
    for (const auto& [id, owner] : std::vector<std::pair<std::string, std::string>>{
             {"P-health", "board"}, {"P-place", "dir-1"}}) {
      v1::Command c;
      c.mutable_define_priority()->set_priority_id(id);
      c.mutable_define_priority()->set_title(id);
      c.mutable_define_priority()->set_owner_unit_id(owner);
      if (auto s = Exec("perf", c); !s) return s;
    }
    for (int i = 1; i <= kIndicators; ++i) {
      v1::Command c;
      auto* d = c.mutable_define_indicator();
      d->set_indicator_id(Ind(i));
      auto* def = d->mutable_definition();
      def->set_title(fmt::format("Indicator {}", i));
      def->set_definition("A measure");
      def->set_method_of_calculation("count");
      def->set_unit("%");
      def->set_decimal_places(1);
      def->set_polarity(v1::POLARITY_HIGHER_IS_BETTER);
      def->set_frequency(frequency);
      def->set_owning_unit_id(fmt::format("svc-{}", ServiceOf(i)));
      def->set_perspective(v1::PERSPECTIVE_CUSTOMER);
      def->mutable_amber_tolerance()->set_percent(5);
      if (i <= 3) def->set_partnership_unit_id("board");
      if (auto s = Exec("perf", c); !s) return s;
    }
    return OkStatus();
  }

  void Plan(TimePoint at, std::string what, std::function<Status()> run) {
    timeline_.Plan(at, std::move(what), std::move(run));
  }

  // The figure period of indicator frequency within the cycle.
  std::string FigurePeriod(const engine::CycleTimetable& t) const {
    return t.figure_periods.empty() ? t.period : t.figure_periods.front();
  }

  Status PlanCycle(const std::string& period_id, bool first_cycle) {
    auto timetable = options_.timetables(options_.workflow_id, period_id);
    if (!timetable) return Unexpected(timetable.error());
    auto period = engine::Period::Parse(period_id);
    const LocalDay period_end = LocalDay(period->end());
    const engine::CycleTimetable t = *timetable;
    const std::string figure_period = FigurePeriod(t);

    Plan(At(period_end, 8), "set targets and open " + period_id, [=, this]() -> Status {
      for (int i = 1; i <= kIndicators; ++i) {
        v1::Command c;
        c.mutable_set_target()->set_indicator_id(Ind(i));
        c.mutable_set_target()->set_period(figure_period);
        c.mutable_set_target()->set_target(50);
        c.mutable_set_target()->set_reason("annual plan");
        if (auto s = Exec("perf", c); !s) return s;
      }
      v1::Command open;
      open.mutable_open_cycle()->set_workflow_id(t.workflow_id);
      open.mutable_open_cycle()->set_period(period_id);
      return Exec("perf", open);
    });

    bool finding_planned = !first_cycle;
    for (const TimedStage& s : t.stages) {
      const LocalDay open_day = engine::LondonDayOf(s.opens_at);
      const LocalDay due_day = engine::LondonDayOf(s.due_at);
      TimePoint on_time = At(NextWorkingDay(std::max(open_day, period_end)), 10);
      if (on_time >= s.due_at) on_time = s.opens_at + (s.due_at - s.opens_at) / 2;
      const TimePoint late = At(due_day + date::days(2), 10);
      switch (s.completion) {
        case engine::StageCompletion::kAllFiguresSubmitted:
          for (int i = 1; i <= kIndicators; ++i) {
            if (i == 27) continue;  // never submitted
            const bool is_late = i == 25 || i == 26;
            Plan(is_late ? late : on_time, fmt::format("submit {}", Ind(i)), [=, this] {
              v1::Command c = [&] {
                v1::Command x;
                auto* sub = x.mutable_submit_figure();
                sub->set_indicator_id(Ind(i));
                sub->set_period(figure_period);
                sub->mutable_value()->set_value(i == 24 ? 30.0 : 55.0);
                if (i == 24) sub->set_commentary("staff shortages continue");
                return x;
              }();
              return Exec(fmt::format("entry-{}", ServiceOf(i)), c);
            });
          }
          break;
        case engine::StageCompletion::kAllFiguresSignedOff:
          for (int i = 1; i <= kIndicators; ++i) {
            if (i == 27) continue;
            if (s.level == v1::SIGN_OFF_LEVEL_PARTNERSHIP && i > 3) continue;
            const bool is_late = i == 25 || i == 26;
            TimePoint at = std::max(on_time, s.opens_at) + std::chrono::minutes(s.level);
            if (is_late) at = late + std::chrono::hours(1 + s.level);
            Plan(at, fmt::format("sign off {} at level {}", Ind(i), static_cast<int>(s.level)),
                 [=, this] { return SignOffNow(Ind(i), figure_period, s.level, i); });
            if (i == 28 && s.level == v1::SIGN_OFF_LEVEL_SERVICE) {
              Plan(at + std::chrono::minutes(30), "amend I-28 after sign-off", [=, this] {
                v1::Command c;
                auto* a = c.mutable_amend_figure();
                a->set_indicator_id(Ind(i));
                a->set_period(figure_period);
                a->mutable_value()->set_value(56.0);
                a->set_reason("late returns from one site");
                return Exec(fmt::format("entry-{}", ServiceOf(i)), c);
              });
              Plan(at + std::chrono::minutes(45), "re-sign I-28",
                   [=, this] { return SignOffNow(Ind(i), figure_period, s.level, i); });
            }
          }
          break;
        case engine::StageCompletion::kMeetingRecorded:
          Plan(At(due_day - date::days(1), 14), "record meeting " + s.id, [=, this] {
            v1::Command c;
            auto* m = c.mutable_record_review_meeting();
            m->set_workflow_id(t.workflow_id);
            m->set_period(t.period);
            m->set_stage_id(s.id);
            *m->mutable_held_on() = engine::ToLocalDate(due_day - date::days(1));
            m->set_minutes_ref(fmt::format("{} minutes, {}", s.title, t.period));
            return Exec("perf", c);
          });
          break;
        case engine::StageCompletion::kClosedByRole:
          Plan(At(due_day - date::days(1), 15), "close " + s.id, [=, this] {
            v1::Command c;
            c.mutable_close_stage()->set_workflow_id(t.workflow_id);
            c.mutable_close_stage()->set_period(t.period);
            c.mutable_close_stage()->set_stage_id(s.id);
            return Exec(role_holder_.at(s.closing_role), c);
          });
          break;
        case engine::StageCompletion::kPriorityRatingsRecorded:
          Plan(on_time, "rate P-health", [=, this] {
            v1::Command c;
            auto* p = c.mutable_record_priority_progress();
            p->set_priority_id("P-health");
            p->set_period(t.period);
            p->set_summary("Partners agree progress is steady");
            p->set_overall_rating(v1::RAG_AMBER);
            return Exec("board-member", c);
          });
          break;
        case engine::StageCompletion::kFindingsAnswered:
          if (!finding_planned) {
            finding_planned = true;
            PlanFinding(s.opens_at + std::chrono::hours(10), s.challenge_stage, figure_period,
                        due_day);
          }
          break;
      }
    }
    if (!finding_planned && !t.stages.empty()) {
      const TimedStage& s = t.stages.back();
      PlanFinding(s.opens_at + std::chrono::hours(10), v1::CHALLENGE_STAGE_CORPORATE_REVIEW,
                  figure_period, engine::LondonDayOf(s.due_at));
    }
    return OkStatus();
  }

  void PlanFinding(TimePoint at, v1::ChallengeStage stage, std::string figure_period,
                   LocalDay due) {
    Plan(at, "raise a finding on I-29", [=, this] {
      v1::Command c;
      auto* r = c.mutable_raise_challenge_finding();
      r->set_stage(stage);
      r->mutable_subject()->mutable_figure()->set_indicator_id(Ind(29));
      r->mutable_subject()->mutable_figure()->set_period(figure_period);
      r->set_severity(v1::SEVERITY_MEDIUM);
      r->set_finding("Data source for I-29 not evidenced");
      r->set_action_required("Attach the source extract");
      r->set_owner_person_id(fmt::format("entry-{}", ServiceOf(29)));
      *r->mutable_due() = engine::ToLocalDate(std::max(due, engine::LondonDayOf(clock_->Now())));
      const auto roles =
          engine::RolesFor({.action = engine::Action::kRaiseFinding, .stage = stage});
      std::string actor = "perf";
      for (auto role : roles) {
        if (role_holder_.count(role)) {
          actor = role_holder_.at(role);
          break;
        }
      }
      if (actor == "manager-1") actor = fmt::format("manager-{}", ServiceOf(29));
      return Exec(actor, c);
    });
  }

  Status SignOffNow(const std::string& indicator, const std::string& period, v1::SignOffLevel level,
                    int i) {
    auto figure = handler_->LoadFigure(indicator, period);
    if (!figure) return Unexpected(figure.error());
    if (!figure->submitted() || figure->HasSignOff(level)) return OkStatus();
    for (v1::SignOffLevel lower : options_.sign_off_levels) {
      if (lower == level) break;
      if (lower == v1::SIGN_OFF_LEVEL_PARTNERSHIP) continue;
      if (!figure->HasSignOff(lower)) return OkStatus();  // not ready: left outstanding
    }
    std::string actor;
    switch (level) {
      case v1::SIGN_OFF_LEVEL_SERVICE:
        actor = fmt::format("manager-{}", ServiceOf(i));
        break;
      case v1::SIGN_OFF_LEVEL_DIRECTORATE:
        actor = fmt::format("director-{}", DirectorateOf(ServiceOf(i)));
        break;
      case v1::SIGN_OFF_LEVEL_CORPORATE_VERIFICATION:
        actor = "perf";
        break;
      default:
        actor = "board-member";
        break;
    }
    v1::Command c;
    auto* s = c.mutable_sign_off_figure();
    s->set_indicator_id(indicator);
    s->set_period(period);
    s->set_level(level);
    s->set_figure_version(figure->figure_version);
    return Exec(actor, c);
  }

  std::string Transcript() const {
    std::string out;
    store::ReadPage page;
    uint64_t from = 1;
    while (store_->ReadAllInto(from, store::Direction::kForward, 1000, &page) &&
           !page.events.empty()) {
      for (const auto& env : page.events) {
        auto e = engine::DecodeEvent(env);
        if (!e) continue;
        const std::string when = LocalStamp(engine::RecordedAt(env));
        std::string_view stream = env.stream();
        const std::string item(stream.substr(stream.find('/') + 1));
        auto people = [](const auto& ids) {
          std::string s;
          for (const auto& id : ids) s += (s.empty() ? "" : ", ") + id;
          return s.empty() ? std::string("nobody") : s;
        };
        switch (e->body_case()) {
          case v1::Event::kCycleOpened:
            out += fmt::format("{}  {}  cycle opened\n", when, e->cycle_opened().period());
            break;
          case v1::Event::kStageOpened:
            out +=
                fmt::format("{}  {}  {} opened, due {}\n", when, item, e->stage_opened().stage_id(),
                            LocalStamp(FromTimestamp(e->stage_opened().due_at())));
            break;
          case v1::Event::kStageFellDue:
            out += fmt::format("{}  {}  {} fell due, {} outstanding\n", when, item,
                               e->stage_fell_due().stage_id(),
                               e->stage_fell_due().outstanding_items());
            break;
          case v1::Event::kStageClosedIncomplete:
            out += fmt::format("{}  {}  {} closed incomplete, {} outstanding\n", when, item,
                               e->stage_closed_incomplete().stage_id(),
                               e->stage_closed_incomplete().outstanding_items());
            break;
          case v1::Event::kStageCompleted: {
            const auto& c = e->stage_completed();
            out += fmt::format(
                "{}  {}  {} completed {}\n", when, item, c.stage_id(),
                c.on_time() ? std::string("on time") : Duration(c.late_by_seconds()) + " late");
            break;
          }
          case v1::Event::kReminderIssued: {
            const auto& r = e->reminder_issued();
            out += fmt::format("{}  {}  REMINDER {} for {}: {} -> {}{}\n", when, item,
                               r.reminder_id(), r.deadline().stage_id(), r.outstanding(),
                               people(r.recipient_person_ids()),
                               r.late_by_seconds() > 0
                                   ? fmt::format(" (late by {})", Duration(r.late_by_seconds()))
                                   : "");
            break;
          }
          case v1::Event::kEscalationRaised: {
            const auto& x = e->escalation_raised();
            out += fmt::format("{}  {}  ESCALATION rung {} for {}: {} -> {}\n", when, item,
                               x.rung(), x.deadline().stage_id(), x.outstanding(),
                               people(x.recipient_person_ids()));
            break;
          }
          case v1::Event::kChallengeFindingRaised:
            if (env.actor() == "system/scheduler") {
              out += fmt::format("{}  PERFORMANCE CLINIC  {}\n", when,
                                 e->challenge_finding_raised().finding());
            }
            break;
          default:
            break;
        }
      }
      if (page.next == 0) break;
      from = page.next;
    }
    return out;
  }

  const YearSimulationOptions& options_;
  std::unique_ptr<SimulatedClock> clock_;
  std::unique_ptr<store::EventStore> store_;
  std::unique_ptr<engine::CommandHandler> handler_;
  std::unique_ptr<engine::Scheduler> scheduler_;
  std::map<int, std::string> role_holder_;
  adapters::SimulatedTimeline timeline_;
  int commands_ = 0;
};

}  // namespace

Result<std::string> RunYearSimulation(const YearSimulationOptions& options) {
  Simulation simulation(options);
  return simulation.Run();
}

}  // namespace goldthread::testing
