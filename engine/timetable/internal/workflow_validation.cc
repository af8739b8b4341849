#include "engine/timetable/internal/workflow_validation.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <set>

#include "engine/timetable/calendar.h"
#include "engine/timetable/internal/day_rule.h"

namespace goldthread::engine::internal {

unsigned EndMonth(const Period& p) { return static_cast<unsigned>(p.end().month()); }

bool Contains(const google::protobuf::RepeatedField<int>& values, int v) {
  return std::find(values.begin(), values.end(), v) != values.end();
}

namespace {

namespace v1 = goldthread::v1;
namespace pb = google::protobuf;
using std::chrono::minutes;

// Bounds that catch typing mistakes; no real timetable comes near them.
constexpr int kMaxWeek = 60;
constexpr int kMaxCalendarDays = 400;
constexpr int kMaxWorkingDays = 300;
constexpr int kMaxMonthsAfter = 12;
constexpr int kMaxWorkingDayOfMonth = 23;

// The fiscal years whose periods the validator resolves every stage in: 28 years, so every
// combination of weekday and leap year occurs.
constexpr int kCheckFirstFiscalYear = 2010;
constexpr int kCheckLastFiscalYear = 2037;

// Finds the line of a field in the parsed text. A field that is absent (left at its default)
// has no location; it is reported at the line of the message that should have held it.
class Locator {
 public:
  Locator(const pb::TextFormat::ParseInfoTree* tree, const pb::Descriptor* type, int line)
      : tree_(tree), type_(type), line_(line) {}

  // This message's own line (1-based).
  int line() const { return line_; }
  // The line of `field` (`index` for a repeated one, -1 for a singular one). The parser
  // records one location for a whole "[a, b, c]" list, so an element of one is reported at
  // the line where its list starts.
  int Line(std::string_view field, int index = -1) const {
    const pb::FieldDescriptor* f = Field(field);
    if (tree_ == nullptr || f == nullptr || f->is_repeated() != (index >= 0)) return line_;
    for (int i = index; i >= (index < 0 ? -1 : 0); --i) {
      const pb::TextFormat::ParseLocation loc = tree_->GetLocation(f, i);
      if (loc.line >= 0) return loc.line + 1;
    }
    return line_;
  }
  // The locator of the nested message in `field`.
  Locator In(std::string_view field, int index = -1) const {
    const pb::FieldDescriptor* f = Field(field);
    if (f == nullptr || f->message_type() == nullptr || f->is_repeated() != (index >= 0)) {
      return Locator(nullptr, nullptr, line_);
    }
    return Locator(tree_ ? tree_->GetTreeForNested(f, index) : nullptr, f->message_type(),
                   Line(field, index));
  }

 private:
  const pb::FieldDescriptor* Field(std::string_view name) const {
    return type_ ? type_->FindFieldByName(std::string(name)) : nullptr;
  }

  const pb::TextFormat::ParseInfoTree* tree_;
  const pb::Descriptor* type_;
  int line_;
};

bool IsLowerId(std::string_view id, std::string_view also) {
  if (id.empty() || id.front() < 'a' || id.front() > 'z') return false;
  return std::all_of(id.begin(), id.end(), [&](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || also.find(c) != std::string::npos;
  });
}

// Whether some period of `frequency` ends in calendar month `month` (the financial year starts
// in April, so quarters end in June, September, December and March).
bool PeriodOfFrequencyEndsIn(v1::Frequency frequency, int month) {
  const int per = Period::MonthsPer(frequency);
  const int fiscal_month = (month - 4 + 12) % 12 + 1;  // April = 1
  return per > 0 && fiscal_month % per == 0;
}

std::string MonthName(int m) {
  return v1::Month_IsValid(m) ? v1::Month_Name(static_cast<v1::Month>(m))
                              : fmt::format("month {}", m);
}
std::string RoleName(int r) {
  return v1::Role_IsValid(r) ? v1::Role_Name(static_cast<v1::Role>(r)) : std::to_string(r);
}
std::string FrequencyName(int f) {
  return v1::Frequency_IsValid(f) ? v1::Frequency_Name(static_cast<v1::Frequency>(f))
                                  : fmt::format("frequency {}", f);
}

// The calendar timetables are checked against at load: weekends, no bank holidays.
const Result<Calendar>& WeekendsOnly() {
  static const Result<Calendar> calendar =
      Calendar::FromHolidays({}, kCheckFirstFiscalYear - 1, kCheckLastFiscalYear + 2);
  return calendar;
}

// Checks one definition, appending "file:line: reason" for every problem.
class Validator {
 public:
  Validator(const v1::WorkflowDefinition& def, const pb::TextFormat::ParseInfoTree& tree,
            std::string_view file, std::vector<std::string>* errors)
      : def_(def),
        root_(&tree, v1::WorkflowDefinition::descriptor(), 1),
        file_(file),
        errors_(errors) {}

  // Fills `stages` with what the schedule needs; meaningful only when no error was added.
  void Run(std::vector<Workflow::CompiledStage>* stages, minutes* notice_time);

 private:
  void Error(int line, std::string message) {
    errors_->push_back(fmt::format("{}:{}: {}", file_, line, message));
  }
  void CheckHeader();
  void CheckCadence();
  void CheckLadders();
  void CheckStage(int i, Workflow::CompiledStage* compiled);
  // Returns the `at` time when given and valid.
  std::optional<minutes> CheckDayRule(const v1::DayRule& rule, const Locator& at,
                                      const std::string& what);
  void CheckCompletion(const v1::StageDefinition& stage, const Locator& at);
  void CheckRoles(const pb::RepeatedField<int>& roles, const Locator& at, std::string_view field,
                  const std::string& what, bool required);
  void CheckKind(v1::DayKind kind, const Locator& at, const std::string& what);
  void CheckOrder(int i, const Workflow::CompiledStage& compiled);
  bool CycleEndsIn(int month) const;

  const v1::WorkflowDefinition& def_;
  const Locator root_;
  std::string_view file_;
  std::vector<std::string>* errors_;
  std::map<std::string, int> ladder_index_;
};

void Validator::Run(std::vector<Workflow::CompiledStage>* stages, minutes* notice_time) {
  CheckHeader();
  CheckCadence();
  CheckLadders();
  if (!def_.notice_time().empty()) {
    if (auto t = internal::ParseTimeOfDay(def_.notice_time())) {
      *notice_time = *t;
    } else {
      Error(root_.Line("notice_time"),
            fmt::format("notice_time '{}' is not a time of day; use HH:MM (00:00 to 23:59)",
                        def_.notice_time()));
    }
  }
  if (def_.stages().empty()) Error(root_.line(), "a workflow needs at least one stage");
  std::map<std::string, int> stage_line;
  stages->assign(def_.stages_size(), {});
  for (int i = 0; i < def_.stages_size(); ++i) {
    const std::string& id = def_.stages(i).id();
    const int line = root_.In("stages", i).Line("id");
    if (!id.empty()) {
      if (auto [it, inserted] = stage_line.emplace(id, line); !inserted) {
        Error(line, fmt::format("duplicate stage id '{}' (also line {})", id, it->second));
      }
    }
    CheckStage(i, &(*stages)[i]);
  }
  // Resolving the timetable needs the cadence and every rule to be well formed first.
  if (errors_->empty()) {
    for (int i = 0; i < def_.stages_size(); ++i) CheckOrder(i, (*stages)[i]);
  }
  const Locator clinic = root_.In("performance_clinic");
  if (def_.performance_clinic().consecutive_red_periods() < 0) {
    Error(clinic.Line("consecutive_red_periods"),
          "performance_clinic.consecutive_red_periods must be 0 (off) or more");
  }
  const Locator finding = root_.In("finding_escalation");
  const v1::FindingEscalation& fe = def_.finding_escalation();
  if (!fe.days_after().empty()) CheckKind(fe.kind(), finding, "finding_escalation");
  for (int i = 0; i < fe.days_after_size(); ++i) {
    const int days = fe.days_after(i);
    if (days < 1 || days > kMaxCalendarDays) {
      Error(finding.Line("days_after", i),
            fmt::format("finding_escalation.days_after {} must be between 1 and {}", days,
                        kMaxCalendarDays));
    } else if (i > 0 && days <= fe.days_after(i - 1)) {
      Error(finding.Line("days_after", i),
            fmt::format("finding_escalation.days_after must ascend: {} follows {}", days,
                        fe.days_after(i - 1)));
    }
  }
}

void Validator::CheckHeader() {
  if (!IsLowerId(def_.id(), "-")) {
    Error(root_.Line("id"), fmt::format("id '{}' must be lower-case letters, digits and '-', "
                                        "starting with a letter",
                                        def_.id()));
  }
  const std::filesystem::path path(file_);
  if (path.extension() == ".textproto" && path.stem().string() != def_.id()) {
    Error(root_.Line("id"), fmt::format("id '{}' does not match the file name '{}'", def_.id(),
                                        path.filename().string()));
  }
  if (def_.title().empty()) Error(root_.Line("title"), "the workflow needs a title");
  if (def_.source().empty()) {
    Error(root_.Line("source"), "the workflow needs a source: the document it is traced to");
  }
}

bool Validator::CycleEndsIn(int month) const {
  const v1::Cadence& c = def_.cadence();
  if (!PeriodOfFrequencyEndsIn(c.frequency(), month)) return false;
  return c.period_end_months().empty() || Contains(c.period_end_months(), month);
}

void Validator::CheckCadence() {
  const Locator cadence = root_.In("cadence");
  const v1::Cadence& c = def_.cadence();
  if (c.frequency() == v1::FREQUENCY_UNSPECIFIED || !v1::Frequency_IsValid(c.frequency())) {
    Error(cadence.Line("frequency"),
          "cadence.frequency is required: MONTHLY, BI_MONTHLY, QUARTERLY, SIX_MONTHLY or ANNUAL");
    return;
  }
  std::set<int> seen;
  for (int i = 0; i < c.period_end_months_size(); ++i) {
    const int m = c.period_end_months(i);
    if (!seen.insert(m).second) {
      Error(cadence.Line("period_end_months", i), fmt::format("{} is listed twice", MonthName(m)));
    } else if (!PeriodOfFrequencyEndsIn(c.frequency(), m)) {
      Error(cadence.Line("period_end_months", i),
            fmt::format("no {} period ends in {} (the financial year starts in April)",
                        FrequencyName(c.frequency()), MonthName(m)));
    }
  }
  if (def_.collects().empty()) {
    Error(root_.line(), "collects must name at least one indicator frequency");
  }
  std::set<int> collected;
  for (int i = 0; i < def_.collects_size(); ++i) {
    const int f = def_.collects(i);
    const int line = root_.Line("collects", i);
    if (f == v1::FREQUENCY_UNSPECIFIED || !v1::Frequency_IsValid(f)) {
      Error(line, fmt::format("collects {} is not a frequency", FrequencyName(f)));
    } else if (!collected.insert(f).second) {
      Error(line, fmt::format("collects {} twice", FrequencyName(f)));
    } else {
      bool ever = false;
      for (int m = 1; m <= 12; ++m)
        ever =
            ever || (CycleEndsIn(m) && PeriodOfFrequencyEndsIn(static_cast<v1::Frequency>(f), m));
      if (!ever) {
        Error(line, fmt::format("collects {}, but no period of that frequency ends when a "
                                "cycle's period does",
                                FrequencyName(f)));
      }
    }
  }
}

void Validator::CheckLadders() {
  for (int i = 0; i < def_.escalation_ladders_size(); ++i) {
    const v1::EscalationLadder& ladder = def_.escalation_ladders(i);
    const Locator at = root_.In("escalation_ladders", i);
    const std::string what = fmt::format("escalation ladder '{}'", ladder.id());
    if (!IsLowerId(ladder.id(), "_-")) {
      Error(at.Line("id"), fmt::format("ladder id '{}' must be lower-case letters, digits, '_' "
                                       "and '-', starting with a letter",
                                       ladder.id()));
    } else if (!ladder_index_.emplace(ladder.id(), i).second) {
      Error(at.Line("id"), fmt::format("duplicate ladder id '{}'", ladder.id()));
    }
    CheckKind(ladder.kind(), at, what);
    if (ladder.rungs().empty()) Error(at.line(), what + " has no rungs");
    const int max = ladder.kind() == v1::DAY_KIND_WORKING ? kMaxWorkingDays : kMaxCalendarDays;
    for (int r = 0; r < ladder.rungs_size(); ++r) {
      const Locator rung = at.In("rungs", r);
      const int days = ladder.rungs(r).days_after();
      if (days < 1 || days > max) {
        Error(rung.Line("days_after"),
              fmt::format("{}: rung {} days_after {} must be between 1 and {}", what, r + 1, days,
                          max));
      } else if (r > 0 && days <= ladder.rungs(r - 1).days_after()) {
        Error(rung.Line("days_after"),
              fmt::format("{}: rungs must be in ascending order of days_after, but rung {} "
                          "({} days) does not come after rung {} ({} days)",
                          what, r + 1, days, r, ladder.rungs(r - 1).days_after()));
      }
      CheckRoles(ladder.rungs(r).roles(), rung, "roles", fmt::format("{} rung {}", what, r + 1),
                 /*required=*/true);
    }
  }
}

void Validator::CheckKind(v1::DayKind kind, const Locator& at, const std::string& what) {
  if (kind != v1::DAY_KIND_CALENDAR && kind != v1::DAY_KIND_WORKING) {
    Error(at.Line("kind"),
          fmt::format("{}: kind is required: DAY_KIND_CALENDAR or DAY_KIND_WORKING", what));
  }
}

void Validator::CheckRoles(const pb::RepeatedField<int>& roles, const Locator& at,
                           std::string_view field, const std::string& what, bool required) {
  if (required && roles.empty()) {
    Error(at.line(), fmt::format("{} names no roles ({})", what, field));
  }
  std::set<int> seen;
  for (int i = 0; i < roles.size(); ++i) {
    const int r = roles[i];
    if (r == v1::ROLE_UNSPECIFIED || !v1::Role_IsValid(r)) {
      Error(at.Line(field, i), fmt::format("{}: unknown role {}", what, RoleName(r)));
    } else if (!seen.insert(r).second) {
      Error(at.Line(field, i), fmt::format("{}: {} is listed twice", what, RoleName(r)));
    }
  }
}

std::optional<minutes> Validator::CheckDayRule(const v1::DayRule& rule, const Locator& at,
                                               const std::string& what) {
  switch (rule.rule_case()) {
    case v1::DayRule::kWeek:
      if (rule.week() < 1 || rule.week() > kMaxWeek) {
        Error(at.Line("week"),
              fmt::format("{}: week {} must be between 1 and {}", what, rule.week(), kMaxWeek));
      }
      break;
    case v1::DayRule::kAfterPeriodEnd: {
      const Locator count = at.In("after_period_end");
      const auto& c = rule.after_period_end();
      CheckKind(c.kind(), count, what);
      const bool working = c.kind() == v1::DAY_KIND_WORKING;
      const int min = working ? 1 : 0;
      const int max = working ? kMaxWorkingDays : kMaxCalendarDays;
      if (c.days() < min || c.days() > max) {
        Error(count.Line("days"), fmt::format("{}: after_period_end days {} must be between {} "
                                              "and {}",
                                              what, c.days(), min, max));
      }
      break;
    }
    case v1::DayRule::kDayOfMonth: {
      const Locator dom_at = at.In("day_of_month");
      const auto& dom = rule.day_of_month();
      switch (dom.which_month_case()) {
        case v1::DayRule::DayOfMonth::kMonthsAfter:
          if (dom.months_after() < 0 || dom.months_after() > kMaxMonthsAfter) {
            Error(dom_at.Line("months_after"),
                  fmt::format("{}: months_after {} must be between 0 and {}", what,
                              dom.months_after(), kMaxMonthsAfter));
          }
          break;
        case v1::DayRule::DayOfMonth::kMonth:
          if (dom.month() == v1::MONTH_UNSPECIFIED || !v1::Month_IsValid(dom.month())) {
            Error(dom_at.Line("month"),
                  fmt::format("{}: {} is not a month", what, MonthName(dom.month())));
          }
          break;
        case v1::DayRule::DayOfMonth::WHICH_MONTH_NOT_SET:
          Error(dom_at.line(), fmt::format("{}: day_of_month needs months_after or month", what));
          break;
      }
      CheckKind(dom.kind(), dom_at, what);
      const int max = dom.kind() == v1::DAY_KIND_WORKING ? kMaxWorkingDayOfMonth : 31;
      if (dom.day() == 0 || dom.day() > max || dom.day() < -max) {
        Error(dom_at.Line("day"),
              fmt::format("{}: day {} must be 1 to {} (from the month's start) or -1 to -{} "
                          "(from its end)",
                          what, dom.day(), max, max));
      }
      break;
    }
    case v1::DayRule::RULE_NOT_SET:
      Error(at.line(),
            fmt::format("{} needs a rule: week, after_period_end or day_of_month", what));
      break;
  }
  if (rule.at().empty()) return std::nullopt;
  std::optional<minutes> t = internal::ParseTimeOfDay(rule.at());
  if (!t) {
    Error(at.Line("at"), fmt::format("{}: at '{}' is not a time of day; use HH:MM (00:00 to "
                                     "23:59)",
                                     what, rule.at()));
  }
  return t;
}

void Validator::CheckCompletion(const v1::StageDefinition& stage, const Locator& at) {
  const std::string what = fmt::format("stage '{}'", stage.id());
  const Locator rule = at.In("complete_when");
  const v1::CompletionRule& c = stage.complete_when();
  switch (c.rule_case()) {
    case v1::CompletionRule::kAllFiguresSignedOff: {
      const v1::SignOffLevel level = c.all_figures_signed_off().level();
      if (level == v1::SIGN_OFF_LEVEL_UNSPECIFIED || !v1::SignOffLevel_IsValid(level)) {
        Error(rule.In("all_figures_signed_off").Line("level"),
              fmt::format("{}: all_figures_signed_off needs its level (SIGN_OFF_LEVEL_SERVICE, "
                          "_DIRECTORATE, _CORPORATE_VERIFICATION or _PARTNERSHIP)",
                          what));
      }
      break;
    }
    case v1::CompletionRule::kClosedByRole: {
      const v1::Role role = c.closed_by_role().role();
      if (role == v1::ROLE_UNSPECIFIED || !v1::Role_IsValid(role)) {
        Error(rule.In("closed_by_role").Line("role"),
              fmt::format("{}: closed_by_role needs its role", what));
      }
      break;
    }
    case v1::CompletionRule::kFindingsAnswered:
      if (stage.challenge_stage() == v1::CHALLENGE_STAGE_UNSPECIFIED) {
        Error(rule.Line("findings_answered"),
              fmt::format("{}: findings_answered needs the stage's challenge_stage (which "
                          "findings it waits for)",
                          what));
      }
      break;
    case v1::CompletionRule::kAllFiguresSubmitted:
    case v1::CompletionRule::kReviewMeetingRecorded:
    case v1::CompletionRule::kPriorityRatingsRecorded:
      break;
    case v1::CompletionRule::RULE_NOT_SET:
      Error(at.Line("complete_when"),
            fmt::format("{} needs complete_when: all_figures_submitted, all_figures_signed_off, "
                        "review_meeting_recorded, findings_answered, closed_by_role or "
                        "priority_ratings_recorded",
                        what));
      break;
  }
}

void Validator::CheckStage(int i, Workflow::CompiledStage* compiled) {
  const v1::StageDefinition& stage = def_.stages(i);
  const Locator at = root_.In("stages", i);
  const std::string what = fmt::format("stage '{}'", stage.id());
  if (!IsLowerId(stage.id(), "_")) {
    Error(at.Line("id"), fmt::format("stage id '{}' must be lower-case letters, digits and '_', "
                                     "starting with a letter",
                                     stage.id()));
  }
  if (stage.title().empty()) Error(at.Line("title"), what + " needs a title");

  const Locator occurs = at.In("occurs");
  std::set<int> seen;
  for (int m = 0; m < stage.occurs().period_end_months_size(); ++m) {
    const int month = stage.occurs().period_end_months(m);
    if (!seen.insert(month).second) {
      Error(occurs.Line("period_end_months", m),
            fmt::format("{}: {} is listed twice", what, MonthName(month)));
    } else if (!CycleEndsIn(month)) {
      Error(occurs.Line("period_end_months", m),
            fmt::format("{} can never occur in {}: no cycle period ends then", what,
                        MonthName(month)));
    }
  }

  if (stage.has_opens())
    compiled->opens_at = CheckDayRule(stage.opens(), at.In("opens"), what + " opens");
  if (!stage.has_due()) {
    Error(at.line(), what + " needs a due rule");
  } else {
    compiled->due_at = CheckDayRule(stage.due(), at.In("due"), what + " due");
  }
  CheckCompletion(stage, at);
  CheckRoles(stage.responsible(), at, "responsible", what, /*required=*/true);

  std::set<std::pair<int, int>> reminder_offsets;
  for (int r = 0; r < stage.reminders_size(); ++r) {
    const v1::StageDefinition::Reminder& reminder = stage.reminders(r);
    const Locator rem = at.In("reminders", r);
    const std::string rwhat = fmt::format("{} reminder {}", what, r + 1);
    CheckKind(reminder.kind(), rem, rwhat);
    if (reminder.days_before() < 1) {
      Error(rem.Line("days_before"),
            fmt::format("{} falls on or after its due date: days_before is {}, and must be 1 or "
                        "more",
                        rwhat, reminder.days_before()));
    } else if (reminder.days_before() > kMaxCalendarDays) {
      Error(rem.Line("days_before"), fmt::format("{}: days_before {} is more than {}", rwhat,
                                                 reminder.days_before(), kMaxCalendarDays));
    } else if (!reminder_offsets.emplace(reminder.days_before(), reminder.kind()).second) {
      Error(rem.Line("days_before"), fmt::format("{} repeats an earlier reminder", rwhat));
    }
    CheckRoles(reminder.roles(), rem, "roles", rwhat, /*required=*/false);
  }

  for (int l = 0; l < stage.escalation_ladders_size(); ++l) {
    const std::string& id = stage.escalation_ladders(l);
    const int line = at.Line("escalation_ladders", l);
    auto it = ladder_index_.find(id);
    if (it == ladder_index_.end()) {
      Error(line, fmt::format("{} names escalation ladder '{}', which the workflow does not "
                              "define",
                              what, id));
      continue;
    }
    int* slot = def_.escalation_ladders(it->second).partnership() ? &compiled->partnership_ladder
                                                                  : &compiled->ladder;
    if (*slot >= 0) {
      Error(line, fmt::format("{} names two {} ladders ('{}' and '{}'); a stage has at most one "
                              "ordinary and one partnership ladder",
                              what, slot == &compiled->ladder ? "ordinary" : "partnership",
                              def_.escalation_ladders(*slot).id(), id));
    } else {
      *slot = it->second;
    }
  }
}

// Resolves the stage in every period the validator covers and refuses it when it falls due
// before it opens in any of them.
void Validator::CheckOrder(int i, const Workflow::CompiledStage& compiled) {
  const Result<Calendar>& calendar = WeekendsOnly();
  if (!calendar) {
    Error(root_.line(), calendar.error().message);
    return;
  }
  const v1::StageDefinition& stage = def_.stages(i);
  const Locator at = root_.In("stages", i);
  const v1::Frequency frequency = def_.cadence().frequency();
  for (Period p = Period::Containing(frequency, date::year(kCheckFirstFiscalYear) / 4 / 1);
       p.fiscal_year() <= kCheckLastFiscalYear; p = p.Next()) {
    const int month = static_cast<int>(EndMonth(p));
    if (!CycleEndsIn(month)) continue;
    if (!stage.occurs().period_end_months().empty() &&
        !Contains(stage.occurs().period_end_months(), month)) {
      continue;
    }
    const LocalDay end = p.end();
    internal::DaySpan opens{end + date::days(1), end + date::days(1)};
    if (stage.has_opens()) {
      auto span = internal::ResolveDayRule(stage.opens(), end, *calendar);
      if (!span) {
        Error(at.In("opens").line(), fmt::format("stage '{}' opens: {} (in {})", stage.id(),
                                                 span.error().message, p.id()));
        return;
      }
      opens = *span;
    }
    auto due = internal::ResolveDayRule(stage.due(), end, *calendar);
    if (!due) {
      Error(at.In("due").line(),
            fmt::format("stage '{}' due: {} (in {})", stage.id(), due.error().message, p.id()));
      return;
    }
    // Compare local (day, minute) pairs: the end of a day is minute 1440.
    const auto open_at = std::pair(opens.first, compiled.opens_at.value_or(minutes(0)));
    const auto due_at = std::pair(due->last, compiled.due_at.value_or(minutes(24 * 60)));
    if (due_at < open_at) {
      auto show = [](const std::pair<LocalDay, minutes>& t, bool given) {
        std::string s = date::format("%F", t.first);
        if (given) s += fmt::format(" {:02}:{:02}", t.second.count() / 60, t.second.count() % 60);
        return s;
      };
      Error(at.In("due").line(),
            fmt::format("stage '{}' falls due before it opens (in {} it opens {} and falls due "
                        "{})",
                        stage.id(), p.id(), show(open_at, compiled.opens_at.has_value()),
                        show(due_at, compiled.due_at.has_value())));
      return;
    }
  }
}

}  // namespace

void ValidateWorkflow(const goldthread::v1::WorkflowDefinition& def,
                      const google::protobuf::TextFormat::ParseInfoTree& tree,
                      std::string_view file, std::vector<std::string>* errors,
                      std::vector<Workflow::CompiledStage>* stages,
                      std::chrono::minutes* notice_time) {
  Validator(def, tree, file, errors).Run(stages, notice_time);
}

}  // namespace goldthread::engine::internal
