#include "engine/projection/internal/position_list.h"

namespace goldthread::engine::internal {

void EncodePositions(const std::vector<uint64_t>& positions, goldthread::v1::PositionList* out) {
  out->clear_deltas();
  out->mutable_deltas()->Reserve(static_cast<int>(positions.size()));
  uint64_t previous = 0;
  for (uint64_t p : positions) {
    out->add_deltas(p - previous);
    previous = p;
  }
}

Status DecodePositions(const goldthread::v1::PositionList& in, std::vector<uint64_t>* out) {
  out->clear();
  out->reserve(in.deltas_size());
  uint64_t position = 0;
  for (uint64_t delta : in.deltas()) {
    if (delta == 0) {
      return MakeError(ErrorCode::kDataLoss,
                       "a persisted position list is not strictly increasing; rebuild the "
                       "projections");
    }
    position += delta;
    out->push_back(position);
  }
  return OkStatus();
}

}  // namespace goldthread::engine::internal
