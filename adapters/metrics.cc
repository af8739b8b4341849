#include "adapters/metrics.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace goldthread::adapters {
namespace {

std::string EscapeLabelValue(const std::string& v) {
  std::string out;
  for (char c : v) {
    if (c == '\\') out += "\\\\";
    else if (c == '"') out += "\\\"";
    else if (c == '\n') out += "\\n";
    else out += c;
  }
  return out;
}

std::string FormatValue(double v) {
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  if (std::isnan(v)) return "NaN";
  return fmt::format("{}", v);
}

// `key` is the rendered label set without braces; `extra` is one more label (for `le`).
std::string LabelBlock(const std::string& key, const std::string& extra = {}) {
  if (key.empty() && extra.empty()) return "";
  if (key.empty()) return "{" + extra + "}";
  if (extra.empty()) return "{" + key + "}";
  return "{" + key + "," + extra + "}";
}

}  // namespace

MetricFamily::MetricFamily(std::string name, std::string help, Kind kind,
                           std::vector<double> buckets)
    : name_(std::move(name)), help_(std::move(help)), kind_(kind), buckets_(std::move(buckets)) {}

std::string MetricFamily::Key(const Labels& labels) {
  std::string key;
  for (const auto& [k, v] : labels) {
    if (!key.empty()) key += ",";
    key += fmt::format("{}=\"{}\"", k, EscapeLabelValue(v));
  }
  return key;
}

void MetricFamily::Add(const Labels& labels, double v) {
  std::lock_guard<std::mutex> lock(mu_);
  series_[Key(labels)].value += v;
}

void MetricFamily::Set(const Labels& labels, double v) {
  std::lock_guard<std::mutex> lock(mu_);
  series_[Key(labels)].value = v;
}

void MetricFamily::Observe(const Labels& labels, double v) {
  std::lock_guard<std::mutex> lock(mu_);
  Series& s = series_[Key(labels)];
  if (s.bucket_counts.empty()) s.bucket_counts.assign(buckets_.size(), 0);
  const auto it = std::lower_bound(buckets_.begin(), buckets_.end(), v);
  if (it != buckets_.end()) ++s.bucket_counts[it - buckets_.begin()];
  s.sum += v;
  ++s.count;
}

void MetricFamily::Render(std::string* out) const {
  const char* type = kind_ == Kind::kCounter ? "counter"
                     : kind_ == Kind::kGauge ? "gauge"
                                             : "histogram";
  *out += fmt::format("# HELP {} {}\n# TYPE {} {}\n", name_, help_, name_, type);
  std::lock_guard<std::mutex> lock(mu_);
  for (const auto& [key, s] : series_) {
    if (kind_ != Kind::kHistogram) {
      *out += fmt::format("{}{} {}\n", name_, LabelBlock(key), FormatValue(s.value));
      continue;
    }
    uint64_t cumulative = 0;
    for (size_t i = 0; i < buckets_.size(); ++i) {
      cumulative += s.bucket_counts.empty() ? 0 : s.bucket_counts[i];
      *out += fmt::format("{}_bucket{} {}\n", name_,
                          LabelBlock(key, fmt::format("le=\"{}\"", FormatValue(buckets_[i]))),
                          cumulative);
    }
    *out += fmt::format("{}_bucket{} {}\n", name_, LabelBlock(key, "le=\"+Inf\""), s.count);
    *out += fmt::format("{}_sum{} {}\n", name_, LabelBlock(key), FormatValue(s.sum));
    *out += fmt::format("{}_count{} {}\n", name_, LabelBlock(key), s.count);
  }
}

std::vector<double> Metrics::DefaultLatencyBuckets() {
  return {0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1,
          2.5,    5,       10};
}

MetricFamily& Metrics::Family(const std::string& name, const std::string& help,
                              MetricFamily::Kind kind, std::vector<double> buckets) {
  std::lock_guard<std::mutex> lock(mu_);
  for (auto& f : families_)
    if (f->name() == name) return *f;
  families_.push_back(std::make_unique<MetricFamily>(name, help, kind, std::move(buckets)));
  return *families_.back();
}

MetricFamily& Metrics::Counter(const std::string& name, const std::string& help) {
  return Family(name, help, MetricFamily::Kind::kCounter, {});
}

MetricFamily& Metrics::Gauge(const std::string& name, const std::string& help) {
  return Family(name, help, MetricFamily::Kind::kGauge, {});
}

MetricFamily& Metrics::Histogram(const std::string& name, const std::string& help,
                                 std::vector<double> buckets) {
  std::sort(buckets.begin(), buckets.end());
  return Family(name, help, MetricFamily::Kind::kHistogram, std::move(buckets));
}

void Metrics::Callback(const std::string& name, const std::string& help,
                       std::function<double()> fn) {
  std::lock_guard<std::mutex> lock(mu_);
  callbacks_.emplace_back(name, help, std::move(fn));
}

std::string Metrics::Render() const {
  std::string out;
  std::lock_guard<std::mutex> lock(mu_);
  for (const auto& f : families_) f->Render(&out);
  for (const auto& [name, help, fn] : callbacks_) {
    out += fmt::format("# HELP {} {}\n# TYPE {} gauge\n{} {}\n", name, help, name, name,
                       FormatValue(fn()));
  }
  return out;
}

}  // namespace goldthread::adapters
