#include "adapters/http/metrics.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <thread>
#include <vector>

#include "tests/testing/prometheus_text.h"
#include "tests/testing/temp_dir.h"

namespace goldthread::adapters {
namespace {

using goldthread::testing::ParsedExposition;
using goldthread::testing::ParsePrometheusText;

ParsedExposition ParseOrFail(const std::string& text) {
  auto parsed = ParsePrometheusText(text);
  EXPECT_TRUE(parsed) << parsed.error().message << "\n" << text;
  return parsed ? *parsed : ParsedExposition{};
}

// A label value holding each character the format escapes.
const std::string kAwkward = "back\\slash \"quoted\"\nnew line";

void FillSample(Metrics& m) {
  m.Counter("app_requests_total", "Requests served").Add({{"route", "a"}, {"status", "200"}}, 3);
  m.Counter("app_requests_total", "ignored").Add({{"route", kAwkward}, {"status", "500"}});
  m.Gauge("app_queue_depth", "Items waiting\\n with a backslash").Set({}, 4.5);
  MetricFamily& h = m.Histogram("app_latency_seconds", "Latency\nover two lines", {0.1, 0.5, 1});
  for (double v : {0.05, 0.1, 0.3, 0.5, 0.7, 2.0}) h.Observe({{"route", "a"}}, v);
  m.Callback("app_lag_events", "Events behind the head", [] { return 12.0; });
}

TEST(MetricsTest, RendersCountersGaugesAndHistogramsThatParseStrictly) {
  Metrics m;
  FillSample(m);
  const ParsedExposition p = ParseOrFail(m.Render());
  ASSERT_EQ(p.families.size(), 4u);
  EXPECT_EQ(p.families[0].type, "counter");
  EXPECT_EQ(p.families[0].help, "Requests served");  // the first registration's help
  EXPECT_EQ(p.Value("app_requests_total", {{"route", "a"}, {"status", "200"}}), 3);
  EXPECT_EQ(p.Family("app_queue_depth")->type, "gauge");
  EXPECT_EQ(p.Value("app_queue_depth"), 4.5);
  EXPECT_EQ(p.Family("app_latency_seconds")->type, "histogram");
  EXPECT_EQ(p.Value("app_lag_events"), 12);
}

TEST(MetricsTest, HistogramBucketsAreCumulativeWithInclusiveBounds) {
  Metrics m;
  FillSample(m);
  const ParsedExposition p = ParseOrFail(m.Render());
  // Observations 0.05, 0.1, 0.3, 0.5, 0.7, 2.0: a value equal to a bound is in its bucket.
  EXPECT_EQ(p.Value("app_latency_seconds_bucket", {{"route", "a"}, {"le", "0.1"}}), 2);
  EXPECT_EQ(p.Value("app_latency_seconds_bucket", {{"route", "a"}, {"le", "0.5"}}), 4);
  EXPECT_EQ(p.Value("app_latency_seconds_bucket", {{"route", "a"}, {"le", "1"}}), 5);
  EXPECT_EQ(p.Value("app_latency_seconds_bucket", {{"route", "a"}, {"le", "+Inf"}}), 6);
  EXPECT_EQ(p.Value("app_latency_seconds_count", {{"route", "a"}}), 6);
  EXPECT_DOUBLE_EQ(*p.Value("app_latency_seconds_sum", {{"route", "a"}}), 3.65);
}

TEST(MetricsTest, EscapesLabelValuesAndHelpText) {
  Metrics m;
  FillSample(m);
  const std::string text = m.Render();
  EXPECT_NE(text.find(R"(route="back\\slash \"quoted\"\nnew line")"), std::string::npos) << text;
  EXPECT_NE(text.find("# HELP app_latency_seconds Latency\\nover two lines\n"), std::string::npos);
  EXPECT_NE(text.find("# HELP app_queue_depth Items waiting\\\\n with a backslash\n"),
            std::string::npos);
  const ParsedExposition p = ParseOrFail(text);
  // The parser unescapes back to the original.
  EXPECT_EQ(p.Value("app_requests_total", {{"route", kAwkward}, {"status", "500"}}), 1);
  EXPECT_EQ(p.Family("app_latency_seconds")->help, "Latency\nover two lines");
  EXPECT_EQ(p.Family("app_queue_depth")->help, "Items waiting\\n with a backslash");
}

TEST(MetricsTest, LabelOrderDoesNotMakeANewSeries) {
  Metrics m;
  MetricFamily& c = m.Counter("x_total", "x");
  c.Add({{"a", "1"}, {"b", "2"}});
  c.Add({{"b", "2"}, {"a", "1"}});
  EXPECT_EQ(c.Value({{"a", "1"}, {"b", "2"}}), 2);
  EXPECT_EQ(ParseOrFail(m.Render()).Family("x_total")->samples.size(), 1u);
}

TEST(MetricsTest, CountersOnlyGoUpAndGaugesGoBothWays) {
  Metrics m;
  MetricFamily& c = m.Counter("c_total", "c");
  c.Add({}, 2);
  c.Add({}, -5);
  EXPECT_EQ(c.Value({}), 2);
  MetricFamily& g = m.Gauge("g", "g");
  g.Add({}, 2);
  g.Add({}, -5);
  EXPECT_EQ(g.Value({}), -3);
}

TEST(MetricsTest, ConcurrentUpdatesAreAllCounted) {
  Metrics m;
  MetricFamily& c = m.Counter("c_total", "c");
  MetricFamily& h = m.Histogram("h_seconds", "h");
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 10'000; ++i) {
        c.Add({{"thread", std::to_string(t % 2)}});
        h.Observe({}, 0.001);
      }
    });
  }
  std::string during;
  for (int i = 0; i < 20; ++i) during = m.Render();  // rendering while they write
  for (auto& t : threads) t.join();
  ParseOrFail(during);
  EXPECT_EQ(c.Value({{"thread", "0"}}) + c.Value({{"thread", "1"}}), 40'000);
  EXPECT_EQ(h.Value({}), 40'000);
}

TEST(MetricsDeathTest, MisdeclaredMetricsAbortNamingTheProblem) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_DEATH(Metrics().Counter("bad-name", "x"), "'bad-name' is not a valid metric name");
  EXPECT_DEATH(Metrics().Counter("c_total", "x").Add({{"0label", "v"}}),
               "'0label' is not a valid label name");
  EXPECT_DEATH(Metrics().Counter("c_total", "x").Add({{"a", "1"}, {"a", "2"}}),
               "label 'a' given twice");
  EXPECT_DEATH(Metrics().Histogram("h", "x").Observe({{"le", "1"}}, 1), "'le' is reserved");
  EXPECT_DEATH(
      {
        Metrics m;
        m.Counter("same", "x");
        m.Gauge("same", "x");
      },
      "same is already registered as a counter");
  EXPECT_DEATH(Metrics().Histogram("h", "x", {1, 0.5}), "strictly ascending");
}

// An independent check: the official Python client's parser (Debian's
// python3-prometheus-client, installed by deploy/install-deps.sh with
// GOLDTHREAD_WITH_TEST_TOOLS=1) reads the same text.
TEST(MetricsTest, PrometheusClientLibraryParsesTheText) {
  constexpr char kPython[] = "/usr/bin/python3";
  if (std::system("/usr/bin/python3 -c 'import prometheus_client' >/dev/null 2>&1") != 0) {
    GTEST_SKIP() << "python3-prometheus-client is not installed";
  }
  Metrics m;
  FillSample(m);
  goldthread::testing::TempDir dir;
  const std::string input = dir.Sub("metrics.txt"), output = dir.Sub("samples.txt");
  std::ofstream(input) << m.Render();
  const std::string script =
      "import sys\n"
      "from prometheus_client.parser import text_string_to_metric_families\n"
      "out = open(sys.argv[2], 'w')\n"
      "for f in text_string_to_metric_families(open(sys.argv[1]).read()):\n"
      "    for s in f.samples:\n"
      "        labels = ','.join(k + '=' + repr(v) for k, v in sorted(s.labels.items()))\n"
      "        out.write(f'{f.type} {s.name} {labels} {s.value!r}\\n')\n";
  std::ofstream(dir.Sub("check.py")) << script;
  const std::string command =
      std::string(kPython) + " " + dir.Sub("check.py") + " " + input + " " + output;
  ASSERT_EQ(std::system(command.c_str()), 0) << "the Python parser rejected:\n" << m.Render();
  std::ifstream in(output);
  std::string all((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  // 2 counter series, 1 gauge, a histogram of 4 buckets + sum + count, 1 callback gauge.
  EXPECT_EQ(std::count(all.begin(), all.end(), '\n'), 10) << all;
  EXPECT_NE(all.find("counter app_requests_total route='a',status='200' 3.0"), std::string::npos)
      << all;
  EXPECT_NE(all.find("route='back\\\\slash \"quoted\"\\nnew line',status='500' 1.0"),
            std::string::npos)
      << all;
  EXPECT_NE(all.find("histogram app_latency_seconds_bucket le='0.5',route='a' 4.0"),
            std::string::npos)
      << all;
  EXPECT_NE(all.find("gauge app_lag_events  12.0"), std::string::npos) << all;
}

}  // namespace
}  // namespace goldthread::adapters
