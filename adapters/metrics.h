// Metrics: counters, gauges and histograms rendered in the Prometheus text exposition format
// (version 0.0.4) for GET /metrics.
//
// Debian 12 packages no Prometheus client library for C++, and the text format is small, so
// this is the one hand-written piece. Families are created once (at start) and their series
// updated from any thread: every method here is thread-safe.
//
//   Metrics m;
//   auto& requests = m.Counter("goldthread_http_requests_total", "HTTP requests served");
//   requests.Add({{"route", "/healthz"}, {"status", "200"}});
//   std::string text = m.Render();
#ifndef GOLDTHREAD_ADAPTERS_METRICS_H_
#define GOLDTHREAD_ADAPTERS_METRICS_H_

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

namespace goldthread::adapters {

using Labels = std::vector<std::pair<std::string, std::string>>;

class MetricFamily {
 public:
  enum class Kind { kCounter, kGauge, kHistogram };
  MetricFamily(std::string name, std::string help, Kind kind, std::vector<double> buckets = {});
  MetricFamily(const MetricFamily&) = delete;
  MetricFamily& operator=(const MetricFamily&) = delete;

  // Counter: adds `v` (>= 0). Gauge: adds `v` (may be negative).
  void Add(const Labels& labels, double v = 1.0);
  // Gauge: sets the value.
  void Set(const Labels& labels, double v);
  // Histogram: records one observation.
  void Observe(const Labels& labels, double v);
  // Appends this family's HELP, TYPE and samples.
  void Render(std::string* out) const;
  const std::string& name() const { return name_; }

 private:
  struct Series {
    double value = 0;                 // counter / gauge
    std::vector<uint64_t> bucket_counts;  // histogram, cumulative at render time
    double sum = 0;
    uint64_t count = 0;
  };
  static std::string Key(const Labels& labels);

  const std::string name_;
  const std::string help_;
  const Kind kind_;
  const std::vector<double> buckets_;  // upper bounds, ascending; +Inf implied

  mutable std::mutex mu_;
  std::map<std::string, Series> series_;  // protected by mu_; key = rendered label set
};

class Metrics {
 public:
  Metrics() = default;
  Metrics(const Metrics&) = delete;
  Metrics& operator=(const Metrics&) = delete;

  // Returns the family with this name, creating it on first use.
  MetricFamily& Counter(const std::string& name, const std::string& help);
  MetricFamily& Gauge(const std::string& name, const std::string& help);
  // Default buckets suit latencies in seconds, from 100 us to 10 s.
  MetricFamily& Histogram(const std::string& name, const std::string& help,
                          std::vector<double> buckets = DefaultLatencyBuckets());
  // A gauge computed at render time (e.g. projection lag, timers pending).
  void Callback(const std::string& name, const std::string& help, std::function<double()> fn);

  std::string Render() const;
  static std::vector<double> DefaultLatencyBuckets();

 private:
  MetricFamily& Family(const std::string& name, const std::string& help, MetricFamily::Kind kind,
                       std::vector<double> buckets);

  mutable std::mutex mu_;
  std::vector<std::unique_ptr<MetricFamily>> families_;  // protected by mu_
  std::vector<std::tuple<std::string, std::string, std::function<double()>>> callbacks_;
};

}  // namespace goldthread::adapters

#endif  // GOLDTHREAD_ADAPTERS_METRICS_H_
