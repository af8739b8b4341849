// Web sign-in accounts: invitations, passwords set through them, and the sign-in record.
#include <gtest/gtest.h>

#include "engine/command/command_context.h"
#include "engine/model/accounts.h"
#include "engine/model/event_codec.h"
#include "tests/testing/council_fixture.h"

namespace goldthread::testing {
namespace {

namespace v1 = goldthread::v1;

// Argon2id-shaped: the engine checks the form, the web adapter does the hashing.
constexpr char kHash[] = "$argon2id$v=19$m=65536,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNo";

class AccountsTest : public CouncilFixture {
 protected:
  v1::Command Invite(const std::string& person) {
    v1::Command c;
    c.mutable_invite_person()->set_person_id(person);
    return c;
  }
  v1::Command SetPassword(const std::string& person, const std::string& token,
                          const std::string& hash = kHash) {
    v1::Command c;
    c.mutable_set_password()->set_person_id(person);
    c.mutable_set_password()->set_invitation_token(token);
    c.mutable_set_password()->set_password_hash(hash);
    return c;
  }
  const engine::Account* AccountOf(const std::string& person) {
    const engine::Account* found = nullptr;
    static engine::Account copy;
    EXPECT_TRUE(handler_->ReadModel([&](const engine::CouncilModel& model) {
      if (const engine::Account* a = model.FindAccount(person)) {
        copy = *a;
        found = &copy;
      }
    }));
    return found;
  }
};

TEST_F(AccountsTest, AnAdminInvitesAndThePersonSetsAPasswordOnce) {
  auto invited = MustRun("admin", Invite("p-entry"));
  ASSERT_EQ(invited.secret().rfind("inv_", 0), 0u);
  const auto events = ReadStream(engine::AccountStream(kTenant, "p-entry"));
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].event.invitation_issued().token_sha256(),
            engine::InvitationDigest(invited.secret()))
      << "only the digest is recorded";
  EXPECT_EQ(events[0].envelope.payload().find(invited.secret()), std::string::npos);

  MustRun("p-entry", SetPassword("p-entry", invited.secret()));
  ASSERT_NE(AccountOf("p-entry"), nullptr);
  EXPECT_EQ(AccountOf("p-entry")->password_hash, kHash);
  // The link works once.
  ExpectRefused("p-entry", SetPassword("p-entry", invited.secret()), ErrorCode::kUnauthenticated,
                "used already");
}

TEST_F(AccountsTest, OnlyAnAdminMayInvite) {
  ExpectRefused("p-entry", Invite("p-entry2"), ErrorCode::kPermissionDenied, "");
  ExpectRefused("admin", Invite("nobody"), ErrorCode::kNotFound, "no person");
  ExpectRefused("admin", Invite("bad/id"), ErrorCode::kInvalidArgument, "person_id");
}

TEST_F(AccountsTest, AnInvitationExpiresAfter72Hours) {
  auto invited = MustRun("admin", Invite("p-entry"));
  clock_->Advance(std::chrono::hours(72) + std::chrono::seconds(1));
  ExpectRefused("p-entry", SetPassword("p-entry", invited.secret()), ErrorCode::kUnauthenticated,
                "expired");
}

TEST_F(AccountsTest, ANewInvitationReplacesTheLast) {
  auto first = MustRun("admin", Invite("p-entry"));
  auto second = MustRun("admin", Invite("p-entry"));
  ExpectRefused("p-entry", SetPassword("p-entry", first.secret()), ErrorCode::kUnauthenticated,
                "newer invitation");
  MustRun("p-entry", SetPassword("p-entry", second.secret()));
}

TEST_F(AccountsTest, SomeoneElsesOrAForgedInvitationIsRefused) {
  auto invited = MustRun("admin", Invite("p-entry"));
  ExpectRefused("p-sm", SetPassword("p-sm", invited.secret()), ErrorCode::kPermissionDenied,
                "someone else");
  std::string forged = invited.secret();
  forged.back() = forged.back() == '0' ? '1' : '0';
  ExpectRefused("p-entry", SetPassword("p-entry", forged), ErrorCode::kUnauthenticated,
                "not recognised");
  ExpectRefused("p-entry", SetPassword("p-entry", "inv_x"), ErrorCode::kUnauthenticated,
                "not a goldthread invitation");
  ExpectRefused("p-entry", SetPassword("p-entry", invited.secret(), "plain text password"),
                ErrorCode::kInvalidArgument, "Argon2id", "password_hash");
}

TEST_F(AccountsTest, SignInsAndOutsAreRecordedForPeopleWithAnAccount) {
  v1::Command in;
  in.mutable_record_sign_in()->set_remote_address("192.0.2.7");
  ExpectRefused("p-entry", in, ErrorCode::kFailedPrecondition, "no web account");
  auto invited = MustRun("admin", Invite("p-entry"));
  MustRun("p-entry", SetPassword("p-entry", invited.secret()));
  MustRun("p-entry", in);
  v1::Command out;
  out.mutable_record_sign_out();  // no reason
  ExpectRefused("p-entry", out, ErrorCode::kInvalidArgument, "why", "reason");
  out.mutable_record_sign_out()->set_reason(v1::SIGN_OUT_REASON_IDLE);
  MustRun("p-entry", out);
  const auto events = ReadStream(engine::AccountStream(kTenant, "p-entry"));
  ASSERT_EQ(events.size(), 4u);
  EXPECT_EQ(events[2].event.signed_in().remote_address(), "192.0.2.7");
  EXPECT_EQ(events[3].event.signed_out().reason(), v1::SIGN_OUT_REASON_IDLE);
}

TEST_F(AccountsTest, FailuresAreRecordedOnlyByTheWebActor) {
  v1::Command c;
  auto* f = c.mutable_record_sign_in_failure();
  f->set_email("nobody@anyshire.example");
  f->set_remote_address("192.0.2.9");
  f->set_reason("no account for that address");
  ExpectRefused("p-entry", c, ErrorCode::kPermissionDenied, "only the web interface");
  MustRun(engine::kWebSystemActor, c);
  const auto events = ReadStream(engine::AccountStream(kTenant, "unknown"));
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].event.sign_in_failed().email(), "nobody@anyshire.example");
}

TEST_F(AccountsTest, EmailAddressesNameOnePersonAndSystemIdsAreReserved) {
  v1::Command c;
  auto* p = c.mutable_register_person();
  p->set_person_id("p-new");
  p->set_name("New Person");
  p->set_email("P-ENTRY@anyshire.example");  // p-entry's, in another case
  p->set_home_unit_id("svc-homes");
  ExpectRefused("admin", c, ErrorCode::kAlreadyExists, "already the address", "email");
  p->set_email("new@anyshire.example");
  p->set_person_id("system.web");
  ExpectRefused("admin", c, ErrorCode::kInvalidArgument, "system.", "person_id");
}

}  // namespace
}  // namespace goldthread::testing
