#include "tests/testing/prometheus_text.h"

#include <fmt/format.h>

#include <charconv>
#include <cmath>
#include <cstdlib>
#include <set>

namespace goldthread::testing {
namespace {

bool IsNameStart(char c, bool colon_ok) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || (colon_ok && c == ':');
}
bool IsNameChar(char c, bool colon_ok) {
  return IsNameStart(c, colon_ok) || (c >= '0' && c <= '9');
}

// Reads a metric (colon_ok) or label name at `*pos`.
std::optional<std::string> ReadName(std::string_view s, size_t* pos, bool colon_ok) {
  const size_t start = *pos;
  if (start >= s.size() || !IsNameStart(s[start], colon_ok)) return std::nullopt;
  size_t i = start + 1;
  while (i < s.size() && IsNameChar(s[i], colon_ok)) ++i;
  *pos = i;
  return std::string(s.substr(start, i - start));
}

// A value as Go's ParseFloat accepts it in this format: decimal or exponent notation,
// +Inf, -Inf, NaN.
std::optional<double> ReadValue(std::string_view v) {
  if (v == "+Inf" || v == "Inf") return HUGE_VAL;
  if (v == "-Inf") return -HUGE_VAL;
  if (v == "NaN") return NAN;
  if (v.empty()) return std::nullopt;
  for (char c : v) {
    if (!((c >= '0' && c <= '9') || c == '.' || c == 'e' || c == 'E' || c == '+' || c == '-')) {
      return std::nullopt;
    }
  }
  const std::string copy(v);
  char* end = nullptr;
  const double d = std::strtod(copy.c_str(), &end);
  if (end != copy.c_str() + copy.size()) return std::nullopt;
  return d;
}

Failure Bad(size_t line, const std::string& what) {
  return InvalidField("metrics", fmt::format("line {}: {}", line, what));
}

// The family a sample belongs to: its own name, or for a histogram's _bucket, _sum and
// _count the name without the suffix.
std::string FamilyOf(const std::string& sample, const std::map<std::string, std::string>& types) {
  for (std::string_view suffix : {"_bucket", "_sum", "_count"}) {
    if (sample.size() > suffix.size() && sample.ends_with(suffix)) {
      const std::string base = sample.substr(0, sample.size() - suffix.size());
      auto it = types.find(base);
      if (it != types.end() && (it->second == "histogram" || it->second == "summary")) {
        return base;
      }
    }
  }
  return sample;
}

Status CheckHistogram(const ParsedFamily& f) {
  // Group by the labels other than `le`.
  struct Series {
    std::vector<std::pair<double, double>> buckets;  // le, count, in order of appearance
    std::optional<double> sum, count;
  };
  std::map<std::map<std::string, std::string>, Series> series;
  for (const ParsedSample& s : f.samples) {
    auto labels = s.labels;
    if (s.name == f.name + "_bucket") {
      auto le = labels.find("le");
      if (le == labels.end()) return InvalidField("metrics", f.name + ": bucket without le");
      const auto bound = ReadValue(le->second);
      if (!bound) return InvalidField("metrics", f.name + ": bad le '" + le->second + "'");
      labels.erase(le);
      series[labels].buckets.emplace_back(*bound, s.value);
    } else if (s.name == f.name + "_sum") {
      series[labels].sum = s.value;
    } else if (s.name == f.name + "_count") {
      series[labels].count = s.value;
    } else {
      return InvalidField("metrics", f.name + ": unexpected sample " + s.name);
    }
  }
  for (const auto& [labels, s] : series) {
    if (s.buckets.empty() || !s.sum || !s.count) {
      return InvalidField("metrics", f.name + ": a series lacks buckets, _sum or _count");
    }
    for (size_t i = 1; i < s.buckets.size(); ++i) {
      if (!(s.buckets[i - 1].first < s.buckets[i].first)) {
        return InvalidField("metrics", f.name + ": le bounds not ascending");
      }
      if (s.buckets[i - 1].second > s.buckets[i].second) {
        return InvalidField("metrics", f.name + ": bucket counts decrease");
      }
    }
    if (!std::isinf(s.buckets.back().first) || s.buckets.back().second != *s.count) {
      return InvalidField("metrics", f.name + ": last bucket is not +Inf equal to _count");
    }
  }
  return OkStatus();
}

}  // namespace

const ParsedFamily* ParsedExposition::Family(std::string_view name) const {
  for (const auto& f : families)
    if (f.name == name) return &f;
  return nullptr;
}

std::optional<double> ParsedExposition::Value(
    std::string_view sample_name, const std::map<std::string, std::string>& labels) const {
  for (const auto& f : families)
    for (const auto& s : f.samples)
      if (s.name == sample_name && s.labels == labels) return s.value;
  return std::nullopt;
}

Result<ParsedExposition> ParsePrometheusText(std::string_view text) {
  ParsedExposition out;
  std::map<std::string, std::string> types;  // family → type, from TYPE lines
  std::set<std::string> helped, finished;
  std::set<std::pair<std::string, std::map<std::string, std::string>>> seen;
  ParsedFamily* current = nullptr;
  if (!text.empty() && text.back() != '\n') return Bad(0, "the text does not end in a newline");
  size_t line_no = 0;
  size_t start = 0;
  while (start < text.size()) {
    const size_t end = text.find('\n', start);
    const std::string_view line = text.substr(start, end - start);
    start = end + 1;
    ++line_no;
    if (line.empty()) continue;
    auto family = [&](const std::string& name) -> Result<ParsedFamily*> {
      if (current && current->name == name) return current;
      if (current) finished.insert(current->name);
      if (finished.count(name)) return Bad(line_no, name + " appears in two places");
      out.families.push_back(ParsedFamily{name, "", "", {}});
      current = &out.families.back();
      return current;
    };
    if (line[0] == '#') {
      const bool is_help = line.starts_with("# HELP ");
      const bool is_type = line.starts_with("# TYPE ");
      if (!is_help && !is_type) continue;  // a comment
      size_t pos = 7;
      auto name = ReadName(line, &pos, true);
      if (!name) return Bad(line_no, "bad metric name");
      auto f = family(*name);
      if (!f) return Unexpected(f.error());
      if (is_type) {
        if (pos >= line.size() || line[pos] != ' ') return Bad(line_no, "TYPE without a type");
        const std::string type(line.substr(pos + 1));
        if (type != "counter" && type != "gauge" && type != "histogram" && type != "summary" &&
            type != "untyped") {
          return Bad(line_no, "unknown type '" + type + "'");
        }
        if (!(*f)->type.empty()) return Bad(line_no, "second TYPE for " + *name);
        if (!(*f)->samples.empty()) return Bad(line_no, "TYPE after samples of " + *name);
        (*f)->type = type;
        types[*name] = type;
      } else {
        if (helped.count(*name)) return Bad(line_no, "second HELP for " + *name);
        helped.insert(*name);
        std::string help;
        const std::string_view raw = pos < line.size() ? line.substr(pos + 1) : "";
        for (size_t i = 0; i < raw.size(); ++i) {
          if (raw[i] != '\\') {
            help += raw[i];
            continue;
          }
          if (i + 1 >= raw.size()) return Bad(line_no, "HELP ends in a backslash");
          const char e = raw[++i];
          if (e == '\\')
            help += '\\';
          else if (e == 'n')
            help += '\n';
          else
            return Bad(line_no, std::string("bad escape \\") + e + " in HELP");
        }
        (*f)->help = help;
      }
      continue;
    }
    ParsedSample sample;
    size_t pos = 0;
    auto name = ReadName(line, &pos, true);
    if (!name) return Bad(line_no, "bad metric name");
    sample.name = *name;
    if (pos < line.size() && line[pos] == '{') {
      ++pos;
      while (true) {
        if (pos < line.size() && line[pos] == '}') {
          ++pos;
          break;
        }
        if (!sample.labels.empty()) {
          if (pos >= line.size() || line[pos] != ',') return Bad(line_no, "expected , or }");
          ++pos;
        }
        auto label = ReadName(line, &pos, false);
        if (!label) return Bad(line_no, "bad label name");
        if (pos + 1 >= line.size() || line[pos] != '=' || line[pos + 1] != '"') {
          return Bad(line_no, "expected =\" after " + *label);
        }
        pos += 2;
        std::string value;
        bool closed = false;
        while (pos < line.size()) {
          const char c = line[pos++];
          if (c == '"') {
            closed = true;
            break;
          }
          if (c != '\\') {
            value += c;
            continue;
          }
          if (pos >= line.size()) break;
          const char e = line[pos++];
          if (e == '\\')
            value += '\\';
          else if (e == '"')
            value += '"';
          else if (e == 'n')
            value += '\n';
          else
            return Bad(line_no, std::string("bad escape \\") + e + " in a label value");
        }
        if (!closed) return Bad(line_no, "unterminated label value");
        if (!sample.labels.emplace(*label, value).second) {
          return Bad(line_no, "label " + *label + " twice");
        }
      }
    }
    if (pos >= line.size() || line[pos] != ' ') return Bad(line_no, "expected a space and a value");
    std::string_view rest = line.substr(pos + 1);
    const size_t space = rest.find(' ');
    const auto value = ReadValue(rest.substr(0, space));
    if (!value) return Bad(line_no, "bad value '" + std::string(rest.substr(0, space)) + "'");
    if (space != std::string_view::npos) {
      const std::string_view ts = rest.substr(space + 1);
      long long t;
      const auto [p, ec] = std::from_chars(ts.data(), ts.data() + ts.size(), t);
      if (ec != std::errc() || p != ts.data() + ts.size()) return Bad(line_no, "bad timestamp");
    }
    sample.value = *value;
    const std::string fam = FamilyOf(sample.name, types);
    auto f = family(fam);
    if (!f) return Unexpected(f.error());
    if ((*f)->type.empty()) return Bad(line_no, "sample of " + fam + " before its TYPE");
    if (!helped.count(fam)) return Bad(line_no, "sample of " + fam + " before its HELP");
    if ((*f)->type == "counter" && !(*value >= 0)) return Bad(line_no, "negative counter");
    if (!seen.emplace(sample.name, sample.labels).second) {
      return Bad(line_no, "series " + sample.name + " appears twice");
    }
    (*f)->samples.push_back(std::move(sample));
  }
  for (const auto& f : out.families) {
    if (f.type.empty()) return InvalidField("metrics", f.name + " has no TYPE");
    if (f.type == "histogram") {
      if (Status s = CheckHistogram(f); !s) return Unexpected(s.error());
    }
  }
  return out;
}

}  // namespace goldthread::testing
