#include "store/tlog/tiles.h"

#include <gtest/gtest.h>

namespace goldthread::tlog {
namespace {

TEST(TilesTest, IndexIsWrittenInGroupsOfThreeAsTheSpecShows) {
  EXPECT_EQ(EncodeTileIndex(0), "000");
  EXPECT_EQ(EncodeTileIndex(67), "067");
  EXPECT_EQ(EncodeTileIndex(1000), "x001/000");
  EXPECT_EQ(EncodeTileIndex(1234067), "x001/x234/067");
  EXPECT_EQ(TilePath({false, 0, 1234067, 256}), "tile/0/x001/x234/067");
  EXPECT_EQ(TilePath({false, 2, 3, 5}), "tile/2/003.p/5");
  EXPECT_EQ(TilePath({true, 0, 1, 255}), "tile/entries/001.p/255");
}

TEST(TilesTest, PathsParseBackToTheTile) {
  for (TileRef t : {TileRef{false, 0, 0, 256}, TileRef{false, 7, 999, 1},
                    TileRef{true, 0, 1234067, 256}, TileRef{false, 3, 18446744073709551ull, 17}}) {
    auto back = ParseTilePath(TilePath(t));
    ASSERT_TRUE(back.has_value()) << TilePath(t) << ": " << back.error().ToString();
    EXPECT_EQ(*back, t) << TilePath(t);
  }
}

TEST(TilesTest, MalformedPathsAreRefused) {
  for (const char* bad :
       {"", "tile", "tile/0", "tile/0/", "tile/8/000", "tile/00/000", "tile/0/00", "tile/0/0000",
        "tile/0/x01/000", "tile/0/1000", "tile/0/000.p/0", "tile/0/000.p/256", "tile/0/000.p/05",
        "tile/0/000.p/", "tile/0/000/", "tile/0/../000", "tile/-1/000", "tile/entries/000.q/1",
        "tile/0/x999/x999/x999/x999/x999/x999/x999/000"}) {
    auto r = ParseTilePath(bad);
    ASSERT_FALSE(r.has_value()) << bad;
    EXPECT_EQ(r.error().field, "path");
  }
}

TEST(TilesTest, TilesForSizeListsFullAndPartialTilesOfEachLevel) {
  EXPECT_TRUE(TilesForSize(0).empty());
  auto one = TilesForSize(1);
  ASSERT_EQ(one.size(), 2u);
  EXPECT_EQ(TilePath(one[0]), "tile/0/000.p/1");
  EXPECT_EQ(TilePath(one[1]), "tile/entries/000.p/1");
  // 256 * 256 + 3 leaves: level 0 has 256 full tiles and one of 3; level 1 one full tile of 256
  // hashes and nothing partial; level 2 one hash (a partial tile of 1).
  auto big = TilesForSize(65539);
  size_t level0 = 0, level1 = 0, level2 = 0, entries = 0;
  for (const TileRef& t : big) {
    if (t.entries) ++entries;
    else if (t.level == 0) ++level0;
    else if (t.level == 1) ++level1;
    else if (t.level == 2) ++level2;
  }
  EXPECT_EQ(level0, 257u);
  EXPECT_EQ(level1, 1u);
  EXPECT_EQ(level2, 1u);
  EXPECT_EQ(entries, 257u);
  for (const TileRef& t : big) EXPECT_TRUE(TileWithin(t, 65539)) << TilePath(t);
  EXPECT_FALSE(TileWithin({false, 0, 256, 4}, 65539));
  EXPECT_FALSE(TileWithin({false, 1, 0, 256}, 65535));
}

TEST(TilesTest, EntryBundleRoundTripsAndRefusesCutBundles) {
  std::vector<std::string> entries = {"", "a", std::string(300, 'x'), std::string(65535, 'y')};
  auto bundle = EncodeEntryBundle(entries);
  ASSERT_TRUE(bundle.has_value());
  EXPECT_EQ(bundle->substr(0, 5), std::string("\x00\x00\x00\x01" "a", 5));
  auto back = DecodeEntryBundle(*bundle);
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(*back, entries);
  EXPECT_FALSE(DecodeEntryBundle(bundle->substr(0, bundle->size() - 1)).has_value());
  EXPECT_FALSE(DecodeEntryBundle(std::string("\x00", 1)).has_value());
  EXPECT_FALSE(EncodeEntryBundle({std::string(65536, 'z')}).has_value());
}

}  // namespace
}  // namespace goldthread::tlog
