#include "engine/model/event_summary.h"

#include <date/date.h>
#include <date/tz.h>
#include <fmt/format.h>
#include <google/protobuf/util/time_util.h>

#include <vector>

#include "engine/model/authority.h"

namespace goldthread::engine {

namespace v1 = goldthread::v1;

namespace {

std::string Levels(const google::protobuf::RepeatedField<int>& levels) {
  std::string out;
  for (int l : levels) {
    if (!out.empty()) out += ", ";
    out += LevelName(static_cast<v1::SignOffLevel>(l));
  }
  return out;
}

std::string Lapsed(const google::protobuf::RepeatedField<int>& levels) {
  if (levels.empty()) return "";
  return fmt::format("; {} sign-off{} lapsed", Levels(levels), levels.size() == 1 ? "" : "s");
}

std::string People(const google::protobuf::RepeatedPtrField<std::string>& ids) {
  std::string out;
  for (const std::string& id : ids) {
    if (!out.empty()) out += ", ";
    out += id;
  }
  return out.empty() ? "nobody" : out;
}

std::string StageName(v1::ChallengeStage stage) {
  switch (stage) {
    case v1::CHALLENGE_STAGE_SERVICE_REVIEW:
      return "service review";
    case v1::CHALLENGE_STAGE_CORPORATE_REVIEW:
      return "corporate review";
    case v1::CHALLENGE_STAGE_SCRUTINY:
      return "scrutiny";
    case v1::CHALLENGE_STAGE_AUDIT:
      return "audit";
    case v1::CHALLENGE_STAGE_INITIAL_DIAGNOSTIC:
      return "initial diagnostic";
    case v1::CHALLENGE_STAGE_CAUSE_AND_EFFECT:
      return "cause and effect";
    case v1::CHALLENGE_STAGE_PERFORMANCE_CLINIC:
      return "performance clinic";
    default:
      return "unspecified stage";
  }
}

std::string SeverityName(v1::Severity severity) {
  switch (severity) {
    case v1::SEVERITY_LOW:
      return "low";
    case v1::SEVERITY_MEDIUM:
      return "medium";
    case v1::SEVERITY_HIGH:
      return "high";
    default:
      return "unspecified";
  }
}

std::string Deadline(const v1::DeadlineRef& d) {
  std::string out = d.stage_id().empty() ? "" : fmt::format("stage {}", d.stage_id());
  if (d.has_due_at()) {
    out +=
        fmt::format("{}due {}", out.empty() ? "" : ", ", FormatLondonTime(ToTimePoint(d.due_at())));
  }
  return out;
}

}  // namespace

TimePoint ToTimePoint(const google::protobuf::Timestamp& ts) {
  return TimePoint(std::chrono::seconds(ts.seconds()) +
                   std::chrono::microseconds(ts.nanos() / 1000));
}

google::protobuf::Timestamp TimestampOf(TimePoint t) {
  const int64_t us = t.time_since_epoch().count();
  int64_t seconds = us / 1'000'000;
  int64_t micros = us % 1'000'000;
  if (micros < 0) {
    micros += 1'000'000;
    --seconds;
  }
  google::protobuf::Timestamp ts;
  ts.set_seconds(seconds);
  ts.set_nanos(static_cast<int32_t>(micros * 1000));
  return ts;
}

std::string FormatLondonTime(TimePoint t) {
  static const date::time_zone* const london = date::locate_zone("Europe/London");
  const auto zoned =
      date::make_zoned(london, std::chrono::time_point_cast<std::chrono::minutes>(t));
  return date::format("%F %H:%M %Z", zoned);
}

std::string FormatDuration(int64_t seconds) {
  if (seconds < 0) seconds = -seconds;
  const int64_t days = seconds / 86400, hours = (seconds % 86400) / 3600,
                minutes = (seconds % 3600) / 60;
  if (days > 0) return fmt::format("{}d {}h", days, hours);
  if (hours > 0) return fmt::format("{}h", hours);
  return fmt::format("{}m", minutes);
}

std::string_view ShortTypeName(std::string_view type) {
  constexpr std::string_view kPrefix = "goldthread.v1.";
  if (type.substr(0, kPrefix.size()) == kPrefix) type.remove_prefix(kPrefix.size());
  return type;
}

std::string FormatNumber(double value, std::optional<uint32_t> decimal_places) {
  if (decimal_places) return fmt::format("{:.{}f}", value, *decimal_places);
  return fmt::format("{}", value);
}

std::string FormatFigureValue(const v1::FigureValue& value,
                              std::optional<uint32_t> decimal_places) {
  switch (value.kind_case()) {
    case v1::FigureValue::kValue:
      return FormatNumber(value.value(), decimal_places);
    case v1::FigureValue::kNotAvailableReason:
      return fmt::format("not available ({})", value.not_available_reason());
    case v1::FigureValue::KIND_NOT_SET:
      break;
  }
  return "";
}

EventSummary SummariseEvent(const v1::Event& event, std::optional<uint32_t> dp) {
  EventSummary s;
  switch (event.body_case()) {
    case v1::Event::kFigureSubmitted: {
      const auto& e = event.figure_submitted();
      s.figure_version = e.figure_version();
      s.summary = fmt::format("submitted {} (version {})", FormatFigureValue(e.value(), dp),
                              e.figure_version());
      s.reason = e.commentary();
      break;
    }
    case v1::Event::kFigureAmended: {
      const auto& e = event.figure_amended();
      s.figure_version = e.figure_version();
      s.summary = fmt::format("amended to {} (version {}){}", FormatFigureValue(e.value(), dp),
                              e.figure_version(), Lapsed(e.lapsed_levels()));
      s.reason = e.reason();
      break;
    }
    case v1::Event::kFigureSignedOff: {
      const auto& e = event.figure_signed_off();
      s.figure_version = e.figure_version();
      s.summary = fmt::format("signed off at {} level (version {}) as {}{}", LevelName(e.level()),
                              e.figure_version(), RoleName(e.role()),
                              e.on_behalf_of_person_id().empty()
                                  ? ""
                                  : fmt::format(" on behalf of {}", e.on_behalf_of_person_id()));
      s.reason = e.comment();
      break;
    }
    case v1::Event::kFigureRejected: {
      const auto& e = event.figure_rejected();
      s.figure_version = e.figure_version();
      s.summary = fmt::format("sent back at {} level (version {}){}", LevelName(e.level()),
                              e.figure_version(), Lapsed(e.lapsed_levels()));
      s.reason = e.reason();
      break;
    }
    case v1::Event::kDataQualityQueryRaised: {
      const auto& e = event.data_quality_query_raised();
      s.figure_version = e.figure_version();
      s.summary = fmt::format("data-quality query {} raised (version {})", e.query_id(),
                              e.figure_version());
      s.reason = e.question();
      break;
    }
    case v1::Event::kDataQualityQueryAnswered:
      s.summary = fmt::format("data-quality query {} answered",
                              event.data_quality_query_answered().query_id());
      s.reason = event.data_quality_query_answered().answer();
      break;
    case v1::Event::kFigureLocked: {
      const auto& e = event.figure_locked();
      s.figure_version = e.figure_version();
      s.summary =
          fmt::format("locked: reported to {} (version {})",
                      e.reported_to().empty() ? "committee" : e.reported_to(), e.figure_version());
      break;
    }
    case v1::Event::kFigureRestated: {
      const auto& e = event.figure_restated();
      s.figure_version = e.figure_version();
      s.summary = fmt::format(
          "restated from {} to {} (version {}){}", FormatFigureValue(e.previous_value(), dp),
          FormatFigureValue(e.value(), dp), e.figure_version(), Lapsed(e.lapsed_levels()));
      s.reason = e.reason();
      break;
    }
    case v1::Event::kFigurePublished:
      s.figure_version = event.figure_published().figure_version();
      s.summary = fmt::format("published (version {})", s.figure_version);
      break;
    case v1::Event::kReminderIssued: {
      const auto& e = event.reminder_issued();
      s.summary =
          fmt::format("reminder: {} ({}) to {}{}", e.outstanding(), Deadline(e.deadline()),
                      People(e.recipient_person_ids()),
                      e.late_by_seconds() > 0
                          ? fmt::format(", sent {} late", FormatDuration(e.late_by_seconds()))
                          : "");
      break;
    }
    case v1::Event::kEscalationRaised: {
      const auto& e = event.escalation_raised();
      s.summary =
          fmt::format("escalation {} rung {}: {} ({}), overdue by {}, to {}", e.escalation_id(),
                      e.rung(), e.outstanding(), Deadline(e.deadline()),
                      FormatDuration(e.overdue_by_seconds()), People(e.recipient_person_ids()));
      break;
    }
    case v1::Event::kEscalationAcknowledged:
      s.summary = fmt::format("escalation {} acknowledged",
                              event.escalation_acknowledged().escalation_id());
      s.reason = event.escalation_acknowledged().comment();
      break;
    case v1::Event::kChallengeFindingRaised: {
      const auto& e = event.challenge_finding_raised();
      s.summary = fmt::format("finding {} raised at {} ({} severity); owner {}, due {}",
                              e.finding_id(), StageName(e.stage()), SeverityName(e.severity()),
                              e.owner_person_id(), e.due().iso());
      s.reason = e.action_required().empty()
                     ? e.finding()
                     : fmt::format("{} Action required: {}", e.finding(), e.action_required());
      break;
    }
    case v1::Event::kChallengeFindingResponded:
      s.summary = "finding answered";
      s.reason = event.challenge_finding_responded().response();
      break;
    case v1::Event::kChallengeFindingAccepted:
      s.summary = "response accepted";
      s.reason = event.challenge_finding_accepted().comment();
      break;
    case v1::Event::kChallengeFindingReopened:
      s.summary = "finding re-opened";
      s.reason = event.challenge_finding_reopened().reason();
      break;
    case v1::Event::kChallengeFindingClosed:
      s.summary = "finding closed";
      s.reason = event.challenge_finding_closed().evidence();
      break;
    case v1::Event::kNotificationAttempted: {
      const auto& e = event.notification_attempted();
      const bool ok = e.outcome() == v1::NOTIFICATION_OUTCOME_DELIVERED;
      s.summary = fmt::format("notification {} to {}, attempt {}: {}", e.delivery_id(),
                              e.recipient(), e.attempt(), ok ? "delivered" : "failed");
      s.reason = e.error();
      break;
    }
    case v1::Event::kInvitationIssued:
      s.summary = fmt::format("{} invited to set a password", event.invitation_issued().person_id());
      break;
    case v1::Event::kPasswordSet:
      s.summary = fmt::format("{} set a password", event.password_set().person_id());
      break;
    case v1::Event::kSignedIn:
      s.summary = fmt::format("{} signed in from {}", event.signed_in().person_id(),
                              event.signed_in().remote_address());
      break;
    case v1::Event::kSignedOut: {
      const auto& e = event.signed_out();
      const char* why = e.reason() == v1::SIGN_OUT_REASON_IDLE      ? " (idle timeout)"
                        : e.reason() == v1::SIGN_OUT_REASON_EXPIRED ? " (session lifetime)"
                                                                    : "";
      s.summary = fmt::format("{} signed out{}", e.person_id(), why);
      break;
    }
    case v1::Event::kSignInFailed: {
      const auto& e = event.sign_in_failed();
      s.summary = fmt::format("failed sign-in as {} from {}", e.email(), e.remote_address());
      s.reason = e.reason();
      break;
    }
    case v1::Event::kSimulatedClockMoved: {
      const auto& e = event.simulated_clock_moved();
      s.summary = fmt::format("simulated clock moved from {} to {}",
                              google::protobuf::util::TimeUtil::ToString(e.from()),
                              google::protobuf::util::TimeUtil::ToString(e.to()));
      break;
    }
    case v1::Event::kNotificationAbandoned: {
      const auto& e = event.notification_abandoned();
      s.summary = fmt::format("notification {} to {} abandoned after {} attempts",
                              e.delivery_id(), e.recipient(), e.attempts());
      s.reason = e.last_error();
      break;
    }
    case v1::Event::BODY_NOT_SET:
      s.summary = "payload redacted";
      break;
    default: {
      const auto* oneof = v1::Event::descriptor()->FindOneofByName("body");
      const auto* field = event.GetReflection()->GetOneofFieldDescriptor(event, oneof);
      s.summary = field == nullptr ? "event" : field->message_type()->name();
      break;
    }
  }
  return s;
}

}  // namespace goldthread::engine
