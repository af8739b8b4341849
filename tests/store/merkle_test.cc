// store/tlog/merkle.h: RFC 6962 roots and proofs against the Certificate Transparency vectors,
// every proof of every tree up to 64 leaves through the RFC 9162 verifiers (and tampered ones
// refused), the frontier against a plain recursion, and TiledHashAt against full storage.
#include "store/tlog/merkle.h"

#include <gtest/gtest.h>

#include <map>

#include "store/base/hex.h"
#include "store/base/sha256.h"

namespace goldthread::tlog {
namespace {

std::string Unhex(std::string_view hex) {
  std::string out;
  for (size_t i = 0; i + 1 < hex.size(); i += 2) {
    out.push_back(static_cast<char>(std::stoi(std::string(hex.substr(i, 2)), nullptr, 16)));
  }
  return out;
}

// The eight leaves of the CT reference tree (RFC 6962 test data) and its roots for sizes 1..8.
const std::vector<std::string>& CtEntries() {
  static const auto* entries = new std::vector<std::string>{
      Unhex(""),         Unhex("00"),       Unhex("10"),
      Unhex("2021"),     Unhex("3031"),     Unhex("40414243"),
      Unhex("5051525354555657"), Unhex("606162636465666768696a6b6c6d6e6f")};
  return *entries;
}
const char* const kCtRoots[] = {
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328"};

// MTH by the RFC's definition, straight from the leaf hashes: the reference everything else is
// compared with.
std::string PlainRoot(const std::vector<std::string>& leaves, size_t lo, size_t hi) {
  if (hi == lo) return EmptyTreeRoot();
  if (hi - lo == 1) return leaves[lo];
  size_t k = 1;
  while (k * 2 < hi - lo) k *= 2;
  return NodeHash(PlainRoot(leaves, lo, lo + k), PlainRoot(leaves, lo + k, hi));
}

HashAt PlainHashAt(const std::vector<std::string>& leaves) {
  return [&leaves](int level, uint64_t index) -> Result<std::string> {
    const uint64_t lo = index << level;
    const uint64_t hi = lo + (uint64_t{1} << level);
    if (hi > leaves.size()) return MakeError(ErrorCode::kInternal, "asked beyond the tree");
    return PlainRoot(leaves, lo, hi);
  };
}

std::vector<std::string> Leaves(size_t n) {
  std::vector<std::string> leaves;
  for (size_t i = 0; i < n; ++i) leaves.push_back(LeafHash("leaf " + std::to_string(i)));
  return leaves;
}

std::vector<std::string> Hex(const std::vector<std::string>& hashes) {
  std::vector<std::string> out;
  for (const auto& h : hashes) out.push_back(HexEncode(h));
  return out;
}

TEST(MerkleTest, HashingMatchesRfc6962) {
  EXPECT_EQ(HexEncode(EmptyTreeRoot()),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(LeafHash("abc"), Sha256(std::string("\x00" "abc", 4)));
  EXPECT_EQ(NodeHash("l", "r"), Sha256(std::string("\x01" "lr", 3)));
}

TEST(MerkleTest, RootsMatchTheCertificateTransparencyVectors) {
  std::vector<std::string> leaves;
  for (const auto& e : CtEntries()) leaves.push_back(LeafHash(e));
  const HashAt hash_at = PlainHashAt(leaves);
  TreeFrontier frontier;
  EXPECT_EQ(*TreeRoot(0, hash_at), EmptyTreeRoot());
  EXPECT_EQ(frontier.Root(), EmptyTreeRoot());
  for (size_t n = 1; n <= 8; ++n) {
    frontier.Append(leaves[n - 1], nullptr);
    EXPECT_EQ(HexEncode(*TreeRoot(n, hash_at)), kCtRoots[n - 1]) << "size " << n;
    EXPECT_EQ(HexEncode(frontier.Root()), kCtRoots[n - 1]) << "size " << n;
  }
}

TEST(MerkleTest, ProofsMatchTheCertificateTransparencyVectors) {
  std::vector<std::string> leaves;
  for (const auto& e : CtEntries()) leaves.push_back(LeafHash(e));
  const HashAt hash_at = PlainHashAt(leaves);
  EXPECT_EQ(Hex(*InclusionProof(0, 8, hash_at)),
            (std::vector<std::string>{
                "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
                "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"}));
  EXPECT_EQ(Hex(*InclusionProof(5, 8, hash_at)),
            (std::vector<std::string>{
                "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
                "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
                "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"}));
  EXPECT_EQ(Hex(*InclusionProof(2, 3, hash_at)),
            (std::vector<std::string>{
                "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"}));
  EXPECT_EQ(Hex(*ConsistencyProof(2, 8, hash_at)),
            (std::vector<std::string>{
                "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"}));
  EXPECT_EQ(Hex(*ConsistencyProof(6, 8, hash_at)),
            (std::vector<std::string>{
                "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
                "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
                "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"}));
  EXPECT_TRUE(VerifyConsistency(6, 8, Unhex(kCtRoots[5]), Unhex(kCtRoots[7]),
                                *ConsistencyProof(6, 8, hash_at)));
}

TEST(MerkleTest, EveryInclusionProofUpTo64LeavesVerifiesAndTamperingIsRefused) {
  const std::vector<std::string> leaves = Leaves(65);
  const HashAt hash_at = PlainHashAt(leaves);
  for (uint64_t n = 1; n <= 64; ++n) {
    const std::string root = PlainRoot(leaves, 0, n);
    for (uint64_t i = 0; i < n; ++i) {
      auto proof = InclusionProof(i, n, hash_at);
      ASSERT_TRUE(proof) << proof.error().ToString();
      ASSERT_TRUE(VerifyInclusion(i, n, leaves[i], *proof, root)) << i << " in " << n;
      EXPECT_FALSE(VerifyInclusion(i, n, leaves[i + 1], *proof, root));
      EXPECT_FALSE(VerifyInclusion(i, n, leaves[i], *proof, PlainRoot(leaves, 0, n - 1)));
      // (Against the same root a proof may also pass for another size: the size is bound to the
      // root by the signed tree head, not by the proof. Against that size's own root it fails.)
      EXPECT_FALSE(VerifyInclusion(i, n + 1, leaves[i], *proof, PlainRoot(leaves, 0, n + 1)));
      EXPECT_FALSE(VerifyInclusion(i, n, leaves[i], *proof, root.substr(1)));
      if (n > 1) {
        // The same proof claimed for another position is refused: the index fixes which side
        // each sibling is on.
        for (uint64_t j = 0; j < n; ++j) {
          if (j != i) {
            EXPECT_FALSE(VerifyInclusion(j, n, leaves[i], *proof, root)) << j;
          }
        }
      }
      for (size_t k = 0; k < proof->size(); ++k) {
        auto bad = *proof;
        bad[k][k % 32] ^= 0x01;
        EXPECT_FALSE(VerifyInclusion(i, n, leaves[i], bad, root));
      }
      auto longer = *proof;
      longer.push_back(std::string(32, '\xab'));
      EXPECT_FALSE(VerifyInclusion(i, n, leaves[i], longer, root));
      if (!proof->empty()) {
        auto shorter = *proof;
        shorter.pop_back();
        EXPECT_FALSE(VerifyInclusion(i, n, leaves[i], shorter, root));
      }
    }
  }
}

TEST(MerkleTest, EveryConsistencyProofUpTo64LeavesVerifiesAndTamperingIsRefused) {
  const std::vector<std::string> leaves = Leaves(65);
  const HashAt hash_at = PlainHashAt(leaves);
  for (uint64_t n = 0; n <= 64; ++n) {
    const std::string new_root = PlainRoot(leaves, 0, n);
    for (uint64_t m = 0; m <= n; ++m) {
      const std::string old_root = PlainRoot(leaves, 0, m);
      auto proof = ConsistencyProof(m, n, hash_at);
      ASSERT_TRUE(proof) << proof.error().ToString();
      if (m == 0 || m == n) {
        EXPECT_TRUE(proof->empty());
      }
      ASSERT_TRUE(VerifyConsistency(m, n, old_root, new_root, *proof)) << m << " to " << n;
      // The empty tree is a prefix of every tree, whatever its root.
      if (m == 0) continue;
      EXPECT_FALSE(VerifyConsistency(m, n, old_root, NodeHash(new_root, new_root), *proof));
      EXPECT_FALSE(VerifyConsistency(m, n, NodeHash(old_root, old_root), new_root, *proof));
      if (m > 0 && m < n) {
        EXPECT_FALSE(VerifyConsistency(m - 1, n, old_root, new_root, *proof));
        EXPECT_FALSE(
            VerifyConsistency(m, n + 1, old_root, PlainRoot(leaves, 0, n + 1), *proof));
        for (size_t k = 0; k < proof->size(); ++k) {
          auto bad = *proof;
          bad[k][31 - k % 32] ^= 0x80;
          EXPECT_FALSE(VerifyConsistency(m, n, old_root, new_root, bad)) << k;
        }
        auto shorter = *proof;
        shorter.pop_back();
        EXPECT_FALSE(VerifyConsistency(m, n, old_root, new_root, shorter));
        auto longer = *proof;
        longer.push_back(std::string(32, '\xcd'));
        EXPECT_FALSE(VerifyConsistency(m, n, old_root, new_root, longer));
      }
    }
  }
  // The edges: an empty proof from the empty tree, or between equal sizes with equal roots.
  EXPECT_TRUE(VerifyConsistency(0, 5, EmptyTreeRoot(), PlainRoot(leaves, 0, 5), {}));
  EXPECT_FALSE(VerifyConsistency(0, 5, leaves[0], PlainRoot(leaves, 0, 5), {}));
  EXPECT_FALSE(VerifyConsistency(4, 4, PlainRoot(leaves, 0, 4), PlainRoot(leaves, 0, 5), {}));
  EXPECT_FALSE(VerifyConsistency(4, 4, PlainRoot(leaves, 0, 4), PlainRoot(leaves, 0, 4),
                                 {leaves[0]}));
  EXPECT_FALSE(VerifyConsistency(5, 4, PlainRoot(leaves, 0, 5), PlainRoot(leaves, 0, 4), {}));
}

TEST(MerkleTest, BadArgumentsNameTheField) {
  const std::vector<std::string> leaves = Leaves(4);
  const HashAt hash_at = PlainHashAt(leaves);
  auto r = InclusionProof(4, 4, hash_at);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(r.error().field, "index");
  r = InclusionProof(0, 0, hash_at);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().field, "index");
  r = ConsistencyProof(4, 3, hash_at);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(r.error().field, "old_size");
  EXPECT_FALSE(VerifyInclusion(0, 0, leaves[0], {}, EmptyTreeRoot()));
}

TEST(MerkleTest, FrontierReportsEveryCompletedSubtreeAndRestores) {
  const std::vector<std::string> leaves = Leaves(300);
  const HashAt hash_at = PlainHashAt(leaves);
  TreeFrontier frontier;
  std::vector<StoredNode> completed;
  std::map<std::pair<int, uint64_t>, std::string> seen;
  for (uint64_t n = 1; n <= leaves.size(); ++n) {
    completed.clear();
    frontier.Append(leaves[n - 1], &completed);
    ASSERT_FALSE(completed.empty());
    EXPECT_EQ(completed.front(), (StoredNode{0, n - 1, leaves[n - 1]}));
    // Leaf n-1 completes exactly the subtrees whose last leaf it is: one per trailing 1 bit of
    // n-1, plus the leaf itself.
    EXPECT_EQ(completed.size(), static_cast<size_t>(std::countr_one(n - 1)) + 1);
    for (const StoredNode& node : completed) {
      EXPECT_EQ(node.hash, *hash_at(node.level, node.index));
      EXPECT_TRUE(seen.emplace(std::pair{node.level, node.index}, node.hash).second);
    }
    EXPECT_EQ(frontier.size(), n);
    EXPECT_EQ(frontier.Root(), PlainRoot(leaves, 0, n)) << n;
    EXPECT_EQ(frontier.nodes().size(), static_cast<size_t>(std::popcount(n)));
    auto restored = TreeFrontier::Restore(n, hash_at);
    ASSERT_TRUE(restored);
    EXPECT_EQ(restored->nodes(), frontier.nodes());
    EXPECT_EQ(restored->Root(), frontier.Root());
  }
}

TEST(MerkleTest, TiledHashAtFoldsTheLevelsBetweenStoredOnes) {
  const std::vector<std::string> leaves = Leaves(1100);
  const HashAt full = PlainHashAt(leaves);
  for (int stride : {8, 3}) {
    // Only the levels that are multiples of `stride` are kept, as store/ keeps levels 0, 8, ...
    std::map<std::pair<int, uint64_t>, std::string> stored;
    TreeFrontier frontier;
    std::vector<StoredNode> completed;
    for (const auto& leaf : leaves) {
      completed.clear();
      frontier.Append(leaf, &completed);
      for (const auto& node : completed)
        if (node.level % stride == 0) stored[{node.level, node.index}] = node.hash;
    }
    int reads = 0;
    const HashAt tiled = TiledHashAt(
        [&](int level, uint64_t from, uint64_t count) -> Result<std::vector<std::string>> {
          EXPECT_EQ(level % stride, 0);
          EXPECT_LE(count, uint64_t{1} << (stride - 1));
          ++reads;
          std::vector<std::string> out;
          for (uint64_t i = from; i < from + count; ++i) {
            auto it = stored.find({level, i});
            if (it == stored.end()) break;
            out.push_back(it->second);
          }
          return out;
        },
        stride);
    for (uint64_t n : {1u, 2u, 255u, 256u, 257u, 511u, 777u, 1024u, 1100u}) {
      EXPECT_EQ(*TreeRoot(n, tiled), PlainRoot(leaves, 0, n)) << n << " stride " << stride;
      for (uint64_t i : {uint64_t{0}, n / 3, n - 1}) {
        EXPECT_EQ(*InclusionProof(i, n, tiled), *InclusionProof(i, n, full));
      }
      for (uint64_t m : {uint64_t{1}, n / 2, n - 1}) {
        EXPECT_EQ(*ConsistencyProof(m, n, tiled), *ConsistencyProof(m, n, full));
      }
    }
    EXPECT_GT(reads, 0);
    // A stored hash that is missing is DataLoss, naming the node.
    stored.erase({0, 5});
    auto r = tiled(2, 1);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, ErrorCode::kDataLoss);
    EXPECT_NE(r.error().message.find("level 0 index 5"), std::string::npos) << r.error().message;
  }
}

}  // namespace
}  // namespace goldthread::tlog
