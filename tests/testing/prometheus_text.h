// A strict parser of the Prometheus text exposition format 0.0.4, for tests of what
// adapters/metrics.h renders and of GET /metrics. Stricter than Prometheus itself where the
// renderer has no reason to differ: every family has HELP and TYPE before its samples, its
// samples are contiguous, no series appears twice, and each histogram series has ascending
// `le` buckets with non-decreasing counts ending in +Inf equal to its _count, and a _sum.
//
//   Result<ParsedExposition> parsed = ParsePrometheusText(metrics.Render());
//   ASSERT_TRUE(parsed) << parsed.error().message;
//   EXPECT_EQ(parsed->Value("requests_total", {{"route", "x"}}), 2);
//
// Threading: pure function; the result is a value.
#ifndef GOLDTHREAD_TESTS_TESTING_PROMETHEUS_TEXT_H_
#define GOLDTHREAD_TESTS_TESTING_PROMETHEUS_TEXT_H_

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "store/base/errors.h"

namespace goldthread::testing {

struct ParsedSample {
  std::string name;                           // as written, e.g. "x_bucket"
  std::map<std::string, std::string> labels;  // unescaped values
  double value = 0;
};

struct ParsedFamily {
  std::string name;
  std::string help;  // unescaped
  std::string type;  // counter, gauge, histogram, summary or untyped
  std::vector<ParsedSample> samples;
};

struct ParsedExposition {
  std::vector<ParsedFamily> families;
  // The family named `name`, or null.
  const ParsedFamily* Family(std::string_view name) const;
  // The value of the sample with exactly this name and label set, if present.
  std::optional<double> Value(std::string_view sample_name,
                              const std::map<std::string, std::string>& labels = {}) const;
};

// The parsed text, or kInvalidArgument whose message names the line and what is wrong.
Result<ParsedExposition> ParsePrometheusText(std::string_view text);

}  // namespace goldthread::testing

#endif  // GOLDTHREAD_TESTS_TESTING_PROMETHEUS_TEXT_H_
