// Metrics: counters, gauges and histograms rendered in the Prometheus text exposition format
// (version 0.0.4) for GET /metrics.
//
// Debian 12 packages no Prometheus client library for C++, and the text format is small, so
// this is a hand-written piece. A family (one metric name, one kind) is created once, usually
// at start, and its series (one per label set) are updated from any thread.
//
//   Metrics m;
//   MetricFamily& requests = m.Counter("goldthread_http_requests_total", "HTTP requests served");
//   requests.Add({{"route", "healthz"}, {"status", "200"}});
//   std::string text = m.Render();  // serve with kPrometheusTextContentType
//
// Names are code, not input: a metric or label name that the format does not allow, a label
// named twice, `le` on a histogram, or one name registered as two kinds is a programming error
// and aborts with a message naming it (tests catch it on the first run). Label values are
// input and may hold anything: Render escapes backslash, double quote and newline.
//
// Threading: every method is thread-safe. Families live as long as their Metrics.
#ifndef GOLDTHREAD_ADAPTERS_HTTP_METRICS_H_
#define GOLDTHREAD_ADAPTERS_HTTP_METRICS_H_

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>
#include <vector>

#include "store/base/mutex.h"
#include "store/base/thread_annotations.h"

namespace goldthread::adapters {

// The Content-Type of Render's output.
inline constexpr char kPrometheusTextContentType[] = "text/plain; version=0.0.4; charset=utf-8";

// Label name → value. Order does not matter: a series is identified by its sorted labels.
using Labels = std::vector<std::pair<std::string, std::string>>;

class MetricFamily {
 public:
  enum class Kind { kCounter, kGauge, kHistogram };
  // `buckets`: histogram upper bounds, finite and strictly ascending; +Inf is implied.
  MetricFamily(std::string name, std::string help, Kind kind, std::vector<double> buckets = {});
  MetricFamily(const MetricFamily&) = delete;
  MetricFamily& operator=(const MetricFamily&) = delete;

  // Counter: adds `v`; a negative or NaN `v` is ignored (counters only go up).
  // Gauge: adds `v`, which may be negative.
  void Add(const Labels& labels, double v = 1.0);
  // Gauge only: sets the value.
  void Set(const Labels& labels, double v);
  // Histogram only: records one observation (NaN is ignored).
  void Observe(const Labels& labels, double v);
  // The current value of a counter or gauge series (0 when it has never been touched); for a
  // histogram, its observation count. For tests and health checks.
  double Value(const Labels& labels) const;
  // Appends this family's HELP and TYPE lines and its samples.
  void Render(std::string* out) const;

  const std::string& name() const { return name_; }
  Kind kind() const { return kind_; }
  const std::vector<double>& buckets() const { return buckets_; }

 private:
  struct Series {
    double value = 0;                     // counter, gauge
    std::vector<uint64_t> bucket_counts;  // histogram: per bucket, not cumulative
    double sum = 0;
    uint64_t count = 0;
  };
  // The rendered label set without braces ("a=\"1\",b=\"2\""), labels sorted by name.
  std::string Key(const Labels& labels) const;

  // Constant after construction.
  const std::string name_;
  const std::string help_;
  const Kind kind_;
  const std::vector<double> buckets_;

  mutable Mutex mu_;
  std::map<std::string, Series> series_ GUARDED_BY(mu_);
};

class Metrics {
 public:
  Metrics() = default;
  Metrics(const Metrics&) = delete;
  Metrics& operator=(const Metrics&) = delete;

  // Each returns the family with this name, creating it on first use; asking again with the
  // same name and kind returns the same family (help text of the first call).
  MetricFamily& Counter(const std::string& name, const std::string& help);
  MetricFamily& Gauge(const std::string& name, const std::string& help);
  // Default buckets suit latencies in seconds, from 100 us to 10 s. Asking again for an
  // existing histogram with other buckets aborts.
  MetricFamily& Histogram(const std::string& name, const std::string& help,
                          std::vector<double> buckets = DefaultLatencyBuckets());
  // An unlabelled gauge computed at render time (projection lag, timers pending). `fn` runs
  // under this object's lock, so it must not call back into this Metrics, and it must stay
  // callable for as long as Render may be called (capture nothing that dies earlier).
  void Callback(const std::string& name, const std::string& help, std::function<double()> fn);

  // The whole exposition, families in registration order, then the callbacks.
  std::string Render() const;
  static std::vector<double> DefaultLatencyBuckets();

 private:
  MetricFamily& Family(const std::string& name, const std::string& help, MetricFamily::Kind kind,
                       std::vector<double> buckets);
  bool NameTakenLocked(std::string_view name) const REQUIRES(mu_);

  mutable Mutex mu_;
  std::vector<std::unique_ptr<MetricFamily>> families_ GUARDED_BY(mu_);
  std::vector<std::tuple<std::string, std::string, std::function<double()>>> callbacks_
      GUARDED_BY(mu_);
};

}  // namespace goldthread::adapters

#endif  // GOLDTHREAD_ADAPTERS_HTTP_METRICS_H_
