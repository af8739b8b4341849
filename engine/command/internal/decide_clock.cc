// The simulated clock (`serve --simulate`): moving it is an action of the authority table
// (kMoveClock: performance team or admin on the council), and each move is an event naming who
// moved it, from and to, so the trail shows who made a simulated deadline pass.
#include <fmt/format.h>
#include <google/protobuf/util/time_util.h>

#include "engine/command/internal/decide.h"
#include "engine/model/authority.h"

namespace goldthread::engine::internal {

namespace v1 = goldthread::v1;
namespace pbutil = google::protobuf::util;

Result<Decision> DecideClock(const DecideContext& c, const v1::Command& command) {
  if (command.body_case() != v1::Command::kMoveSimulatedClock) {
    return MakeError(ErrorCode::kInternal, "not a clock command");
  }
  const auto& cmd = command.move_simulated_clock();
  // Authority first: who may not move the clock learns nothing from its validation.
  if (auto a = Authorize(c.model, c.command.actor, {Action::kMoveClock}, c.model.council_id(),
                         c.today);
      !a) {
    return Unexpected(a.error());
  }
  if (!cmd.has_to()) return InvalidField("to", "say when to move the clock to");
  const int64_t now_us =
      std::chrono::duration_cast<std::chrono::microseconds>(c.now.time_since_epoch()).count();
  if (pbutil::TimeUtil::TimestampToMicroseconds(cmd.to()) < now_us) {
    return InvalidField("to", "the simulated clock only moves forward");
  }
  return One([&](v1::Event& e) {
    auto* m = e.mutable_simulated_clock_moved();
    *m->mutable_from() = pbutil::TimeUtil::MicrosecondsToTimestamp(now_us);
    *m->mutable_to() = cmd.to();
  });
}

}  // namespace goldthread::engine::internal
