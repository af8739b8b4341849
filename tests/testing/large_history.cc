#include "tests/testing/large_history.h"

#include <date/date.h>
#include <fmt/format.h>
#include <google/protobuf/util/time_util.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <optional>
#include <random>
#include <vector>

#include "engine/command/command_handler.h"
#include "engine/model/event_codec.h"
#include "engine/model/period.h"
#include "store/event_store.h"

namespace goldthread::testing {
namespace {

namespace v1 = goldthread::v1;
namespace fs = std::filesystem;
using date::days;
using std::chrono::hours;

// Bump when the generated history changes, so that caches of the old one are not reused.
constexpr int kGeneratorVersion = 1;
constexpr char kWorkflow[] = "peterborough-monthly";
constexpr char kScheduler[] = "system/scheduler";

google::protobuf::Timestamp ToTimestamp(TimePoint t) {
  return google::protobuf::util::TimeUtil::MicrosecondsToTimestamp(t.time_since_epoch().count());
}

// Appends without waiting for each one, at most `window` in flight; At() waits for all of them
// before moving the clock, so every event of a step carries that step's time.
class BulkWriter {
 public:
  BulkWriter(store::EventStore* store, SimulatedClock* clock, int window)
      : store_(store), clock_(clock), window_(window) {}

  void Add(std::string stream, const std::string& actor, const std::vector<v1::Event>& events) {
    store::AppendRequest request;
    request.stream = std::move(stream);
    request.actor = actor;
    for (const auto& e : events) request.events.push_back(engine::EncodeEvent(e));
    {
      std::unique_lock lock(mu_);
      cv_.wait(lock, [&] { return in_flight_ < window_; });
      ++in_flight_;
    }
    store_->AppendAsync(std::move(request), [this](Result<store::AppendResult> r) {
      std::lock_guard lock(mu_);
      if (!r && !error_) error_ = r.error();
      --in_flight_;
      cv_.notify_all();
    });
  }
  void Add(std::string stream, const std::string& actor, const v1::Event& event) {
    Add(std::move(stream), actor, std::vector<v1::Event>{event});
  }

  Status Drain() {
    std::unique_lock lock(mu_);
    cv_.wait(lock, [&] { return in_flight_ == 0; });
    if (error_) return Unexpected(*error_);
    return OkStatus();
  }

  // Waits for everything in flight, then moves the clock to `t` (never back).
  Status At(TimePoint t) {
    if (auto s = Drain(); !s) return s;
    if (t > clock_->Now()) clock_->Set(t);
    return OkStatus();
  }

 private:
  store::EventStore* const store_;
  SimulatedClock* const clock_;
  const int window_;
  std::mutex mu_;
  std::condition_variable cv_;
  int in_flight_ = 0;
  std::optional<Error> error_;
};

struct Indicator {
  std::string id;
  std::string service;
  std::string entry;     // data entry officer
  std::string manager;   // head of service
  std::string director;  // the directorate's director
  double target = 0;
  v1::Polarity polarity = v1::POLARITY_HIGHER_IS_BETTER;
};

// What happens to one figure in its month.
struct Plan {
  int submit_class = 0;  // 0 on time, 1 after the second reminder, 2 late after an escalation
  bool query = false;
  bool rejected = false;
  bool amended_after_sign_off = false;
  bool finding = false;
  bool restate_next_month = false;
  uint32_t version = 0;
  double value = 0;
  std::string finding_id;
};

v1::FigureValue Value(double v) {
  v1::FigureValue out;
  out.set_value(v);
  return out;
}

class Generator {
 public:
  Generator(const LargeHistoryOptions& o, store::EventStore* store, SimulatedClock* clock)
      : o_(o), store_(store), clock_(clock), out_(store, clock, o.window), rng_(o.seed) {}

  Status SetUp();
  Status Month(int fiscal_year, int month);
  LargeHistoryStats stats() const { return stats_; }

 private:
  Status Run(const std::string& actor, const v1::Command& c) {
    auto r =
        handler_->Execute({.actor = actor, .command_id = fmt::format("setup-{}", ++commands_)}, c);
    if (!r) return Unexpected(r.error());
    return OkStatus();
  }
  void WriteTargets(int fiscal_year);
  double Draw() { return std::uniform_real_distribution<double>(0, 1)(rng_); }
  double Round1(double v) { return std::round(v * 10) / 10; }
  TimePoint Day(date::sys_days end, int d, int hour) {
    return TimePoint(end + days(d) + hours(hour));
  }
  std::string Figure(const Indicator& ind, const std::string& period) const {
    return engine::FigureStream(o_.tenant, ind.id, period);
  }
  v1::DeadlineRef Deadline(const std::string& period, const std::string& stage, TimePoint due) {
    v1::DeadlineRef d;
    d.set_workflow_id(kWorkflow);
    d.set_cycle_period(period);
    d.set_stage_id(stage);
    *d.mutable_due_at() = ToTimestamp(due);
    return d;
  }
  v1::Event Reminder(const std::string& period, const std::string& stage, TimePoint due,
                     const std::string& outstanding, const std::string& reminder_id, v1::Role role,
                     const std::string& person, TimePoint at) {
    v1::Event e;
    auto* r = e.mutable_reminder_issued();
    *r->mutable_deadline() = Deadline(period, stage, due);
    r->set_outstanding(outstanding);
    r->set_reminder_id(reminder_id);
    r->add_recipient_roles(role);
    r->add_recipient_person_ids(person);
    *r->mutable_scheduled_for() = ToTimestamp(at);
    return e;
  }
  v1::Event SignOff(v1::SignOffLevel level, uint32_t version, v1::Role role) {
    v1::Event e;
    auto* s = e.mutable_figure_signed_off();
    s->set_level(level);
    s->set_figure_version(version);
    s->set_role(role);
    return e;
  }

  const LargeHistoryOptions o_;
  store::EventStore* const store_;
  SimulatedClock* const clock_;
  BulkWriter out_;
  std::mt19937 rng_;
  std::unique_ptr<engine::CommandHandler> handler_;
  int commands_ = 0;
  std::vector<Indicator> indicators_;
  // Figures of the last month to restate this month: (indicator index, period, plan).
  std::vector<std::tuple<size_t, std::string, Plan>> to_restate_;
  LargeHistoryStats stats_;
};

Status Generator::SetUp() {
  handler_ = std::make_unique<engine::CommandHandler>(store_, clock_,
                                                      engine::HandlerOptions{.tenant = o_.tenant});
  if (auto r = handler_->Bootstrap("council", "Benchshire Council", "admin", "Ada Admin", "boot");
      !r) {
    return Unexpected(r.error());
  }
  const std::string from = fmt::format("{}-01-01", o_.first_fiscal_year - 1);
  auto unit = [&](const std::string& id, v1::OrgUnitKind kind, const std::string& parent) {
    v1::Command c;
    auto* u = c.mutable_create_org_unit();
    u->set_unit_id(id);
    u->set_kind(kind);
    u->set_name("Unit " + id);
    u->set_parent_unit_id(parent);
    return Run("admin", c);
  };
  auto person = [&](const std::string& id, v1::Role role, const std::string& scope) -> Status {
    v1::Command c;
    auto* p = c.mutable_register_person();
    p->set_person_id(id);
    p->set_name("Person " + id);
    p->set_email(id + "@benchshire.example");
    p->set_home_unit_id(scope);
    if (auto s = Run("admin", c); !s) return s;
    v1::Command g;
    g.mutable_grant_role()->set_person_id(id);
    g.mutable_grant_role()->set_role(role);
    g.mutable_grant_role()->set_scope_unit_id(scope);
    g.mutable_grant_role()->mutable_effective_from()->set_iso(from);
    return Run("admin", g);
  };
  for (const auto& [id, role] :
       std::vector<std::pair<std::string, v1::Role>>{{"perf-1", v1::ROLE_PERFORMANCE_TEAM},
                                                     {"perf-2", v1::ROLE_PERFORMANCE_TEAM},
                                                     {"perf-3", v1::ROLE_PERFORMANCE_TEAM},
                                                     {"auditor-1", v1::ROLE_AUDITOR},
                                                     {"scrutiny-1", v1::ROLE_SCRUTINY_MEMBER},
                                                     {"cmt-1", v1::ROLE_CORPORATE_MANAGEMENT_TEAM},
                                                     {"lead-1", v1::ROLE_LEAD_MEMBER}}) {
    if (auto s = person(id, role, "council"); !s) return s;
  }
  for (int d = 1; d <= o_.directorates; ++d) {
    const std::string dir = LargeHistoryDirectorate(d);
    if (auto s = unit(dir, v1::ORG_UNIT_KIND_DIRECTORATE, "council"); !s) return s;
    const std::string director = fmt::format("director-{}", d);
    if (auto s = person(director, v1::ROLE_DIRECTOR, dir); !s) return s;
    v1::Command p;
    auto* pd = p.mutable_define_priority();
    pd->set_priority_id(fmt::format("prio-{}", d));
    pd->set_title(fmt::format("Priority {}", d));
    pd->set_description("A priority of the council plan");
    pd->set_owner_unit_id(dir);
    if (auto s = Run("perf-1", p); !s) return s;
    for (int s = 1; s <= o_.services_per_directorate; ++s) {
      const std::string svc = LargeHistoryService(d, s);
      if (auto st = unit(svc, v1::ORG_UNIT_KIND_SERVICE, dir); !st) return st;
      const std::string entry = "entry-" + svc.substr(4);
      const std::string manager = "sm-" + svc.substr(4);
      if (auto st = person(entry, v1::ROLE_DATA_ENTRY, svc); !st) return st;
      if (auto st = person(manager, v1::ROLE_SERVICE_MANAGER, svc); !st) return st;
      for (int i = 1; i <= o_.indicators_per_service; ++i) {
        Indicator ind{
            .id = LargeHistoryIndicator(d, s, i),
            .service = svc,
            .entry = entry,
            .manager = manager,
            .director = director,
            .target = std::round(40 + 50 * Draw()),
            .polarity = i % 2 == 1 ? v1::POLARITY_HIGHER_IS_BETTER : v1::POLARITY_LOWER_IS_BETTER};
        v1::Command c;
        auto* di = c.mutable_define_indicator();
        di->set_indicator_id(ind.id);
        auto* def = di->mutable_definition();
        def->set_title("Indicator " + ind.id);
        def->set_definition("Share of cases handled within the standard");
        def->set_method_of_calculation("cases within standard / cases x 100");
        def->set_unit("%");
        def->set_decimal_places(1);
        def->set_valid_min(0);
        def->set_valid_max(100);
        def->set_polarity(ind.polarity);
        def->set_frequency(v1::FREQUENCY_MONTHLY);
        def->set_owning_unit_id(svc);
        def->set_data_source("Case management system");
        def->set_perspective(static_cast<v1::Perspective>(1 + (i - 1) % 4));
        def->set_priority_id(fmt::format("prio-{}", d));
        def->mutable_amber_tolerance()->set_percent(5);
        def->set_responsible_person_id(entry);
        if (auto st = Run("perf-1", c); !st) return st;
        indicators_.push_back(std::move(ind));
      }
    }
  }
  WriteTargets(o_.first_fiscal_year);
  return out_.Drain();
}

// A year's monthly targets for every indicator, set by the performance team in one append per
// indicator (as the service plan agrees them).
void Generator::WriteTargets(int fiscal_year) {
  for (const Indicator& ind : indicators_) {
    std::vector<v1::Event> events;
    for (int m = 1; m <= 12; ++m) {
      v1::Event e;
      auto* t = e.mutable_target_set();
      t->set_period(LargeHistoryPeriod(fiscal_year, m));
      t->set_target(ind.target);
      t->set_reason(
          fmt::format("agreed in the {}/{} service plan", fiscal_year, (fiscal_year + 1) % 100));
      events.push_back(std::move(e));
    }
    out_.Add(engine::IndicatorStream(o_.tenant, ind.id), "perf-1", events);
  }
}

Status Generator::Month(int fiscal_year, int month) {
  const std::string period = LargeHistoryPeriod(fiscal_year, month);
  auto parsed = engine::Period::Parse(period);
  if (!parsed) return Unexpected(parsed.error());
  const date::sys_days end = date::sys_days(parsed->end());
  const std::string cycle = engine::CycleStream(o_.tenant, kWorkflow, period);
  const TimePoint entry_due = Day(end, 7, 17);
  const TimePoint service_due = Day(end, 14, 17);
  const TimePoint directorate_due = Day(end, 16, 17);
  const TimePoint verification_due = Day(end, 19, 17);

  std::vector<Plan> plans(indicators_.size());
  for (size_t i = 0; i < plans.size(); ++i) {
    Plan& p = plans[i];
    const double u = Draw();
    p.submit_class = u < 0.88 ? 0 : (u < 0.97 ? 1 : 2);
    p.query = Draw() < 0.03;
    p.rejected = Draw() < 0.05;
    p.amended_after_sign_off = Draw() < 0.02;
    p.finding = Draw() < 0.01;
    p.restate_next_month = Draw() < 0.005;
    const double noise = std::normal_distribution<double>(0, 6)(rng_);
    p.value = Round1(std::clamp(indicators_[i].target + noise, 0.0, 100.0));
  }
  auto figure = [&](size_t i) { return Figure(indicators_[i], period); };
  auto submit = [&](size_t i) {
    Plan& p = plans[i];
    v1::Event e;
    auto* s = e.mutable_figure_submitted();
    s->set_indicator_id(indicators_[i].id);
    s->set_period(period);
    *s->mutable_value() = Value(p.value);
    s->set_commentary(
        fmt::format("{} this month; see the service's action plan",
                    p.value >= indicators_[i].target ? "Above target" : "Below target"));
    s->set_evidence_note(fmt::format("Case management extract for {}", period));
    s->set_definition_version(1);
    s->set_figure_version(1);
    p.version = 1;
    out_.Add(figure(i), indicators_[i].entry, e);
  };

  // Day 1: the cycle opens with its stages.
  if (auto s = out_.At(Day(end, 1, 9)); !s) return s;
  {
    std::vector<v1::Event> events;
    v1::Event opened;
    opened.mutable_cycle_opened()->set_workflow_id(kWorkflow);
    opened.mutable_cycle_opened()->set_period(period);
    opened.mutable_cycle_opened()->set_workflow_sha256(std::string(32, '\x5a'));
    events.push_back(opened);
    for (const auto& [stage, due] : std::vector<std::pair<std::string, TimePoint>>{
             {"data_entry", entry_due},
             {"service_sign_off", service_due},
             {"directorate_sign_off", directorate_due},
             {"corporate_verification", verification_due}}) {
      v1::Event e;
      e.mutable_stage_opened()->set_stage_id(stage);
      *e.mutable_stage_opened()->mutable_opens_at() = ToTimestamp(Day(end, 1, 0));
      *e.mutable_stage_opened()->mutable_due_at() = ToTimestamp(due);
      events.push_back(std::move(e));
    }
    out_.Add(cycle, kScheduler, events);
  }
  // Day 2: the first reminder goes to every figure (none is in yet).
  if (auto s = out_.At(Day(end, 2, 9)); !s) return s;
  for (size_t i = 0; i < plans.size(); ++i) {
    out_.Add(figure(i), kScheduler,
             Reminder(period, "data_entry", entry_due, "not submitted", "5 working days before",
                      v1::ROLE_DATA_ENTRY, indicators_[i].entry, Day(end, 2, 9)));
  }
  if (month == 11 && fiscal_year + 1 < o_.first_fiscal_year + o_.years) {
    if (auto s = out_.At(Day(end, 3, 9)); !s) return s;
    WriteTargets(fiscal_year + 1);
  }
  // Day 4: most figures come in.
  if (auto s = out_.At(Day(end, 4, 10)); !s) return s;
  for (size_t i = 0; i < plans.size(); ++i) {
    if (plans[i].submit_class == 0) submit(i);
  }
  // Day 6: the second reminder to the rest; day 7 most of them come in.
  if (auto s = out_.At(Day(end, 6, 9)); !s) return s;
  for (size_t i = 0; i < plans.size(); ++i) {
    if (plans[i].submit_class == 0) continue;
    out_.Add(figure(i), kScheduler,
             Reminder(period, "data_entry", entry_due, "not submitted", "1 working day before",
                      v1::ROLE_DATA_ENTRY, indicators_[i].entry, Day(end, 6, 9)));
  }
  if (auto s = out_.At(Day(end, 7, 15)); !s) return s;
  for (size_t i = 0; i < plans.size(); ++i) {
    if (plans[i].submit_class == 1) submit(i);
  }
  // Day 8: the deadline has passed; the late ones escalate to the head of service.
  if (auto s = out_.At(Day(end, 8, 9)); !s) return s;
  uint32_t late = 0;
  for (size_t i = 0; i < plans.size(); ++i) {
    if (plans[i].submit_class != 2) continue;
    ++late;
    v1::Event e;
    auto* esc = e.mutable_escalation_raised();
    esc->set_escalation_id(engine::DerivedId("E-", figure(i) + "/data_entry/1"));
    *esc->mutable_deadline() = Deadline(period, "data_entry", entry_due);
    esc->set_outstanding("not submitted");
    esc->set_rung(1);
    esc->add_recipient_roles(v1::ROLE_SERVICE_MANAGER);
    esc->add_recipient_person_ids(indicators_[i].manager);
    *esc->mutable_scheduled_for() = ToTimestamp(Day(end, 8, 9));
    esc->set_overdue_by_seconds(16 * 3600);
    out_.Add(figure(i), kScheduler, e);
  }
  {
    v1::Event e;
    e.mutable_stage_fell_due()->set_stage_id("data_entry");
    *e.mutable_stage_fell_due()->mutable_due_at() = ToTimestamp(entry_due);
    e.mutable_stage_fell_due()->set_outstanding_items(late);
    out_.Add(cycle, kScheduler, e);
  }
  // Day 9: the head of service acknowledges; the figure comes in.
  if (auto s = out_.At(Day(end, 9, 10)); !s) return s;
  for (size_t i = 0; i < plans.size(); ++i) {
    if (plans[i].submit_class != 2) continue;
    v1::Event e;
    e.mutable_escalation_acknowledged()->set_escalation_id(
        engine::DerivedId("E-", figure(i) + "/data_entry/1"));
    e.mutable_escalation_acknowledged()->set_comment("chased the team; entering it today");
    out_.Add(figure(i), indicators_[i].manager, e);
    submit(i);
  }
  {
    v1::Event e;
    auto* c = e.mutable_stage_completed();
    c->set_stage_id("data_entry");
    *c->mutable_due_at() = ToTimestamp(entry_due);
    c->set_on_time(late == 0);
    c->set_late_by_seconds(late == 0 ? 0 : 41 * 3600);
    out_.Add(cycle, kScheduler, e);
  }
  // Days 10-11: data-quality queries, answered.
  if (auto s = out_.At(Day(end, 10, 11)); !s) return s;
  for (size_t i = 0; i < plans.size(); ++i) {
    if (!plans[i].query) continue;
    v1::Event e;
    auto* q = e.mutable_data_quality_query_raised();
    q->set_query_id(engine::DerivedId("Q-", figure(i)));
    q->set_figure_version(plans[i].version);
    q->set_question("The value moved sharply from last month: please confirm the extract");
    out_.Add(figure(i), "perf-1", e);
  }
  if (auto s = out_.At(Day(end, 11, 10)); !s) return s;
  for (size_t i = 0; i < plans.size(); ++i) {
    if (!plans[i].query) continue;
    v1::Event e;
    e.mutable_data_quality_query_answered()->set_query_id(engine::DerivedId("Q-", figure(i)));
    e.mutable_data_quality_query_answered()->set_answer("Confirmed against the source system");
    out_.Add(figure(i), indicators_[i].entry, e);
  }
  // Day 12: service sign-off, or sent back; day 13 the sent-back ones are amended and on day 14
  // signed off.
  if (auto s = out_.At(Day(end, 12, 14)); !s) return s;
  for (size_t i = 0; i < plans.size(); ++i) {
    if (plans[i].rejected) {
      v1::Event e;
      auto* r = e.mutable_figure_rejected();
      r->set_level(v1::SIGN_OFF_LEVEL_SERVICE);
      r->set_figure_version(plans[i].version);
      r->set_reason("The commentary does not match the value; please check the extract");
      out_.Add(figure(i), indicators_[i].manager, e);
    } else {
      out_.Add(figure(i), indicators_[i].manager,
               SignOff(v1::SIGN_OFF_LEVEL_SERVICE, plans[i].version, v1::ROLE_SERVICE_MANAGER));
    }
  }
  if (auto s = out_.At(Day(end, 13, 10)); !s) return s;
  for (size_t i = 0; i < plans.size(); ++i) {
    if (!plans[i].rejected) continue;
    Plan& p = plans[i];
    v1::Event e;
    auto* a = e.mutable_figure_amended();
    p.value = Round1(std::clamp(p.value + 0.5, 0.0, 100.0));
    *a->mutable_value() = Value(p.value);
    a->set_commentary("Corrected after the extract was rerun");
    a->set_evidence_note(fmt::format("Case management extract for {} (rerun)", period));
    a->set_reason("Extract rerun after the head of service's query");
    a->set_definition_version(1);
    a->set_figure_version(++p.version);
    out_.Add(figure(i), indicators_[i].entry, e);
  }
  if (auto s = out_.At(Day(end, 14, 9)); !s) return s;
  for (size_t i = 0; i < plans.size(); ++i) {
    out_.Add(figure(i), kScheduler,
             Reminder(period, "directorate_sign_off", directorate_due,
                      "not signed off at directorate level", "2 working days before",
                      v1::ROLE_DIRECTOR, indicators_[i].director, Day(end, 14, 9)));
  }
  if (auto s = out_.At(Day(end, 14, 14)); !s) return s;
  for (size_t i = 0; i < plans.size(); ++i) {
    if (!plans[i].rejected) continue;
    out_.Add(figure(i), indicators_[i].manager,
             SignOff(v1::SIGN_OFF_LEVEL_SERVICE, plans[i].version, v1::ROLE_SERVICE_MANAGER));
  }
  {
    v1::Event e;
    auto* c = e.mutable_stage_completed();
    c->set_stage_id("service_sign_off");
    *c->mutable_due_at() = ToTimestamp(service_due);
    c->set_on_time(true);
    out_.Add(cycle, kScheduler, e);
  }
  // Day 15: directorate sign-off. Day 16 a few are amended after it (both levels lapse) and on
  // day 17 signed off again at both.
  if (auto s = out_.At(Day(end, 15, 16)); !s) return s;
  for (size_t i = 0; i < plans.size(); ++i) {
    out_.Add(figure(i), indicators_[i].director,
             SignOff(v1::SIGN_OFF_LEVEL_DIRECTORATE, plans[i].version, v1::ROLE_DIRECTOR));
  }
  if (auto s = out_.At(Day(end, 16, 9)); !s) return s;
  for (size_t i = 0; i < plans.size(); ++i) {
    if (!plans[i].amended_after_sign_off) continue;
    Plan& p = plans[i];
    v1::Event e;
    auto* a = e.mutable_figure_amended();
    p.value = Round1(std::clamp(p.value - 1.2, 0.0, 100.0));
    *a->mutable_value() = Value(p.value);
    a->set_commentary("Late cases added after the month closed");
    a->set_evidence_note(fmt::format("Case management extract for {} (final)", period));
    a->set_reason("Late-logged cases for the month");
    a->set_definition_version(1);
    a->set_figure_version(++p.version);
    a->add_lapsed_levels(v1::SIGN_OFF_LEVEL_SERVICE);
    a->add_lapsed_levels(v1::SIGN_OFF_LEVEL_DIRECTORATE);
    out_.Add(figure(i), indicators_[i].entry, e);
  }
  if (auto s = out_.At(Day(end, 17, 10)); !s) return s;
  for (size_t i = 0; i < plans.size(); ++i) {
    if (!plans[i].amended_after_sign_off) continue;
    out_.Add(figure(i), indicators_[i].manager,
             SignOff(v1::SIGN_OFF_LEVEL_SERVICE, plans[i].version, v1::ROLE_SERVICE_MANAGER));
  }
  if (auto s = out_.At(Day(end, 17, 15)); !s) return s;
  for (size_t i = 0; i < plans.size(); ++i) {
    if (!plans[i].amended_after_sign_off) continue;
    out_.Add(figure(i), indicators_[i].director,
             SignOff(v1::SIGN_OFF_LEVEL_DIRECTORATE, plans[i].version, v1::ROLE_DIRECTOR));
  }
  // Day 18: corporate verification.
  if (auto s = out_.At(Day(end, 18, 12)); !s) return s;
  for (size_t i = 0; i < plans.size(); ++i) {
    out_.Add(figure(i), "perf-2",
             SignOff(v1::SIGN_OFF_LEVEL_CORPORATE_VERIFICATION, plans[i].version,
                     v1::ROLE_PERFORMANCE_TEAM));
  }
  for (const auto& [stage, due] : std::vector<std::pair<std::string, TimePoint>>{
           {"directorate_sign_off", directorate_due},
           {"corporate_verification", verification_due}}) {
    v1::Event e;
    auto* c = e.mutable_stage_completed();
    c->set_stage_id(stage);
    *c->mutable_due_at() = ToTimestamp(due);
    c->set_on_time(stage == "corporate_verification");
    c->set_late_by_seconds(stage == "corporate_verification" ? 0 : 22 * 3600);
    out_.Add(cycle, kScheduler, e);
  }
  // Day 20: challenge findings at the corporate review.
  if (auto s = out_.At(Day(end, 20, 10)); !s) return s;
  for (size_t i = 0; i < plans.size(); ++i) {
    if (!plans[i].finding) continue;
    Plan& p = plans[i];
    p.finding_id = engine::DerivedId("F-", figure(i) + "/corporate_review");
    v1::Event e;
    auto* r = e.mutable_challenge_finding_raised();
    r->set_finding_id(p.finding_id);
    r->set_stage(v1::CHALLENGE_STAGE_CORPORATE_REVIEW);
    r->mutable_subject()->mutable_figure()->set_indicator_id(indicators_[i].id);
    r->mutable_subject()->mutable_figure()->set_period(period);
    r->set_severity(v1::SEVERITY_MEDIUM);
    r->set_finding("The trend is not explained in the commentary");
    r->set_action_required("Explain the trend and the recovery plan");
    r->set_owner_person_id(indicators_[i].manager);
    *r->mutable_due() = engine::ToLocalDate(end + days(30));
    r->set_unit_id(indicators_[i].service);
    out_.Add(engine::FindingStream(o_.tenant, p.finding_id), "perf-1", e);
    ++stats_.findings;
  }
  if (auto s = out_.At(Day(end, 24, 11)); !s) return s;
  for (size_t i = 0; i < plans.size(); ++i) {
    if (!plans[i].finding) continue;
    v1::Event e;
    e.mutable_challenge_finding_responded()->set_response(
        "Seasonal demand; the recovery plan is in the service plan update");
    out_.Add(engine::FindingStream(o_.tenant, plans[i].finding_id), indicators_[i].manager, e);
  }
  // Day 25: reported to Cabinet: locked and published. Last month's restatements.
  if (auto s = out_.At(Day(end, 25, 10)); !s) return s;
  const std::string cabinet = fmt::format("Cabinet {}", date::format("%d %B %Y", end + days(25)));
  for (size_t i = 0; i < plans.size(); ++i) {
    v1::Event lock;
    lock.mutable_figure_locked()->set_figure_version(plans[i].version);
    lock.mutable_figure_locked()->set_reported_to(cabinet);
    v1::Event publish;
    publish.mutable_figure_published()->set_figure_version(plans[i].version);
    out_.Add(figure(i), "perf-1", std::vector<v1::Event>{lock, publish});
  }
  for (auto& [i, restated_period, p] : to_restate_) {
    v1::Event e;
    auto* r = e.mutable_figure_restated();
    const double previous = p.value;
    p.value = Round1(std::clamp(p.value + 2.5, 0.0, 100.0));
    *r->mutable_value() = Value(p.value);
    r->set_commentary("Restated after the quarterly reconciliation");
    r->set_evidence_note("Reconciled extract");
    r->set_reason("Duplicate cases found in the quarterly reconciliation");
    r->set_definition_version(1);
    r->set_figure_version(++p.version);
    *r->mutable_previous_value() = Value(previous);
    r->add_lapsed_levels(v1::SIGN_OFF_LEVEL_SERVICE);
    r->add_lapsed_levels(v1::SIGN_OFF_LEVEL_DIRECTORATE);
    r->add_lapsed_levels(v1::SIGN_OFF_LEVEL_CORPORATE_VERIFICATION);
    out_.Add(Figure(indicators_[i], restated_period), "perf-3", e);
    ++stats_.restatements;
  }
  // Day 26: findings accepted; restatements signed off again (days 26-28); findings closed.
  if (auto s = out_.At(Day(end, 26, 10)); !s) return s;
  for (size_t i = 0; i < plans.size(); ++i) {
    if (!plans[i].finding) continue;
    v1::Event e;
    e.mutable_challenge_finding_accepted()->set_comment("Response accepted");
    out_.Add(engine::FindingStream(o_.tenant, plans[i].finding_id), "perf-1", e);
  }
  for (const auto& [i, restated_period, p] : to_restate_) {
    out_.Add(Figure(indicators_[i], restated_period), indicators_[i].manager,
             SignOff(v1::SIGN_OFF_LEVEL_SERVICE, p.version, v1::ROLE_SERVICE_MANAGER));
  }
  if (auto s = out_.At(Day(end, 27, 10)); !s) return s;
  for (const auto& [i, restated_period, p] : to_restate_) {
    out_.Add(Figure(indicators_[i], restated_period), indicators_[i].director,
             SignOff(v1::SIGN_OFF_LEVEL_DIRECTORATE, p.version, v1::ROLE_DIRECTOR));
  }
  if (auto s = out_.At(Day(end, 28, 10)); !s) return s;
  for (const auto& [i, restated_period, p] : to_restate_) {
    out_.Add(
        Figure(indicators_[i], restated_period), "perf-2",
        SignOff(v1::SIGN_OFF_LEVEL_CORPORATE_VERIFICATION, p.version, v1::ROLE_PERFORMANCE_TEAM));
  }
  for (size_t i = 0; i < plans.size(); ++i) {
    if (!plans[i].finding) continue;
    v1::Event e;
    e.mutable_challenge_finding_closed()->set_evidence("Commentary updated in the Cabinet report");
    out_.Add(engine::FindingStream(o_.tenant, plans[i].finding_id), "perf-1", e);
  }
  to_restate_.clear();
  for (size_t i = 0; i < plans.size(); ++i) {
    if (plans[i].restate_next_month) to_restate_.emplace_back(i, period, plans[i]);
  }
  stats_.figures += plans.size();
  return out_.Drain();
}

}  // namespace

std::string LargeHistoryDirectorate(int d) { return fmt::format("dir-{}", d); }
std::string LargeHistoryService(int d, int s) { return fmt::format("svc-{}-{:02d}", d, s); }
std::string LargeHistoryIndicator(int d, int s, int i) {
  return fmt::format("I-{}-{:02d}-{:02d}", d, s, i);
}
std::string LargeHistoryPeriod(int fiscal_year, int month) {
  return fmt::format("FY{}-M{:02d}", fiscal_year, month);
}

Result<LargeHistoryStats> GenerateLargeHistory(const std::string& dir,
                                               const LargeHistoryOptions& options) {
  if (options.directorates < 1 || options.services_per_directorate < 1 ||
      options.indicators_per_service < 1 || options.years < 1 || options.window < 1) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "directorates, services, indicators, years and window must be at least 1");
  }
  if (options.services_per_directorate > 99 || options.indicators_per_service > 99) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "at most 99 services per directorate and 99 indicators per service");
  }
  const auto started = std::chrono::steady_clock::now();
  // The council is set up two months before its first financial year.
  SimulatedClock clock(TimePoint(
      date::sys_days(date::year(options.first_fiscal_year) / date::February / 1) + hours(9)));
  store::StoreOptions store_options;
  store_options.durability = store::Durability::kBuffered;
  store_options.clock = &clock;
  auto store = store::EventStore::Open(dir, store_options);
  if (!store) return Unexpected(store.error());
  if ((*store)->Head().position != 0) {
    return MakeError(ErrorCode::kFailedPrecondition,
                     fmt::format("{} already holds a log; generate into an empty folder", dir));
  }
  Generator generator(options, store->get(), &clock);
  if (auto s = generator.SetUp(); !s) return Unexpected(s.error());
  for (int y = 0; y < options.years; ++y) {
    for (int m = 1; m <= 12; ++m) {
      if (auto s = generator.Month(options.first_fiscal_year + y, m); !s) {
        return Unexpected(s.error());
      }
    }
  }
  LargeHistoryStats stats = generator.stats();
  stats.events = (*store)->Head().position;
  stats.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return stats;
}

Result<std::string> CachedLargeHistory(const std::string& cache_root,
                                       const LargeHistoryOptions& options,
                                       LargeHistoryStats* stats) {
  const fs::path folder =
      fs::path(cache_root) / fmt::format("large-history-v{}-{}-{}x{}x{}-fy{}+{}-s{}",
                                         kGeneratorVersion, options.tenant, options.directorates,
                                         options.services_per_directorate,
                                         options.indicators_per_service, options.first_fiscal_year,
                                         options.years, options.seed);
  const fs::path marker = folder / "COMPLETE";
  std::error_code ec;
  if (fs::exists(marker, ec)) {
    std::ifstream in(marker);
    LargeHistoryStats cached;
    in >> cached.events >> cached.figures >> cached.findings >> cached.restatements >>
        cached.seconds;
    if (!in) {
      return MakeError(ErrorCode::kInternal,
                       fmt::format("{} is unreadable; delete {} to generate it again",
                                   marker.string(), folder.string()));
    }
    cached.from_cache = true;
    if (stats != nullptr) *stats = cached;
    return (folder / "store").string();
  }
  const fs::path partial = folder.string() + ".partial";
  fs::remove_all(partial, ec);
  fs::create_directories(partial, ec);
  if (ec) {
    return MakeError(ErrorCode::kInternal,
                     fmt::format("cannot create {}: {}", partial.string(), ec.message()));
  }
  auto generated = GenerateLargeHistory((partial / "store").string(), options);
  if (!generated) return Unexpected(generated.error());
  {
    std::ofstream out(partial / "COMPLETE");
    out << generated->events << ' ' << generated->figures << ' ' << generated->findings << ' '
        << generated->restatements << ' ' << generated->seconds << '\n';
    if (!out) {
      return MakeError(ErrorCode::kInternal,
                       fmt::format("cannot write {}", (partial / "COMPLETE").string()));
    }
  }
  fs::remove_all(folder, ec);
  fs::rename(partial, folder, ec);
  if (ec) {
    return MakeError(
        ErrorCode::kInternal,
        fmt::format("cannot rename {} to {}: {}", partial.string(), folder.string(), ec.message()));
  }
  if (stats != nullptr) *stats = *generated;
  return (folder / "store").string();
}

}  // namespace goldthread::testing
