#include "adapters/http/json_guard.h"

#include <gtest/gtest.h>

#include <string>

#include "adapters/http/http_types.h"

namespace goldthread::adapters {
namespace {

std::string Nested(int depth) { return std::string(depth, '[') + std::string(depth, ']'); }

TEST(JsonGuardTest, AcceptsNestingUpToTheLimit) {
  EXPECT_TRUE(CheckJsonBody(Nested(32)));
  EXPECT_TRUE(CheckJsonBody(R"({"a":[{"b":[1,2,{"c":{}}]}]})", 6));
  EXPECT_FALSE(CheckJsonBody(R"({"a":[{"b":[1,2,{"c":{}}]}]})", 5));
  EXPECT_TRUE(CheckJsonBody(""));
}

TEST(JsonGuardTest, RejectsNestingPastTheLimitWithA400NamingTheBody) {
  Status s = CheckJsonBody(Nested(33));
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(s.error().field, "body");
  EXPECT_NE(s.error().message.find("more than 32 deep (at byte 32)"), std::string::npos)
      << s.error().message;
  HttpResponse r = ProblemFromError(s.error());
  EXPECT_EQ(r.status, 400u);
  EXPECT_NE(r.body.find(R"("field":"body")"), std::string::npos);
  // Siblings do not add up: depth is the deepest point, not the count of brackets.
  EXPECT_TRUE(CheckJsonBody("[" + Nested(2) + Nested(2) + Nested(2) + "]", 3));
  EXPECT_FALSE(CheckJsonBody(R"({"a":{"b":{"c":1}}})", 2));
}

TEST(JsonGuardTest, BracketsInsideStringsDoNotCount) {
  const std::string deep_text =
      "{\"note\":\"" + std::string(100, '[') + std::string(100, '{') + "\"}";
  EXPECT_TRUE(CheckJsonBody(deep_text, 1));
  // An escaped quote does not end the string...
  EXPECT_TRUE(CheckJsonBody(R"({"a":"\"[[[[[[\""})", 1));
  // ...but an escaped backslash followed by a quote does.
  EXPECT_FALSE(CheckJsonBody(R"({"a":"\\",[[[[1]]]]})", 4));
}

TEST(JsonGuardTest, AcceptsWellFormedUtf8) {
  for (const std::string s : {"plain", "£ and €", "\xF0\x9F\x98\x80",  // U+1F600
                              "\xED\x9F\xBF",                          // U+D7FF
                              "\xEE\x80\x80",                          // U+E000
                              "\xF4\x8F\xBF\xBF"}) {                   // U+10FFFF
    EXPECT_EQ(FindInvalidUtf8(s), std::string::npos) << s;
  }
}

TEST(JsonGuardTest, FindsTheFirstByteOfIllFormedUtf8) {
  struct Case {
    std::string bytes;
    size_t offset;
    const char* why;
  };
  const Case cases[] = {
      {"ab\x80", 2, "a lone continuation byte"},
      {"\xC0\x80", 0, "an overlong NUL"},
      {"\xC1\xBF", 0, "an overlong two-byte form"},
      {"x\xE0\x80\x80", 1, "an overlong three-byte form"},
      {"\xF0\x80\x80\x80", 0, "an overlong four-byte form"},
      {"\xED\xA0\x80", 0, "a UTF-16 surrogate"},
      {"\xF4\x90\x80\x80", 0, "past U+10FFFF"},
      {"\xF5\x80\x80\x80", 0, "a byte that never appears"},
      {"\xFF", 0, "a byte that never appears"},
      {"ok\xE2\x82", 2, "a sequence cut short by the end"},
      {"\xE2\x82z", 0, "a sequence cut short by ASCII"},
  };
  for (const Case& c : cases) EXPECT_EQ(FindInvalidUtf8(c.bytes), c.offset) << c.why;
}

TEST(JsonGuardTest, RejectsInvalidUtf8AsA400NamingTheBodyAndTheByte) {
  Status s = CheckJsonBody("{\"name\":\"caf\xE9\"}");  // Latin-1, not UTF-8
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().field, "body");
  EXPECT_EQ(s.error().message, "the body is not valid UTF-8 (byte 12 of 15)");
  EXPECT_EQ(ProblemFromError(s.error()).status, 400u);
}

}  // namespace
}  // namespace goldthread::adapters
