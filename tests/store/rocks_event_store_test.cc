// Tests of store/rocks_event_store.cc: opening (format version, locking, read-only), paged
// reads by stream and by position, the head, and backup and restore.
#include "store/internal/rocks_event_store.h"

#include <gtest/gtest.h>

#include <fstream>

#include "store/internal/keys.h"
#include "tests/store/store_test_util.h"
#include "tests/testing/temp_dir.h"

namespace goldthread::store {
namespace {

using goldthread::testing::TempDir;
using testing::OpenOrFail;
using testing::RawStore;
using testing::Request;

std::vector<uint64_t> Positions(const ReadPage& page) {
  std::vector<uint64_t> out;
  for (const Envelope& e : page.events) out.push_back(e.position());
  return out;
}
std::vector<uint64_t> Versions(const ReadPage& page) {
  std::vector<uint64_t> out;
  for (const Envelope& e : page.events) out.push_back(e.stream_version());
  return out;
}

// A store holding streams "s/a" (versions 1..5 at positions 1,3,5,7,9) and "s/b" (versions
// 1..5 at positions 2,4,6,8,10).
class ReadTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = OpenOrFail(dir_.Sub("db"));
    ASSERT_TRUE(store_);
    for (int i = 0; i < 5; ++i) {
      ASSERT_TRUE(store_->Append(Request("s/a", ExpectedVersion::Any())));
      ASSERT_TRUE(store_->Append(Request("s/b", ExpectedVersion::Any())));
    }
  }
  TempDir dir_;
  std::unique_ptr<EventStore> store_;
};

TEST_F(ReadTest, ReadAllForwardInPagesFollowsTheCursor) {
  auto page = store_->ReadAll(1, Direction::kForward, 4);
  ASSERT_TRUE(page);
  EXPECT_EQ(Positions(*page), (std::vector<uint64_t>{1, 2, 3, 4}));
  EXPECT_EQ(page->next, 5u);
  page = store_->ReadAll(page->next, Direction::kForward, 4);
  ASSERT_TRUE(page);
  EXPECT_EQ(Positions(*page), (std::vector<uint64_t>{5, 6, 7, 8}));
  EXPECT_EQ(page->next, 9u);
  page = store_->ReadAll(page->next, Direction::kForward, 4);
  ASSERT_TRUE(page);
  EXPECT_EQ(Positions(*page), (std::vector<uint64_t>{9, 10}));
  EXPECT_EQ(page->next, 0u) << "the end of the log";
}

TEST_F(ReadTest, ReadAllPageEndingAtTheHeadHasNoCursor) {
  auto page = store_->ReadAll(6, Direction::kForward, 5);
  ASSERT_TRUE(page);
  EXPECT_EQ(Positions(*page), (std::vector<uint64_t>{6, 7, 8, 9, 10}));
  EXPECT_EQ(page->next, 0u);
}

TEST_F(ReadTest, ReadAllFromZeroStartsAtOneAndBeyondTheHeadIsEmpty) {
  auto page = store_->ReadAll(0, Direction::kForward, 2);
  ASSERT_TRUE(page);
  EXPECT_EQ(Positions(*page), (std::vector<uint64_t>{1, 2}));
  page = store_->ReadAll(11, Direction::kForward, 2);
  ASSERT_TRUE(page);
  EXPECT_TRUE(page->events.empty());
  EXPECT_EQ(page->next, 0u);
}

TEST_F(ReadTest, ReadAllBackwardFromTheHead) {
  auto page = store_->ReadAll(0, Direction::kBackward, 4);
  ASSERT_TRUE(page);
  EXPECT_EQ(Positions(*page), (std::vector<uint64_t>{10, 9, 8, 7}));
  EXPECT_EQ(page->next, 6u);
  page = store_->ReadAll(3, Direction::kBackward, 4);
  ASSERT_TRUE(page);
  EXPECT_EQ(Positions(*page), (std::vector<uint64_t>{3, 2, 1}));
  EXPECT_EQ(page->next, 0u);
  page = store_->ReadAll(999, Direction::kBackward, 1);
  ASSERT_TRUE(page);
  EXPECT_EQ(Positions(*page), (std::vector<uint64_t>{10}));
  EXPECT_EQ(page->next, 9u);
}

TEST_F(ReadTest, ReadAllIntoReusesThePage) {
  ReadPage page;
  ASSERT_TRUE(store_->ReadAllInto(1, Direction::kForward, 6, &page));
  EXPECT_EQ(Positions(page), (std::vector<uint64_t>{1, 2, 3, 4, 5, 6}));
  ASSERT_TRUE(store_->ReadAllInto(page.next, Direction::kForward, 6, &page));
  EXPECT_EQ(Positions(page), (std::vector<uint64_t>{7, 8, 9, 10}));
  EXPECT_EQ(page.next, 0u);
  EXPECT_EQ(page.events[3].payload(), "payload-0");
}

TEST_F(ReadTest, ReadStreamForwardAndBackwardInPages) {
  auto page = store_->ReadStream("s/b", 2, Direction::kForward, 2);
  ASSERT_TRUE(page);
  EXPECT_EQ(Versions(*page), (std::vector<uint64_t>{2, 3}));
  EXPECT_EQ(Positions(*page), (std::vector<uint64_t>{4, 6}));
  EXPECT_EQ(page->next, 4u);
  page = store_->ReadStream("s/b", page->next, Direction::kForward, 2);
  ASSERT_TRUE(page);
  EXPECT_EQ(Versions(*page), (std::vector<uint64_t>{4, 5}));
  EXPECT_EQ(page->next, 0u);

  page = store_->ReadStream("s/a", 0, Direction::kBackward, 3);
  ASSERT_TRUE(page);
  EXPECT_EQ(Versions(*page), (std::vector<uint64_t>{5, 4, 3}));
  EXPECT_EQ(Positions(*page), (std::vector<uint64_t>{9, 7, 5}));
  EXPECT_EQ(page->next, 2u);
  page = store_->ReadStream("s/a", page->next, Direction::kBackward, 3);
  ASSERT_TRUE(page);
  EXPECT_EQ(Versions(*page), (std::vector<uint64_t>{2, 1}));
  EXPECT_EQ(page->next, 0u);
}

TEST_F(ReadTest, ReadStreamNeverStraysIntoANeighbouringStream) {
  ASSERT_TRUE(store_->Append(Request("s/a/x", ExpectedVersion::Any())));
  ASSERT_TRUE(store_->Append(Request("s/", ExpectedVersion::Any())));
  auto page = store_->ReadStream("s/a", 0, Direction::kForward, 100);
  ASSERT_TRUE(page);
  EXPECT_EQ(Versions(*page), (std::vector<uint64_t>{1, 2, 3, 4, 5}));
  for (const Envelope& e : page->events) EXPECT_EQ(e.stream(), "s/a");
  page = store_->ReadStream("s/a", 0, Direction::kBackward, 100);
  ASSERT_TRUE(page);
  EXPECT_EQ(Versions(*page), (std::vector<uint64_t>{5, 4, 3, 2, 1}));
  page = store_->ReadStream("s/a", 6, Direction::kForward, 100);
  ASSERT_TRUE(page);
  EXPECT_TRUE(page->events.empty());
}

TEST_F(ReadTest, UnknownStreamReadsEmpty) {
  for (Direction d : {Direction::kForward, Direction::kBackward}) {
    auto page = store_->ReadStream("s/nobody", 0, d, 10);
    ASSERT_TRUE(page);
    EXPECT_TRUE(page->events.empty());
    EXPECT_EQ(page->next, 0u);
  }
  auto v = store_->StreamVersion("s/nobody");
  ASSERT_TRUE(v);
  EXPECT_EQ(*v, 0u);
}

TEST(ReadLimitTest, PagesAreCappedAtTenThousand) {
  TempDir dir;
  auto store = OpenOrFail(dir.Sub("db"));
  ASSERT_TRUE(store);
  for (int i = 0; i < 11; ++i) {
    ASSERT_TRUE(store->Append(Request("s/big", ExpectedVersion::Any(), 1000)));
  }
  auto page = store->ReadAll(1, Direction::kForward, 1'000'000);
  ASSERT_TRUE(page);
  EXPECT_EQ(page->events.size(), 10'000u);
  EXPECT_EQ(page->next, 10'001u);
  page = store->ReadStream("s/big", 1, Direction::kForward, 1'000'000);
  ASSERT_TRUE(page);
  EXPECT_EQ(page->events.size(), 10'000u);
  EXPECT_EQ(page->next, 10'001u);
  // A page of zero is read as a page of one, so a cursor loop always progresses.
  page = store->ReadAll(5, Direction::kForward, 0);
  ASSERT_TRUE(page);
  EXPECT_EQ(Positions(*page), (std::vector<uint64_t>{5}));
}

TEST(EmptyStoreTest, ReadsEmptyWithAZeroHead) {
  TempDir dir;
  auto store = OpenOrFail(dir.Sub("db"));
  ASSERT_TRUE(store);
  EXPECT_EQ(store->Head().position, 0u);
  EXPECT_EQ(store->Head().hash, std::string(32, '\0'));
  for (Direction d : {Direction::kForward, Direction::kBackward}) {
    auto page = store->ReadAll(0, d, 10);
    ASSERT_TRUE(page);
    EXPECT_TRUE(page->events.empty());
  }
  auto report = store->Verify(1, 0);
  ASSERT_TRUE(report);
  EXPECT_TRUE(report->ok);
  EXPECT_EQ(report->events_checked, 0u);
}

// --- Opening ---

TEST(OpenTest, HeadSurvivesReopen) {
  TempDir dir;
  HeadInfo head;
  {
    auto store = OpenOrFail(dir.Sub("db"));
    ASSERT_TRUE(store);
    ASSERT_TRUE(store->Append(Request("s/a", ExpectedVersion::Any(), 7)));
    head = store->Head();
  }
  auto store = OpenOrFail(dir.Sub("db"));
  ASSERT_TRUE(store);
  EXPECT_EQ(store->Head().position, 7u);
  EXPECT_EQ(store->Head().hash, head.hash);
  auto r = store->Append(Request("s/a", ExpectedVersion::Exact(7)));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->first_position, 8u);
  auto report = store->Verify(1, 0);
  ASSERT_TRUE(report);
  EXPECT_TRUE(report->ok) << report->problem;
}

TEST(OpenTest, MissingStoreWithoutCreateIsNotFound) {
  TempDir dir;
  StoreOptions options = testing::FastOptions();
  options.create_if_missing = false;
  auto store = EventStore::Open(dir.Sub("none"), options);
  ASSERT_FALSE(store);
  EXPECT_EQ(store.error().code, ErrorCode::kNotFound);
  options = testing::FastOptions();
  options.read_only = true;
  store = EventStore::Open(dir.Sub("none"), options);
  ASSERT_FALSE(store);
  EXPECT_EQ(store.error().code, ErrorCode::kNotFound);
}

TEST(OpenTest, SecondWriterIsUnavailable) {
  TempDir dir;
  auto first = OpenOrFail(dir.Sub("db"));
  ASSERT_TRUE(first);
  auto second = EventStore::Open(dir.Sub("db"), testing::FastOptions());
  ASSERT_FALSE(second);
  EXPECT_EQ(second.error().code, ErrorCode::kUnavailable) << second.error().ToString();
}

TEST(OpenTest, NewerFormatVersionIsRefusedNamingBothVersions) {
  TempDir dir;
  {
    auto store = OpenOrFail(dir.Sub("db"));
    ASSERT_TRUE(store);
    ASSERT_TRUE(store->Append(Request("s/a", ExpectedVersion::Any())));
  }
  {
    auto raw = RawStore::Open(dir.Sub("db"));
    ASSERT_TRUE(raw);
    EXPECT_EQ(raw->Get(raw->meta(), internal::kMetaFormatKey), std::string("\0\0\0\1", 4));
    std::string newer;
    internal::PutBigEndian32(&newer, 7);
    raw->Put(raw->meta(), internal::kMetaFormatKey, newer);
  }
  for (bool read_only : {false, true}) {
    StoreOptions options = testing::FastOptions();
    options.read_only = read_only;
    auto store = EventStore::Open(dir.Sub("db"), options);
    ASSERT_FALSE(store);
    EXPECT_EQ(store.error().code, ErrorCode::kFailedPrecondition);
    const std::string& m = store.error().message;
    EXPECT_NE(m.find("format version 7"), std::string::npos) << m;
    EXPECT_NE(m.find("up to 1"), std::string::npos) << m;
  }
  // The refusal wrote nothing: the newer version is still there.
  auto raw = RawStore::Open(dir.Sub("db"));
  ASSERT_TRUE(raw);
  EXPECT_EQ(raw->Get(raw->meta(), internal::kMetaFormatKey), std::string("\0\0\0\7", 4));
}

TEST(OpenTest, MalformedFormatVersionIsRefused) {
  TempDir dir;
  { ASSERT_TRUE(OpenOrFail(dir.Sub("db"))); }
  {
    auto raw = RawStore::Open(dir.Sub("db"));
    ASSERT_TRUE(raw);
    raw->Put(raw->meta(), internal::kMetaFormatKey, "v1");
  }
  auto store = EventStore::Open(dir.Sub("db"), testing::FastOptions());
  ASSERT_FALSE(store);
  EXPECT_EQ(store.error().code, ErrorCode::kDataLoss) << store.error().ToString();
}

// --- Read-only ---

TEST(ReadOnlyTest, AppendFailsClearlyAndReadsWork) {
  TempDir dir;
  {
    auto store = OpenOrFail(dir.Sub("db"));
    ASSERT_TRUE(store);
    ASSERT_TRUE(store->Append(Request("s/a", ExpectedVersion::Any(), 3)));
  }
  StoreOptions options = testing::FastOptions();
  options.read_only = true;
  auto store = OpenOrFail(dir.Sub("db"), options);
  ASSERT_TRUE(store);
  auto r = store->Append(Request("s/a", ExpectedVersion::Any()));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kFailedPrecondition);
  EXPECT_NE(r.error().message.find("read-only"), std::string::npos) << r.error().message;
  bool called = false;
  store->AppendAsync(Request("s/a", ExpectedVersion::Any()), [&](Result<AppendResult> res) {
    called = true;
    EXPECT_FALSE(res);
  });
  EXPECT_TRUE(called);
  EXPECT_EQ(store->Head().position, 3u);
  auto page = store->ReadStream("s/a", 0, Direction::kBackward, 10);
  ASSERT_TRUE(page);
  EXPECT_EQ(page->events.size(), 3u);
  auto report = store->Verify(1, 0);
  ASSERT_TRUE(report);
  EXPECT_TRUE(report->ok) << report->problem;
}

TEST(ReadOnlyTest, OpensBesideAWriterAndSeesTheLogAsOfItsOpen) {
  TempDir dir;
  auto writer = OpenOrFail(dir.Sub("db"));
  ASSERT_TRUE(writer);
  ASSERT_TRUE(writer->Append(Request("s/a", ExpectedVersion::Any(), 2)));
  StoreOptions options = testing::FastOptions();
  options.read_only = true;
  auto reader = OpenOrFail(dir.Sub("db"), options);
  ASSERT_TRUE(reader);
  ASSERT_TRUE(writer->Append(Request("s/a", ExpectedVersion::Any(), 2)));
  EXPECT_EQ(reader->Head().position, 2u);
  auto report = reader->Verify(1, 0);
  ASSERT_TRUE(report);
  EXPECT_TRUE(report->ok) << report->problem;
  EXPECT_EQ(report->head_position, 2u);
}

// --- Backup and restore ---

TEST(BackupTest, RestoredCopyVerifiesWithTheSameHeadHash) {
  TempDir dir;
  auto store = OpenOrFail(dir.Sub("db"));
  ASSERT_TRUE(store);
  for (int i = 0; i < 20; ++i) {
    ASSERT_TRUE(store->Append(Request("s/" + std::to_string(i % 3), ExpectedVersion::Any(), 5)));
  }
  ASSERT_TRUE(store->CreateBackup(dir.Sub("backups")));
  const HeadInfo head = store->Head();
  // Appends after the backup are not in it; a second backup is incremental.
  ASSERT_TRUE(store->Append(Request("s/late", ExpectedVersion::Any())));

  ASSERT_TRUE(EventStore::RestoreLatestBackup(dir.Sub("backups"), dir.Sub("restored")));
  auto restored = OpenOrFail(dir.Sub("restored"));
  ASSERT_TRUE(restored);
  auto report = restored->Verify(1, 0);
  ASSERT_TRUE(report);
  EXPECT_TRUE(report->ok) << report->problem;
  EXPECT_EQ(report->head_position, head.position);
  EXPECT_EQ(restored->Head().hash, head.hash);
  EXPECT_EQ(report->events_checked, 100u);
  auto v = restored->StreamVersion("s/late");
  ASSERT_TRUE(v);
  EXPECT_EQ(*v, 0u);

  ASSERT_TRUE(store->CreateBackup(dir.Sub("backups")));
  ASSERT_TRUE(EventStore::RestoreLatestBackup(dir.Sub("backups"), dir.Sub("restored2")));
  auto second = OpenOrFail(dir.Sub("restored2"));
  ASSERT_TRUE(second);
  EXPECT_EQ(second->Head().position, 101u);
  EXPECT_EQ(second->Head().hash, store->Head().hash);
}

TEST(BackupTest, RestoreIntoANonEmptyFolderIsRefused) {
  TempDir dir;
  {
    auto store = OpenOrFail(dir.Sub("db"));
    ASSERT_TRUE(store);
    ASSERT_TRUE(store->Append(Request("s/a", ExpectedVersion::Any())));
    ASSERT_TRUE(store->CreateBackup(dir.Sub("backups")));
  }
  // A folder holding a store.
  auto s = EventStore::RestoreLatestBackup(dir.Sub("backups"), dir.Sub("db"));
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().code, ErrorCode::kFailedPrecondition);
  EXPECT_NE(s.error().message.find("empty"), std::string::npos) << s.error().message;
  // A folder holding anything else: restoring would delete it.
  std::filesystem::create_directories(dir.Sub("other"));
  { std::ofstream(dir.Sub("other") + "/notes.txt") << "keep me"; }
  s = EventStore::RestoreLatestBackup(dir.Sub("backups"), dir.Sub("other"));
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().code, ErrorCode::kFailedPrecondition);
  EXPECT_TRUE(std::filesystem::exists(dir.Sub("other") + "/notes.txt"));
  // The store itself is untouched.
  auto store = OpenOrFail(dir.Sub("db"));
  ASSERT_TRUE(store);
  EXPECT_EQ(store->Head().position, 1u);
  // An empty folder that exists is fine.
  std::filesystem::create_directories(dir.Sub("empty"));
  EXPECT_TRUE(EventStore::RestoreLatestBackup(dir.Sub("backups"), dir.Sub("empty")));
}

TEST(BackupTest, RestoreFromAFolderWithoutBackupsIsNotFound) {
  TempDir dir;
  auto s = EventStore::RestoreLatestBackup(dir.Sub("nothing"), dir.Sub("target"));
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().code, ErrorCode::kNotFound);
}

}  // namespace
}  // namespace goldthread::store
