// RAG: the traffic-light rating of a figure against its target (Herefordshire 3.6).
//
//   GREEN      the target is met;
//   AMBER      missed, but within the indicator's amber tolerance (absolute units, or a
//              percentage of the target's size);
//   RED        missed by more than the tolerance;
//   GREY       no figure (missing, or declared not available);
//   NOT_RATED  a figure but no target for the period.
//
// Polarity decides which side of the target is a miss. A zero target with a percentage
// tolerance has a zero amber band. Pure functions, thread-safe.
#ifndef GOLDTHREAD_ENGINE_MODEL_RAG_H_
#define GOLDTHREAD_ENGINE_MODEL_RAG_H_

#include <optional>

#include "goldthread/v1/common.pb.h"
#include "goldthread/v1/domain.pb.h"

namespace goldthread::engine {

goldthread::v1::Rag RateAgainstTarget(goldthread::v1::Polarity polarity,
                                      const goldthread::v1::Tolerance& amber_tolerance,
                                      std::optional<double> value, std::optional<double> target);

// "green", "amber", "red", "grey", "not rated".
const char* RagName(goldthread::v1::Rag rag);

}  // namespace goldthread::engine

#endif  // GOLDTHREAD_ENGINE_MODEL_RAG_H_
