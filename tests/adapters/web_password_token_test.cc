#include <gtest/gtest.h>

#include "adapters/web/password.h"
#include "adapters/web/token.h"

namespace goldthread::web {
namespace {

TEST(Password, HashIsArgon2idAndVerifies) {
  auto hash = HashPassword("correct horse battery staple");
  ASSERT_TRUE(hash.has_value());
  EXPECT_EQ(hash->rfind("$argon2id$", 0), 0u);
  EXPECT_EQ(hash->find("correct horse"), std::string::npos);
  EXPECT_TRUE(VerifyPassword(*hash, "correct horse battery staple"));
  EXPECT_FALSE(VerifyPassword(*hash, "correct horse battery stapl"));
}

TEST(Password, SaltedSoTwoHashesDiffer) {
  EXPECT_NE(*HashPassword("same"), *HashPassword("same"));
}

TEST(Password, MalformedStoredHashIsRefused) {
  EXPECT_FALSE(VerifyPassword("", "x"));
  EXPECT_FALSE(VerifyPassword("not a hash", "x"));
  EXPECT_FALSE(VerifyPassword(std::string(500, 'a'), "x"));
}

TEST(Token, RandomHexAndUnique) {
  std::string a = RandomToken(), b = RandomToken();
  EXPECT_EQ(a.size(), 64u);
  EXPECT_EQ(a.find_first_not_of("0123456789abcdef"), std::string::npos);
  EXPECT_NE(a, b);
}

TEST(Token, HashIsStableAndNotTheToken) {
  std::string t = RandomToken();
  EXPECT_EQ(HashToken(t), HashToken(t));
  EXPECT_NE(HashToken(t), t);
  EXPECT_EQ(HashToken("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(Token, EqualityIsExactAndRefusesEmpty) {
  std::string t = RandomToken();
  EXPECT_TRUE(TokensEqual(t, t));
  EXPECT_FALSE(TokensEqual(t, RandomToken()));
  EXPECT_FALSE(TokensEqual(t, t.substr(1)));
  EXPECT_FALSE(TokensEqual("", ""));
}

}  // namespace
}  // namespace goldthread::web
