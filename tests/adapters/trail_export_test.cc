// The trail's exports: RFC 4180 CSV a spreadsheet opens, a self-contained HTML page with
// every value escaped, and JSON that reads back as the same trail.
#include "adapters/formats/trail_export.h"

#include <google/protobuf/util/json_util.h>
#include <google/protobuf/util/message_differencer.h>
#include <gtest/gtest.h>

namespace goldthread::engine {
namespace {

namespace v1 = goldthread::v1;

// A trail whose text fields hold everything that needs quoting or escaping.
v1::AssuranceTrail AwkwardTrail() {
  v1::AssuranceTrail trail;
  trail.set_period("FY2011-Q2");
  trail.mutable_as_of()->set_position(42);
  trail.mutable_verification()->set_ok(true);
  trail.mutable_verification()->set_position(42);
  trail.mutable_verification()->set_hash_hex("ab12");
  for (int i = 0; i < 3; ++i) {
    v1::TrailFigure* f = trail.add_figures();
    f->set_indicator_id("NI-" + std::to_string(i));
    f->set_period("FY2011-Q2");
    f->set_title(i == 0 ? "Waste, \"recycled\"\r\nand composted" : "Plain title");
    f->set_submitted(true);
    f->mutable_value()->set_value(61.2);
    v1::TrailChange* c = f->add_changes();
    c->set_kind(v1::CHANGE_KIND_AMENDMENT);
    c->set_by("p-entry");
    c->set_reason("<script>alert('x')</script> & more");
    c->set_figure_version(2);
    v1::TrailSignOff* s = f->add_sign_offs();
    s->set_level(v1::SIGN_OFF_LEVEL_SERVICE);
    s->set_person_id("p-sm");
    s->set_person_name("Sam \"The Signer\" <Smith>");
    s->set_role(v1::ROLE_SERVICE_MANAGER);
  }
  trail.mutable_totals()->set_figures(3);
  return trail;
}

// Parses RFC 4180 text into records of fields (a small independent reader for the test).
std::vector<std::vector<std::string>> ParseCsv(const std::string& text) {
  std::vector<std::vector<std::string>> records(1);
  std::string field;
  bool quoted = false;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (quoted) {
      if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
        field += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        field += c;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      records.back().push_back(std::move(field));
      field.clear();
    } else if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') {
      records.back().push_back(std::move(field));
      field.clear();
      records.emplace_back();
      ++i;
    } else {
      field += c;
    }
  }
  if (records.back().empty()) records.pop_back();
  return records;
}

TEST(TrailExportTest, CsvHasAHeaderAndOneRecordPerFigureThatReadsBack) {
  const v1::AssuranceTrail trail = AwkwardTrail();
  const auto records = ParseCsv(TrailToCsv(trail));
  ASSERT_EQ(records.size(), 4u) << "header and three figures";
  const size_t columns = records[0].size();
  for (const auto& r : records) EXPECT_EQ(r.size(), columns);
  EXPECT_EQ(records[0][1], "indicator_id");
  EXPECT_EQ(records[1][1], "NI-0");
  EXPECT_EQ(records[1][2], "Waste, \"recycled\"\r\nand composted") << "survives quoting";
  EXPECT_EQ(records[1][6], "61.2");
  EXPECT_EQ(records[3][columns - 4], "ab12") << "every row carries the seal";
  EXPECT_EQ(records[0][columns - 1], "signed_checkpoint");
}

TEST(TrailExportTest, HtmlIsSelfContainedAndEscapesEverything) {
  const std::string html = TrailToHtml(AwkwardTrail());
  EXPECT_EQ(html.rfind("<!DOCTYPE html>", 0), 0u);
  EXPECT_EQ(html.find("<script"), std::string::npos) << "no script, and none injected";
  EXPECT_NE(html.find("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; more"),
            std::string::npos);
  EXPECT_NE(html.find("Sam &quot;The Signer&quot; &lt;Smith&gt;"), std::string::npos);
  EXPECT_EQ(html.find("src="), std::string::npos) << "no external files";
  EXPECT_EQ(html.find("href="), std::string::npos);
  EXPECT_NE(html.find("@media print"), std::string::npos);
  EXPECT_NE(html.find("<code>ab12</code>"), std::string::npos);
}

TEST(TrailExportTest, HtmlEscapeReplacesTheFiveSpecialCharacters) {
  EXPECT_EQ(HtmlEscape("a<b>&\"c'"), "a&lt;b&gt;&amp;&quot;c&#39;");
  EXPECT_EQ(HtmlEscape("plain"), "plain");
}

TEST(TrailExportTest, JsonReadsBackAsTheSameTrailAndShowsFalseFields) {
  const v1::AssuranceTrail trail = AwkwardTrail();
  auto json = TrailToJson(trail);
  ASSERT_TRUE(json) << json.error().ToString();
  EXPECT_NE(json->find("\"fourEyesOk\": false"), std::string::npos) << "false is written";
  v1::AssuranceTrail back;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(*json, &back).ok());
  EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(trail, back));
}

}  // namespace
}  // namespace goldthread::engine
