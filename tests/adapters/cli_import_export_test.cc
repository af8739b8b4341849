// `goldthread import`, `export` and `calendar-feed`, run as the built binary against a demo
// council: exit codes, one-line errors, dry runs that leave the log head where it was, output
// files that appear whole or not at all.
#include "adapters/cli/cli_import_export.h"

#include <gtest/gtest.h>
#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>

#include "adapters/demo/demo_council.h"
#include "engine/model/local_date.h"
#include "store/event_store.h"
#include "tests/testing/temp_dir.h"

namespace goldthread::adapters {
namespace {

// Runs a shell command; returns its exit code and output (stdout and stderr).
std::pair<int, std::string> Shell(const std::string& command_line) {
  const std::string command = command_line + " 2>&1";
  std::FILE* pipe = ::popen(command.c_str(), "r");
  if (pipe == nullptr) return {-1, ""};
  std::string out;
  std::array<char, 4096> buf;
  while (size_t n = std::fread(buf.data(), 1, buf.size(), pipe)) out.append(buf.data(), n);
  const int status = ::pclose(pipe);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, out};
}

std::pair<int, std::string> RunCli(const std::string& args) {
  return Shell(std::string("'") + GOLDTHREAD_CLI + "' " + args);
}

class CliImportExportTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new goldthread::testing::TempDir();
    DemoOptions o;
    o.data_dir = dir_->Sub("var");
    o.today = date::year{2026} / date::November / 23;
    o.now = engine::EndOfLondonDay(o.today - date::days(1)) + std::chrono::hours(12);
    o.years = 1;
    o.seed = 7;
    auto made = CreateDemoCouncil(o);
    ASSERT_TRUE(made) << made.error().message;
  }
  static void TearDownTestSuite() { delete dir_; }
  static std::string DataDir() { return dir_->Sub("var"); }
  static uint64_t Head() {
    store::StoreOptions o;
    o.read_only = true;
    auto s = store::EventStore::Open(DataDir(), o);
    EXPECT_TRUE(s);
    return s ? (*s)->Head().position : 0;
  }
  static std::string Write(const std::string& name, const std::string& text) {
    const std::string path = dir_->Sub(name);
    std::ofstream(path, std::ios::binary) << text;
    return path;
  }
  static goldthread::testing::TempDir* dir_;
};
goldthread::testing::TempDir* CliImportExportTest::dir_ = nullptr;

TEST_F(CliImportExportTest, ABadRowImportsNothingAndIsNamedWithItsLine) {
  const uint64_t head = Head();
  const std::string file = Write("bad.csv",
                                 "indicator_id,period,value,commentary,entered_by\n"
                                 "NO-SUCH-1,FY2026-Q2,12,,nobody\n");
  for (const char* mode : {" --dry-run", ""}) {
    auto [code, out] =
        RunCli("import figures --data-dir '" + DataDir() + "' --file '" + file + "'" + mode);
    EXPECT_EQ(code, 1) << out;
    EXPECT_NE(out.find("bad.csv:2: "), std::string::npos) << out;
    EXPECT_NE(out.find("1 of 1 rows refused"), std::string::npos) << out;
    EXPECT_EQ(Head(), head) << "nothing written" << mode;
  }
}

TEST_F(CliImportExportTest, MalformedCsvIsOneClearLine) {
  const std::string file = Write("quotes.csv",
                                 "indicator_id,period,value,entered_by\n"
                                 "X,FY2026-Q2,\"12,p\n");
  auto [code, out] = RunCli("import figures --data-dir '" + DataDir() + "' --file '" + file + "'");
  EXPECT_EQ(code, 3);
  EXPECT_EQ(out,
            "goldthread: " + file + ": line 2: a quoted field is never closed (unbalanced \")\n");
}

TEST_F(CliImportExportTest, ExportsWriteWholeFiles) {
  const std::string xlsx = dir_->Sub("council.xlsx");
  auto [code, out] =
      RunCli("export scorecard --data-dir '" + DataDir() +
             "' --unit ashcombe --period FY2026-Q1 --format xlsx --out '" + xlsx + "'");
  ASSERT_EQ(code, 0) << out;
  // The demo's 60 indicators: 2 caption rows, the header and 60 rows (the blank row between
  // caption and table holds no cell, so it is not written), read by Python's zipfile.
  auto [rows_code, rows] = Shell(
      "python3 -c \"import re,sys,zipfile; "
      "x=zipfile.ZipFile(sys.argv[1]).read('xl/worksheets/sheet1.xml').decode(); "
      "print(len(re.findall(r'<row ', x)))\" '" +
      xlsx + "'");
  EXPECT_EQ(rows_code, 0);
  EXPECT_EQ(rows, "63\n");

  const std::string log = dir_->Sub("log.jsonl");
  auto [log_code, log_out] =
      RunCli("export log --data-dir '" + DataDir() + "' --format cloudevents --out '" + log + "'");
  ASSERT_EQ(log_code, 0) << log_out;
  std::ifstream in(log);
  size_t lines = 0;
  for (std::string line; std::getline(in, line);) ++lines;
  EXPECT_EQ(lines, Head());
}

TEST_F(CliImportExportTest, AFailedExportLeavesNoFile) {
  const std::string out_path = dir_->Sub("nope.csv");
  auto [code, out] = RunCli("export trail --data-dir '" + DataDir() +
                            "' --period NOT-A-PERIOD --format csv --out '" + out_path + "'");
  EXPECT_EQ(code, 3) << out;
  EXPECT_FALSE(std::filesystem::exists(out_path));
  for (const auto& entry : std::filesystem::directory_iterator(dir_->Sub("")))
    EXPECT_EQ(entry.path().filename().string().find(".tmp-"), std::string::npos) << entry.path();
}

}  // namespace
}  // namespace goldthread::adapters
