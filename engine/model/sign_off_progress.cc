#include "engine/model/sign_off_progress.h"

#include <fmt/format.h>

#include "engine/model/authority.h"

namespace goldthread::engine {

SignOffLevels DefaultSignOffLevels() {
  return {goldthread::v1::SIGN_OFF_LEVEL_SERVICE, goldthread::v1::SIGN_OFF_LEVEL_DIRECTORATE,
          goldthread::v1::SIGN_OFF_LEVEL_CORPORATE_VERIFICATION,
          goldthread::v1::SIGN_OFF_LEVEL_PARTNERSHIP};
}

namespace v1 = goldthread::v1;

SignOffLevels RequiredSignOffLevels(const v1::IndicatorDefinition& definition,
                                    const SignOffLevels& council_levels) {
  SignOffLevels out;
  for (v1::SignOffLevel level : council_levels) {
    if (level == v1::SIGN_OFF_LEVEL_PARTNERSHIP && definition.partnership_unit_id().empty()) {
      continue;
    }
    out.push_back(level);
  }
  return out;
}

SignOffLevels MissingSignOffLevels(const FigureState& state,
                                   const v1::IndicatorDefinition& definition,
                                   const SignOffLevels& council_levels) {
  SignOffLevels out;
  for (v1::SignOffLevel level : RequiredSignOffLevels(definition, council_levels)) {
    if (!state.HasSignOff(level)) out.push_back(level);
  }
  return out;
}

std::string SignOffState(const FigureState& state, const v1::IndicatorDefinition& definition,
                         const SignOffLevels& council_levels) {
  if (!state.submitted()) return "not submitted";
  std::string out;
  if (state.rejected) {
    out = fmt::format("sent back: {}", state.rejection_reason);
  } else {
    const SignOffLevels missing = MissingSignOffLevels(state, definition, council_levels);
    v1::SignOffLevel highest = v1::SIGN_OFF_LEVEL_UNSPECIFIED;
    for (const auto& [level, sign_off] : state.sign_offs) {
      highest = std::max(highest, static_cast<v1::SignOffLevel>(level));
    }
    if (missing.empty()) {
      out = "signed off";
    } else if (highest == v1::SIGN_OFF_LEVEL_UNSPECIFIED) {
      out = fmt::format("awaiting {} sign-off", LevelName(missing.front()));
    } else {
      out = fmt::format("signed off at {} level; awaiting {} sign-off", LevelName(highest),
                        LevelName(missing.front()));
    }
  }
  if (state.locked) {
    out += state.reported_to.empty() ? "; locked" : fmt::format("; locked ({})", state.reported_to);
  }
  if (state.published_version != 0 && state.published_version == state.figure_version) {
    out += "; published";
  }
  return out;
}

}  // namespace goldthread::engine
