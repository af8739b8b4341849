#include "adapters/notify/secret_file.h"

#include <gtest/gtest.h>

#include <fstream>

#include "tests/testing/temp_dir.h"

namespace goldthread::adapters {
namespace {

TEST(SecretFileTest, ReadsTheSecretWithoutItsTrailingNewline) {
  goldthread::testing::TempDir dir;
  std::ofstream(dir.Sub("s")) << "open sesame\r\n";
  auto s = ReadSecretFile(dir.Sub("s"), "webhook-secret-file");
  ASSERT_TRUE(s) << s.error().ToString();
  EXPECT_EQ(*s, "open sesame");
}

TEST(SecretFileTest, MissingOrEmptyFileNamesTheOptionAndNotTheContent) {
  goldthread::testing::TempDir dir;
  auto missing = ReadSecretFile(dir.Sub("nope"), "smtp-password-file");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().field, "smtp-password-file");
  EXPECT_NE(missing.error().message.find(dir.Sub("nope")), std::string::npos);
  std::ofstream(dir.Sub("empty")) << "\n";
  EXPECT_FALSE(ReadSecretFile(dir.Sub("empty"), "x"));
  EXPECT_FALSE(ReadSecretFile("", "x"));
}

}  // namespace
}  // namespace goldthread::adapters
