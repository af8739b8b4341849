// Spreadsheet exports (adapters/spreadsheet_export.h): the .xlsx is opened as the zip it is and
// its worksheet read by Python's zipfile (an independent reader); the CSV reads back.
#include "adapters/formats/spreadsheet_export.h"

#include <gtest/gtest.h>

#include <array>
#include <cstdio>
#include <memory>

#include "adapters/formats/csv.h"
#include "tests/testing/temp_dir.h"

namespace goldthread::adapters {
namespace {

namespace v1 = goldthread::v1;

v1::Scorecard SmallScorecard() {
  v1::Scorecard s;
  s.set_unit_id("svc-homes");
  s.set_unit_name("Housing");
  s.set_period("FY2011-Q2");
  auto* a = s.add_rows();
  a->set_indicator_id("NI-192");
  a->set_title("Household waste recycled, composted");
  a->set_unit("%");
  a->set_decimal_places(1);
  a->set_figure_period("FY2011-Q2");
  a->set_submitted(true);
  a->mutable_value()->set_value(61.25);
  a->set_target(60);
  a->set_rag(v1::RAG_GREEN);
  a->set_commentary("Up on last year, thanks to \"food waste\" collections");
  auto* b = s.add_rows();
  b->set_indicator_id("NI-191");
  b->set_title("Residual waste per household");
  b->set_figure_period("FY2011-Q2");
  b->set_submitted(false);
  b->set_rag(v1::RAG_RED);
  return s;
}

// Runs a shell command and returns its standard output.
std::string Capture(const std::string& command) {
  std::string out;
  std::unique_ptr<FILE, int (*)(FILE*)> pipe(popen(command.c_str(), "r"), pclose);
  if (!pipe) return out;
  std::array<char, 4096> buffer;
  size_t n;
  while ((n = fread(buffer.data(), 1, buffer.size(), pipe.get())) > 0) out.append(buffer.data(), n);
  return out;
}

TEST(SpreadsheetExportTest, ScorecardRowsCarryValuesTargetsAndRagAsWords) {
  const Sheet sheet = ScorecardSheet(SmallScorecard());
  ASSERT_EQ(sheet.rows.size(), 2u);
  const size_t value = 7, target = 8, rag = 9;
  EXPECT_EQ(sheet.header[value], "Value");
  EXPECT_EQ(sheet.header[rag], "RAG");
  ASSERT_TRUE(sheet.rows[0][value].number.has_value());
  EXPECT_DOUBLE_EQ(*sheet.rows[0][value].number, 61.25);
  EXPECT_EQ(sheet.rows[0][value].decimal_places, 1);
  EXPECT_DOUBLE_EQ(*sheet.rows[0][target].number, 60);
  EXPECT_EQ(sheet.rows[0][rag].text, "green");
  EXPECT_EQ(sheet.rows[1][value].text, "not submitted");
  EXPECT_EQ(sheet.rows[1][rag].text, "red");
}

TEST(SpreadsheetExportTest, CsvReadsBackWithTheSameCells) {
  const Sheet sheet = ScorecardSheet(SmallScorecard());
  auto table = ParseCsv(SheetToCsv(sheet));
  ASSERT_TRUE(table) << table.error().ToString();
  EXPECT_EQ(table->header, sheet.header);
  ASSERT_EQ(table->records.size(), 2u);
  EXPECT_EQ(table->Get(table->records[0], "Value"), "61.2") << "one decimal place, as defined";
  EXPECT_EQ(table->Get(table->records[0], "Commentary"),
            "Up on last year, thanks to \"food waste\" collections");
  EXPECT_EQ(table->Get(table->records[1], "RAG"), "red");
}

TEST(SpreadsheetExportTest, XlsxOpensWithEveryCellAFrozenBoldHeaderAndRagText) {
  goldthread::testing::TempDir dir;
  const std::string path = dir.Sub("scorecard.xlsx");
  const Sheet sheet = ScorecardSheet(SmallScorecard());
  ASSERT_TRUE(WriteXlsx(sheet, path));
  // Cells written: the caption lines, the header, and every non-empty cell.
  size_t expected = sheet.caption.size() + sheet.header.size();
  for (const auto& row : sheet.rows)
    for (const SheetCell& c : row) expected += c.number.has_value() || !c.text.empty();
  const std::string script = R"(import re, sys, zipfile
z = zipfile.ZipFile(sys.argv[1])
sheet = z.read('xl/worksheets/sheet1.xml').decode()
strings = z.read('xl/sharedStrings.xml').decode()
styles = z.read('xl/styles.xml').decode()
print(len(re.findall(r'<c ', sheet)))
print('frozen' if 'state="frozen"' in sheet else 'not-frozen')
print('bold' if '<b/>' in styles else 'no-bold')
print('red' if '>red<' in strings else 'no-red')
print('filter' if '<autoFilter' in sheet else 'no-filter')
)";
  const std::string script_path = dir.Sub("check.py");
  std::FILE* f = std::fopen(script_path.c_str(), "w");
  ASSERT_NE(f, nullptr);
  std::fputs(script.c_str(), f);
  std::fclose(f);
  const std::string out = Capture("python3 '" + script_path + "' '" + path + "' 2>&1");
  EXPECT_EQ(out, std::to_string(expected) + "\nfrozen\nbold\nred\nfilter\n");
}

// Issue 16, defect 6: a commentary =HYPERLINK(...) came out of the CSV export as a live
// formula, with raw ESC and NUL bytes. Text cells are neutralised (OWASP: a single quote before
// =, +, -, @, tab, CR) and stripped of control characters, in CSV and xlsx; number cells (a
// negative figure) stay numbers.
TEST(SpreadsheetExportTest, SpreadsheetFormulaInjection) {
  v1::Scorecard card = SmallScorecard();
  card.mutable_rows(0)->set_commentary("=HYPERLINK(\"http://evil.example/x\",\"See evidence\")");
  card.mutable_rows(0)->mutable_value()->set_value(-3.5);
  card.mutable_rows(1)->set_commentary(std::string("@SUM(A1)\x1b[31m") + '\0' + "end");
  const Sheet sheet = ScorecardSheet(card);
  const std::string csv = SheetToCsv(sheet);
  EXPECT_EQ(csv.find('\x1b'), std::string::npos);
  EXPECT_EQ(csv.find('\0'), std::string::npos);
  auto table = ParseCsv(csv);
  ASSERT_TRUE(table) << table.error().ToString();
  EXPECT_EQ(table->Get(table->records[0], "Commentary"),
            "'=HYPERLINK(\"http://evil.example/x\",\"See evidence\")");
  EXPECT_EQ(table->Get(table->records[1], "Commentary"), "'@SUM(A1)[31mend");
  EXPECT_EQ(table->Get(table->records[0], "Value"), "-3.5") << "a number stays a number";
  for (const char* lead : {"=1+1", "+1+1", "-1+1", "@A1", "\tx", "\rx"}) {
    EXPECT_EQ(SafeSpreadsheetText(lead).front(), '\'') << lead;
  }
  EXPECT_EQ(CsvField("-12.5"), "-12.5");
  EXPECT_EQ(CsvField("-2+3+cmd|' /C calc'!A0"), "'-2+3+cmd|' /C calc'!A0");

  goldthread::testing::TempDir dir;
  const std::string path = dir.Sub("scorecard.xlsx");
  ASSERT_TRUE(WriteXlsx(sheet, path));
  const std::string script = R"(import sys, zipfile
z = zipfile.ZipFile(sys.argv[1])
sheet = z.read('xl/worksheets/sheet1.xml').decode()
strings = z.read('xl/sharedStrings.xml').decode()
print('formula' if '<f>' in sheet else 'no-formula')
print('quoted' if "&apos;=HYPERLINK" in strings or "'=HYPERLINK" in strings else 'raw')
print('negative-number' if '<v>-3.5</v>' in sheet else 'no-negative-number')
print('esc' if '_x001B_' in strings or '\x1b' in strings else 'no-esc')
)";
  const std::string script_path = dir.Sub("check.py");
  std::FILE* f = std::fopen(script_path.c_str(), "w");
  ASSERT_NE(f, nullptr);
  std::fputs(script.c_str(), f);
  std::fclose(f);
  const std::string out = Capture("python3 '" + script_path + "' '" + path + "' 2>&1");
  EXPECT_EQ(out, "no-formula\nquoted\nnegative-number\nno-esc\n");
}

TEST(SpreadsheetExportTest, AnUnwritablePathIsAnError) {
  const Sheet sheet = ScorecardSheet(SmallScorecard());
  auto s = WriteXlsx(sheet, "/nonexistent-folder/x.xlsx");
  ASSERT_FALSE(s);
  EXPECT_NE(s.error().message.find("/nonexistent-folder/x.xlsx"), std::string::npos);
}

// With Debian's python3-openpyxl installed (GOLDTHREAD_WITH_TEST_TOOLS=1 deploy/install-deps.sh),
// a spreadsheet library opens the file as a user's spreadsheet would.
TEST(SpreadsheetExportTest, OpenpyxlReadsTheRowsBack) {
  if (Capture("/usr/bin/python3 -c 'import openpyxl' 2>&1 && echo ok") != "ok\n") {
    GTEST_SKIP() << "python3-openpyxl is not installed";
  }
  goldthread::testing::TempDir dir;
  const std::string path = dir.Sub("scorecard.xlsx");
  const Sheet sheet = ScorecardSheet(SmallScorecard());
  ASSERT_TRUE(WriteXlsx(sheet, path));
  const std::string script = R"(import sys, openpyxl
ws = openpyxl.load_workbook(sys.argv[1]).active
header = [c.value for c in ws[4]]
print(header[0], header[9], ws['A4'].font.b, ws.freeze_panes)
for row in ws.iter_rows(min_row=5, values_only=True):
    print(row[0], row[7], row[8], row[9])
)";
  const std::string script_path = dir.Sub("check.py");
  std::FILE* f = std::fopen(script_path.c_str(), "w");
  ASSERT_NE(f, nullptr);
  std::fputs(script.c_str(), f);
  std::fclose(f);
  EXPECT_EQ(Capture("/usr/bin/python3 '" + script_path + "' '" + path + "' 2>&1"),
            "Indicator RAG True B5\n"
            "NI-192 61.25 60 green\n"
            "NI-191 not submitted None red\n");
}

}  // namespace
}  // namespace goldthread::adapters
