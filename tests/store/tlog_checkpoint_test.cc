#include "store/tlog/checkpoint.h"

#include <gtest/gtest.h>

#include "store/base/sha256.h"

namespace goldthread::tlog {
namespace {

constexpr const char* kOrigin = "goldthread.example-council.gov.uk/performance";

TEST(CheckpointTest, BodyIsOriginSizeAndBase64Root) {
  Checkpoint cp{kOrigin, 1234, Sha256("")};
  EXPECT_EQ(FormatCheckpoint(cp), std::string(kOrigin) +
                                      "\n1234\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\n");
  auto back = ParseCheckpoint(FormatCheckpoint(cp));
  ASSERT_TRUE(back.has_value()) << back.error().ToString();
  EXPECT_EQ(back->origin, kOrigin);
  EXPECT_EQ(back->size, 1234u);
  EXPECT_EQ(back->root, cp.root);
}

TEST(CheckpointTest, ExtensionLinesAreIgnored) {
  auto cp = ParseCheckpoint(std::string(kOrigin) +
                            "\n7\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\nextra line\n");
  ASSERT_TRUE(cp.has_value());
  EXPECT_EQ(cp->size, 7u);
}

TEST(CheckpointTest, MalformedBodiesAreRefused) {
  const std::string root = "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=";
  for (const std::string& body :
       {std::string(), "\n1\n" + root + "\n", std::string(kOrigin) + "\n", 
        std::string(kOrigin) + "\n01\n" + root + "\n", std::string(kOrigin) + "\n-1\n" + root + "\n",
        std::string(kOrigin) + "\n1x\n" + root + "\n",
        std::string(kOrigin) + "\n99999999999999999999999\n" + root + "\n",
        std::string(kOrigin) + "\n1\nAAAA\n", std::string(kOrigin) + "\n1\n" + root}) {
    auto r = ParseCheckpoint(body);
    ASSERT_FALSE(r.has_value()) << body;
    EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
  }
}

TEST(CheckpointTest, SignedCheckpointOpensOnlyWithItsKeyAndUnaltered) {
  auto signer = NoteSigner::Generate(kOrigin).value();
  auto verifier = NoteVerifier::FromVerifierKey(signer.VerifierKey()).value();
  Checkpoint cp{kOrigin, 42, Sha256("root")};
  auto note = SignCheckpoint(cp, signer);
  ASSERT_TRUE(note.has_value()) << note.error().ToString();
  auto opened = OpenCheckpoint(*note, verifier);
  ASSERT_TRUE(opened.has_value()) << opened.error().ToString();
  EXPECT_EQ(opened->size, 42u);
  EXPECT_EQ(opened->root, cp.root);

  std::string grown = *note;
  grown.replace(grown.find("\n42\n"), 4, "\n43\n");
  EXPECT_EQ(OpenCheckpoint(grown, verifier).error().code, ErrorCode::kPermissionDenied);

  auto other = NoteSigner::Generate(kOrigin).value();
  EXPECT_EQ(OpenCheckpoint(SignCheckpoint(cp, other).value(), verifier).error().code,
            ErrorCode::kPermissionDenied);
  // The origin must be the key's name, both when signing and when opening.
  EXPECT_FALSE(SignCheckpoint(Checkpoint{"another.example/log", 1, cp.root}, signer).has_value());
}

}  // namespace
}  // namespace goldthread::tlog
