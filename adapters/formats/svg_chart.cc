#include "adapters/formats/svg_chart.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cmath>

namespace goldthread::adapters {

namespace v1 = goldthread::v1;

namespace {

// Colours from the GOV.UK Frontend palette, as presentation attributes a stylesheet may
// override through the class names.
constexpr char kTextColour[] = "#0b0c0c";
constexpr char kAxisColour[] = "#b1b4b6";
constexpr char kValueColour[] = "#1d70b8";
constexpr char kTargetColour[] = "#505a5f";

// Values beyond this are drawn at it (the words still give them exactly): keeps the scale's
// arithmetic finite.
constexpr double kDrawLimit = 1e15;

// Margins around the plot area, in pixels.
constexpr double kLeft = 60;
constexpr double kRight = 16;
constexpr double kTop = 30;
constexpr double kBottom = 40;

// Labels under the x axis: at most this many characters (the <desc> has them whole), in a
// font this size, whose characters are taken to be this wide.
constexpr size_t kLabelChars = 12;
constexpr int kLabelFontSize = 11;
constexpr double kLabelCharWidth = 6.5;

// A coordinate: one decimal, never "-0.0".
std::string Coord(double v) {
  std::string s = fmt::format("{:.1f}", v);
  if (s == "-0.0") s = "0.0";
  return s;
}

// A number at `decimals` places, never "-0".
std::string Number(double v, int decimals) {
  std::string s = fmt::format("{:.{}f}", v, decimals);
  if (s[0] == '-' && s.find_first_not_of("-0.") == std::string::npos) s.erase(0, 1);
  return s;
}

std::string WithUnit(const std::string& number, const std::string& unit) {
  if (unit.empty()) return number;
  if (unit == "%") return number + "%";
  return number + " " + unit;
}

const char* RagWord(v1::Rag rag) {
  switch (rag) {
    case v1::RAG_GREEN:
      return "green";
    case v1::RAG_AMBER:
      return "amber";
    case v1::RAG_RED:
      return "red";
    case v1::RAG_GREY:
      return "grey";
    default:
      return "not rated";
  }
}

const char* RagModifier(v1::Rag rag) {
  switch (rag) {
    case v1::RAG_GREEN:
      return "green";
    case v1::RAG_AMBER:
      return "amber";
    case v1::RAG_RED:
      return "red";
    case v1::RAG_GREY:
      return "grey";
    default:
      return "not-rated";
  }
}

// Appends one code point as UTF-8.
void AppendUtf8(uint32_t c, std::string* out) {
  if (c < 0x80) {
    out->push_back(static_cast<char>(c));
  } else if (c < 0x800) {
    out->push_back(static_cast<char>(0xC0 | (c >> 6)));
    out->push_back(static_cast<char>(0x80 | (c & 0x3F)));
  } else if (c < 0x10000) {
    out->push_back(static_cast<char>(0xE0 | (c >> 12)));
    out->push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (c & 0x3F)));
  } else {
    out->push_back(static_cast<char>(0xF0 | (c >> 18)));
    out->push_back(static_cast<char>(0x80 | ((c >> 12) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (c & 0x3F)));
  }
}

// Decodes `text` into code points, invalid sequences as U+FFFD.
std::vector<uint32_t> CodePoints(std::string_view text) {
  std::vector<uint32_t> out;
  size_t i = 0;
  while (i < text.size()) {
    const auto b = static_cast<unsigned char>(text[i]);
    size_t length = 0;
    uint32_t c = 0;
    uint32_t min = 0;
    if (b < 0x80) {
      out.push_back(b);
      ++i;
      continue;
    } else if ((b & 0xE0) == 0xC0) {
      length = 2, c = b & 0x1F, min = 0x80;
    } else if ((b & 0xF0) == 0xE0) {
      length = 3, c = b & 0x0F, min = 0x800;
    } else if ((b & 0xF8) == 0xF0) {
      length = 4, c = b & 0x07, min = 0x10000;
    } else {
      out.push_back(0xFFFD);
      ++i;
      continue;
    }
    size_t k = 1;
    for (; k < length && i + k < text.size(); ++k) {
      const auto next = static_cast<unsigned char>(text[i + k]);
      if ((next & 0xC0) != 0x80) break;
      c = (c << 6) | (next & 0x3F);
    }
    if (k < length || c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF)) {
      out.push_back(0xFFFD);
      i += k;  // resynchronise at the first byte that did not continue the sequence
      continue;
    }
    out.push_back(c);
    i += length;
  }
  return out;
}

// At most `limit` characters of `text`, with "…" when cut.
std::string Shorten(std::string_view text, size_t limit) {
  const std::vector<uint32_t> chars = CodePoints(text);
  if (chars.size() <= limit) return std::string(text);
  std::string out;
  for (size_t i = 0; i + 1 < limit; ++i) AppendUtf8(chars[i], &out);
  out += "\u2026";
  return out;
}

// The lines of an x-axis label in `chars` characters: the label whole when it fits; else split
// at its last '-' ("FY2011" over "Q2") when both parts fit; else cut with "…".
std::vector<std::string> LabelLines(std::string_view label, size_t chars) {
  chars = std::clamp<size_t>(chars, 2, kLabelChars);
  if (CodePoints(label).size() <= chars) return {std::string(label)};
  const size_t dash = label.rfind('-');
  if (dash != std::string_view::npos && dash > 0 && dash + 1 < label.size() &&
      CodePoints(label.substr(0, dash)).size() <= chars &&
      CodePoints(label.substr(dash + 1)).size() <= chars) {
    return {std::string(label.substr(0, dash)), std::string(label.substr(dash + 1))};
  }
  return {Shorten(label, chars)};
}

std::optional<double> Finite(const std::optional<double>& v) {
  if (!v || !std::isfinite(*v)) return std::nullopt;
  return std::clamp(*v, -kDrawLimit, kDrawLimit);
}

// The y axis: from `lo` to `hi` in steps of `step`, labelled with `decimals` places.
struct Scale {
  double lo = 0;
  double hi = 1;
  double step = 0.5;
  int decimals = 1;
};

// A step of 1, 2 or 5 × 10^n giving about four intervals over `range` (> 0).
double NiceStep(double range) {
  const double raw = range / 4;
  const double magnitude = std::pow(10.0, std::floor(std::log10(raw)));
  const double normalised = raw / magnitude;
  const double nice = normalised < 1.5 ? 1 : normalised < 3 ? 2 : normalised < 7 ? 5 : 10;
  return nice * magnitude;
}

Scale ScaleFor(const std::vector<double>& drawn) {
  Scale scale;
  if (drawn.empty()) return scale;
  double lo = *std::min_element(drawn.begin(), drawn.end());
  double hi = *std::max_element(drawn.begin(), drawn.end());
  if (hi - lo < 1e-9 * std::max(1.0, std::abs(hi))) {
    // All equal: a band around the value, so the line sits in the middle.
    const double band = lo == 0 ? 1 : std::abs(lo) * 0.1;
    lo -= band;
    hi += band;
  } else {
    // A little room, so the highest and lowest points do not sit on the frame.
    const double room = (hi - lo) * 0.05;
    lo -= room;
    hi += room;
  }
  const double step = NiceStep(hi - lo);
  if (!std::isfinite(step) || step <= 0) {
    scale.lo = lo;
    scale.hi = hi;
    scale.step = hi - lo;
    scale.decimals = 0;
    return scale;
  }
  scale.step = step;
  scale.lo = std::floor(lo / step) * step;
  scale.hi = std::ceil(hi / step) * step;
  if (scale.hi <= scale.lo) scale.hi = scale.lo + step;
  scale.decimals =
      step >= 1 ? 0 : std::min(6, static_cast<int>(std::ceil(-std::log10(step) - 1e-9)));
  return scale;
}

std::string SanitisedId(std::string_view prefix) {
  std::string out;
  for (char c : prefix) {
    if (std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_') out.push_back(c);
  }
  if (out.empty() || std::isdigit(static_cast<unsigned char>(out[0])) || out[0] == '-') {
    out = "gt-chart" + (out.empty() ? "" : "-" + out);
  }
  return out;
}

// The marker for one point: its shape tells the RAG as its colour does.
std::string Marker(double x, double y, v1::Rag rag) {
  const std::string cx = Coord(x);
  const std::string cy = Coord(y);
  switch (rag) {
    case v1::RAG_GREEN:
      return fmt::format(R"(<circle cx="{}" cy="{}" r="4.5" fill="#00703c"/>)", cx, cy);
    case v1::RAG_AMBER:
      return fmt::format(R"(<path d="M{} {}L{} {}L{} {}L{} {}Z" fill="#f47738"/>)", cx,
                         Coord(y - 5.5), Coord(x + 5.5), cy, cx, Coord(y + 5.5), Coord(x - 5.5),
                         cy);
    case v1::RAG_RED:
      return fmt::format(R"(<rect x="{}" y="{}" width="9" height="9" fill="#d4351c"/>)",
                         Coord(x - 4.5), Coord(y - 4.5));
    default:
      return fmt::format(
          R"(<circle cx="{}" cy="{}" r="4" fill="#ffffff" stroke="#505a5f" stroke-width="2"/>)", cx,
          cy);
  }
}

}  // namespace

std::string XmlEscape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (uint32_t c : CodePoints(text)) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        if (c < 0x20 && c != '\t' && c != '\n' && c != '\r') break;  // not an XML character
        if (c == 0xFFFE || c == 0xFFFF) c = 0xFFFD;
        AppendUtf8(c, &out);
    }
  }
  return out;
}

std::vector<ChartPoint> ChartPointsFromTrend(
    const google::protobuf::RepeatedPtrField<v1::TrendPoint>& trend) {
  std::vector<ChartPoint> out;
  for (const v1::TrendPoint& t : trend) {
    ChartPoint p;
    p.label = t.period();
    if (t.submitted() && t.value().has_value()) p.value = t.value().value();
    if (t.has_target()) p.target = t.target();
    p.rag = t.rag();
    out.push_back(std::move(p));
  }
  return out;
}

std::string RenderSvgChart(const ChartSeries& series, const SvgChartOptions& options) {
  const double width = std::clamp(options.width, 200, 2000);
  const double height = std::clamp(options.height, 120, 1000);
  const std::string id = SanitisedId(options.id_prefix);
  const int places = static_cast<int>(std::min<uint32_t>(series.decimal_places, 6));

  const size_t first =
      series.points.size() > kMaxChartPoints ? series.points.size() - kMaxChartPoints : 0;
  const std::vector<ChartPoint> points(series.points.begin() + static_cast<long>(first),
                                       series.points.end());
  std::vector<double> drawn;
  for (const ChartPoint& p : points) {
    if (auto v = Finite(p.value)) drawn.push_back(*v);
    if (auto t = Finite(p.target)) drawn.push_back(*t);
  }
  const Scale scale = ScaleFor(drawn);
  const double x0 = kLeft;
  const double x1 = width - kRight;
  const double y0 = kTop;
  const double y1 = height - kBottom;
  const double slot = points.empty() ? (x1 - x0) : (x1 - x0) / static_cast<double>(points.size());
  auto x_of = [&](size_t i) { return x0 + (static_cast<double>(i) + 0.5) * slot; };
  auto y_of = [&](double v) { return y1 - (v - scale.lo) / (scale.hi - scale.lo) * (y1 - y0); };
  auto value_text = [&](double v) { return WithUnit(Number(v, places), series.unit); };

  // The words: what a screen reader says for the whole chart.
  std::string desc;
  if (points.empty()) {
    desc = "No periods to show.";
  } else {
    desc = fmt::format("{} {} from {} to {}.", points.size(),
                       points.size() == 1 ? "period" : "periods", points.front().label,
                       points.back().label);
    if (series.polarity == v1::POLARITY_HIGHER_IS_BETTER) desc += " Higher is better.";
    if (series.polarity == v1::POLARITY_LOWER_IS_BETTER) desc += " Lower is better.";
    const ChartPoint& latest = points.back();
    if (auto v = Finite(latest.value)) {
      desc += fmt::format(" Latest, {}: {}", latest.label, value_text(*latest.value));
      if (Finite(latest.target))
        desc += fmt::format(" against a target of {}", value_text(*latest.target));
      desc += fmt::format(" ({}).", RagWord(latest.rag));
    } else {
      desc += fmt::format(" Latest, {}: no figure.", latest.label);
    }
    for (const ChartPoint& p : points) {
      desc += " " + p.label + ": ";
      if (Finite(p.value)) {
        desc += value_text(*p.value);
        if (Finite(p.target)) desc += ", target " + value_text(*p.target);
        desc += fmt::format(", {}.", RagWord(p.rag));
      } else {
        desc += "no figure";
        if (Finite(p.target)) desc += ", target " + value_text(*p.target);
        desc += ".";
      }
    }
  }

  std::string svg = fmt::format(
      R"(<svg xmlns="http://www.w3.org/2000/svg" class="gt-chart" width="{w}" height="{h}" )"
      R"(viewBox="0 0 {w} {h}" role="img" aria-labelledby="{id}-title {id}-desc" )"
      R"(font-family="sans-serif" font-size="12" fill="{text}">)"
      R"(<title id="{id}-title">{title}</title><desc id="{id}-desc">{desc}</desc>)",
      fmt::arg("w", static_cast<int>(width)), fmt::arg("h", static_cast<int>(height)),
      fmt::arg("id", id), fmt::arg("text", kTextColour), fmt::arg("title", XmlEscape(series.title)),
      fmt::arg("desc", XmlEscape(desc)));

  // Axes, ticks and their labels.
  svg += fmt::format(R"(<g class="gt-chart__axis" stroke="{}" stroke-width="1">)", kAxisColour);
  svg += fmt::format(R"(<path d="M{} {}V{}H{}" fill="none"/>)", Coord(x0), Coord(y0), Coord(y1),
                     Coord(x1));
  const int intervals =
      std::clamp(static_cast<int>(std::lround((scale.hi - scale.lo) / scale.step)), 1, 20);
  std::string tick_labels;
  for (int k = 0; k <= intervals; ++k) {
    const double v = scale.lo + (scale.hi - scale.lo) * k / intervals;
    const double y = y_of(v);
    svg += fmt::format(R"(<path d="M{} {}H{}" fill="none"/>)", Coord(x0 - 4), Coord(y), Coord(x0));
    tick_labels += fmt::format(R"(<text x="{}" y="{}" text-anchor="end">{}</text>)", Coord(x0 - 8),
                               Coord(y + 4), XmlEscape(Number(v, scale.decimals)));
  }
  svg += "</g>";
  if (scale.lo < 0 && scale.hi > 0) {
    svg += fmt::format(
        R"(<path class="gt-chart__zero" d="M{} {}H{}" fill="none" stroke="{}" stroke-width="1"/>)",
        Coord(x0), Coord(y_of(0)), Coord(x1), kTextColour);
  }
  svg += R"(<g class="gt-chart__label">)" + tick_labels;
  if (!series.unit.empty()) {
    svg += fmt::format(R"(<text x="{}" y="{}" text-anchor="end">{}</text>)", Coord(x0 - 8),
                       Coord(y0 - 14), XmlEscape(Shorten(series.unit, kLabelChars)));
  }
  const auto label_chars = static_cast<size_t>(std::max(0.0, (slot - 4) / kLabelCharWidth));
  for (size_t i = 0; i < points.size(); ++i) {
    const std::vector<std::string> lines = LabelLines(points[i].label, label_chars);
    svg += fmt::format(R"(<text x="{}" y="{}" text-anchor="middle" font-size="{}">)",
                       Coord(x_of(i)), Coord(y1 + 16), kLabelFontSize);
    if (lines.size() == 1) {
      svg += XmlEscape(lines[0]);
    } else {
      svg += fmt::format(R"(<tspan x="{0}">{1}</tspan><tspan x="{0}" dy="13">{2}</tspan>)",
                         Coord(x_of(i)), XmlEscape(lines[0]), XmlEscape(lines[1]));
    }
    svg += "</text>";
  }
  if (drawn.empty()) {
    svg += fmt::format(R"(<text x="{}" y="{}" text-anchor="middle">No figures to show</text>)",
                       Coord((x0 + x1) / 2), Coord((y0 + y1) / 2));
  }
  svg += "</g>";

  // Legend: what the two lines are.
  const double lx = std::max(x0 + 10, x1 - 150);
  svg += fmt::format(
      R"(<g class="gt-chart__legend"><path d="M{} {}H{}" stroke="{}" stroke-width="2" fill="none"/>)"
      R"(<text x="{}" y="{}">Value</text>)"
      R"(<path d="M{} {}H{}" stroke="{}" stroke-width="2" stroke-dasharray="6 4" fill="none"/>)"
      R"(<text x="{}" y="{}">Target</text></g>)",
      Coord(lx), Coord(y0 - 16), Coord(lx + 20), kValueColour, Coord(lx + 26), Coord(y0 - 12),
      Coord(lx + 76), Coord(y0 - 16), Coord(lx + 96), kTargetColour, Coord(lx + 102),
      Coord(y0 - 12));

  // The target: a dashed step, one level per period, stopping where a period has none.
  std::string target_path;
  bool previous_target = false;
  for (size_t i = 0; i < points.size(); ++i) {
    auto t = Finite(points[i].target);
    if (!t) {
      previous_target = false;
      continue;
    }
    const double left = x0 + static_cast<double>(i) * slot;
    const double y = y_of(*t);
    target_path += previous_target ? fmt::format("V{}", Coord(y))
                                   : fmt::format("M{} {}", Coord(left), Coord(y));
    target_path += fmt::format("H{}", Coord(left + slot));
    previous_target = true;
  }
  if (!target_path.empty()) {
    svg += fmt::format(
        R"(<path class="gt-chart__target" d="{}" fill="none" stroke="{}" stroke-width="2" )"
        R"(stroke-dasharray="6 4"/>)",
        target_path, kTargetColour);
  }

  // The values: a line through consecutive periods with a value, broken at a gap.
  std::string value_path;
  bool previous_value = false;
  bool joined = false;
  for (size_t i = 0; i < points.size(); ++i) {
    auto v = Finite(points[i].value);
    if (!v) {
      previous_value = false;
      continue;
    }
    value_path +=
        fmt::format("{}{} {}", previous_value ? "L" : "M", Coord(x_of(i)), Coord(y_of(*v)));
    joined = joined || previous_value;
    previous_value = true;
  }
  if (joined) {
    svg += fmt::format(
        R"(<path class="gt-chart__value-line" d="{}" fill="none" stroke="{}" stroke-width="2.5" )"
        R"(stroke-linejoin="round"/>)",
        value_path, kValueColour);
  }

  // A marker per period with a value, each with its own words.
  for (size_t i = 0; i < points.size(); ++i) {
    const ChartPoint& p = points[i];
    auto v = Finite(p.value);
    if (!v) continue;
    std::string words = p.label + ": " + value_text(*p.value);
    if (Finite(p.target)) words += " (target " + value_text(*p.target) + ")";
    words += fmt::format(", {}", RagWord(p.rag));
    svg += fmt::format(R"(<g class="gt-chart__point gt-chart__point--{}"><title>{}</title>{}</g>)",
                       RagModifier(p.rag), XmlEscape(words), Marker(x_of(i), y_of(*v), p.rag));
  }
  svg += "</svg>";
  return svg;
}

}  // namespace goldthread::adapters
