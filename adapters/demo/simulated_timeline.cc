#include "adapters/demo/simulated_timeline.h"

#include <fmt/format.h>

#include <algorithm>
#include <utility>

namespace goldthread::adapters {

void SimulatedTimeline::Plan(TimePoint at, std::string what, std::function<Status()> run) {
  actions_.push_back({at, static_cast<int>(actions_.size()), std::move(what), std::move(run)});
}

Status SimulatedTimeline::Run(engine::Scheduler& scheduler, SimulatedClock& clock, TimePoint end,
                              const std::function<std::string(TimePoint)>& when) {
  std::vector<Action> actions = std::move(actions_);
  actions_.clear();
  std::stable_sort(actions.begin(), actions.end(), [](const Action& a, const Action& b) {
    return a.at != b.at ? a.at < b.at : a.order < b.order;
  });
  for (Action& a : actions) {
    if (a.at > end) break;
    if (a.at > clock.Now()) {
      if (auto r = scheduler.AdvanceTo(&clock, a.at); !r) return Unexpected(r.error());
    }
    if (auto s = a.run(); !s) {
      return MakeError(s.error().code,
                       fmt::format("{} {}: {}", a.what, when(a.at), s.error().message));
    }
  }
  if (auto r = scheduler.AdvanceTo(&clock, end); !r) return Unexpected(r.error());
  return OkStatus();
}

}  // namespace goldthread::adapters
