// Position lists in persisted projection state: increasing log positions, delta-encoded in a
// goldthread.v1.PositionList (the first absolute, then differences). Private to engine/.
// Pure functions; thread-safe.
#ifndef GOLDTHREAD_ENGINE_PROJECTION_INTERNAL_POSITION_LIST_H_
#define GOLDTHREAD_ENGINE_PROJECTION_INTERNAL_POSITION_LIST_H_

#include <cstdint>
#include <vector>

#include "goldthread/v1/projection_state.pb.h"
#include "store/base/errors.h"

namespace goldthread::engine::internal {

void EncodePositions(const std::vector<uint64_t>& positions, goldthread::v1::PositionList* out);
// DataLoss when the list is not strictly increasing (a damaged projection: rebuild it).
Status DecodePositions(const goldthread::v1::PositionList& in, std::vector<uint64_t>* out);

}  // namespace goldthread::engine::internal

#endif  // GOLDTHREAD_ENGINE_PROJECTION_INTERNAL_POSITION_LIST_H_
