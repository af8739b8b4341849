#include "engine/projection/projection.h"

#include "engine/model/event_codec.h"

namespace goldthread::engine {

Result<const goldthread::v1::Event*> EventView::event() const {
  if (!event_) {
    auto decoded = DecodeEvent(envelope_);
    if (!decoded) return Unexpected(decoded.error());
    event_ = std::move(*decoded);
  }
  return &*event_;
}

}  // namespace goldthread::engine
