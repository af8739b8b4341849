#include "adapters/http/metrics.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace goldthread::adapters {
namespace {

// A programming error in how metrics are declared or used: say which and stop.
[[noreturn]] void MetricsMisuse(const std::string& what) {
  std::fprintf(stderr, "goldthread metrics: %s\n", what.c_str());
  std::abort();
}

bool IsMetricName(std::string_view s) {
  if (s.empty()) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':' ||
                    (i > 0 && c >= '0' && c <= '9');
    if (!ok) return false;
  }
  return true;
}

// Label names: [a-zA-Z_][a-zA-Z0-9_]*, and names starting "__" are reserved.
bool IsLabelName(std::string_view s) {
  if (s.empty() || s.starts_with("__")) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
                    (i > 0 && c >= '0' && c <= '9');
    if (!ok) return false;
  }
  return true;
}

std::string EscapeLabelValue(std::string_view v) {
  std::string out;
  out.reserve(v.size());
  for (char c : v) {
    if (c == '\\')
      out += "\\\\";
    else if (c == '"')
      out += "\\\"";
    else if (c == '\n')
      out += "\\n";
    else
      out += c;
  }
  return out;
}

// HELP text escapes backslash and newline (not double quote).
std::string EscapeHelp(std::string_view v) {
  std::string out;
  out.reserve(v.size());
  for (char c : v) {
    if (c == '\\')
      out += "\\\\";
    else if (c == '\n')
      out += "\\n";
    else
      out += c;
  }
  return out;
}

std::string FormatValue(double v) {
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  if (std::isnan(v)) return "NaN";
  return fmt::format("{}", v);
}

// `key` is a rendered label set without braces; `extra` one more label (histograms' `le`).
std::string LabelBlock(const std::string& key, const std::string& extra = {}) {
  if (key.empty() && extra.empty()) return "";
  if (key.empty()) return "{" + extra + "}";
  if (extra.empty()) return "{" + key + "}";
  return "{" + key + "," + extra + "}";
}

const char* KindName(MetricFamily::Kind kind) {
  switch (kind) {
    case MetricFamily::Kind::kCounter:
      return "counter";
    case MetricFamily::Kind::kGauge:
      return "gauge";
    case MetricFamily::Kind::kHistogram:
      return "histogram";
  }
  return "untyped";
}

}  // namespace

MetricFamily::MetricFamily(std::string name, std::string help, Kind kind,
                           std::vector<double> buckets)
    : name_(std::move(name)), help_(std::move(help)), kind_(kind), buckets_(std::move(buckets)) {
  if (!IsMetricName(name_)) MetricsMisuse(fmt::format("'{}' is not a valid metric name", name_));
  if (kind_ != Kind::kHistogram && !buckets_.empty()) {
    MetricsMisuse(fmt::format("{}: only a histogram has buckets", name_));
  }
  for (size_t i = 0; i < buckets_.size(); ++i) {
    if (!std::isfinite(buckets_[i]) || (i > 0 && !(buckets_[i - 1] < buckets_[i]))) {
      MetricsMisuse(fmt::format("{}: buckets must be finite and strictly ascending", name_));
    }
  }
}

std::string MetricFamily::Key(const Labels& labels) const {
  std::vector<const std::pair<std::string, std::string>*> sorted;
  sorted.reserve(labels.size());
  for (const auto& l : labels) sorted.push_back(&l);
  std::sort(sorted.begin(), sorted.end(), [](auto* a, auto* b) { return a->first < b->first; });
  std::string key;
  for (size_t i = 0; i < sorted.size(); ++i) {
    const auto& [k, v] = *sorted[i];
    if (!IsLabelName(k)) MetricsMisuse(fmt::format("{}: '{}' is not a valid label name", name_, k));
    if (i > 0 && sorted[i - 1]->first == k) {
      MetricsMisuse(fmt::format("{}: label '{}' given twice", name_, k));
    }
    if (kind_ == Kind::kHistogram && k == "le") {
      MetricsMisuse(fmt::format("{}: 'le' is reserved for histogram buckets", name_));
    }
    if (!key.empty()) key += ",";
    key += k;
    key += "=\"";
    key += EscapeLabelValue(v);
    key += "\"";
  }
  return key;
}

void MetricFamily::Add(const Labels& labels, double v) {
  if (kind_ == Kind::kHistogram) MetricsMisuse(fmt::format("{}: Add on a histogram", name_));
  if (kind_ == Kind::kCounter && !(v >= 0)) return;
  const std::string key = Key(labels);
  MutexLock lock(mu_);
  series_[key].value += v;
}

void MetricFamily::Set(const Labels& labels, double v) {
  if (kind_ != Kind::kGauge) MetricsMisuse(fmt::format("{}: Set on a non-gauge", name_));
  const std::string key = Key(labels);
  MutexLock lock(mu_);
  series_[key].value = v;
}

void MetricFamily::Observe(const Labels& labels, double v) {
  if (kind_ != Kind::kHistogram) {
    MetricsMisuse(fmt::format("{}: Observe on a non-histogram", name_));
  }
  if (std::isnan(v)) return;
  const std::string key = Key(labels);
  MutexLock lock(mu_);
  Series& s = series_[key];
  if (s.bucket_counts.empty()) s.bucket_counts.assign(buckets_.size(), 0);
  // `le` is inclusive: an observation equal to a bound lands in that bound's bucket.
  const auto it = std::lower_bound(buckets_.begin(), buckets_.end(), v);
  if (it != buckets_.end()) ++s.bucket_counts[it - buckets_.begin()];
  s.sum += v;
  ++s.count;
}

double MetricFamily::Value(const Labels& labels) const {
  const std::string key = Key(labels);
  MutexLock lock(mu_);
  const auto it = series_.find(key);
  if (it == series_.end()) return 0;
  return kind_ == Kind::kHistogram ? static_cast<double>(it->second.count) : it->second.value;
}

void MetricFamily::Render(std::string* out) const {
  *out +=
      fmt::format("# HELP {} {}\n# TYPE {} {}\n", name_, EscapeHelp(help_), name_, KindName(kind_));
  MutexLock lock(mu_);
  for (const auto& [key, s] : series_) {
    if (kind_ != Kind::kHistogram) {
      *out += fmt::format("{}{} {}\n", name_, LabelBlock(key), FormatValue(s.value));
      continue;
    }
    uint64_t cumulative = 0;
    for (size_t i = 0; i < buckets_.size(); ++i) {
      cumulative += s.bucket_counts[i];
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
  return {0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
          0.05,   0.1,     0.25,   0.5,   1,      2.5,   5,    10};
}

bool Metrics::NameTakenLocked(std::string_view name) const {
  for (const auto& [n, help, fn] : callbacks_)
    if (n == name) return true;
  return false;
}

MetricFamily& Metrics::Family(const std::string& name, const std::string& help,
                              MetricFamily::Kind kind, std::vector<double> buckets) {
  MutexLock lock(mu_);
  for (auto& f : families_) {
    if (f->name() != name) continue;
    if (f->kind() != kind) {
      MetricsMisuse(fmt::format("{} is already registered as a {}", name, KindName(f->kind())));
    }
    if (f->buckets() != buckets) {
      MetricsMisuse(fmt::format("{} is already registered with other buckets", name));
    }
    return *f;
  }
  if (NameTakenLocked(name)) {
    MetricsMisuse(fmt::format("{} is already registered as a callback", name));
  }
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
  return Family(name, help, MetricFamily::Kind::kHistogram, std::move(buckets));
}

void Metrics::Callback(const std::string& name, const std::string& help,
                       std::function<double()> fn) {
  if (!IsMetricName(name)) MetricsMisuse(fmt::format("'{}' is not a valid metric name", name));
  MutexLock lock(mu_);
  for (const auto& f : families_) {
    if (f->name() == name) MetricsMisuse(fmt::format("{} is already registered", name));
  }
  if (NameTakenLocked(name)) MetricsMisuse(fmt::format("{} is already registered", name));
  callbacks_.emplace_back(name, help, std::move(fn));
}

std::string Metrics::Render() const {
  std::string out;
  MutexLock lock(mu_);
  for (const auto& f : families_) f->Render(&out);
  for (const auto& [name, help, fn] : callbacks_) {
    out += fmt::format("# HELP {} {}\n# TYPE {} gauge\n{} {}\n", name, EscapeHelp(help), name, name,
                       FormatValue(fn()));
  }
  return out;
}

}  // namespace goldthread::adapters
