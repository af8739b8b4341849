#include "engine/model/rag.h"

#include <cmath>

namespace goldthread::engine {

namespace v1 = goldthread::v1;

v1::Rag RateAgainstTarget(v1::Polarity polarity, const v1::Tolerance& amber_tolerance,
                          std::optional<double> value, std::optional<double> target) {
  if (!value) return v1::RAG_GREY;
  if (!target) return v1::RAG_NOT_RATED;
  // How far the value falls short of the target on the bad side (<= 0: met).
  const double miss =
      polarity == v1::POLARITY_LOWER_IS_BETTER ? *value - *target : *target - *value;
  // Compare with a small epsilon so that 92.1 against 92.1 computed differently still meets.
  constexpr double kEpsilon = 1e-9;
  if (miss <= kEpsilon) return v1::RAG_GREEN;
  double band = 0;
  switch (amber_tolerance.kind_case()) {
    case v1::Tolerance::kAbsolute:
      band = std::abs(amber_tolerance.absolute());
      break;
    case v1::Tolerance::kPercent:
      band = std::abs(*target) * std::abs(amber_tolerance.percent()) / 100.0;
      break;
    case v1::Tolerance::KIND_NOT_SET:
      break;
  }
  return miss <= band + kEpsilon ? v1::RAG_AMBER : v1::RAG_RED;
}

const char* RagName(v1::Rag rag) {
  switch (rag) {
    case v1::RAG_GREEN:
      return "green";
    case v1::RAG_AMBER:
      return "amber";
    case v1::RAG_RED:
      return "red";
    case v1::RAG_GREY:
      return "grey";
    case v1::RAG_NOT_RATED:
      return "not rated";
    default:
      return "unspecified";
  }
}

}  // namespace goldthread::engine
