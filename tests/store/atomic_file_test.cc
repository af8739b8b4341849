// WriteFileAtomically (store/base/atomic_file.h): the whole contents or nothing, no temp file left.
#include "store/base/atomic_file.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <vector>

#include "tests/testing/temp_dir.h"

namespace goldthread {
namespace {

namespace fs = std::filesystem;
using goldthread::testing::TempDir;

std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::vector<std::string> Entries(const fs::path& dir) {
  std::vector<std::string> out;
  for (const auto& e : fs::directory_iterator(dir)) out.push_back(e.path().filename().string());
  return out;
}

TEST(WriteFileAtomicallyTest, WritesTheContentsAndLeavesNoTemporaryFile) {
  TempDir dir;
  const std::string path = dir.Sub("report.csv");
  const std::string contents("a,b\n1,2\n\0binary", 16);
  ASSERT_TRUE(WriteFileAtomically(path, contents));
  EXPECT_EQ(ReadAll(path), contents);
  EXPECT_EQ(Entries(dir.path()), std::vector<std::string>{"report.csv"});
}

TEST(WriteFileAtomicallyTest, ReplacesAnExistingFileWhole) {
  TempDir dir;
  const std::string path = dir.Sub("out.txt");
  ASSERT_TRUE(WriteFileAtomically(path, "a much longer first version\n"));
  ASSERT_TRUE(WriteFileAtomically(path, "second\n"));
  EXPECT_EQ(ReadAll(path), "second\n");
  ASSERT_TRUE(WriteFileAtomically(path, ""));
  EXPECT_EQ(ReadAll(path), "");
  EXPECT_EQ(Entries(dir.path()), std::vector<std::string>{"out.txt"});
}

TEST(WriteFileAtomicallyTest, AMissingFolderIsAnErrorAndLeavesNothing) {
  TempDir dir;
  const std::string path = dir.Sub("no-such-folder/out.txt");
  auto s = WriteFileAtomically(path, "contents");
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().code, ErrorCode::kInvalidArgument);
  EXPECT_NE(s.error().message.find("no-such-folder"), std::string::npos) << s.error().message;
  EXPECT_FALSE(fs::exists(dir.Sub("no-such-folder")));
  EXPECT_TRUE(Entries(dir.path()).empty());
}

TEST(WriteFileAtomicallyTest, AFailedFillKeepsTheOldFileAndRemovesTheTemporaryOne) {
  TempDir dir;
  const std::string path = dir.Sub("sheet.xlsx");
  ASSERT_TRUE(WriteFileAtomically(path, "old"));
  auto s = WriteFileAtomicallyWith(path, [](const std::string& temp) -> Status {
    std::ofstream(temp) << "half written";
    return MakeError(ErrorCode::kUnavailable, "the writer gave up");
  });
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().message, "the writer gave up");
  EXPECT_EQ(ReadAll(path), "old");
  EXPECT_EQ(Entries(dir.path()), std::vector<std::string>{"sheet.xlsx"});
}

TEST(WriteFileAtomicallyTest, APathNamingNoFileIsAnError) {
  TempDir dir;
  auto s = WriteFileAtomically(dir.path().string() + "/", "x");
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().code, ErrorCode::kInvalidArgument);
  EXPECT_TRUE(Entries(dir.path()).empty());
}

}  // namespace
}  // namespace goldthread
