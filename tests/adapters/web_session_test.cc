// The web interface's sessions, sign-in throttle and form reading.
#include <gtest/gtest.h>

#include "adapters/web/form.h"
#include "adapters/web/sessions.h"
#include "adapters/web/sign_in_throttle.h"

namespace goldthread::web {
namespace {

using std::chrono::minutes;
using Clock = std::chrono::steady_clock;

struct FakeTime {
  Clock::time_point now = Clock::time_point(std::chrono::hours(1000));
  auto Fn() {
    return [this] { return now; };
  }
};

TEST(SessionStore, StartFindEnd) {
  FakeTime t;
  SessionStore store({}, t.Fn());
  const std::string id = store.Start("p-1");
  EXPECT_EQ(id.size(), 64u);
  auto s = store.Find(id);
  ASSERT_TRUE(s);
  EXPECT_EQ(s->person_id, "p-1");
  EXPECT_EQ(s->csrf_token.size(), 64u);
  EXPECT_NE(s->csrf_token, id);
  EXPECT_EQ(store.End(id), "p-1");
  EXPECT_FALSE(store.Find(id)) << "an ended session is never accepted again";
  EXPECT_FALSE(store.Find("")) << "no cookie, no session";
  EXPECT_FALSE(store.Find(std::string(64, 'a')));
}

TEST(SessionStore, IdleTimeoutEndsTheSessionAndSaysWhy) {
  FakeTime t;
  SessionStore store({.idle = minutes(30)}, t.Fn());
  const std::string id = store.Start("p-1");
  t.now += minutes(29);
  ASSERT_TRUE(store.Find(id)) << "a request restarts the idle timer";
  t.now += minutes(29);
  ASSERT_TRUE(store.Find(id));
  t.now += minutes(30);
  std::optional<EndedSession> ended;
  EXPECT_FALSE(store.Find(id, &ended));
  ASSERT_TRUE(ended);
  EXPECT_EQ(ended->person_id, "p-1");
  EXPECT_EQ(ended->reason, goldthread::v1::SIGN_OUT_REASON_IDLE);
  ended.reset();
  EXPECT_FALSE(store.Find(id, &ended));
  EXPECT_FALSE(ended) << "reported once";
}

TEST(SessionStore, AbsoluteLifetimeEndsEvenABusySession) {
  FakeTime t;
  SessionStore store({.idle = minutes(30), .absolute = std::chrono::hours(12)}, t.Fn());
  const std::string id = store.Start("p-1");
  for (int i = 0; i < 12 * 3 - 1; ++i) {
    t.now += minutes(20);
    ASSERT_TRUE(store.Find(id)) << i;
  }
  t.now += minutes(20);
  std::optional<EndedSession> ended;
  EXPECT_FALSE(store.Find(id, &ended));
  ASSERT_TRUE(ended);
  EXPECT_EQ(ended->reason, goldthread::v1::SIGN_OUT_REASON_EXPIRED);
}

TEST(SessionStore, AnonymousSessionsAreCappedOldestFirst) {
  FakeTime t;
  SessionStore store({.max_anonymous = 2}, t.Fn());
  const std::string a = store.Start("");
  t.now += minutes(1);
  const std::string b = store.Start("");
  const std::string person = store.Start("p-1");
  t.now += minutes(1);
  const std::string c = store.Start("");
  EXPECT_FALSE(store.Find(a)) << "the oldest anonymous session went";
  EXPECT_TRUE(store.Find(b));
  EXPECT_TRUE(store.Find(c));
  EXPECT_TRUE(store.Find(person)) << "a signed-in session is never dropped for room";
}

TEST(SignInThrottle, LocksAnAccountAfterFiveFailuresForTheWindow) {
  FakeTime t;
  SignInThrottle throttle({.max_failures_per_account = 5, .window = minutes(15)}, t.Fn());
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(throttle.RetryAfterSeconds("a@x", "1.1.1.1"), 0);
    throttle.RecordFailure("a@x", "1.1.1.1");
  }
  EXPECT_EQ(throttle.RetryAfterSeconds("a@x", "2.2.2.2"), 15 * 60) << "from any address";
  EXPECT_EQ(throttle.RetryAfterSeconds("b@x", "3.3.3.3"), 0) << "other accounts unaffected";
  t.now += minutes(15);
  EXPECT_EQ(throttle.RetryAfterSeconds("a@x", "1.1.1.1"), 0);
}

TEST(SignInThrottle, LocksAnAddressTryingManyAccounts) {
  FakeTime t;
  SignInThrottle throttle({.max_failures_per_address = 3, .window = minutes(15)}, t.Fn());
  for (int i = 0; i < 3; ++i) throttle.RecordFailure("user" + std::to_string(i), "9.9.9.9");
  EXPECT_GT(throttle.RetryAfterSeconds("someone-new", "9.9.9.9"), 0);
  EXPECT_EQ(throttle.RetryAfterSeconds("someone-new", "8.8.8.8"), 0);
}

TEST(SignInThrottle, SuccessClearsTheAccount) {
  FakeTime t;
  SignInThrottle throttle({.max_failures_per_account = 2}, t.Fn());
  throttle.RecordFailure("a@x", "1.1.1.1");
  throttle.RecordSuccess("a@x");
  throttle.RecordFailure("a@x", "1.1.1.1");
  EXPECT_EQ(throttle.RetryAfterSeconds("a@x", "4.4.4.4"), 0);
}

TEST(Form, ParsesUrlEncodedBodies) {
  auto f = ParseForm("email=a%40b.example&password=p+w%26d&empty=&dup=1&dup=2");
  ASSERT_TRUE(f);
  EXPECT_EQ((*f)["email"], "a@b.example");
  EXPECT_EQ((*f)["password"], "p w&d");
  EXPECT_EQ((*f)["empty"], "");
  EXPECT_EQ((*f)["dup"], "1");
  EXPECT_FALSE(ParseForm("a=%zz"));
  EXPECT_FALSE(ParseForm("a=%4"));
  EXPECT_TRUE(ParseForm("")->empty());
}

TEST(Form, CookiesAndSetCookie) {
  EXPECT_EQ(CookieValue("a=1; gt_session=abc; b=2", "gt_session"), "abc");
  EXPECT_EQ(CookieValue("gt_sessionx=abc", "gt_session"), "");
  EXPECT_EQ(SetCookie("s", "v", {}), "s=v; Path=/; HttpOnly; SameSite=Lax");
  EXPECT_EQ(SetCookie("s", "v", {.secure = true}), "s=v; Path=/; HttpOnly; SameSite=Lax; Secure");
  EXPECT_EQ(SetCookie("s", "", {.max_age_seconds = -1}),
            "s=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0");
  EXPECT_EQ(UrlEncode("a b/c?"), "a%20b%2Fc%3F");
}

}  // namespace
}  // namespace goldthread::web
