// The SVG chart (adapters/formats/svg_chart.h): well-formed XML read back by a strict little
// parser below (and by Python's expat when /usr/bin/python3 is there), accessible, with no
// script or inline style, hostile text escaped, gaps for missing values, and sane scales for
// one point, equal values and negative values.
#include "adapters/formats/svg_chart.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "tests/testing/temp_dir.h"

namespace goldthread::adapters {
namespace {

namespace v1 = goldthread::v1;

// ---- a strict parser for the subset of XML the chart writes -------------------------------

struct Node {
  std::string name;
  std::map<std::string, std::string> attributes;
  std::string text;  // character data directly inside, entities decoded
  int parent = -1;
};

struct Document {
  std::vector<Node> nodes;  // in document order; nodes[0] is the root
  std::string error;        // empty when well-formed

  std::vector<const Node*> All(const std::string& name) const {
    std::vector<const Node*> out;
    for (const Node& n : nodes) {
      if (n.name == name) out.push_back(&n);
    }
    return out;
  }
  std::vector<const Node*> WithClass(const std::string& cls) const {
    std::vector<const Node*> out;
    for (const Node& n : nodes) {
      auto it = n.attributes.find("class");
      if (it == n.attributes.end()) continue;
      if ((" " + it->second + " ").find(" " + cls + " ") != std::string::npos) out.push_back(&n);
    }
    return out;
  }
  // Children of nodes[index] named `name`.
  std::vector<const Node*> Children(int index, const std::string& name) const {
    std::vector<const Node*> out;
    for (const Node& n : nodes) {
      if (n.parent == index && n.name == name) out.push_back(&n);
    }
    return out;
  }
  int IndexOf(const Node* n) const { return static_cast<int>(n - nodes.data()); }
};

// Decodes the five predefined entities and character references; false on anything else.
bool Decode(std::string_view in, std::string* out) {
  for (size_t i = 0; i < in.size(); ++i) {
    if (in[i] == '<') return false;
    if (in[i] != '&') {
      out->push_back(in[i]);
      continue;
    }
    const size_t end = in.find(';', i);
    if (end == std::string_view::npos) return false;
    const std::string_view entity = in.substr(i + 1, end - i - 1);
    if (entity == "amp") {
      *out += '&';
    } else if (entity == "lt") {
      *out += '<';
    } else if (entity == "gt") {
      *out += '>';
    } else if (entity == "quot") {
      *out += '"';
    } else if (entity == "apos") {
      *out += '\'';
    } else if (entity.size() > 1 && entity[0] == '#') {
      const bool hex = entity[1] == 'x';
      const std::string digits(entity.substr(hex ? 2 : 1));
      if (digits.empty()) return false;
      char* stop = nullptr;
      const long c = std::strtol(digits.c_str(), &stop, hex ? 16 : 10);
      if (*stop != '\0' || c <= 0 || c > 0x7F) return false;  // the chart only writes &#39;
      out->push_back(static_cast<char>(c));
    } else {
      return false;
    }
    i = end;
  }
  return true;
}

Document Parse(const std::string& s) {
  Document doc;
  std::vector<int> open;
  size_t i = 0;
  auto fail = [&](const std::string& why) {
    doc.error = why + " at byte " + std::to_string(i);
    return doc;
  };
  auto is_name = [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == ':';
  };
  while (i < s.size()) {
    if (s[i] != '<') {
      const size_t next = s.find('<', i);
      const std::string raw = s.substr(i, next == std::string::npos ? std::string::npos : next - i);
      std::string text;
      if (!Decode(raw, &text)) return fail("bad character data");
      if (open.empty()) {
        if (text.find_first_not_of(" \t\r\n") != std::string::npos) {
          return fail("text outside the root");
        }
      } else {
        doc.nodes[open.back()].text += text;
      }
      i = next == std::string::npos ? s.size() : next;
      continue;
    }
    if (s.compare(i, 2, "</") == 0) {
      size_t j = i + 2;
      while (j < s.size() && is_name(s[j])) ++j;
      const std::string name = s.substr(i + 2, j - i - 2);
      if (j >= s.size() || s[j] != '>') return fail("bad end tag");
      if (open.empty() || doc.nodes[open.back()].name != name) return fail("mismatched </" + name);
      open.pop_back();
      i = j + 1;
      continue;
    }
    if (s.compare(i, 2, "<!") == 0 || s.compare(i, 2, "<?") == 0) {
      return fail("unexpected declaration or comment");
    }
    size_t j = i + 1;
    while (j < s.size() && is_name(s[j])) ++j;
    Node node;
    node.name = s.substr(i + 1, j - i - 1);
    if (node.name.empty()) return fail("empty tag name");
    if (open.empty() && !doc.nodes.empty()) return fail("a second root");
    node.parent = open.empty() ? -1 : open.back();
    bool self_closing = false;
    while (true) {
      while (j < s.size() && s[j] == ' ') ++j;
      if (j >= s.size()) return fail("unterminated tag");
      if (s.compare(j, 2, "/>") == 0) {
        self_closing = true;
        j += 2;
        break;
      }
      if (s[j] == '>') {
        ++j;
        break;
      }
      const size_t name_start = j;
      while (j < s.size() && is_name(s[j])) ++j;
      const std::string attribute = s.substr(name_start, j - name_start);
      if (attribute.empty() || j + 1 >= s.size() || s[j] != '=' || s[j + 1] != '"') {
        return fail("bad attribute in <" + node.name);
      }
      const size_t value_end = s.find('"', j + 2);
      if (value_end == std::string::npos) return fail("unterminated attribute");
      std::string value;
      if (!Decode(std::string_view(s).substr(j + 2, value_end - j - 2), &value)) {
        return fail("bad attribute value");
      }
      if (!node.attributes.emplace(attribute, value).second) return fail("duplicate attribute");
      j = value_end + 1;
      if (j < s.size() && s[j] != ' ' && s[j] != '>' && s[j] != '/') {
        return fail("no space between attributes");
      }
    }
    doc.nodes.push_back(std::move(node));
    if (!self_closing) open.push_back(static_cast<int>(doc.nodes.size()) - 1);
    i = j;
  }
  if (!open.empty()) return fail("unclosed <" + doc.nodes[open.back()].name);
  if (doc.nodes.empty()) return fail("no root");
  return doc;
}

// The number of subpaths ("M" commands) in a path's d attribute.
int Subpaths(const std::string& d) {
  int n = 0;
  for (char c : d) n += c == 'M' ? 1 : 0;
  return n;
}

// A marker's y: a circle's cy, a square's centre, a diamond's first point + 5.5.
double MarkerY(const Document& doc, const Node* point) {
  const int index = doc.IndexOf(point);
  for (const Node& n : doc.nodes) {
    if (n.parent != index) continue;
    if (n.name == "circle") return std::stod(n.attributes.at("cy"));
    if (n.name == "rect") return std::stod(n.attributes.at("y")) + 4.5;
    if (n.name == "path") {
      const std::string& d = n.attributes.at("d");
      return std::stod(d.substr(d.find(' ') + 1)) + 5.5;
    }
  }
  ADD_FAILURE() << "a point without a marker";
  return 0;
}

ChartSeries EightQuarters() {
  ChartSeries series;
  series.title = "NI-192 Household waste recycled";
  series.polarity = v1::POLARITY_HIGHER_IS_BETTER;
  series.unit = "%";
  series.decimal_places = 1;
  const double values[] = {51.0, 53.5, 55.2, 58.0, 57.1, 59.9, 61.2, 62.4};
  const v1::Rag rags[] = {v1::RAG_RED,   v1::RAG_RED,   v1::RAG_AMBER, v1::RAG_AMBER,
                          v1::RAG_AMBER, v1::RAG_AMBER, v1::RAG_GREEN, v1::RAG_GREEN};
  const char* labels[] = {"FY2009-Q3", "FY2009-Q4", "FY2010-Q1", "FY2010-Q2",
                          "FY2010-Q3", "FY2010-Q4", "FY2011-Q1", "FY2011-Q2"};
  for (int i = 0; i < 8; ++i) {
    series.points.push_back(
        {.label = labels[i], .value = values[i], .target = i < 4 ? 58.0 : 60.0, .rag = rags[i]});
  }
  return series;
}

void ExpectNoScriptNoInlineStyle(const Document& doc, const std::string& svg) {
  EXPECT_TRUE(doc.All("script").empty());
  EXPECT_TRUE(doc.All("style").empty());
  EXPECT_TRUE(doc.All("foreignObject").empty());
  for (const Node& n : doc.nodes) {
    for (const auto& [name, value] : n.attributes) {
      EXPECT_NE(name, "style") << "inline style on <" << n.name << ">";
      EXPECT_NE(name.rfind("on", 0), 0u) << name << " on <" << n.name << ">";
      EXPECT_EQ(value.find("javascript:"), std::string::npos);
    }
  }
  EXPECT_EQ(svg.find("nan"), std::string::npos) << svg;
  EXPECT_EQ(svg.find("inf"), std::string::npos) << svg;
}

TEST(SvgChartTest, IsOneAccessibleSvgWithAMarkerPerPeriodAValueLineAndADashedTarget) {
  const std::string svg = RenderSvgChart(EightQuarters(), {.id_prefix = "chart-ni-192"});
  const Document doc = Parse(svg);
  ASSERT_EQ(doc.error, "") << svg;
  const Node& root = doc.nodes[0];
  EXPECT_EQ(root.name, "svg");
  EXPECT_EQ(root.attributes.at("role"), "img");
  EXPECT_EQ(root.attributes.at("aria-labelledby"), "chart-ni-192-title chart-ni-192-desc");
  EXPECT_EQ(root.attributes.at("viewBox"), "0 0 480 220");
  // The title and desc are the svg's own children, with the ids aria-labelledby names.
  auto titles = doc.Children(0, "title");
  auto descs = doc.Children(0, "desc");
  ASSERT_EQ(titles.size(), 1u);
  ASSERT_EQ(descs.size(), 1u);
  EXPECT_EQ(titles[0]->attributes.at("id"), "chart-ni-192-title");
  EXPECT_EQ(titles[0]->text, "NI-192 Household waste recycled");
  EXPECT_EQ(descs[0]->attributes.at("id"), "chart-ni-192-desc");
  const std::string& desc = descs[0]->text;
  EXPECT_NE(desc.find("8 periods from FY2009-Q3 to FY2011-Q2"), std::string::npos) << desc;
  EXPECT_NE(desc.find("Higher is better"), std::string::npos) << desc;
  EXPECT_NE(desc.find("Latest, FY2011-Q2: 62.4% against a target of 60.0% (green)"),
            std::string::npos)
      << desc;
  EXPECT_NE(desc.find("FY2009-Q3: 51.0%, target 58.0%, red."), std::string::npos) << desc;

  EXPECT_EQ(doc.WithClass("gt-chart__point").size(), 8u);
  EXPECT_EQ(doc.WithClass("gt-chart__point--green").size(), 2u);
  EXPECT_EQ(doc.WithClass("gt-chart__point--amber").size(), 4u);
  EXPECT_EQ(doc.WithClass("gt-chart__point--red").size(), 2u);
  // Each marker carries its own words.
  for (const Node* point : doc.WithClass("gt-chart__point")) {
    ASSERT_EQ(doc.Children(doc.IndexOf(point), "title").size(), 1u);
  }
  auto line = doc.WithClass("gt-chart__value-line");
  ASSERT_EQ(line.size(), 1u);
  EXPECT_EQ(Subpaths(line[0]->attributes.at("d")), 1);
  auto target = doc.WithClass("gt-chart__target");
  ASSERT_EQ(target.size(), 1u);
  EXPECT_FALSE(target[0]->attributes.at("stroke-dasharray").empty());
  EXPECT_EQ(Subpaths(target[0]->attributes.at("d")), 1);  // one continuous step
  // Axis labels: a label per period under the axis (too wide for its slot at 480 pixels, so on
  // two lines split at the '-'), the unit, the legend.
  std::vector<std::string> labels;
  for (const Node* text : doc.All("text")) labels.push_back(text->text);
  for (const Node* line : doc.All("tspan")) labels.push_back(line->text);
  for (const char* label : {"FY2009", "Q3", "FY2011", "Q2", "%", "Value", "Target"}) {
    EXPECT_NE(std::find(labels.begin(), labels.end(), label), labels.end()) << label;
  }
  EXPECT_EQ(doc.All("tspan").size(), 16u);
  // Wide enough, they stay whole.
  const Document wide = Parse(RenderSvgChart(EightQuarters(), {.width = 1200}));
  ASSERT_EQ(wide.error, "");
  EXPECT_TRUE(wide.All("tspan").empty());
  bool whole = false;
  for (const Node* text : wide.All("text")) whole = whole || text->text == "FY2009-Q3";
  EXPECT_TRUE(whole);
  // Higher values are drawn higher (smaller y).
  auto points = doc.WithClass("gt-chart__point");
  EXPECT_LT(MarkerY(doc, points[7]), MarkerY(doc, points[0]));
  ExpectNoScriptNoInlineStyle(doc, svg);
}

TEST(SvgChartTest, TheSameSeriesGivesTheSameBytes) {
  EXPECT_EQ(RenderSvgChart(EightQuarters()), RenderSvgChart(EightQuarters()));
}

TEST(SvgChartTest, OnlyTheLastEightPeriodsAreDrawn) {
  ChartSeries series = EightQuarters();
  series.points.insert(series.points.begin(), ChartPoint{.label = "FY2009-Q2", .value = 1.0});
  series.points.insert(series.points.begin(), ChartPoint{.label = "FY2009-Q1", .value = 2.0});
  const std::string svg = RenderSvgChart(series);
  const Document doc = Parse(svg);
  ASSERT_EQ(doc.error, "") << svg;
  EXPECT_EQ(doc.WithClass("gt-chart__point").size(), kMaxChartPoints);
  EXPECT_EQ(svg.find("FY2009-Q1"), std::string::npos);
  EXPECT_EQ(svg.find("FY2009-Q2"), std::string::npos);
}

TEST(SvgChartTest, HostileTextIsEscapedAndCannotBreakOutOfTheMarkup) {
  ChartSeries series;
  series.title = "</title><script>alert(1)</script>";
  series.unit = "<b>&\"'";
  series.points = {
      {.label = "\"><img src=x onerror=alert(1)>", .value = 1.0, .rag = v1::RAG_RED},
      {.label = "Q2 & <Q3>\x01\xff", .value = 2.0, .target = 2.0, .rag = v1::RAG_GREEN},
  };
  const std::string svg = RenderSvgChart(series, {.id_prefix = "x\" onload=\"alert(1)"});
  const Document doc = Parse(svg);
  ASSERT_EQ(doc.error, "") << svg;
  EXPECT_EQ(svg.find("<script"), std::string::npos) << svg;
  EXPECT_EQ(svg.find("<img"), std::string::npos) << svg;
  EXPECT_EQ(svg.find("<b>"), std::string::npos) << svg;
  EXPECT_EQ(svg.find('\x01'), std::string::npos);
  EXPECT_EQ(doc.Children(0, "title")[0]->text, "</title><script>alert(1)</script>");
  EXPECT_NE(doc.Children(0, "desc")[0]->text.find("\"><img src=x onerror=alert(1)>: 1"),
            std::string::npos);
  // The control character is dropped and the invalid byte replaced.
  EXPECT_NE(doc.Children(0, "desc")[0]->text.find("Q2 & <Q3>\xEF\xBF\xBD"), std::string::npos);
  // The id prefix keeps only the characters an id may have.
  EXPECT_EQ(doc.nodes[0].attributes.at("aria-labelledby"),
            "xonloadalert1-title xonloadalert1-desc");
  ExpectNoScriptNoInlineStyle(doc, svg);
}

TEST(SvgChartTest, MissingValuesLeaveGapsInTheLineAndAreSaidInWords) {
  ChartSeries series = EightQuarters();
  series.points[2].value.reset();         // not submitted
  series.points[5].value = std::nan("");  // not a number: treated as missing
  series.points[6].target.reset();        // no target that period
  series.points[2].rag = v1::RAG_GREY;
  const std::string svg = RenderSvgChart(series);
  const Document doc = Parse(svg);
  ASSERT_EQ(doc.error, "") << svg;
  EXPECT_EQ(doc.WithClass("gt-chart__point").size(), 6u);
  const std::string& line = doc.WithClass("gt-chart__value-line")[0]->attributes.at("d");
  EXPECT_EQ(Subpaths(line), 3) << line;  // 0-1, 3-4, 6-7
  const std::string& target = doc.WithClass("gt-chart__target")[0]->attributes.at("d");
  EXPECT_EQ(Subpaths(target), 2) << target;  // stops at period 6, starts again at 7
  const std::string& desc = doc.Children(0, "desc")[0]->text;
  EXPECT_NE(desc.find("FY2010-Q1: no figure, target 58.0%."), std::string::npos) << desc;
  EXPECT_NE(desc.find("FY2010-Q4: no figure, target 60.0%."), std::string::npos) << desc;
  ExpectNoScriptNoInlineStyle(doc, svg);
}

TEST(SvgChartTest, NoValuesAtAllDrawsTheAxesAndSaysSo) {
  ChartSeries series;
  series.title = "New indicator";
  series.points = {{.label = "FY2011-Q1"}, {.label = "FY2011-Q2"}};
  const std::string svg = RenderSvgChart(series);
  const Document doc = Parse(svg);
  ASSERT_EQ(doc.error, "") << svg;
  EXPECT_TRUE(doc.WithClass("gt-chart__point").empty());
  EXPECT_TRUE(doc.WithClass("gt-chart__value-line").empty());
  EXPECT_NE(svg.find("No figures to show"), std::string::npos);
  EXPECT_NE(doc.Children(0, "desc")[0]->text.find("Latest, FY2011-Q2: no figure."),
            std::string::npos);
  ExpectNoScriptNoInlineStyle(doc, svg);

  const Document empty = Parse(RenderSvgChart({}));
  ASSERT_EQ(empty.error, "");
  EXPECT_EQ(empty.Children(0, "desc")[0]->text, "No periods to show.");
}

TEST(SvgChartTest, ASinglePointIsAMarkerWithoutALine) {
  ChartSeries series;
  series.title = "One quarter";
  series.unit = "days";
  series.points = {{.label = "FY2011-Q2", .value = 12.0, .target = 10.0, .rag = v1::RAG_RED}};
  series.polarity = v1::POLARITY_LOWER_IS_BETTER;
  const std::string svg = RenderSvgChart(series);
  const Document doc = Parse(svg);
  ASSERT_EQ(doc.error, "") << svg;
  EXPECT_EQ(doc.WithClass("gt-chart__point").size(), 1u);
  EXPECT_TRUE(doc.WithClass("gt-chart__value-line").empty());
  EXPECT_EQ(doc.WithClass("gt-chart__target").size(), 1u);
  const std::string& desc = doc.Children(0, "desc")[0]->text;
  EXPECT_NE(desc.find("1 period from FY2011-Q2 to FY2011-Q2. Lower is better."), std::string::npos)
      << desc;
  EXPECT_NE(desc.find("12 days against a target of 10 days (red)"), std::string::npos) << desc;
  ExpectNoScriptNoInlineStyle(doc, svg);
}

TEST(SvgChartTest, AllEqualValuesSitInsideThePlotWithoutDividingByZero) {
  ChartSeries series;
  series.title = "Flat";
  for (const char* label : {"A", "B", "C"}) {
    series.points.push_back({.label = label, .value = 5.0, .target = 5.0, .rag = v1::RAG_GREEN});
  }
  const std::string svg = RenderSvgChart(series);
  const Document doc = Parse(svg);
  ASSERT_EQ(doc.error, "") << svg;
  auto points = doc.WithClass("gt-chart__point");
  ASSERT_EQ(points.size(), 3u);
  const double y = MarkerY(doc, points[0]);
  EXPECT_EQ(MarkerY(doc, points[2]), y);
  EXPECT_GT(y, 30.0);          // below the plot's top
  EXPECT_LT(y, 220.0 - 40.0);  // above its bottom
  ExpectNoScriptNoInlineStyle(doc, svg);
  // All zero too.
  for (auto& p : series.points) p.value = p.target = 0.0;
  const Document zero = Parse(RenderSvgChart(series));
  ASSERT_EQ(zero.error, "");
  EXPECT_EQ(zero.WithClass("gt-chart__point").size(), 3u);
}

TEST(SvgChartTest, NegativeValuesGetAZeroLineAndNegativeTicks) {
  ChartSeries series;
  series.title = "Budget variance";
  series.unit = "£k";
  series.decimal_places = 0;
  series.points = {{.label = "M01", .value = -50.0, .target = 0.0},
                   {.label = "M02", .value = -20.0, .target = 0.0},
                   {.label = "M03", .value = 30.0, .target = 0.0}};
  const std::string svg = RenderSvgChart(series);
  const Document doc = Parse(svg);
  ASSERT_EQ(doc.error, "") << svg;
  EXPECT_EQ(doc.WithClass("gt-chart__zero").size(), 1u);
  bool negative_tick = false;
  // -50 to 30 in steps of 20: the axis runs from -60 to 40.
  for (const Node* t : doc.All("text")) negative_tick = negative_tick || t->text == "-60";
  EXPECT_TRUE(negative_tick) << svg;
  auto points = doc.WithClass("gt-chart__point");
  ASSERT_EQ(points.size(), 3u);
  EXPECT_GT(MarkerY(doc, points[0]), MarkerY(doc, points[2]));  // -50 drawn below 30
  EXPECT_NE(doc.Children(0, "desc")[0]->text.find("M01: -50 £k, target 0 £k"), std::string::npos);
  ExpectNoScriptNoInlineStyle(doc, svg);
}

TEST(SvgChartTest, RagIsToldByShapeAsWellAsColour) {
  ChartSeries series;
  series.points = {{.label = "G", .value = 1.0, .rag = v1::RAG_GREEN},
                   {.label = "A", .value = 2.0, .rag = v1::RAG_AMBER},
                   {.label = "R", .value = 3.0, .rag = v1::RAG_RED},
                   {.label = "N", .value = 4.0, .rag = v1::RAG_NOT_RATED}};
  const Document doc = Parse(RenderSvgChart(series));
  ASSERT_EQ(doc.error, "");
  auto shape = [&](const char* cls) {
    const Node* point = doc.WithClass(cls).at(0);
    for (const Node& n : doc.nodes) {
      if (n.parent == doc.IndexOf(point) && n.name != "title") return n.name;
    }
    return std::string();
  };
  EXPECT_EQ(shape("gt-chart__point--green"), "circle");
  EXPECT_EQ(shape("gt-chart__point--amber"), "path");
  EXPECT_EQ(shape("gt-chart__point--red"), "rect");
  EXPECT_EQ(shape("gt-chart__point--not-rated"), "circle");
}

TEST(SvgChartTest, PythonsXmlParserReadsItToo) {
  if (std::system("/usr/bin/python3 -c 'import xml.dom.minidom' >/dev/null 2>&1") != 0) {
    GTEST_SKIP() << "/usr/bin/python3 not installed";
  }
  goldthread::testing::TempDir dir;
  ChartSeries series = EightQuarters();
  series.title = "</title><script>alert(1)</script> & \"quotes\"";
  series.points[3].value.reset();
  const std::string path = dir.Sub("chart.svg");
  std::ofstream(path) << RenderSvgChart(series);
  const std::string command =
      "/usr/bin/python3 -c 'import sys, xml.dom.minidom as m; d = m.parse(sys.argv[1]); "
      "r = d.documentElement; assert r.tagName == \"svg\", r.tagName; "
      "assert not d.getElementsByTagName(\"script\"); "
      "print(len([g for g in d.getElementsByTagName(\"g\") "
      "if \"gt-chart__point \" in g.getAttribute(\"class\") + \" \"]))' " +
      path + " > " + dir.Sub("out.txt");
  ASSERT_EQ(std::system(command.c_str()), 0);
  std::ifstream out(dir.Sub("out.txt"));
  int points = 0;
  out >> points;
  EXPECT_EQ(points, 7);
}

TEST(SvgChartTest, XmlEscapeEscapesMarkupAndDropsWhatXmlCannotCarry) {
  EXPECT_EQ(XmlEscape("a&b<c>\"d'"), "a&amp;b&lt;c&gt;&quot;d&#39;");
  std::string controls = "tab\tline\nnul";
  controls.push_back('\0');
  controls += "x\x1b";
  EXPECT_EQ(XmlEscape(controls), "tab\tline\nnulx");
  EXPECT_EQ(XmlEscape(std::string("caf\xc3\xa9 \xe2\x82\xac")), "caf\xc3\xa9 \xe2\x82\xac");
  EXPECT_EQ(XmlEscape("\xff"), "\xEF\xBF\xBD");
  EXPECT_EQ(XmlEscape("\xc3"), "\xEF\xBF\xBD");          // truncated sequence
  EXPECT_EQ(XmlEscape("\xc0\xaf"), "\xEF\xBF\xBD");      // overlong '/'
  EXPECT_EQ(XmlEscape("\xed\xa0\x80"), "\xEF\xBF\xBD");  // a surrogate
}

TEST(SvgChartTest, ChartPointsFromTrendTakesSubmittedNumbersTargetsAndRag) {
  google::protobuf::RepeatedPtrField<v1::TrendPoint> trend;
  v1::TrendPoint* a = trend.Add();
  a->set_period("FY2011-Q1");
  a->set_submitted(true);
  a->mutable_value()->set_value(4.5);
  a->set_target(5);
  a->set_rag(v1::RAG_AMBER);
  v1::TrendPoint* b = trend.Add();
  b->set_period("FY2011-Q2");
  b->set_submitted(true);
  b->mutable_value()->set_not_available_reason("survey not run");
  b->set_rag(v1::RAG_GREY);
  trend.Add()->set_period("FY2011-Q3");
  auto points = ChartPointsFromTrend(trend);
  ASSERT_EQ(points.size(), 3u);
  EXPECT_EQ(points[0].label, "FY2011-Q1");
  EXPECT_EQ(points[0].value, 4.5);
  EXPECT_EQ(points[0].target, 5.0);
  EXPECT_EQ(points[0].rag, v1::RAG_AMBER);
  EXPECT_FALSE(points[1].value);
  EXPECT_FALSE(points[1].target);
  EXPECT_FALSE(points[2].value);
}

}  // namespace
}  // namespace goldthread::adapters
