#include "adapters/http/http_types.h"

#include <gtest/gtest.h>

namespace goldthread::adapters {
namespace {

using boost::beast::http::verb;

Handler Named(std::string* called, std::string name) {
  return [called, name](HttpRequest&&, Responder) { *called = name; };
}

TEST(RouterTest, CapturesPercentDecodedPathParameters) {
  Router router;
  std::string called;
  router.Add(verb::get, "/api/v1/figures/{indicator}/{period}/history", "figure_history",
             Named(&called, "history"));
  auto m = router.Find(verb::get, "/api/v1/figures/NI%20192/FY2011-Q2/history");
  ASSERT_NE(m.handler, nullptr);
  EXPECT_EQ(m.name, "figure_history");
  EXPECT_EQ(m.params["indicator"], "NI 192");
  EXPECT_EQ(m.params["period"], "FY2011-Q2");
  // "%2F" is decoded after splitting, so it stays inside its segment.
  m = router.Find(verb::get, "/api/v1/figures/a%2Fb/FY2011-Q2/history");
  ASSERT_NE(m.handler, nullptr);
  EXPECT_EQ(m.params["indicator"], "a/b");
  (*m.handler)(HttpRequest{}, [](HttpResponse) {});
  EXPECT_EQ(called, "history");
}

TEST(RouterTest, FirstAddedRouteWinsAndEmptySegmentsAreIgnored) {
  Router router;
  std::string called;
  router.Add(verb::get, "/cycles/current", "current", Named(&called, "current"));
  router.Add(verb::get, "/cycles/{id}", "cycle", Named(&called, "cycle"));
  EXPECT_EQ(router.Find(verb::get, "/cycles/current").name, "current");
  EXPECT_EQ(router.Find(verb::get, "/cycles/c-7").name, "cycle");
  EXPECT_EQ(router.Find(verb::get, "//cycles//c-7/").name, "cycle");
  EXPECT_EQ(router.Find(verb::get, "/cycles").handler, nullptr);
}

TEST(RouterTest, WrongMethodReportsTheAllowedOnesAndUnknownPathReportsNone) {
  Router router;
  std::string called;
  router.Add(verb::get, "/figures/{id}", "figure", Named(&called, "get"));
  router.Add(verb::put, "/figures/{id}", "figure_put", Named(&called, "put"));
  router.Add(verb::get, "/figures/{id}", "figure_again", Named(&called, "again"));
  auto m = router.Find(verb::delete_, "/figures/7");
  EXPECT_EQ(m.handler, nullptr);
  EXPECT_TRUE(m.path_matched);
  EXPECT_EQ(m.name, "figure");
  EXPECT_EQ(AllowHeader(m.allowed), "GET, PUT");
  m = router.Find(verb::get, "/nothing/7");
  EXPECT_FALSE(m.path_matched);
  EXPECT_EQ(m.name, "unmatched");
  EXPECT_TRUE(m.allowed.empty());
}

TEST(RouterTest, MalformedEscapeInThePathIsReported) {
  Router router;
  router.Add(verb::get, "/figures/{id}", "figure", [](HttpRequest&&, Responder) {});
  EXPECT_FALSE(router.Find(verb::get, "/figures/%zz").well_formed);
  EXPECT_FALSE(router.Find(verb::get, "/figures/%4").well_formed);
  EXPECT_TRUE(router.Find(verb::get, "/figures/%41").well_formed);
}

TEST(RouterTest, ListsRoutesInTheOrderAdded) {
  Router router;
  router.Add(verb::post, "/a", "a", [](HttpRequest&&, Responder) {});
  router.Add(verb::get, "/b/{x}", "b", [](HttpRequest&&, Responder) {});
  const auto routes = router.Routes();
  ASSERT_EQ(routes.size(), 2u);
  EXPECT_EQ(routes[0], std::make_pair(std::string("POST"), std::string("/a")));
  EXPECT_EQ(routes[1], std::make_pair(std::string("GET"), std::string("/b/{x}")));
}

TEST(ParseTargetTest, DecodesPathAndQuery) {
  std::string path;
  std::map<std::string, std::string> query;
  ASSERT_TRUE(ParseTarget("/a%20b/c?x=1&y=two+words&z=%26&empty=&flag", &path, &query));
  EXPECT_EQ(path, "/a b/c");
  EXPECT_EQ(query["x"], "1");
  EXPECT_EQ(query["y"], "two words");
  EXPECT_EQ(query["z"], "&");
  EXPECT_EQ(query["empty"], "");
  EXPECT_EQ(query.count("flag"), 1u);
  EXPECT_FALSE(ParseTarget("/a?x=%G1", &path, &query));
  EXPECT_FALSE(ParseTarget("/a%2", &path, &query));
}

TEST(ProblemTest, IsAnRfc9457DocumentWithEscapedTextAndTheField) {
  HttpResponse r = Problem(400, "/problems/validation", "Bad \"value\"", "line1\nline2", "value");
  EXPECT_EQ(r.status, 400u);
  EXPECT_EQ(r.content_type, "application/problem+json");
  EXPECT_EQ(r.body, R"({"type":"/problems/validation","title":"Bad \"value\"","status":400,)"
                    R"("detail":"line1\nline2","field":"value"})");
  EXPECT_EQ(Problem(404, "/problems/not-found", "Not found", "x").body.find("field"),
            std::string::npos);
}

TEST(ProblemTest, MapsErrorsToStatuses) {
  EXPECT_EQ(ProblemFromError(Error{ErrorCode::kInvalidArgument, "m", "f"}).status, 400u);
  EXPECT_EQ(ProblemFromError(Error{ErrorCode::kNotFound, "m"}).status, 404u);
  EXPECT_EQ(ProblemFromError(Error{ErrorCode::kPermissionDenied, "m"}).status, 403u);
  EXPECT_EQ(ProblemFromError(Error{ErrorCode::kResourceExhausted, "m"}).status, 429u);
  EXPECT_EQ(ProblemFromError(Error{ErrorCode::kDataLoss, "m"}).status, 500u);
  HttpResponse unauth = ProblemFromError(Error{ErrorCode::kUnauthenticated, "no token"});
  EXPECT_EQ(unauth.status, 401u);
  ASSERT_EQ(unauth.headers.size(), 1u);
  EXPECT_EQ(unauth.headers[0].first, "WWW-Authenticate");
  HttpResponse conflict =
      ProblemFromError(Error{ErrorCode::kConflict, "stale", "expected_version", 7});
  EXPECT_EQ(conflict.status, 409u);
  EXPECT_NE(conflict.body.find(R"("field":"expected_version","current_version":7})"),
            std::string::npos)
      << conflict.body;
}

TEST(ProblemTest, TooManyRequestsCarriesRetryAfterOfAtLeastOneSecond) {
  HttpResponse r = TooManyRequests(3);
  EXPECT_EQ(r.status, 429u);
  ASSERT_EQ(r.headers.size(), 1u);
  EXPECT_EQ(r.headers[0], std::make_pair(std::string("Retry-After"), std::string("3")));
  EXPECT_EQ(TooManyRequests(0).headers[0].second, "1");
}

TEST(JsonEscapeTest, EscapesQuotesBackslashesAndControlCharacters) {
  EXPECT_EQ(JsonEscape("a\"b\\c\n\t\x01"), "a\\\"b\\\\c\\n\\t\\u0001");
  EXPECT_EQ(JsonEscape("£ ok"), "£ ok");
}

}  // namespace
}  // namespace goldthread::adapters
