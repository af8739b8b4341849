// The private calendar feed (adapters/calendar_feed.h, engine/calendar_feed_tokens.h): a feed
// token opens its person's deadlines and nothing else, is revocable, and never reaches the log.
#include "adapters/api/calendar_feed.h"

#include <gtest/gtest.h>

#include "engine/command/calendar_feed_tokens.h"
#include "tests/testing/council_fixture.h"

namespace goldthread::adapters {
namespace {

class CalendarFeedTest : public goldthread::testing::CouncilFixture {
 protected:
  void SetUp() override {
    CouncilFixture::SetUp();
    engine::ReadModelOptions options{.tenant = kTenant};
    options.runner.persist = false;
    auto reads = engine::ReadModels::Open(store_.get(), clock_.get(), std::move(options));
    ASSERT_TRUE(reads) << reads.error().ToString();
    reads_ = std::move(*reads);
  }
  std::unique_ptr<engine::ReadModels> reads_;
};

TEST_F(CalendarFeedTest, AFeedTokenOpensItsPersonsCalendarUntilRevoked) {
  auto issued = engine::IssueCalendarFeedAsOperator(*handler_, "p-entry", 30);
  ASSERT_TRUE(issued) << issued.error().ToString();
  const std::string token = issued->secret();
  ASSERT_TRUE(token.starts_with("gtcal_"));

  HttpResponse ok = CalendarFeedResponse(*handler_, reads_.get(), token + ".ics");
  EXPECT_EQ(ok.status, 200u) << ok.body;
  EXPECT_EQ(ok.content_type, "text/calendar; charset=utf-8");
  EXPECT_TRUE(ok.body.starts_with("BEGIN:VCALENDAR\r\n")) << ok.body;
  EXPECT_EQ(ok.actor, "p-entry");
  EXPECT_EQ(ok.body.find(token), std::string::npos);

  EXPECT_EQ(CalendarFeedResponse(*handler_, reads_.get(), token).status, 404u) << "no .ics";
  std::string forged = token;
  forged.back() = forged.back() == '0' ? '1' : '0';
  EXPECT_EQ(CalendarFeedResponse(*handler_, reads_.get(), forged + ".ics").status, 404u);

  ASSERT_TRUE(engine::RevokeCalendarFeedAsOperator(*handler_, issued->created_id(), "lost"));
  HttpResponse revoked = CalendarFeedResponse(*handler_, reads_.get(), token + ".ics");
  EXPECT_EQ(revoked.status, 404u);
}

TEST_F(CalendarFeedTest, AFeedTokenIsNoApiTokenAndAnApiTokenIsNoFeedToken) {
  auto feed = engine::IssueCalendarFeedAsOperator(*handler_, "p-entry", 30);
  ASSERT_TRUE(feed);
  EXPECT_FALSE(handler_->Authenticate(feed->secret()));
  // Rewritten into the API token form, its digest no longer matches.
  EXPECT_FALSE(handler_->Authenticate("gt_" + feed->secret().substr(6)));
  auto api = handler_->IssueTokenAsOperator("p-entry", "laptop", 30);
  ASSERT_TRUE(api);
  ASSERT_TRUE(handler_->Authenticate(api->secret()));
  EXPECT_EQ(CalendarFeedResponse(*handler_, reads_.get(), api->secret() + ".ics").status, 404u);
  EXPECT_EQ(
      CalendarFeedResponse(*handler_, reads_.get(), "gtcal_" + api->secret().substr(3) + ".ics")
          .status,
      404u);
}

TEST_F(CalendarFeedTest, TheAccessLogSeesTheRoutePatternNotTheToken) {
  Router router;
  RegisterCalendarFeed(&router, handler_.get(), reads_.get(), [](std::function<void()> w) { w(); });
  const std::string path = "/api/v1/calendars/gtcal_C-abc_" + std::string(64, 'f') + ".ics";
  EXPECT_EQ(router.PathForLog(path), "/api/v1/calendars/{feed}");
  EXPECT_EQ(router.PathForLog("/api/v1/figures/NI-192"), "/api/v1/figures/NI-192");
  auto match = router.Find(boost::beast::http::verb::get, path);
  ASSERT_NE(match.handler, nullptr);
  EXPECT_EQ(match.name, "calendar_feed");
  HttpResponse answer;
  HttpRequest request;
  request.params = match.params;
  (*match.handler)(std::move(request), [&](HttpResponse r) { answer = std::move(r); });
  EXPECT_EQ(answer.status, 404u) << "an unknown token";
}

}  // namespace
}  // namespace goldthread::adapters
