// API tokens: issued once, stored as a hash, recognised in constant time, revocable, expiring.
#include "engine/model/api_tokens.h"

#include <gtest/gtest.h>

#include "tests/testing/council_fixture.h"

namespace goldthread::engine {
namespace {

namespace v1 = goldthread::v1;
using goldthread::testing::CouncilFixture;

class ApiTokenTest : public CouncilFixture {
 protected:
  static v1::Command Issue(const std::string& person, uint32_t days = 0) {
    v1::Command c;
    c.mutable_issue_api_token()->set_person_id(person);
    c.mutable_issue_api_token()->set_label("laptop");
    c.mutable_issue_api_token()->set_expires_in_days(days);
    return c;
  }
};

TEST_F(ApiTokenTest, AnIssuedTokenActsAsItsPersonAndOnlyItsHashIsStored) {
  const auto issued = MustRun("admin", Issue("p-sm"));
  const std::string& token = issued.secret();
  ASSERT_EQ(token.rfind("gt_" + issued.created_id() + "_", 0), 0u) << token;
  EXPECT_EQ(token.size(), 3 + issued.created_id().size() + 1 + 64);
  auto who = handler_->Authenticate(token);
  ASSERT_TRUE(who) << who.error().ToString();
  EXPECT_EQ(*who, "p-sm");
  // The log holds the digest, never the token.
  for (const auto& r : ReadStream(TokenStream(kTenant, issued.created_id()))) {
    EXPECT_EQ(r.envelope.payload().find(token.substr(token.size() - 64)), std::string::npos);
    EXPECT_EQ(r.event.api_token_issued().token_sha256(), ApiTokenDigest(token));
  }
}

TEST_F(ApiTokenTest, WrongMalformedRevokedAndExpiredTokensAreRefused) {
  const auto issued = MustRun("admin", Issue("p-sm", 1));
  std::string token = issued.secret();
  std::string wrong = token;
  wrong.back() = wrong.back() == '0' ? '1' : '0';
  for (const std::string& bad : {std::string(), std::string("garbage"), wrong,
                                 std::string("gt_T-nope_") + std::string(64, 'a')}) {
    auto r = handler_->Authenticate(bad);
    ASSERT_FALSE(r) << bad;
    EXPECT_EQ(r.error().code, ErrorCode::kUnauthenticated);
    EXPECT_EQ(r.error().message.find(token.substr(10)), std::string::npos);
  }
  clock_->Advance(std::chrono::hours(25));
  auto expired = handler_->Authenticate(token);
  ASSERT_FALSE(expired);
  EXPECT_NE(expired.error().message.find("expired"), std::string::npos);

  const auto second = MustRun("admin", Issue("p-sm"));
  v1::Command revoke;
  revoke.mutable_revoke_api_token()->set_token_id(second.created_id());
  revoke.mutable_revoke_api_token()->set_reason("laptop lost");
  ExpectRefused("p-entry", revoke, ErrorCode::kPermissionDenied, "manage people");
  MustRun("p-sm", revoke);  // a person may revoke their own
  auto revoked = handler_->Authenticate(second.secret());
  ASSERT_FALSE(revoked);
  EXPECT_NE(revoked.error().message.find("revoked"), std::string::npos);
  ExpectRefused("admin", revoke, ErrorCode::kFailedPrecondition, "already revoked");
}

TEST_F(ApiTokenTest, OnlyAnAdminIssuesAndTheSecretIsShownOnce) {
  ExpectRefused("p-sm", Issue("p-sm"), ErrorCode::kPermissionDenied, "manage people");
  ExpectRefused("admin", Issue("p-nobody"), ErrorCode::kNotFound, "no person", "person_id");
  ExpectRefused("admin", Issue("p-sm", 400), ErrorCode::kInvalidArgument, "366",
                "expires_in_days");
  auto first = handler_->Execute({.actor = "admin", .command_id = "tok"}, Issue("p-sm"));
  ASSERT_TRUE(first);
  EXPECT_FALSE(first->secret().empty());
  const uint64_t head = Head();
  auto again = handler_->Execute({.actor = "admin", .command_id = "tok"}, Issue("p-sm"));
  ASSERT_TRUE(again);
  EXPECT_TRUE(again->duplicate());
  EXPECT_TRUE(again->secret().empty());
  EXPECT_EQ(again->created_id(), first->created_id());
  EXPECT_EQ(Head(), head);
}

TEST_F(ApiTokenTest, TheOperatorIssuesWithoutARole) {
  auto r = handler_->IssueTokenAsOperator("p-audit", "cli", 30);
  ASSERT_TRUE(r) << r.error().ToString();
  auto who = handler_->Authenticate(r->secret());
  ASSERT_TRUE(who);
  EXPECT_EQ(*who, "p-audit");
  const uint64_t head = Head();
  EXPECT_FALSE(handler_->IssueTokenAsOperator("p-nobody", "cli", 30));
  EXPECT_FALSE(handler_->IssueTokenAsOperator("p-audit", "cli", 0));
  EXPECT_EQ(Head(), head);
}

}  // namespace
}  // namespace goldthread::engine
