// The RFC 4180 reader and writer (adapters/csv.h).
#include "adapters/formats/csv.h"

#include <gtest/gtest.h>

namespace goldthread::adapters {
namespace {

TEST(CsvTest, ReadsQuotedFieldsWithCommasQuotesAndLineBreaks) {
  auto t = ParseCsv("a,b,c\r\n1,\"two, too\",\"say \"\"hi\"\"\"\r\n2,\"line\nbreak\",x\n");
  ASSERT_TRUE(t) << t.error().ToString();
  ASSERT_EQ(t->header, (std::vector<std::string>{"a", "b", "c"}));
  ASSERT_EQ(t->records.size(), 2u);
  EXPECT_EQ(t->records[0].fields[1], "two, too");
  EXPECT_EQ(t->records[0].fields[2], "say \"hi\"");
  EXPECT_EQ(t->records[0].line, 2u);
  EXPECT_EQ(t->records[1].fields[1], "line\nbreak");
  EXPECT_EQ(t->records[1].line, 3u);
  EXPECT_EQ(t->Get(t->records[1], "c"), "x");
}

TEST(CsvTest, CountsLinesAcrossBlankLinesAndQuotedLineBreaks) {
  auto t = ParseCsv("\xEF\xBB\xBFid,v\n\"a\nb\",1\n\nc,2");
  ASSERT_TRUE(t) << t.error().ToString();
  EXPECT_EQ(t->header[0], "id") << "the byte-order mark is not part of the first name";
  ASSERT_EQ(t->records.size(), 2u);
  EXPECT_EQ(t->records[1].line, 5u);
  EXPECT_EQ(t->records[1].fields[0], "c");
}

TEST(CsvTest, AnUnclosedQuoteNamesTheLineItOpensOn) {
  auto t = ParseCsv("a,b\n1,2\n3,\"never closed\n4,5\n");
  ASSERT_FALSE(t);
  EXPECT_EQ(t.error().field, "line 3");
  EXPECT_NE(t.error().message.find("never closed"), std::string::npos) << t.error().message;
}

TEST(CsvTest, AWrongFieldCountNamesTheLine) {
  auto t = ParseCsv("a,b,c\n1,2,3\n4,5\n");
  ASSERT_FALSE(t);
  EXPECT_EQ(t.error().message, "line 3: 2 fields, but the header has 3");
}

TEST(CsvTest, RefusesStrayQuotesAndBadHeaders) {
  EXPECT_FALSE(ParseCsv("a,b\n1,x\"y\n"));
  EXPECT_FALSE(ParseCsv("a,b\n\"1\"x,2\n"));
  EXPECT_FALSE(ParseCsv("a,a\n1,2\n"));
  EXPECT_FALSE(ParseCsv("a,\n1,2\n"));
  EXPECT_FALSE(ParseCsv(""));
}

TEST(CsvTest, WritesFieldsThatReadBackTheSame) {
  const std::vector<std::string> fields = {"plain", "with, comma", "with \"quote\"", "two\r\nlines",
                                           ""};
  const std::string text = CsvLine({"a", "b", "c", "d", "e"}) + CsvLine(fields);
  EXPECT_EQ(CsvLine({"x", "y,z"}), "x,\"y,z\"\r\n");
  auto t = ParseCsv(text);
  ASSERT_TRUE(t) << t.error().ToString();
  ASSERT_EQ(t->records.size(), 1u);
  EXPECT_EQ(t->records[0].fields, fields);
}

TEST(CsvTest, QuotesOnlyFieldsThatNeedIt) {
  EXPECT_EQ(CsvField("plain text"), "plain text");
  EXPECT_EQ(CsvField(" padded "), " padded ");  // spaces are data, unquoted (RFC 4180)
  EXPECT_EQ(CsvField(""), "");
  EXPECT_EQ(CsvField("a,b"), "\"a,b\"");
  EXPECT_EQ(CsvField("say \"no\""), "\"say \"\"no\"\"\"");
  EXPECT_EQ(CsvField("cr\ronly"), "\"cr\ronly\"");
  EXPECT_EQ(CsvField("lf\nonly"), "\"lf\nonly\"");
  EXPECT_EQ(CsvLine({}), "\r\n");
  EXPECT_EQ(CsvLine({"", ""}), ",\r\n");
  EXPECT_EQ(CsvLine({"a", "b c", ""}), "a,b c,\r\n");
  EXPECT_EQ(CsvLine({"a,b", "say \"hi\"", "two\nlines"}),
            "\"a,b\",\"say \"\"hi\"\"\",\"two\nlines\"\r\n");
}

}  // namespace
}  // namespace goldthread::adapters
