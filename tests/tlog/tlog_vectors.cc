// tlog_vectors: prints the Merkle tree of a real store as known-answer vectors for tlogcheck
// (tlogcheck/main.go, which checks them against golang.org/x/mod/sumdb/tlog). Test-only.
//
// Usage: tlog_vectors <empty-folder>
// Creates a store there, appends 600 events (single appends of one to three events and atomic
// groups), and prints the leaf entries, the root of every size, inclusion and consistency proofs
// of many shapes and stored hash ranges (levels 0 and 8), in tlogcheck's line format, from the
// store's own API. Exits 1 on any store error.
#include <cstdio>
#include <set>
#include <string>
#include <vector>

#include "store/base/hex.h"
#include "store/event_store.h"

namespace {

using goldthread::HexEncode;
using goldthread::store::AppendRequest;
using goldthread::store::EventStore;
using goldthread::store::ExpectedVersion;
using goldthread::store::NewEvent;

constexpr uint64_t kLeaves = 600;

template <typename T>
T OrDie(goldthread::Result<T> r, const char* what) {
  if (!r) {
    std::fprintf(stderr, "tlog_vectors: %s: %s\n", what, r.error().ToString().c_str());
    std::exit(1);
  }
  return std::move(*r);
}

std::string Joined(const std::vector<std::string>& hashes) {
  if (hashes.empty()) return "-";
  std::string out;
  for (const std::string& h : hashes) {
    if (!out.empty()) out.push_back(',');
    out += HexEncode(h);
  }
  return out;
}

AppendRequest Request(const std::string& stream, size_t events, uint64_t seq) {
  AppendRequest r{.stream = stream, .expected = ExpectedVersion::Any(), .actor = "system/tlog"};
  for (size_t k = 0; k < events; ++k) {
    r.events.push_back(NewEvent{.type = "test.TlogVector",
                                .payload = "vector " + std::to_string(seq) + "/" +
                                           std::to_string(k)});
  }
  r.command_id = "tlog-" + std::to_string(seq);
  return r;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: tlog_vectors <empty-folder>\n");
    return 2;
  }
  goldthread::store::StoreOptions options;
  options.durability = goldthread::store::Durability::kBuffered;
  auto store = OrDie(EventStore::Open(argv[1], options), "opening the store");
  uint64_t seq = 0;
  while (store->Head().position < kLeaves) {
    const uint64_t left = kLeaves - store->Head().position;
    ++seq;
    if (seq % 5 == 0 && left >= 3) {
      std::vector<AppendRequest> group = {Request("tlog/g" + std::to_string(seq % 3), 2, seq),
                                          Request("tlog/h", 1, seq * 1000)};
      OrDie(store->AppendAll(std::move(group)), "appending a group");
    } else {
      OrDie(store->Append(Request("tlog/s" + std::to_string(seq % 4),
                                  std::min<uint64_t>(left, 1 + seq % 3), seq)),
            "appending");
    }
  }
  const auto tree = OrDie(store->Tree(), "reading the tree");
  if (tree.size != kLeaves) return 1;

  for (uint64_t from = 0; from < kLeaves; from += 100) {
    const auto entries = OrDie(store->LeafEntries(from, 100), "reading entries");
    for (size_t i = 0; i < entries.size(); ++i) {
      std::printf("entry %llu %s\n", static_cast<unsigned long long>(from + i),
                  HexEncode(entries[i]).c_str());
    }
  }
  for (uint64_t n = 1; n <= kLeaves; ++n) {
    std::printf("root %llu %s\n", static_cast<unsigned long long>(n),
                HexEncode(OrDie(store->TreeRoot(n), "reading a root")).c_str());
  }
  for (uint64_t n = 1; n <= kLeaves; ++n) {
    std::set<uint64_t> indexes = {0, n / 3, n / 2, n - 1, (n * 7919 + 13) % n};
    if (n <= 40) {
      for (uint64_t i = 0; i < n; ++i) indexes.insert(i);
    }
    for (uint64_t i : indexes) {
      std::printf("inclusion %llu %llu %s\n", static_cast<unsigned long long>(i),
                  static_cast<unsigned long long>(n),
                  Joined(OrDie(store->InclusionProof(i, n), "proving inclusion")).c_str());
    }
    std::set<uint64_t> olds = {1, n / 3 + 1, n / 2 + 1, n - 1 + (n == 1), n, (n * 104729 + 7) % n + 1};
    if (n <= 40) {
      for (uint64_t m = 1; m <= n; ++m) olds.insert(m);
    }
    for (uint64_t m : olds) {
      if (m < 1 || m > n) continue;
      std::printf("consistency %llu %llu %s\n", static_cast<unsigned long long>(m),
                  static_cast<unsigned long long>(n),
                  Joined(OrDie(store->ConsistencyProof(m, n), "proving consistency")).c_str());
    }
  }
  struct Range {
    int level;
    uint64_t from, count, size;
  };
  for (const Range& r : {Range{0, 0, 256, 600}, Range{0, 256, 256, 600}, Range{0, 512, 256, 600},
                         Range{0, 0, 256, 100}, Range{0, 300, 256, 450}, Range{8, 0, 256, 600},
                         Range{8, 0, 256, 511}, Range{8, 0, 256, 512}, Range{8, 1, 256, 600}}) {
    std::printf("hashes %d %llu %llu %llu %s\n", r.level, static_cast<unsigned long long>(r.from),
                static_cast<unsigned long long>(r.count), static_cast<unsigned long long>(r.size),
                Joined(OrDie(store->TreeHashes(r.level, r.from, r.count, r.size), "reading hashes"))
                    .c_str());
  }
  return 0;
}
