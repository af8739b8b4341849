// Tests of `goldthread verify` (adapters/cli.cc) as an operator runs it: the built binary on a
// store in a temporary folder, judged by its exit code and what it prints. Lives here rather than
// in tests/adapters because it is the store's tamper check seen from the command line.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdio>
#include <string>

#include "store/internal/keys.h"
#include "tests/store/store_test_util.h"
#include "tests/testing/temp_dir.h"

namespace goldthread::store {
namespace {

using goldthread::testing::TempDir;

struct CommandResult {
  int exit_code = -1;
  std::string output;  // stdout and stderr together
};

CommandResult RunGoldthread(const std::string& args) {
  CommandResult result;
  const std::string command = std::string("'") + GOLDTHREAD_CLI + "' " + args + " 2>&1";
  FILE* pipe = ::popen(command.c_str(), "r");
  if (pipe == nullptr) return result;
  char buf[4096];
  for (size_t n; (n = std::fread(buf, 1, sizeof buf, pipe)) > 0;) result.output.append(buf, n);
  const int status = ::pclose(pipe);
  if (WIFEXITED(status)) result.exit_code = WEXITSTATUS(status);
  return result;
}

TEST(VerifyCommandTest, ExitsZeroWithTheHeadHashWhenTheLogHolds) {
  TempDir dir;
  std::string head_hex;
  {
    auto store = testing::OpenOrFail(dir.Sub("db"));
    ASSERT_TRUE(store);
    ASSERT_TRUE(store->Append(testing::Request("s/a", ExpectedVersion::Any(), 12)));
    auto report = store->Verify(1, 0);
    ASSERT_TRUE(report);
    head_hex = report->head_hash_hex;
  }
  const CommandResult r = RunGoldthread("verify --data-dir '" + dir.Sub("db") + "'");
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("OK: 12 events verified"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find(head_hex), std::string::npos) << r.output;
}

TEST(VerifyCommandTest, ExitsNonZeroNamingTheTamperedPosition) {
  TempDir dir;
  {
    auto store = testing::OpenOrFail(dir.Sub("db"));
    ASSERT_TRUE(store);
    for (int i = 0; i < 12; ++i) {
      ASSERT_TRUE(store->Append(testing::Request("s/a", ExpectedVersion::Any())));
    }
  }
  {
    auto raw = testing::RawStore::Open(dir.Sub("db"));
    ASSERT_TRUE(raw);
    std::string record = raw->Get(raw->log(), internal::LogKey(9));
    const size_t at = record.find("payload-0");
    ASSERT_NE(at, std::string::npos);
    record[at] = 'P';
    raw->Put(raw->log(), internal::LogKey(9), record);
  }
  const CommandResult r = RunGoldthread("verify --data-dir '" + dir.Sub("db") + "'");
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_NE(r.output.find("FAILED at position 9"), std::string::npos) << r.output;
}

TEST(VerifyCommandTest, MissingStoreIsACannotRunExit) {
  TempDir dir;
  const CommandResult r = RunGoldthread("verify --data-dir '" + dir.Sub("none") + "'");
  EXPECT_EQ(r.exit_code, 3) << r.output;
  EXPECT_NE(r.output.find("no goldthread store"), std::string::npos) << r.output;
}

}  // namespace
}  // namespace goldthread::store
