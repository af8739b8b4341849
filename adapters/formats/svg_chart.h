// SVG chart: a small, accessible, inline SVG of one indicator over its last eight periods —
// the value line with a marker per period, the target as a dashed step, axes with labels —
// for the web pages' figure history (and anything else that wants a picture without
// JavaScript).
//
//   ChartSeries series{.title = "NI-192 Household waste recycled",
//                      .polarity = v1::POLARITY_HIGHER_IS_BETTER, .unit = "%",
//                      .decimal_places = 1};
//   series.points = ChartPointsFromTrend(report_indicator.trend());  // or filled by hand
//   std::string svg = RenderSvgChart(series, {.id_prefix = "chart-ni-192"});
//
// What comes out, for a page whose Content-Security-Policy forbids inline style and script:
//   - one <svg> element with role="img" and aria-labelledby naming its <title> (the series'
//     title) and <desc> (every period in words: value with unit, target, RAG, or "no figure";
//     polarity; the latest period against its target), so a screen reader hears the data;
//   - no <script>, no <style>, no style="" attribute and no event handler attributes: looks
//     come from presentation attributes (stroke, fill, stroke-dasharray, font-size) that a page
//     stylesheet may override through the class names (gt-chart, gt-chart__axis,
//     gt-chart__value-line, gt-chart__target, gt-chart__point, gt-chart__point--red /
//     --amber / --green / --grey / --not-rated, gt-chart__label, gt-chart__zero);
//   - RAG told by shape as well as colour (green circle, amber diamond, red square, others a
//     hollow circle), and in each marker's own <title>;
//   - a gap in the line where a period has no value (missing or not available), never a line
//     drawn across it; the target step likewise stops where a period has no target;
//   - every text (title, labels, unit) XML-escaped, with characters XML cannot carry (control
//     characters, invalid UTF-8) replaced, so hostile labels cannot break out of the markup.
//
// Labels: a period's label goes under its marker whole when it fits the period's width,
// otherwise on two lines split at its last '-' ("FY2011" over "Q2"), otherwise cut with "…".
//
// Scale: the y axis spans every value and target drawn, widened to "nice" tick steps (1, 2 or
// 5 × 10^n); all-equal values get a band around them (no division by zero); a range crossing
// zero draws the zero line. Output is a pure function of the input: numbers are formatted with
// fixed precision, so the same series gives the same bytes on every machine.
//
// Threading: pure functions.
#ifndef GOLDTHREAD_ADAPTERS_FORMATS_SVG_CHART_H_
#define GOLDTHREAD_ADAPTERS_FORMATS_SVG_CHART_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "goldthread/v1/read_models.pb.h"

namespace goldthread::adapters {

// At most this many periods are drawn: the last ones given.
inline constexpr size_t kMaxChartPoints = 8;

struct ChartPoint {
  // The period, as the page names it ("FY2011-Q2").
  std::string label;
  // Unset when the period has no figure (not submitted, or not available). A value that is not
  // finite is treated as unset.
  std::optional<double> value;
  std::optional<double> target;
  goldthread::v1::Rag rag = goldthread::v1::RAG_UNSPECIFIED;
};

struct ChartSeries {
  // What the chart shows: "NI-192 Household waste recycled". Becomes the <title>.
  std::string title;
  // Oldest first; only the last kMaxChartPoints are drawn.
  std::vector<ChartPoint> points;
  goldthread::v1::Polarity polarity = goldthread::v1::POLARITY_UNSPECIFIED;
  // "%", "days", "£k", ...: "%" is written after the number, anything else after a space.
  std::string unit;
  // Decimal places values and targets are written with (capped at 6).
  uint32_t decimal_places = 0;
};

struct SvgChartOptions {
  // The drawing's size in CSS pixels (width and height attributes, and the viewBox); clamped
  // to 200..2000 × 120..1000. Default: 480 × 220.
  int width = 480;
  int height = 220;
  // Prefix of the ids of <title> and <desc> (aria-labelledby needs ids unique in the page):
  // give each chart on one page its own. Characters other than ASCII letters, digits, '-' and
  // '_' are dropped; empty (or a leading digit) gets "gt-chart" in front. Default: "gt-chart".
  std::string id_prefix = "gt-chart";
};

// The chart as one <svg> element (no XML declaration), ready to put inside an HTML page.
std::string RenderSvgChart(const ChartSeries& series, const SvgChartOptions& options = {});

// The points of a performance report's trend (ReportIndicator::trend): label the period, value
// when submitted with a number, target when set, the RAG.
std::vector<ChartPoint> ChartPointsFromTrend(
    const google::protobuf::RepeatedPtrField<goldthread::v1::TrendPoint>& trend);

// `text` escaped for XML character data and attribute values (& < > " '), with control
// characters other than tab, line feed and carriage return dropped and invalid UTF-8 replaced
// by U+FFFD.
std::string XmlEscape(std::string_view text);

}  // namespace goldthread::adapters

#endif  // GOLDTHREAD_ADAPTERS_FORMATS_SVG_CHART_H_
