// Projection state in the `projections` column family: state and checkpoint written in one
// batch, read back after a reopen, kept apart per projection, dropped whole, and refused when
// malformed or beyond the head.
#include <gtest/gtest.h>

#include <map>

#include "store/event_store.h"
#include "tests/store/store_test_util.h"
#include "tests/testing/temp_dir.h"

namespace goldthread::store {
namespace {

using testing::OpenOrFail;
using testing::Request;

std::map<std::string, std::string> Scan(const EventStore& store, const std::string& projection) {
  std::map<std::string, std::string> out;
  auto s = store.ScanProjection(projection, [&](std::string_view k, std::string_view v) {
    out.emplace(std::string(k), std::string(v));
    return OkStatus();
  });
  EXPECT_TRUE(s) << s.error().ToString();
  return out;
}

class ProjectionStateTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = OpenOrFail(dir_.Sub("store"));
    ASSERT_NE(store_, nullptr);
    ASSERT_TRUE(store_->Append(Request("t/figure/A/FY2011-Q2", ExpectedVersion::Any(), 5)));
  }

  goldthread::testing::TempDir dir_;
  std::unique_ptr<EventStore> store_;
};

TEST_F(ProjectionStateTest, StateAndCheckpointSurviveAReopen) {
  ASSERT_TRUE(store_->WriteProjections(
      {{.projection = "figures.v1", .puts = {{"f/A", "1,2,3"}, {"f/B", "4"}}, .checkpoint = 4}}));
  store_.reset();
  store_ = OpenOrFail(dir_.Sub("store"));
  ASSERT_NE(store_, nullptr);
  auto checkpoint = store_->ProjectionCheckpoint("figures.v1");
  ASSERT_TRUE(checkpoint);
  EXPECT_EQ(*checkpoint, 4u);
  EXPECT_EQ(Scan(*store_, "figures.v1"),
            (std::map<std::string, std::string>{{"f/A", "1,2,3"}, {"f/B", "4"}}));
  auto one = store_->ReadProjection("figures.v1", "f/B");
  ASSERT_TRUE(one && *one);
  EXPECT_EQ(**one, "4");
  auto missing = store_->ReadProjection("figures.v1", "f/C");
  ASSERT_TRUE(missing);
  EXPECT_FALSE(*missing);
}

TEST_F(ProjectionStateTest, ProjectionsAreKeptApartEvenWhenOneNameIsAPrefixOfAnother) {
  ASSERT_TRUE(
      store_->WriteProjections({{.projection = "a", .puts = {{"k", "1"}}, .checkpoint = 1},
                                {.projection = "ab", .puts = {{"k", "2"}}, .checkpoint = 2}}));
  EXPECT_EQ(Scan(*store_, "a"), (std::map<std::string, std::string>{{"k", "1"}}));
  EXPECT_EQ(Scan(*store_, "ab"), (std::map<std::string, std::string>{{"k", "2"}}));
  EXPECT_EQ(*store_->ProjectionCheckpoint("a"), 1u);
  EXPECT_EQ(*store_->ProjectionCheckpoint("ab"), 2u);
  EXPECT_EQ(*store_->ProjectionCheckpoint("abc"), 0u) << "none yet";
}

TEST_F(ProjectionStateTest, DeletesAndUnsetCheckpointsLeaveTheRestAlone) {
  ASSERT_TRUE(store_->WriteProjections(
      {{.projection = "p", .puts = {{"x", "1"}, {"y", "2"}}, .checkpoint = 3}}));
  ASSERT_TRUE(store_->WriteProjections({{.projection = "p", .deletes = {"x"}}}));
  EXPECT_EQ(Scan(*store_, "p"), (std::map<std::string, std::string>{{"y", "2"}}));
  EXPECT_EQ(*store_->ProjectionCheckpoint("p"), 3u) << "an unset checkpoint is not changed";
}

TEST_F(ProjectionStateTest, DropRemovesStateAndCheckpointOfThatProjectionOnly) {
  ASSERT_TRUE(
      store_->WriteProjections({{.projection = "p", .puts = {{"x", "1"}}, .checkpoint = 5},
                                {.projection = "q", .puts = {{"x", "2"}}, .checkpoint = 5}}));
  ASSERT_TRUE(store_->DropProjection("p"));
  EXPECT_TRUE(Scan(*store_, "p").empty());
  EXPECT_EQ(*store_->ProjectionCheckpoint("p"), 0u);
  EXPECT_EQ(Scan(*store_, "q").size(), 1u);
}

TEST_F(ProjectionStateTest, ABadWriteIsRefusedWholeNamingTheField) {
  auto beyond =
      store_->WriteProjections({{.projection = "p", .puts = {{"x", "1"}}, .checkpoint = 1},
                                {.projection = "q", .puts = {{"x", "1"}}, .checkpoint = 6}});
  ASSERT_FALSE(beyond);
  EXPECT_EQ(beyond.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(beyond.error().field, "writes[1].checkpoint");
  EXPECT_TRUE(Scan(*store_, "p").empty()) << "nothing of the batch was written";

  auto name = store_->WriteProjections({{.projection = "bad name", .checkpoint = 1}});
  ASSERT_FALSE(name);
  EXPECT_EQ(name.error().field, "writes[0].projection");
  auto key = store_->WriteProjections({{.projection = "p", .puts = {{"", "1"}}}});
  ASSERT_FALSE(key);
  EXPECT_EQ(key.error().field, "writes[0].puts[0]");
  auto read = store_->ProjectionCheckpoint(std::string(101, 'a'));
  ASSERT_FALSE(read);
  EXPECT_EQ(read.error().code, ErrorCode::kInvalidArgument);
}

TEST_F(ProjectionStateTest, ScanStopsAtTheFirstVisitError) {
  ASSERT_TRUE(store_->WriteProjections({{.projection = "p", .puts = {{"a", "1"}, {"b", "2"}}}}));
  int visited = 0;
  auto s = store_->ScanProjection("p", [&](std::string_view, std::string_view) -> Status {
    ++visited;
    return MakeError(ErrorCode::kDataLoss, "stop");
  });
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().message, "stop");
  EXPECT_EQ(visited, 1);
}

TEST_F(ProjectionStateTest, AReadOnlyStoreRefusesWritesButReads) {
  ASSERT_TRUE(
      store_->WriteProjections({{.projection = "p", .puts = {{"a", "1"}}, .checkpoint = 2}}));
  store_.reset();
  StoreOptions options = testing::FastOptions();
  options.read_only = true;
  auto reader = OpenOrFail(dir_.Sub("store"), options);
  ASSERT_NE(reader, nullptr);
  EXPECT_EQ(*reader->ProjectionCheckpoint("p"), 2u);
  auto w = reader->WriteProjections({{.projection = "p", .checkpoint = 1}});
  ASSERT_FALSE(w);
  EXPECT_EQ(w.error().code, ErrorCode::kFailedPrecondition);
  auto d = reader->DropProjection("p");
  ASSERT_FALSE(d);
  EXPECT_EQ(d.error().code, ErrorCode::kFailedPrecondition);
}

}  // namespace
}  // namespace goldthread::store
