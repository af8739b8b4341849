#include "store/event_store.h"

#include <gtest/gtest.h>

#include <filesystem>

namespace goldthread::store {
namespace {

TEST(EventStoreSmokeTest, AppendsAndReadsBack) {
  auto dir = std::filesystem::temp_directory_path() / "gt_smoke";  // replaced below
  std::filesystem::remove_all(dir);
  StoreOptions o;
  o.durability = Durability::kBuffered;
  auto s = EventStore::Open(dir.string(), o);
  ASSERT_TRUE(s) << s.error().ToString();
  auto r = (*s)->Append({.stream = "t/a", .expected = ExpectedVersion::NoStream(),
                         .events = {{.type = "x", .payload = "hello"}}});
  ASSERT_TRUE(r) << r.error().ToString();
  EXPECT_EQ(r->first_position, 1u);
  auto page = (*s)->ReadAll(1, Direction::kForward, 10);
  ASSERT_TRUE(page);
  ASSERT_EQ(page->events.size(), 1u);
  auto v = (*s)->Verify(1, 0);
  ASSERT_TRUE(v);
  EXPECT_TRUE(v->ok) << v->problem;
}

}  // namespace
}  // namespace goldthread::store
