// Assurance trail: what the Audit Committee is given for a period (and optionally one
// directorate) to show that every figure was assured — by whom, when, under which role, on whose
// behalf — and that the log it was computed from is intact.
//
// For every figure of the period (each live indicator's periods that lie within it; a figure
// never submitted is listed as such): the sign-off chain; four-eyes compliance, computed from
// the log by checking that no sign-off was given by the author of the version it signed (nor on
// that author's behalf); amendments after sign-off, rejections and restatements with their
// reasons; data-quality queries and answers; the challenge findings raised about it, answered,
// overdue or closed; each escalation chain and how it ended ("done at ... after rung 2" or
// "still outstanding after rung 3"); reminders; lock and publication. With it, the log's
// verification (store Verify up to the trail's position) and the hash of the record at that
// position: the seal a reader can check the trail against later.
//
//   auto trail = BuildAssuranceTrail(snapshot, "FY2011-Q2", "", verification, now);
//   std::string csv = TrailToCsv(*trail);  // trail_export.h
//
// Pure function of the snapshot and the verification given; thread-safe as the snapshot is.
#ifndef GOLDTHREAD_ENGINE_READ_ASSURANCE_TRAIL_H_
#define GOLDTHREAD_ENGINE_READ_ASSURANCE_TRAIL_H_

#include <string_view>

#include "engine/read/log_snapshot.h"
#include "goldthread/v1/read_models.pb.h"
#include "store/base/clock.h"

namespace goldthread::engine {

// `directorate_id` empty: the whole council. `evaluated_at`: the instant findings are judged
// overdue against (the snapshot's time for a trail of the past). InvalidArgument for a
// malformed period; NotFound for an unknown directorate.
Result<goldthread::v1::AssuranceTrail> BuildAssuranceTrail(
    const LogSnapshot& snapshot, std::string_view period, std::string_view directorate_id,
    const goldthread::v1::TrailVerification& verification, TimePoint evaluated_at);

// Verifies the log from position 1 to `position` and seals it with the hash of the record there.
Result<goldthread::v1::TrailVerification> VerifyForTrail(const store::EventStore& store,
                                                         uint64_t position);

}  // namespace goldthread::engine

#endif  // GOLDTHREAD_ENGINE_READ_ASSURANCE_TRAIL_H_
