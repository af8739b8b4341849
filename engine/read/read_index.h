// ReadIndex: the projections the read models query, kept together by one ProjectionRunner —
// StreamIndex (where each figure's, finding's and cycle's events are) and CouncilHistory (the
// reference data's events by the thing they are about).
//
// Threading: not synchronised; the runner's lock guards it (see projection_runner.h).
#ifndef GOLDTHREAD_ENGINE_READ_READ_INDEX_H_
#define GOLDTHREAD_ENGINE_READ_READ_INDEX_H_

#include <string>
#include <vector>

#include "engine/read/council_history.h"
#include "engine/projection/projection.h"
#include "engine/projection/stream_index.h"

namespace goldthread::engine {

class ReadIndex final : public ProjectionSet {
 public:
  // `name`: where the runner records the active generation; another name keeps a second,
  // independent copy in the same store.
  explicit ReadIndex(const std::string& tenant, std::string name = "read-index")
      : name_(std::move(name)), streams_(tenant), council_(tenant) {}

  std::string_view name() const override { return name_; }
  std::vector<Projection*> projections() override { return {&streams_, &council_}; }
  const StreamIndex& streams() const { return streams_; }
  const CouncilHistory& council() const { return council_; }

 private:
  const std::string name_;
  StreamIndex streams_;
  CouncilHistory council_;
};

}  // namespace goldthread::engine

#endif  // GOLDTHREAD_ENGINE_READ_READ_INDEX_H_
