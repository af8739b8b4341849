#include "store/tlog/note.h"

#include <gtest/gtest.h>

#include "store/base/base64.h"

namespace goldthread::tlog {
namespace {

constexpr const char* kName = "goldthread.example-council.gov.uk/performance";

NoteSigner MakeSigner(std::string name = kName) {
  auto s = NoteSigner::Generate(std::move(name));
  EXPECT_TRUE(s.has_value()) << s.error().ToString();
  return *s;
}

TEST(NoteTest, SignedNoteOpensWithTheVerifierKeyAndReturnsTheText) {
  NoteSigner signer = MakeSigner();
  auto note = signer.Sign("hello\nworld\n");
  ASSERT_TRUE(note.has_value()) << note.error().ToString();
  EXPECT_EQ(note->rfind("hello\nworld\n\n\xe2\x80\x94 " + std::string(kName) + " ", 0), 0u);
  auto verifier = NoteVerifier::FromVerifierKey(signer.VerifierKey());
  ASSERT_TRUE(verifier.has_value()) << verifier.error().ToString();
  auto text = verifier->Open(*note);
  ASSERT_TRUE(text.has_value()) << text.error().ToString();
  EXPECT_EQ(*text, "hello\nworld\n");
}

TEST(NoteTest, KeysHaveTheGoFormatsAndTheSignerKeyRoundTrips) {
  NoteSigner signer = MakeSigner();
  std::string vkey = signer.VerifierKey();
  std::string skey = signer.SignerKey();
  EXPECT_EQ(vkey.rfind(std::string(kName) + "+", 0), 0u);
  EXPECT_EQ(skey.rfind("PRIVATE+KEY+" + std::string(kName) + "+", 0), 0u);
  // name + 8 hex + base64 of 33 bytes (44 characters).
  EXPECT_EQ(vkey.size(), std::string(kName).size() + 1 + 8 + 1 + 44);
  auto again = NoteSigner::FromSignerKey(skey + "\n");
  ASSERT_TRUE(again.has_value()) << again.error().ToString();
  EXPECT_EQ(again->VerifierKey(), vkey);
  EXPECT_EQ(again->key_id(), signer.key_id());
}

TEST(NoteTest, KeyIdIsTheFirstFourBytesOfTheNameTypeAndKeyHash) {
  // Any key: the id must be what the spec's formula gives, recomputed here by hand.
  NoteSigner signer = MakeSigner("a.example/log");
  auto vkey = NoteVerifier::FromVerifierKey(signer.VerifierKey());
  ASSERT_TRUE(vkey.has_value());
  EXPECT_EQ(KeyId("a.example/log", signer.public_key()), signer.key_id());
  EXPECT_NE(KeyId("b.example/log", signer.public_key()), signer.key_id());
}

TEST(NoteTest, AlteredTextOrSignatureIsRefused) {
  NoteSigner signer = MakeSigner();
  auto verifier = NoteVerifier::FromVerifierKey(signer.VerifierKey()).value();
  std::string note = signer.Sign("size 10\n").value();
  std::string altered = note;
  altered[5] = '9';
  auto r = verifier.Open(altered);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, ErrorCode::kPermissionDenied);
  // Flip one bit of the signature's base64 payload (a character near the end of the line).
  std::string bad_sig = note;
  size_t pos = bad_sig.size() - 10;
  bad_sig[pos] = bad_sig[pos] == 'A' ? 'B' : 'A';
  r = verifier.Open(bad_sig);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, ErrorCode::kPermissionDenied);
}

TEST(NoteTest, NoteSignedByAnotherKeyOfTheSameNameIsRefused) {
  NoteSigner ours = MakeSigner();
  NoteSigner theirs = MakeSigner();  // same name, another key: a forger's
  auto verifier = NoteVerifier::FromVerifierKey(ours.VerifierKey()).value();
  auto r = verifier.Open(theirs.Sign("size 10\n").value());
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, ErrorCode::kPermissionDenied);
  EXPECT_NE(r.error().message.find("not signed by"), std::string::npos) << r.error().message;
}

TEST(NoteTest, OtherKeysSignaturesAreIgnoredWhenOursIsThere) {
  NoteSigner ours = MakeSigner();
  NoteSigner witness = MakeSigner("witness.example/w1");
  std::string note = ours.Sign("size 10\n").value();
  std::string witness_line = witness.Sign("size 10\n").value().substr(std::string("size 10\n\n").size());
  auto verifier = NoteVerifier::FromVerifierKey(ours.VerifierKey()).value();
  auto text = verifier.Open(note + witness_line);
  ASSERT_TRUE(text.has_value()) << text.error().ToString();
  EXPECT_EQ(*text, "size 10\n");
}

TEST(NoteTest, MalformedTextsAndKeysAreRefusedWithTheField) {
  NoteSigner signer = MakeSigner();
  for (const std::string& text : {std::string(), std::string("no newline"),
                                  std::string("blank\n\nline\n"), std::string("tab\there\n"),
                                  std::string("nul\0x\n", 6)}) {
    auto r = signer.Sign(text);
    ASSERT_FALSE(r.has_value()) << text;
    EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
  }
  EXPECT_FALSE(signer.Sign(std::string("bad utf8 \xff\n")).has_value());
  for (const char* name : {"", "has space", "has+plus", "tab\tname"}) {
    EXPECT_FALSE(NoteSigner::Generate(name).has_value()) << name;
  }
  for (const char* vkey : {"", "name", "name+1234abcd", "name+1234abcd+AAAA",
                           "name+zzzzzzzz+AQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"}) {
    auto r = NoteVerifier::FromVerifierKey(vkey);
    ASSERT_FALSE(r.has_value()) << vkey;
    EXPECT_EQ(r.error().field, "verifier_key");
  }
  // A verifier key whose id does not match its key (a typed-in or altered key).
  std::string vkey = signer.VerifierKey();
  size_t plus = vkey.find('+');
  vkey[plus + 1] = vkey[plus + 1] == '0' ? '1' : '0';
  EXPECT_FALSE(NoteVerifier::FromVerifierKey(vkey).has_value());
  EXPECT_FALSE(NoteSigner::FromSignerKey("PRIVATE+KEY+x+00000000+AAAA").has_value());
}

TEST(NoteTest, MalformedNotesAreRefused) {
  NoteSigner signer = MakeSigner();
  auto verifier = NoteVerifier::FromVerifierKey(signer.VerifierKey()).value();
  std::string good = signer.Sign("text\n").value();
  for (std::string bad : {std::string("text\n"), std::string("text\n\n"),
                          std::string("text\n\n-- name AAAA\n"),
                          good.substr(0, good.size() - 1),
                          std::string("text\n\n\xe2\x80\x94 ") + kName + " !!!!\n"}) {
    auto r = verifier.Open(bad);
    ASSERT_FALSE(r.has_value()) << bad;
  }
}

}  // namespace
}  // namespace goldthread::tlog
