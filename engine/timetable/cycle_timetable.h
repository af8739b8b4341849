// CycleTimetable: one cycle's stages with their instants resolved — what the scheduler drives.
//
// A workflow definition (workflows/*.textproto) says when stages open and fall due relative to
// a period's end, in local time and working days; resolving it for one period against the
// calendar gives this value: every stage's open and due instants (UTC), its reminders and its
// escalation ladder as instants, what completes it and who is responsible. It is a pure
// function of (workflow, period, calendar), so timers are never stored: they are recomputed.
//
// A plain value type; thread-safe as values are.
#ifndef GOLDTHREAD_ENGINE_TIMETABLE_CYCLE_TIMETABLE_H_
#define GOLDTHREAD_ENGINE_TIMETABLE_CYCLE_TIMETABLE_H_

#include <cstdint>
#include <functional>
#include <string_view>
#include <string>
#include <vector>

#include "goldthread/v1/common.pb.h"
#include "store/base/clock.h"
#include "store/base/errors.h"

namespace goldthread::engine {

// What completes a stage.
enum class StageCompletion {
  kAllFiguresSubmitted,  // every in-scope figure submitted (a value or "not available")
  kAllFiguresSignedOff,  // every in-scope figure signed off at `level` (current version)
  kMeetingRecorded,      // a review meeting recorded for the stage, with its minutes reference
  kFindingsAnswered,     // every finding raised at `challenge_stage` about the cycle answered
  kClosedByRole,         // closed by a holder of `closing_role`
  // every priority owned by a partnership board (all priorities when none is) has its progress
  // summary and overall rating recorded for the cycle's period (Leeds 3.6)
  kPriorityRatingsRecorded,
};

struct TimedReminder {
  // Stable within the workflow ("5wd-before"): part of the reminder's idempotency key.
  std::string id;
  // For people: "5 working days before".
  std::string label;
  TimePoint at;
  // Who is reminded; empty means the stage's responsible roles.
  std::vector<goldthread::v1::Role> roles;
};

struct TimedRung {
  uint32_t rung = 0;  // 1-based
  TimePoint at;
  std::vector<goldthread::v1::Role> roles;
};

struct TimedStage {
  std::string id;
  std::string title;
  TimePoint opens_at;
  TimePoint due_at;
  StageCompletion completion = StageCompletion::kAllFiguresSubmitted;
  goldthread::v1::SignOffLevel level = goldthread::v1::SIGN_OFF_LEVEL_UNSPECIFIED;
  goldthread::v1::ChallengeStage challenge_stage = goldthread::v1::CHALLENGE_STAGE_UNSPECIFIED;
  goldthread::v1::Role closing_role = goldthread::v1::ROLE_UNSPECIFIED;
  // Who acts, and so who is reminded. For figure stages, role holders covering each figure's
  // owning unit (for partnership sign-off, the board); for the others, role holders anywhere
  // covering the council.
  std::vector<goldthread::v1::Role> responsible;
  std::vector<TimedReminder> reminders;  // ascending `at`
  std::vector<TimedRung> ladder;         // ascending `at`
  // For partnership escalations (Leeds 3.10): used instead of `ladder` for figures of
  // partnership indicators when not empty.
  std::vector<TimedRung> partnership_ladder;
};

struct CycleTimetable {
  std::string workflow_id;
  std::string period;
  // The figure periods the cycle collects (one per collected frequency, all ending when the
  // cycle period ends): "FY2011-Q2", "FY2011-M06".
  std::vector<std::string> figure_periods;
  std::vector<TimedStage> stages;
  // Four eyes across sign-off levels, as the workflow says.
  bool distinct_people_across_levels = true;
  // A figure red for this many consecutive periods raises a performance-clinic challenge
  // (Peterborough 3.7); 0 turns it off.
  int red_periods_for_clinic = 0;
  // SHA-256 of the workflow file the timetable came from (32 bytes).
  std::string workflow_sha256;
};

// Resolves a workflow for a period into its timetable (engine/workflow.h and the calendar do
// this in service). NotFound for an unknown workflow; InvalidArgument for a period that does not
// fit the workflow's cadence.
using TimetableProvider =
    std::function<Result<CycleTimetable>(std::string_view workflow_id, std::string_view period)>;

}  // namespace goldthread::engine

#endif  // GOLDTHREAD_ENGINE_TIMETABLE_CYCLE_TIMETABLE_H_
