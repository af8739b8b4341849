#include "adapters/demo/demo_council.h"

#include <date/date.h>
#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <random>

#include "adapters/demo/council_seed.h"
#include "adapters/demo/simulated_timeline.h"
#include "adapters/web/password.h"
#include "adapters/web/token.h"
#include "engine/command/command_handler.h"
#include "engine/council_engine.h"
#include "engine/model/period.h"
#include "engine/model/rag.h"
#include "engine/scheduler/scheduler.h"
#include "engine/timetable/workflow_timetables.h"
#include "store/base/atomic_file.h"
#include "store/event_store.h"

namespace goldthread::adapters {
namespace {

namespace fs = std::filesystem;
namespace v1 = goldthread::v1;
using engine::LocalDay;
using engine::TimedStage;

// ---------------------------------------------------------------------------------------------
// Time helpers (Europe/London).

// `minutes` after midnight London time on `day`.
TimePoint At(LocalDay day, int minutes) {
  return engine::EndOfLondonDay(day - date::days(1)) + std::chrono::microseconds(1) +
         std::chrono::minutes(minutes);
}
constexpr int H(int hour, int minute = 0) { return hour * 60 + minute; }

// A portable uniform draw in [0, 1) (std:: distributions differ between libraries).
double Uniform(std::mt19937_64& rng) { return static_cast<double>(rng() >> 11) * 0x1.0p-53; }
int Pick(std::mt19937_64& rng, int n) { return static_cast<int>(Uniform(rng) * n); }

// What one figure does in one cycle, decided when the cycle is planned.
struct FigurePlan {
  int indicator = 0;
  double value = 0;
  double target = 0;
  v1::Rag rag = v1::RAG_GREEN;
  std::string commentary;
  bool late = false;
};

class DemoBuilder {
 public:
  DemoBuilder(const DemoOptions& options, const CouncilSeed& seed,
              std::shared_ptr<const engine::WorkflowSet> workflows,
              const engine::Workflow& workflow)
      : options_(options),
        seed_(seed),
        council_(seed.council),
        workflows_(std::move(workflows)),
        workflow_(workflow),
        timetables_(engine::TimetablesFrom(workflows_)),
        rng_(options.seed) {}

  Result<DemoReport> Build(const std::string& dir) {
    const engine::Period newest =
        engine::Period::Containing(v1::FREQUENCY_QUARTERLY, date::year_month_day(options_.today))
            .Previous();
    std::vector<engine::Period> periods = {newest};
    for (int i = 0; i < options_.years * 4; ++i) periods.push_back(periods.back().Previous());
    std::reverse(periods.begin(), periods.end());
    first_fiscal_year_ = periods.front().fiscal_year();
    end_ = options_.now.value_or(At(options_.today, H(12)));
    const LocalDay first_day = LocalDay(periods.front().start());
    clock_ = std::make_unique<SimulatedClock>(At(first_day, H(8, 30)));

    store::StoreOptions so;
    so.durability = store::Durability::kBuffered;  // synced to disk once, before the rename
    so.clock = clock_.get();
    auto opened = store::EventStore::Open(dir, so);
    if (!opened) return Unexpected(opened.error());
    store_ = std::move(*opened);
    // The council's engine under its workflow's rules, as `serve` opens it.
    auto engine = engine::CouncilEngine::Open(
        store_.get(), clock_.get(),
        {.tenant = options_.tenant, .workflows = workflows_, .main_workflow = workflow_.id()});
    if (!engine) return Unexpected(engine.error());
    engine_ = std::move(*engine);
    handler_ = &engine_->commands();
    scheduler_ = &engine_->scheduler();

    if (auto s = SetUpCouncil(); !s) return Unexpected(s.error());
    InitialiseStates();
    for (size_t i = 0; i < periods.size(); ++i) {
      const Kind kind = i + 1 == periods.size()   ? Kind::kCurrent
                        : i + 2 == periods.size() ? Kind::kPrevious
                                                  : Kind::kHistory;
      if (auto s = PlanCycle(periods[i], kind); !s) return Unexpected(s.error());
    }
    if (auto s = timeline_.Run(
            *scheduler_, *clock_, end_,
            [](TimePoint t) { return "on " + engine::FormatLocalDay(engine::LondonDayOf(t)); });
        !s) {
      return MakeError(s.error().code, "demo: " + s.error().message);
    }

    DemoReport report;
    report.council_name = council_.name();
    for (const auto& p : periods) report.periods.push_back(p.id());
    report.current_period = newest.id();
    for (const v1::DemoIndicator& ind : council_.indicators()) {
      auto f = handler_->LoadFigure(ind.id(), newest.id());
      if (!f) return Unexpected(f.error());
      report.figures_not_submitted += !f->submitted();
    }
    auto users = IssueTokens();
    if (!users) return Unexpected(users.error());
    report.users = std::move(*users);
    report.events = store_->Head().position;
    // Close everything before the caller syncs and renames the folder.
    scheduler_ = nullptr;
    handler_ = nullptr;
    engine_.reset();
    store_.reset();
    return report;
  }

 private:
  enum class Kind { kHistory, kPrevious, kCurrent };

  Status Exec(const std::string& actor, const v1::Command& c, v1::CommandResult* result = nullptr) {
    auto r =
        handler_->Execute({.actor = actor, .command_id = fmt::format("demo-{}", ++commands_)}, c);
    if (!r) return Unexpected(r.error());
    if (result != nullptr) *result = *r;
    return OkStatus();
  }

  LocalDay AddWorkingDays(LocalDay day, int n) const {
    return workflows_->calendar.AddWorkingDays(day, n);
  }
  LocalDay PreviousWorkingDay(LocalDay day) const {
    do {
      day -= date::days(1);
    } while (!workflows_->calendar.IsWorkingDay(day));
    return day;
  }
  // A working day at one of a few office hours. Few distinct instants keep the simulation
  // fast: the scheduler re-derives its timers at each instant the clock stops at.
  TimePoint OfficeHours(LocalDay day) {
    static constexpr int kSlots[] = {H(9, 30), H(11), H(12, 30), H(14), H(15, 30)};
    return At(day, kSlots[Pick(rng_, std::size(kSlots))]);
  }

  void Plan(TimePoint at, std::string what, std::function<Status()> run) {
    timeline_.Plan(at, std::move(what), std::move(run));
  }

  Status SetUpCouncil() {
    if (auto r = handler_->Bootstrap(council_.id(), council_.name(), AdminId(),
                                     council_.administrator().name(), "demo-boot",
                                     fmt::format("{}@{}", AdminId(), council_.email_domain()));
        !r) {
      return Unexpected(r.error());
    }
    auto unit = [&](const std::string& id, v1::OrgUnitKind kind, const std::string& name,
                    const std::string& parent) {
      v1::Command c;
      auto* u = c.mutable_create_org_unit();
      u->set_unit_id(id);
      u->set_kind(kind);
      u->set_name(name);
      u->set_parent_unit_id(parent);
      return Exec(AdminId(), c);
    };
    auto person = [&](const std::string& id, const std::string& name, const std::string& title,
                      v1::Role role, const std::string& scope) -> Status {
      v1::Command c;
      auto* p = c.mutable_register_person();
      p->set_person_id(id);
      p->set_name(name);
      p->set_job_title(title);
      p->set_email(fmt::format("{}@{}", id, council_.email_domain()));
      p->set_home_unit_id(scope);
      if (auto s = Exec(AdminId(), c); !s) return s;
      v1::Command g;
      g.mutable_grant_role()->set_person_id(id);
      g.mutable_grant_role()->set_role(role);
      g.mutable_grant_role()->set_scope_unit_id(scope);
      return Exec(AdminId(), g);
    };
    auto accountable = [&](const std::string& unit_id, const std::string& person_id) {
      v1::Command c;
      c.mutable_change_accountable_person()->set_unit_id(unit_id);
      c.mutable_change_accountable_person()->set_person_id(person_id);
      return Exec(AdminId(), c);
    };
    for (const v1::DemoDirectorate& d : council_.directorates()) {
      if (auto s = unit(d.id(), v1::ORG_UNIT_KIND_DIRECTORATE, d.name(), council_.id()); !s) {
        return s;
      }
      if (auto s = person(d.director().id(), d.director().name(),
                          fmt::format("Director of {}", d.name()), v1::ROLE_DIRECTOR, d.id());
          !s) {
        return s;
      }
      if (auto s = accountable(d.id(), d.director().id()); !s) return s;
    }
    for (int i = 0; i < council_.services_size(); ++i) {
      const v1::DemoService& sv = council_.services(i);
      if (auto s = unit(sv.id(), v1::ORG_UNIT_KIND_SERVICE, sv.name(), sv.directorate_id()); !s) {
        return s;
      }
      if (auto s = person(EntryOf(i), sv.data_entry_officer(),
                          fmt::format("{} performance officer", sv.name()), v1::ROLE_DATA_ENTRY,
                          sv.id());
          !s) {
        return s;
      }
      if (auto s = person(ManagerOf(i), sv.head_of_service(), fmt::format("Head of {}", sv.name()),
                          v1::ROLE_SERVICE_MANAGER, sv.id());
          !s) {
        return s;
      }
      if (auto s = accountable(sv.id(), ManagerOf(i)); !s) return s;
    }
    const v1::DemoPartnershipBoard& board = council_.partnership_board();
    if (auto s = unit(board.id(), v1::ORG_UNIT_KIND_PARTNERSHIP_BOARD, board.name(), council_.id());
        !s) {
      return s;
    }
    for (const v1::DemoPerson& p : council_.corporate_people()) {
      if (auto s = person(p.id(), p.name(), p.job_title(), p.role(), p.scope_unit_id()); !s) {
        return s;
      }
    }
    if (auto s = accountable(council_.id(), council_.chief_executive_id()); !s) return s;
    if (auto s = accountable(board.id(), board.chair_id()); !s) return s;

    for (const v1::DemoPriority& p : council_.priorities()) {
      v1::Command c;
      c.mutable_define_priority()->set_priority_id(p.id());
      c.mutable_define_priority()->set_title(p.title());
      c.mutable_define_priority()->set_owner_unit_id(p.owner_unit_id());
      if (auto s = Exec(Perf(), c); !s) return s;
    }
    for (int i = 0; i < council_.indicators_size(); ++i) {
      const v1::DemoIndicator& spec = council_.indicators(i);
      const v1::DemoService& service = council_.services(ServiceOf(i));
      v1::Command c;
      auto* d = c.mutable_define_indicator();
      d->set_indicator_id(spec.id());
      auto* def = d->mutable_definition();
      def->set_title(spec.title());
      def->set_definition(fmt::format("{}, for the quarter.", spec.title()));
      def->set_method_of_calculation(IsPercentage(spec)
                                         ? "Numerator over denominator, times 100"
                                         : "Total for the quarter from the service's system");
      def->set_unit(spec.unit());
      def->set_decimal_places(spec.decimal_places());
      if (IsPercentage(spec)) {
        def->set_valid_min(0);
        def->set_valid_max(100);
      } else {
        def->set_valid_min(0);
      }
      def->set_polarity(spec.polarity());
      def->set_frequency(v1::FREQUENCY_QUARTERLY);
      def->set_owning_unit_id(service.id());
      def->set_data_source(fmt::format("{} case management system", service.name()));
      def->set_perspective(spec.perspective());
      def->set_priority_id(spec.priority_id());
      *def->mutable_amber_tolerance() = AmberTolerance(spec);
      if (spec.partnership()) def->set_partnership_unit_id(council_.partnership_board().id());
      def->set_responsible_person_id(EntryOf(ServiceOf(i)));
      if (auto s = Exec(Perf(), c); !s) return s;
    }
    return OkStatus();
  }

  // Each indicator drifts between green, amber and red from quarter to quarter: a Markov chain
  // whose long-run shares are about 60% green, 25% amber and 15% red.
  void InitialiseStates() {
    for (int i = 0; i < council_.indicators_size(); ++i) state_[i] = DrawState(-1);
  }
  v1::Rag DrawState(int from) {
    static constexpr double kStart[3] = {0.60, 0.25, 0.15};
    static constexpr double kNext[3][3] = {
        {0.82, 0.13, 0.05},  // from green
        {0.38, 0.42, 0.20},  // from amber
        {0.18, 0.30, 0.52},  // from red
    };
    const double* p = from < 0 ? kStart : kNext[from];
    double u = Uniform(rng_);
    for (int k = 0; k < 3; ++k) {
      if (u < p[k] || k == 2) return static_cast<v1::Rag>(v1::RAG_GREEN + k);
      u -= p[k];
    }
    return v1::RAG_GREEN;
  }

  double TargetFor(const v1::DemoIndicator& spec, int years_in) const {
    // A small stretch each year in the better direction, within a percentage's range.
    const double step = 0.01 * years_in * (LowerIsBetter(spec) ? -1 : 1);
    double t = spec.first_year_target() * (1 + step);
    if (IsPercentage(spec)) t = std::min(t, 100.0);
    const double scale = std::pow(10.0, spec.decimal_places());
    return std::round(t * scale) / scale;
  }

  FigurePlan PlanFigure(int i, int years_in) {
    const v1::DemoIndicator& spec = council_.indicators(i);
    FigurePlan f{.indicator = i, .target = TargetFor(spec, years_in)};
    const int from = state_[i] - v1::RAG_GREEN;
    state_[i] = DrawState(from);
    const v1::Tolerance tolerance = AmberTolerance(spec);
    const double band = tolerance.has_absolute() ? tolerance.absolute()
                                                 : std::abs(f.target) * (tolerance.percent() / 100);
    double miss = 0;  // how far short of target, in the indicator's units
    switch (state_[i]) {
      case v1::RAG_AMBER:
        miss = band * (0.2 + 0.7 * Uniform(rng_));
        break;
      case v1::RAG_RED:
        miss = band * (1.5 + 2.5 * Uniform(rng_));
        break;
      default:
        miss = -band * 1.2 * Uniform(rng_);
        break;
    }
    double v = LowerIsBetter(spec) ? f.target + miss : f.target - miss;
    v = std::max(v, 0.0);
    if (IsPercentage(spec)) v = std::min(v, 100.0);
    const double scale = std::pow(10.0, spec.decimal_places());
    f.value = std::round(v * scale) / scale;
    f.rag = engine::RateAgainstTarget(spec.polarity(), tolerance, f.value, f.target);
    if (f.rag == v1::RAG_AMBER) {
      f.commentary = OneOf(council_.commentary().amber_reasons());
    } else if (f.rag == v1::RAG_RED) {
      // Drawn one after the other, the action first (not as two arguments, whose order C++
      // leaves open), so the history is the same whichever compiler built it; GCC drew them in
      // this order when they were arguments, so histories made before stay the same.
      const std::string& action = OneOf(council_.commentary().red_actions());
      const std::string& reason = OneOf(council_.commentary().red_reasons());
      f.commentary = fmt::format("{}. {}", reason, action);
    } else if (Uniform(rng_) < 0.3) {
      f.commentary = "On track.";
    }
    f.late = Uniform(rng_) < council_.services(ServiceOf(i)).late_chance();
    return f;
  }

  Status PlanCycle(const engine::Period& period, Kind kind) {
    auto timetable = timetables_(workflow_.id(), period.id());
    if (!timetable) return Unexpected(timetable.error());
    const engine::CycleTimetable t = *timetable;
    const std::string pid = period.id();
    const LocalDay period_start = LocalDay(period.start());
    const LocalDay period_end = LocalDay(period.end());
    const int years_in = period.fiscal_year() - first_fiscal_year_;

    std::vector<FigurePlan> figures;
    for (int i = 0; i < council_.indicators_size(); ++i) figures.push_back(PlanFigure(i, years_in));
    // At least two late returns a quarter, so reminders and escalations always have work.
    for (int late = 0; late < 2;) {
      late = static_cast<int>(std::count_if(figures.begin(), figures.end(),
                                            [](const FigurePlan& f) { return f.late; }));
      if (late < 2) figures[Pick(rng_, council_.indicators_size())].late = true;
    }
    // Which figures are never submitted (the current cycle's late returners) or never signed
    // off (the first late one of the quarter before).
    auto never_submitted = [&](const FigurePlan& f) { return kind == Kind::kCurrent && f.late; };
    int left_unsigned = -1;
    if (kind == Kind::kPrevious) {
      for (const FigurePlan& f : figures) {
        if (f.late) {
          left_unsigned = f.indicator;
          break;
        }
      }
    }

    Plan(At(period_start, H(8, 30)), "set targets for " + pid, [=, this]() -> Status {
      for (const FigurePlan& f : figures) {
        v1::Command c;
        c.mutable_set_target()->set_indicator_id(Ind(f.indicator).id());
        c.mutable_set_target()->set_period(pid);
        c.mutable_set_target()->set_target(f.target);
        c.mutable_set_target()->set_reason(fmt::format(
            "Service plan {}/{:02d}", period.fiscal_year(), (period.fiscal_year() + 1) % 100));
        if (auto s = Exec(Perf(), c); !s) return s;
      }
      return OkStatus();
    });
    Plan(At(period_end, H(8)), "open the " + pid + " cycle", [=, this] {
      v1::Command open;
      open.mutable_open_cycle()->set_workflow_id(t.workflow_id);
      open.mutable_open_cycle()->set_period(pid);
      return Exec(Perf(), open);
    });

    std::map<int, LocalDay> submitted_on;  // by indicator
    std::vector<int> reds;                 // submitted red figures, for challenge findings
    for (const TimedStage& s : t.stages) {
      const LocalDay open_day = std::max(engine::LondonDayOf(s.opens_at), period_end);
      const LocalDay due_day = engine::LondonDayOf(s.due_at);
      switch (s.completion) {
        case engine::StageCompletion::kAllFiguresSubmitted:
          for (const FigurePlan& f : figures) {
            if (never_submitted(f)) continue;
            const LocalDay day = f.late ? AddWorkingDays(due_day, 1 + Pick(rng_, 4))
                                        : AddWorkingDays(open_day, 1 + Pick(rng_, 10));
            submitted_on[f.indicator] = day;
            if (f.rag == v1::RAG_RED) reds.push_back(f.indicator);
            PlanSubmit(OfficeHours(day), f, pid);
          }
          break;
        case engine::StageCompletion::kAllFiguresSignedOff:
          for (const FigurePlan& f : figures) {
            auto sub = submitted_on.find(f.indicator);
            if (sub == submitted_on.end()) continue;
            if (s.level == v1::SIGN_OFF_LEVEL_SERVICE) {
              if (f.indicator == left_unsigned) continue;
              PlanServiceSignOff(f, pid, sub->second, due_day);
            } else {
              const int span = std::max(1, WorkingDaysBetween(open_day, due_day) - 1);
              const LocalDay day = Uniform(rng_) < 0.03 ? AddWorkingDays(due_day, 1 + Pick(rng_, 2))
                                                        : AddWorkingDays(open_day - date::days(1),
                                                                         1 + Pick(rng_, span));
              const int i = f.indicator;
              const v1::SignOffLevel level = s.level;
              Plan(OfficeHours(day), fmt::format("sign off {} {}", Ind(i).id(), pid),
                   [=, this] { return SignOff(i, pid, level); });
            }
          }
          break;
        case engine::StageCompletion::kMeetingRecorded: {
          TimePoint at = At(PreviousWorkingDay(due_day), H(14));
          if (at <= s.opens_at) at = s.opens_at + std::chrono::hours(14);
          const std::string actor =
              s.challenge_stage == v1::CHALLENGE_STAGE_SCRUTINY ? Scrutiny() : Perf();
          Plan(at, fmt::format("record the {} meeting for {}", s.id, pid), [=, this] {
            v1::Command c;
            auto* m = c.mutable_record_review_meeting();
            m->set_workflow_id(t.workflow_id);
            m->set_period(pid);
            m->set_stage_id(s.id);
            *m->mutable_held_on() = engine::ToLocalDate(engine::LondonDayOf(clock_->Now()));
            m->set_minutes_ref(fmt::format("{}, {}: minutes", s.title, pid));
            return Exec(actor, c);
          });
          if (s.challenge_stage == v1::CHALLENGE_STAGE_SCRUTINY && !reds.empty()) {
            PlanFinding(at + std::chrono::hours(1), v1::CHALLENGE_STAGE_SCRUTINY, reds.front(), pid,
                        AddWorkingDays(due_day, 20), Scrutiny(), /*answered=*/true,
                        fmt::format("{}-scrutiny", pid));
          }
          break;
        }
        case engine::StageCompletion::kClosedByRole: {
          const std::string actor =
              s.closing_role == v1::ROLE_SERVICE_MANAGER ? ManagerOf(0) : Perf();
          Plan(At(PreviousWorkingDay(due_day), H(15)), fmt::format("close {} for {}", s.id, pid),
               [=, this] {
                 v1::Command c;
                 c.mutable_close_stage()->set_workflow_id(t.workflow_id);
                 c.mutable_close_stage()->set_period(pid);
                 c.mutable_close_stage()->set_stage_id(s.id);
                 c.mutable_close_stage()->set_comment("Done");
                 return Exec(actor, c);
               });
          break;
        }
        case engine::StageCompletion::kFindingsAnswered: {
          const bool corporate = s.challenge_stage != v1::CHALLENGE_STAGE_SERVICE_REVIEW;
          const TimePoint raise_at = At(AddWorkingDays(open_day, 2), H(15));
          const size_t count = corporate ? 1 : 2;
          for (size_t k = 0; k < count && k < reds.size(); ++k) {
            const int i = reds[(k + (corporate ? 2 : 0)) % reds.size()];
            const std::string raiser = corporate ? Perf() : DirectorOf(ServiceOf(i));
            // The corporate finding of the quarter before the current one is never answered.
            const bool answered = !(corporate && kind == Kind::kPrevious);
            PlanFinding(raise_at + std::chrono::minutes(k), s.challenge_stage, i, pid, due_day,
                        raiser, answered, fmt::format("{}-{}-{}", pid, s.id, k));
          }
          break;
        }
        case engine::StageCompletion::kPriorityRatingsRecorded:
          break;  // not in a quarterly Chesterfield cycle
      }
    }

    // After the corporate review the quarter's verified figures go to Cabinet and are published.
    TimePoint lock_at = At(AddWorkingDays(period_end, 45), H(10));
    for (const TimedStage& s : t.stages) {
      if (s.completion == engine::StageCompletion::kMeetingRecorded &&
          s.challenge_stage == v1::CHALLENGE_STAGE_CORPORATE_REVIEW) {
        lock_at = At(AddWorkingDays(engine::LondonDayOf(s.due_at), 1), H(10));
      }
    }
    Plan(lock_at, "lock and publish " + pid, [=, this] { return LockAndPublish(pid); });
    return OkStatus();
  }

  int WorkingDaysBetween(LocalDay from, LocalDay to) const {
    int n = 0;
    for (LocalDay d = from; d <= to; d += date::days(1)) n += workflows_->calendar.IsWorkingDay(d);
    return n;
  }

  void PlanSubmit(TimePoint at, const FigurePlan& f, const std::string& pid) {
    Plan(at, fmt::format("submit {} {}", Ind(f.indicator).id(), pid), [=, this] {
      v1::Command c;
      auto* sub = c.mutable_submit_figure();
      sub->set_indicator_id(Ind(f.indicator).id());
      sub->set_period(pid);
      sub->mutable_value()->set_value(f.value);
      sub->set_commentary(f.commentary);
      return Exec(EntryOf(ServiceOf(f.indicator)), c);
    });
  }

  // The head of service signs the figure off; a few are sent back first and resubmitted, a few
  // are amended after sign-off and signed again, a few are signed late.
  void PlanServiceSignOff(const FigurePlan& f, const std::string& pid, LocalDay submitted,
                          LocalDay due) {
    const int i = f.indicator;
    const std::string id = Ind(i).id();
    const int service = ServiceOf(i);
    const double roll = Uniform(rng_);
    LocalDay sign_day = AddWorkingDays(submitted, 1 + Pick(rng_, 3));
    if (!f.late && roll < 0.04) {
      const LocalDay reject_day = AddWorkingDays(submitted, 1);
      Plan(OfficeHours(reject_day), fmt::format("send back {} {}", id, pid), [=, this] {
        v1::Command c;
        auto* r = c.mutable_reject_figure();
        r->set_indicator_id(id);
        r->set_period(pid);
        r->set_level(v1::SIGN_OFF_LEVEL_SERVICE);
        r->set_reason(
            "The figure does not match the system report for the quarter; please check "
            "the extract dates");
        return Exec(ManagerOf(service), c);
      });
      Plan(OfficeHours(AddWorkingDays(reject_day, 1)), fmt::format("resubmit {} {}", id, pid),
           [=, this] { return Amend(f, pid, "Re-run the extract for the full quarter"); });
      sign_day = AddWorkingDays(reject_day, 2);
    } else if (f.late) {
      sign_day = AddWorkingDays(submitted, 1);
    } else if (roll < 0.07) {
      sign_day = AddWorkingDays(due, 1 + Pick(rng_, 3));  // signed off late
    }
    Plan(OfficeHours(sign_day), fmt::format("sign off {} {} for the service", id, pid),
         [=, this] { return SignOff(i, pid, v1::SIGN_OFF_LEVEL_SERVICE); });
    if (Uniform(rng_) < 0.05) {
      const LocalDay amend_day = AddWorkingDays(sign_day, 1);
      Plan(OfficeHours(amend_day), fmt::format("amend {} {}", id, pid),
           [=, this] { return Amend(f, pid, "Late returns from one site added after sign-off"); });
      Plan(OfficeHours(AddWorkingDays(amend_day, 1)), fmt::format("re-sign {} {}", id, pid),
           [=, this] { return SignOff(i, pid, v1::SIGN_OFF_LEVEL_SERVICE); });
    }
  }

  Status Amend(const FigurePlan& f, const std::string& pid, const std::string& reason) {
    const v1::DemoIndicator& spec = Ind(f.indicator);
    const int service = ServiceOf(f.indicator);
    auto figure = handler_->LoadFigure(spec.id(), pid);
    if (!figure) return Unexpected(figure.error());
    if (!figure->submitted() || figure->locked) return OkStatus();
    v1::Command c;
    auto* a = c.mutable_amend_figure();
    a->set_indicator_id(spec.id());
    a->set_period(pid);
    a->mutable_value()->set_value(f.value);  // the checked figure stands; the evidence changed
    a->set_commentary(f.commentary);
    a->set_evidence_note("Corrected extract attached to the service's return");
    a->set_reason(reason);
    return Exec(EntryOf(service), c);
  }

  // Signs the figure's current version off at `level` when it is ready for it; otherwise leaves
  // it outstanding (the scheduler chases it).
  Status SignOff(int i, const std::string& pid, v1::SignOffLevel level) {
    const v1::DemoIndicator& spec = Ind(i);
    const int service = ServiceOf(i);
    auto figure = handler_->LoadFigure(spec.id(), pid);
    if (!figure) return Unexpected(figure.error());
    if (!figure->submitted() || figure->rejected || figure->locked || figure->HasSignOff(level)) {
      return OkStatus();
    }
    for (v1::SignOffLevel lower : handler_->options().sign_off_levels) {
      if (lower == level) break;
      if (lower == v1::SIGN_OFF_LEVEL_PARTNERSHIP) continue;
      if (!figure->HasSignOff(lower)) return OkStatus();
    }
    std::string actor;
    switch (level) {
      case v1::SIGN_OFF_LEVEL_SERVICE:
        actor = ManagerOf(service);
        break;
      case v1::SIGN_OFF_LEVEL_DIRECTORATE:
        actor = DirectorOf(service);
        break;
      case v1::SIGN_OFF_LEVEL_PARTNERSHIP:
        if (!spec.partnership()) return OkStatus();
        actor = council_.partnership_board().chair_id();
        break;
      default:
        actor = Perf();
        break;
    }
    v1::Command c;
    auto* s = c.mutable_sign_off_figure();
    s->set_indicator_id(spec.id());
    s->set_period(pid);
    s->set_level(level);
    s->set_figure_version(figure->figure_version);
    return Exec(actor, c);
  }

  Status LockAndPublish(const std::string& pid) {
    for (const v1::DemoIndicator& spec : council_.indicators()) {
      auto figure = handler_->LoadFigure(spec.id(), pid);
      if (!figure) return Unexpected(figure.error());
      if (!figure->submitted() || figure->locked) continue;
      bool ready = true;
      for (v1::SignOffLevel level : handler_->options().sign_off_levels) {
        if (level == v1::SIGN_OFF_LEVEL_PARTNERSHIP && !spec.partnership()) continue;
        ready = ready && figure->HasSignOff(level);
      }
      if (!ready) continue;  // stays open, and on the outstanding list
      v1::Command lock;
      lock.mutable_lock_figure()->set_indicator_id(spec.id());
      lock.mutable_lock_figure()->set_period(pid);
      lock.mutable_lock_figure()->set_reported_to(
          fmt::format("Cabinet, {} performance report", pid));
      if (auto s = Exec(Perf(), lock); !s) return s;
      v1::Command publish;
      publish.mutable_publish_figure()->set_indicator_id(spec.id());
      publish.mutable_publish_figure()->set_period(pid);
      if (auto s = Exec(Perf(), publish); !s) return s;
    }
    return OkStatus();
  }

  // A challenge finding about figure `i`, owned by its head of service: raised, then (when
  // `answered`) responded to, accepted and closed before its due day.
  void PlanFinding(TimePoint at, v1::ChallengeStage stage, int i, const std::string& pid,
                   LocalDay due, const std::string& raiser, bool answered, const std::string& key) {
    const v1::DemoIndicator& spec = Ind(i);
    const int service = ServiceOf(i);
    const std::string owner =
        stage == v1::CHALLENGE_STAGE_SCRUTINY ? DirectorOf(service) : ManagerOf(service);
    Plan(at, fmt::format("raise a finding on {} {}", spec.id(), pid), [=, this]() -> Status {
      v1::Command c;
      auto* r = c.mutable_raise_challenge_finding();
      r->set_stage(stage);
      r->mutable_subject()->mutable_figure()->set_indicator_id(spec.id());
      r->mutable_subject()->mutable_figure()->set_period(pid);
      r->set_severity(stage == v1::CHALLENGE_STAGE_SCRUTINY ? v1::SEVERITY_HIGH
                                                            : v1::SEVERITY_MEDIUM);
      r->set_finding(
          fmt::format("{} is red for {} and the commentary does not say when it will "
                      "recover",
                      spec.title(), pid));
      r->set_action_required("Set out a recovery plan with milestones and the expected date");
      r->set_owner_person_id(owner);
      *r->mutable_due() = engine::ToLocalDate(due);
      v1::CommandResult result;
      if (auto s = Exec(raiser, c, &result); !s) return s;
      findings_[key] = result.created_id();
      return OkStatus();
    });
    if (!answered) return;
    const LocalDay raised = engine::LondonDayOf(at);
    const LocalDay respond = std::min(AddWorkingDays(raised, 2 + Pick(rng_, 3)), due);
    auto step = [=, this](const std::string& actor, auto fill) -> Status {
      auto it = findings_.find(key);
      if (it == findings_.end()) return OkStatus();
      v1::Command c;
      fill(c, it->second);
      return Exec(actor, c);
    };
    Plan(At(respond, H(11)), "answer finding " + key, [=] {
      return step(owner, [](v1::Command& c, const std::string& id) {
        c.mutable_respond_to_challenge_finding()->set_finding_id(id);
        c.mutable_respond_to_challenge_finding()->set_response(
            "Recovery plan agreed at the service management team: milestones monthly, back on "
            "target within two quarters");
      });
    });
    Plan(At(AddWorkingDays(respond, 1), H(12)), "accept finding " + key, [=] {
      return step(raiser, [](v1::Command& c, const std::string& id) {
        c.mutable_accept_challenge_finding()->set_finding_id(id);
        c.mutable_accept_challenge_finding()->set_comment("Plan accepted");
      });
    });
    Plan(At(AddWorkingDays(respond, 3), H(12)), "close finding " + key, [=] {
      return step(raiser, [](v1::Command& c, const std::string& id) {
        c.mutable_close_challenge_finding()->set_finding_id(id);
        c.mutable_close_challenge_finding()->set_evidence(
            "Recovery plan and first monthly milestone report seen");
      });
    });
  }

  Result<std::vector<DemoUser>> IssueTokens() {
    std::vector<DemoUser> out;
    for (const v1::DemoUser& u : council_.users()) {
      v1::Command c;
      c.mutable_issue_api_token()->set_person_id(u.person_id());
      c.mutable_issue_api_token()->set_label("goldthread demo");
      c.mutable_issue_api_token()->set_expires_in_days(options_.token_days);
      v1::CommandResult result;
      if (auto s = Exec(AdminId(), c, &result); !s) return Unexpected(s.error());
      auto account = SignInFor(u.person_id());
      if (!account) return Unexpected(account.error());
      out.push_back({.person_id = u.person_id(),
                     .name = seed_.person_names.at(u.person_id()),
                     .role = u.role(),
                     .scope = seed_.unit_names.at(u.scope_unit_id()),
                     .may = u.may(),
                     .token = result.secret(),
                     .email = account->first,
                     .password = account->second});
    }
    return out;
  }

  // Invites the person and sets a random password through the invitation, as the web's
  // set-password page does. Returns their e-mail address and the password.
  Result<std::pair<std::string, std::string>> SignInFor(const std::string& person_id) {
    v1::Command invite;
    invite.mutable_invite_person()->set_person_id(person_id);
    v1::CommandResult invited;
    if (auto s = Exec(AdminId(), invite, &invited); !s) return Unexpected(s.error());
    const std::string random = web::RandomToken();
    const std::string password =
        fmt::format("{}-{}-{}", random.substr(0, 4), random.substr(4, 4), random.substr(8, 4));
    auto hash = web::HashPassword(password);
    if (!hash) return MakeError(ErrorCode::kInternal, "a demo password could not be hashed");
    v1::Command set;
    set.mutable_set_password()->set_person_id(person_id);
    set.mutable_set_password()->set_invitation_token(invited.secret());
    set.mutable_set_password()->set_password_hash(*hash);
    if (auto s = Exec(person_id, set); !s) return Unexpected(s.error());
    std::string email;
    (void)handler_->ReadModel([&](const engine::CouncilModel& model) {
      if (const engine::Person* p = model.FindPerson(person_id)) email = p->email;
    });
    return std::make_pair(email, password);
  }

  // The council, as read from its file, and who does what in it.
  const v1::DemoIndicator& Ind(int i) const { return council_.indicators(i); }
  int ServiceOf(int indicator) const { return seed_.indicator_service[indicator]; }
  std::string EntryOf(int service) const { return seed_.DataEntryOfficerOf(service); }
  std::string ManagerOf(int service) const { return seed_.HeadOfServiceOf(service); }
  std::string DirectorOf(int service) const { return seed_.DirectorOf(service); }
  const std::string& AdminId() const { return council_.administrator().id(); }
  const std::string& Perf() const { return council_.performance_officer_id(); }
  const std::string& Scrutiny() const { return council_.scrutiny_member_id(); }
  static bool IsPercentage(const v1::DemoIndicator& spec) { return spec.unit() == "%"; }
  static bool LowerIsBetter(const v1::DemoIndicator& spec) {
    return spec.polarity() == v1::POLARITY_LOWER_IS_BETTER;
  }
  // The indicator's amber tolerance; unset in the file: within 5% of the target.
  static v1::Tolerance AmberTolerance(const v1::DemoIndicator& spec) {
    v1::Tolerance t = spec.amber_tolerance();
    if (t.kind_case() == v1::Tolerance::KIND_NOT_SET) t.set_percent(5);
    return t;
  }
  // One of `texts`, drawn from the seeded generator.
  const std::string& OneOf(const google::protobuf::RepeatedPtrField<std::string>& texts) {
    return texts.Get(Pick(rng_, texts.size()));
  }

  const DemoOptions& options_;
  const CouncilSeed& seed_;
  const v1::DemoCouncil& council_;
  std::shared_ptr<const engine::WorkflowSet> workflows_;
  const engine::Workflow& workflow_;
  engine::TimetableProvider timetables_;
  std::mt19937_64 rng_;
  int first_fiscal_year_ = 0;
  TimePoint end_;
  std::unique_ptr<SimulatedClock> clock_;
  std::unique_ptr<store::EventStore> store_;
  std::unique_ptr<engine::CouncilEngine> engine_;
  engine::CommandHandler* handler_ = nullptr;  // engine_'s
  engine::Scheduler* scheduler_ = nullptr;     // engine_'s
  SimulatedTimeline timeline_;
  std::map<int, v1::Rag> state_;
  // Finding ids, by the key the plan gave each finding, once raised.
  std::map<std::string, std::string> findings_;
  int commands_ = 0;
};

// Flushes every file under `dir`, and the folders themselves, to disk: the store was written
// with buffered durability, and it must all be durable before the folder is renamed into place.
Status SyncTree(const fs::path& dir) {
  std::error_code ec;
  std::vector<fs::path> paths = {dir};
  for (fs::recursive_directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    paths.push_back(it->path());
  }
  if (ec)
    return MakeError(ErrorCode::kInternal,
                     fmt::format("cannot list {}: {}", dir.string(), ec.message()));
  for (const fs::path& p : paths) {
    const int fd = ::open(p.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0 || ::fsync(fd) != 0) {
      const int err = errno;
      if (fd >= 0) ::close(fd);
      return MakeError(ErrorCode::kInternal,
                       fmt::format("cannot sync {} to disk: {}", p.string(), std::strerror(err)));
    }
    ::close(fd);
  }
  return OkStatus();
}

// Refuses a folder that holds anything: the demo never mixes with an existing store.
Status RequireNewFolder(const fs::path& target) {
  std::error_code ec;
  if (!fs::exists(target, ec)) return OkStatus();
  if (!fs::is_directory(target, ec)) {
    return MakeError(ErrorCode::kAlreadyExists,
                     fmt::format("{} exists and is not a folder; give a new folder for the demo",
                                 target.string()),
                     "data_dir");
  }
  if (!fs::is_empty(target, ec)) {
    return MakeError(
        ErrorCode::kAlreadyExists,
        fmt::format("{} already holds {}; the demo is only made in a new or empty folder",
                    target.string(), fs::exists(target / "CURRENT", ec) ? "a store" : "files"),
        "data_dir");
  }
  return OkStatus();
}

}  // namespace

Result<DemoReport> CreateDemoCouncil(const DemoOptions& options) {
  if (options.data_dir.empty()) return InvalidField("data_dir", "say where to create the demo");
  if (options.years < 1 || options.years > 10) {
    return InvalidField("years", "years of history must be from 1 to 10");
  }
  if (options.token_days < 1 || options.token_days > 366) {
    return InvalidField("token_days", "tokens last from 1 to 366 days");
  }
  if (options.tenant.empty()) return InvalidField("tenant", "the tenant id is required");
  const fs::path target = fs::absolute(options.data_dir).lexically_normal();
  const fs::path folder = target.has_filename() ? target : target.parent_path();
  if (auto s = RequireNewFolder(folder); !s) return Unexpected(s.error());

  // The council's file is read and checked before anything is created, so a broken one leaves
  // no trace.
  auto seed = LoadCouncilSeed(options.council_path.empty() ? DefaultDemoCouncilPath()
                                                           : options.council_path);
  if (!seed) return Unexpected(seed.error());
  auto workflows = engine::WorkflowSet::Load(
      options.workflows_dir.empty() ? engine::DefaultWorkflowsDir() : options.workflows_dir,
      !options.calendar_path.empty()  ? options.calendar_path
      : options.workflows_dir.empty() ? engine::DefaultBankHolidaysPath()
                                      : engine::BankHolidaysPathIn(options.workflows_dir));
  if (!workflows) return Unexpected(workflows.error());
  const engine::Workflow* workflow = (*workflows)->catalogue.Find(options.workflow_id);
  if (workflow == nullptr) {
    return MakeError(ErrorCode::kNotFound,
                     fmt::format("there is no workflow '{}'", options.workflow_id), "workflow_id");
  }

  std::error_code ec;
  fs::create_directories(folder.parent_path(), ec);
  if (ec) {
    return MakeError(
        ErrorCode::kInternal,
        fmt::format("cannot create {}: {}", folder.parent_path().string(), ec.message()));
  }
  const fs::path temp =
      folder.parent_path() / fmt::format(".{}.demo-{}", folder.filename().string(), ::getpid());
  fs::remove_all(temp, ec);  // a leftover of an earlier run of this same process id
  auto discard = [&](Error e) -> Result<DemoReport> {
    std::error_code ignored;
    fs::remove_all(temp, ignored);
    return Unexpected(std::move(e));
  };

  DemoBuilder builder(options, *seed, *workflows, *workflow);
  auto report = builder.Build(temp.string());
  if (!report) return discard(report.error());
  if (auto s = SyncTree(temp); !s) return discard(s.error());
  // rename(2) replaces only a missing or empty folder, so a store that appeared meanwhile is
  // never overwritten.
  if (auto s = RequireNewFolder(folder); !s) return discard(s.error());
  fs::rename(temp, folder, ec);
  if (ec) {
    return discard(
        Error{ErrorCode::kInternal,
              fmt::format("cannot move the demo into {}: {}", folder.string(), ec.message()),
              "data_dir", std::nullopt});
  }
  // The demo is complete and in place; should syncing the parent's entry fail, the rename
  // may not survive a power cut, which loses only the demo, not anything of the user's.
  IgnoreError(SyncFolder(folder.parent_path().string()));
  return report;
}

}  // namespace goldthread::adapters
