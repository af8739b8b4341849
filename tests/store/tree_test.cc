// Tests of the Merkle tree the store keeps (store/tree.cc, the writer's side in
// group_commit.cc, Verify's check in rocks_event_store.cc): the tree equals one rebuilt from
// the records after appends, groups refused mid-batch and reopening; proofs verify; stored
// hashes and entries serve C2SP tiles; a store from before the tree gains one; damage is named.
#include <gtest/gtest.h>

#include <atomic>
#include <future>
#include <thread>

#include "store/internal/hash_chain.h"
#include "store/internal/keys.h"
#include "store/tlog/merkle.h"
#include "tests/store/store_test_util.h"
#include "tests/testing/temp_dir.h"

namespace goldthread::store {
namespace {

using goldthread::testing::TempDir;
using internal::TreeKey;
using testing::OpenOrFail;
using testing::RawStore;
using testing::Request;

// The frontier of the tree built from the records alone (through LeafEntries).
tlog::TreeFrontier RebuiltFromRecords(const EventStore& store, uint64_t size) {
  tlog::TreeFrontier f;
  for (uint64_t from = 0; from < size;) {
    auto entries = store.LeafEntries(from, std::min<uint64_t>(10'000, size - from));
    EXPECT_TRUE(entries) << entries.error().ToString();
    if (!entries || entries->empty()) break;
    for (const std::string& e : *entries) f.Append(tlog::LeafHash(e), nullptr);
    from += entries->size();
  }
  EXPECT_EQ(f.size(), size);
  return f;
}

// Appends `n` single events over a few streams.
void AppendSome(EventStore& store, int n, int offset = 0) {
  for (int i = 0; i < n; ++i) {
    AppendRequest r = Request("tree/s" + std::to_string((i + offset) % 5), ExpectedVersion::Any());
    r.events[0].payload = "value " + std::to_string(i + offset);
    ASSERT_TRUE(store.Append(r));
  }
}

TEST(TreeTest, EmptyStoreHasTheEmptyTree) {
  TempDir dir;
  auto store = OpenOrFail(dir.Sub("db"));
  ASSERT_TRUE(store);
  auto tree = store->Tree();
  ASSERT_TRUE(tree) << tree.error().ToString();
  EXPECT_EQ(tree->size, 0u);
  EXPECT_EQ(tree->root, tlog::EmptyTreeRoot());
  EXPECT_EQ(*store->TreeRoot(0), tlog::EmptyTreeRoot());
  auto report = store->Verify(1, 0);
  ASSERT_TRUE(report);
  EXPECT_TRUE(report->ok);
  EXPECT_TRUE(report->tree_checked);
}

TEST(TreeTest, TreeEqualsTheTreeRebuiltFromTheRecordsAndSurvivesReopen) {
  TempDir dir;
  std::string root_before;
  {
    auto store = OpenOrFail(dir.Sub("db"));
    ASSERT_TRUE(store);
    AppendSome(*store, 230);
    // Appends of several events and groups too, past 512 leaves (two level-8 nodes).
    for (int i = 0; i < 20; ++i) {
      ASSERT_TRUE(store->Append(Request("tree/many", ExpectedVersion::Any(), 7)));
      std::vector<AppendRequest> group = {Request("tree/g1", ExpectedVersion::Any(), 3),
                                          Request("tree/g2", ExpectedVersion::Any(), 5)};
      ASSERT_TRUE(store->AppendAll(std::move(group)));
    }
    const uint64_t head = store->Head().position;
    ASSERT_EQ(head, 230u + 20 * 15);
    auto tree = store->Tree();
    ASSERT_TRUE(tree);
    EXPECT_EQ(tree->size, head);
    EXPECT_EQ(tree->root, RebuiltFromRecords(*store, head).Root());
    root_before = tree->root;
    auto report = store->Verify(1, 0);
    ASSERT_TRUE(report);
    EXPECT_TRUE(report->ok) << report->problem;
    EXPECT_TRUE(report->tree_checked);
    EXPECT_EQ(report->tree_root_hex.size(), 64u);
  }
  auto store = OpenOrFail(dir.Sub("db"));
  ASSERT_TRUE(store);
  const uint64_t head = store->Head().position;
  auto tree = store->Tree();
  ASSERT_TRUE(tree);
  EXPECT_EQ(tree->root, root_before);
  // Every size's root, and proofs of random shapes, against the rebuilt tree.
  tlog::TreeFrontier rebuilt;
  auto entries = store->LeafEntries(0, head);
  ASSERT_TRUE(entries);
  std::vector<std::string> leaves;
  for (const auto& e : *entries) leaves.push_back(tlog::LeafHash(e));
  std::vector<std::string> roots = {tlog::EmptyTreeRoot()};
  for (const auto& leaf : leaves) {
    rebuilt.Append(leaf, nullptr);
    roots.push_back(rebuilt.Root());
  }
  for (uint64_t n = 0; n <= head; ++n) ASSERT_EQ(*store->TreeRoot(n), roots[n]) << n;
  for (uint64_t n : {uint64_t{1}, uint64_t{255}, uint64_t{256}, uint64_t{257}, uint64_t{300},
                     uint64_t{512}, uint64_t{513}, head}) {
    for (uint64_t i : {uint64_t{0}, n / 2, n - 1}) {
      auto proof = store->InclusionProof(i, n);
      ASSERT_TRUE(proof) << proof.error().ToString();
      EXPECT_TRUE(tlog::VerifyInclusion(i, n, leaves[i], *proof, roots[n])) << i << "/" << n;
    }
    for (uint64_t m : {uint64_t{0}, uint64_t{1}, n / 3, n - 1, n}) {
      auto proof = store->ConsistencyProof(m, n);
      ASSERT_TRUE(proof) << proof.error().ToString();
      EXPECT_TRUE(tlog::VerifyConsistency(m, n, roots[m], roots[n], *proof)) << m << "->" << n;
    }
  }
  // Appending after reopen continues the same tree.
  AppendSome(*store, 10, 1000);
  EXPECT_EQ(store->Tree()->root, RebuiltFromRecords(*store, head + 10).Root());
}

TEST(TreeTest, TreeHeadsPairSizeAndRootWhileAppendsContinue) {
  TempDir dir;
  auto store = OpenOrFail(dir.Sub("db"));
  ASSERT_TRUE(store);
  std::atomic<bool> stop{false};
  std::thread writer([&] {
    for (int i = 0; !stop; ++i) {
      if (!store->Append(Request("tree/w" + std::to_string(i % 3), ExpectedVersion::Any(),
                                 1 + i % 4))) {
        ADD_FAILURE() << "append failed";
        return;
      }
    }
  });
  // Each head read names a size whose root, recomputed from the stored nodes in a later
  // snapshot, is the root it came with: the pair is never torn, and proofs against it hold.
  TreeHead previous{0, tlog::EmptyTreeRoot()};
  for (int i = 0; i < 200 || previous.size < 100; ++i) {
    auto tree = store->Tree();
    ASSERT_TRUE(tree);
    ASSERT_EQ(*store->TreeRoot(tree->size), tree->root) << tree->size;
    const HeadInfo head = store->Head();
    ASSERT_GE(head.position, tree->size);
    ASSERT_EQ(*store->TreeRoot(head.position), head.tree_root) << head.position;
    auto proof = store->ConsistencyProof(previous.size, tree->size);
    ASSERT_TRUE(proof);
    ASSERT_TRUE(tlog::VerifyConsistency(previous.size, tree->size, previous.root, tree->root,
                                        *proof));
    previous = *tree;
  }
  stop = true;
  writer.join();
  EXPECT_GT(previous.size, 0u);
}

TEST(TreeTest, ArgumentsBeyondTheTreeAreRefusedNamingTheField) {
  TempDir dir;
  auto store = OpenOrFail(dir.Sub("db"));
  ASSERT_TRUE(store);
  AppendSome(*store, 5);
  auto field_of = [](const auto& r) { return r ? std::string("(ok)") : r.error().field; };
  EXPECT_EQ(field_of(store->TreeRoot(6)), "tree_size");
  EXPECT_EQ(field_of(store->InclusionProof(0, 6)), "tree_size");
  EXPECT_EQ(field_of(store->InclusionProof(5, 5)), "leaf_index");
  EXPECT_EQ(field_of(store->InclusionProof(0, 0)), "leaf_index");
  EXPECT_EQ(field_of(store->ConsistencyProof(1, 6)), "new_size");
  EXPECT_EQ(field_of(store->ConsistencyProof(4, 3)), "old_size");
  EXPECT_EQ(field_of(store->TreeHashes(0, 0, 1, 6)), "tree_size");
  EXPECT_EQ(field_of(store->TreeHashes(3, 0, 1, 5)), "level");
  EXPECT_EQ(field_of(store->TreeHashes(0, 0, 1 << 20, 5)), "count");
  EXPECT_EQ(field_of(store->LeafEntries(0, 10'001)), "count");
  EXPECT_EQ(store->TreeRoot(6).error().code, ErrorCode::kInvalidArgument);
  EXPECT_TRUE(store->ConsistencyProof(0, 5)->empty());
  EXPECT_TRUE(store->ConsistencyProof(5, 5)->empty());
}

TEST(TreeTest, TreeHashesAndLeafEntriesServeTiles) {
  TempDir dir;
  auto store = OpenOrFail(dir.Sub("db"));
  ASSERT_TRUE(store);
  for (int i = 0; i < 6; ++i) ASSERT_TRUE(store->Append(Request("tree/t", ExpectedVersion::Any(), 100)));
  const uint64_t head = 600;
  auto entries = store->LeafEntries(0, head);
  ASSERT_TRUE(entries);
  ASSERT_EQ(entries->size(), head);
  auto page = store->ReadAll(1, Direction::kForward, 1000);
  ASSERT_TRUE(page);
  EXPECT_EQ((*entries)[41], internal::CanonicalBytes(page->events[41]));

  auto level0 = store->TreeHashes(0, 0, 256, head);
  ASSERT_TRUE(level0);
  ASSERT_EQ(level0->size(), 256u);
  for (size_t i = 0; i < 256; ++i) EXPECT_EQ((*level0)[i], tlog::LeafHash((*entries)[i]));
  // Level 8 holds the roots of the complete 256-leaf subtrees: two of them within 600.
  auto level8 = store->TreeHashes(8, 0, 256, head);
  ASSERT_TRUE(level8);
  ASSERT_EQ(level8->size(), 2u);
  EXPECT_EQ((*level8)[0], *store->TreeRoot(256));
  EXPECT_EQ(tlog::NodeHash((*level8)[0], (*level8)[1]), *store->TreeRoot(512));
  // Complete within the size asked, not the head: a partial tile.
  EXPECT_EQ(store->TreeHashes(8, 0, 256, 511)->size(), 1u);
  EXPECT_EQ(store->TreeHashes(0, 590, 20, head)->size(), 10u);
  EXPECT_EQ(store->TreeHashes(0, 590, 20, 595)->size(), 5u);
  EXPECT_TRUE(store->TreeHashes(16, 0, 1, head)->empty());
  EXPECT_EQ(store->LeafEntries(598, 5)->size(), 2u);
  EXPECT_TRUE(store->LeafEntries(600, 5)->empty());
}

TEST(TreeTest, RefusedGroupsInSharedBatchesLeaveNoNodes) {
  TempDir dir;
  auto store = OpenOrFail(dir.Sub("db"));
  ASSERT_TRUE(store);
  AppendSome(*store, 3);
  // Queued together, so that the writer plans them in one batch: an append, a group whose
  // second request conflicts after its first was planned (rolled back to the save point), and
  // another append.
  for (int round = 0; round < 40; ++round) {
    std::promise<Result<AppendResult>> a, c;
    std::promise<Result<std::vector<AppendResult>>> b;
    store->AppendAsync(Request("tree/a", ExpectedVersion::Any(), 2),
                       [&](Result<AppendResult> r) { a.set_value(std::move(r)); });
    std::vector<AppendRequest> group = {Request("tree/g", ExpectedVersion::Any(), 3),
                                        Request("tree/a", ExpectedVersion::NoStream())};
    store->AppendAllAsync(std::move(group), [&](Result<std::vector<AppendResult>> r) {
      b.set_value(std::move(r));
    });
    store->AppendAsync(Request("tree/c", ExpectedVersion::Any(), 1),
                       [&](Result<AppendResult> r) { c.set_value(std::move(r)); });
    ASSERT_TRUE(a.get_future().get());
    auto refused = b.get_future().get();
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error().field, "requests[1].expected_version");
    ASSERT_TRUE(c.get_future().get());
  }
  const uint64_t head = store->Head().position;
  ASSERT_EQ(head, 3u + 40 * 3);
  EXPECT_EQ(store->Tree()->root, RebuiltFromRecords(*store, head).Root());
  auto report = store->Verify(1, 0);
  ASSERT_TRUE(report);
  EXPECT_TRUE(report->ok) << report->problem;
  store.reset();
  auto raw = RawStore::Open(dir.Sub("db"));
  ASSERT_TRUE(raw);
  EXPECT_EQ(raw->Keys(raw->tree()).size(), head);  // one leaf per record, no level 8 yet
}

TEST(TreeTest, AStoreFromBeforeTheTreeGainsItAtItsFirstWritableOpen) {
  TempDir dir;
  std::string root;
  {
    auto store = OpenOrFail(dir.Sub("db"));
    ASSERT_TRUE(store);
    AppendSome(*store, 300);
    root = store->Tree()->root;
  }
  {
    auto raw = RawStore::Open(dir.Sub("db"));
    ASSERT_TRUE(raw);
    raw->DropTree();
  }
  {
    // Read-only, it opens and verifies its records, but has no tree to serve.
    StoreOptions ro = testing::FastOptions();
    ro.read_only = true;
    auto store = OpenOrFail(dir.Sub("db"), ro);
    ASSERT_TRUE(store);
    auto tree = store->Tree();
    ASSERT_FALSE(tree);
    EXPECT_EQ(tree.error().code, ErrorCode::kFailedPrecondition);
    auto report = store->Verify(1, 0);
    ASSERT_TRUE(report);
    EXPECT_TRUE(report->ok) << report->problem;
    EXPECT_FALSE(report->tree_checked);
  }
  auto store = OpenOrFail(dir.Sub("db"));
  ASSERT_TRUE(store);
  auto tree = store->Tree();
  ASSERT_TRUE(tree) << tree.error().ToString();
  EXPECT_EQ(tree->size, 300u);
  EXPECT_EQ(tree->root, root);
  auto report = store->Verify(1, 0);
  ASSERT_TRUE(report);
  EXPECT_TRUE(report->ok) << report->problem;
  EXPECT_TRUE(report->tree_checked);
  AppendSome(*store, 1);
  EXPECT_EQ(store->Tree()->root, RebuiltFromRecords(*store, 301).Root());
}

TEST(TreeTest, WithTheTreeOffTheNextOpenBuildsTheMissingPart) {
  TempDir dir;
  {
    auto store = OpenOrFail(dir.Sub("db"));
    ASSERT_TRUE(store);
    AppendSome(*store, 10);
  }
  {
    StoreOptions off = testing::FastOptions();
    off.maintain_tree = false;
    auto store = OpenOrFail(dir.Sub("db"), off);
    ASSERT_TRUE(store);
    AppendSome(*store, 20, 10);
    EXPECT_EQ(store->Tree().error().code, ErrorCode::kFailedPrecondition);
  }
  auto store = OpenOrFail(dir.Sub("db"));
  ASSERT_TRUE(store);
  EXPECT_EQ(store->Tree()->root, RebuiltFromRecords(*store, 30).Root());
  EXPECT_TRUE(store->Verify(1, 0)->ok);
}

class TreeDamageTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto store = OpenOrFail(db());
    ASSERT_TRUE(store);
    AppendSome(*store, 600);
  }
  std::string db() const { return dir_.Sub("db"); }
  VerifyReport VerifyReadOnly() {
    StoreOptions ro = testing::FastOptions();
    ro.read_only = true;
    auto store = OpenOrFail(db(), ro);
    EXPECT_TRUE(store);
    if (!store) return {};
    auto report = store->Verify(1, 0);
    EXPECT_TRUE(report);
    return report ? *report : VerifyReport{};
  }
  TempDir dir_;
};

TEST_F(TreeDamageTest, AMissingLeafIsNamedAtTheRecordThatCompletesIt) {
  {
    auto raw = RawStore::Open(db());
    ASSERT_TRUE(raw);
    raw->Delete(raw->tree(), TreeKey(0, 5));
  }
  const VerifyReport report = VerifyReadOnly();
  EXPECT_FALSE(report.ok);
  EXPECT_EQ(report.first_bad_position, 6u);
  EXPECT_EQ(report.problem, "tree node level 0 index 5 is missing");
}

TEST_F(TreeDamageTest, AChangedLevel8NodeIsNamed) {
  {
    auto raw = RawStore::Open(db());
    ASSERT_TRUE(raw);
    raw->Put(raw->tree(), TreeKey(8, 1), std::string(32, 'x'));
  }
  const VerifyReport report = VerifyReadOnly();
  EXPECT_FALSE(report.ok);
  EXPECT_EQ(report.first_bad_position, 512u);
  EXPECT_EQ(report.problem, "tree node level 8 index 1 does not match the records");
  // The store still opens for writing; the proofs that read the node are wrong, so Verify is
  // what tells. (Nothing repairs a node the records disagree with but a restore.)
  auto store = OpenOrFail(db());
  ASSERT_TRUE(store);
}

TEST_F(TreeDamageTest, ANodeBeyondTheHeadKeepsTheStoreOpenButRefusesAppends) {
  {
    auto raw = RawStore::Open(db());
    ASSERT_TRUE(raw);
    raw->Put(raw->tree(), TreeKey(0, 603), std::string(32, 'x'));
  }
  const VerifyReport report = VerifyReadOnly();
  EXPECT_FALSE(report.ok);
  EXPECT_EQ(report.first_bad_position, 601u);
  EXPECT_EQ(report.problem, "tree node level 0 index 603 lies beyond the head");
  auto store = OpenOrFail(db());
  ASSERT_TRUE(store);
  EXPECT_EQ(store->Tree().error().code, ErrorCode::kDataLoss);
  auto append = store->Append(Request("tree/x", ExpectedVersion::Any()));
  ASSERT_FALSE(append);
  EXPECT_EQ(append.error().code, ErrorCode::kDataLoss);
  EXPECT_EQ(store->ReadAll(1, Direction::kForward, 10)->events.size(), 10u);
  EXPECT_FALSE(store->Verify(1, 0)->ok);
}

TEST_F(TreeDamageTest, MissingTailNodesAreRebuiltFromTheRecordsAtAWritableOpen) {
  {
    auto raw = RawStore::Open(db());
    ASSERT_TRUE(raw);
    for (uint64_t i = 590; i < 600; ++i) raw->Delete(raw->tree(), TreeKey(0, i));
  }
  EXPECT_EQ(VerifyReadOnly().problem, "tree node level 0 index 590 is missing");
  auto store = OpenOrFail(db());
  ASSERT_TRUE(store);
  EXPECT_EQ(store->Tree()->root, RebuiltFromRecords(*store, 600).Root());
  EXPECT_TRUE(store->Verify(1, 0)->ok);
}

TEST_F(TreeDamageTest, VerifyFromTheMiddleChecksTheNodesItsRecordsComplete) {
  {
    auto raw = RawStore::Open(db());
    ASSERT_TRUE(raw);
    raw->Delete(raw->tree(), TreeKey(0, 300));
  }
  StoreOptions ro = testing::FastOptions();
  ro.read_only = true;
  auto store = OpenOrFail(db(), ro);
  ASSERT_TRUE(store);
  EXPECT_TRUE(store->Verify(1, 300)->ok);
  // From 302 on, the subtrees left of it include the missing leaf until level 8 covers it.
  EXPECT_FALSE(store->Verify(302, 0)->ok);
  EXPECT_TRUE(store->Verify(513, 0)->ok);
  auto report = store->Verify(290, 310);
  ASSERT_TRUE(report);
  EXPECT_EQ(report->first_bad_position, 301u);
}

}  // namespace
}  // namespace goldthread::store
