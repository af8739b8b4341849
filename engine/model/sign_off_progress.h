// Sign-off progress: which levels a figure of an indicator must be signed off at (service,
// directorate, corporate verification, and partnership for a partnership indicator — the
// order decide_figure.cc enforces), and where the current version stands, in words a scorecard
// reader understands ("signed off at directorate level; awaiting corporate verification").
//
// Pure functions; thread-safe.
#ifndef GOLDTHREAD_ENGINE_MODEL_SIGN_OFF_PROGRESS_H_
#define GOLDTHREAD_ENGINE_MODEL_SIGN_OFF_PROGRESS_H_

#include <string>
#include <vector>

#include "engine/model/figure_state.h"
#include "goldthread/v1/domain.pb.h"

namespace goldthread::engine {

// `council_levels`: the levels the council's workflow signs off at (LogSnapshot::
// sign_off_levels); partnership applies only to partnership indicators.
using SignOffLevels = std::vector<goldthread::v1::SignOffLevel>;
// The levels a council signs off at when its workflow names none: service, directorate,
// corporate verification, partnership.
SignOffLevels DefaultSignOffLevels();
SignOffLevels RequiredSignOffLevels(const goldthread::v1::IndicatorDefinition& definition,
                                    const SignOffLevels& council_levels);
// Required levels the current version has not been signed off at, lowest first.
SignOffLevels MissingSignOffLevels(const FigureState& state,
                                   const goldthread::v1::IndicatorDefinition& definition,
                                   const SignOffLevels& council_levels);
// "not submitted", "sent back: <reason>", "awaiting service sign-off", "signed off at service
// level; awaiting directorate sign-off", "signed off", then "; locked (Cabinet ...)" and
// "; published" when they apply.
std::string SignOffState(const FigureState& state,
                         const goldthread::v1::IndicatorDefinition& definition,
                         const SignOffLevels& council_levels);

}  // namespace goldthread::engine

#endif  // GOLDTHREAD_ENGINE_MODEL_SIGN_OFF_PROGRESS_H_
