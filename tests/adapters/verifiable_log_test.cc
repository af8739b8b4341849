// The verifiable log's serving side (adapters/verifiable_log): the key file, signed and kept
// checkpoints, tiles as served, the proofs' JSON, the routes' refusals, and the check that a
// log only grew since an earlier checkpoint — against the attacks docs/VERIFYING.md names.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>

#include "adapters/verifiable_log/checkpoints.h"
#include "adapters/verifiable_log/log_key.h"
#include "adapters/verifiable_log/proofs.h"
#include "adapters/verifiable_log/publish.h"
#include "adapters/verifiable_log/routes.h"
#include "store/base/base64.h"
#include "store/event_store.h"
#include "store/tlog/checkpoint.h"
#include "store/tlog/merkle.h"
#include "store/tlog/tiles.h"
#include "tests/testing/temp_dir.h"

namespace goldthread::adapters {
namespace {

constexpr const char* kOrigin = "ashcombe.example.gov.uk/performance";

std::unique_ptr<store::EventStore> OpenStore(const std::string& dir) {
  store::StoreOptions o;
  o.durability = store::Durability::kBuffered;
  auto s = store::EventStore::Open(dir, o);
  EXPECT_TRUE(s.has_value()) << s.error().ToString();
  return s ? std::move(*s) : nullptr;
}

// Appends one event per payload, each to stream "demo/s<i % 3>", with the payload as its bytes.
void AppendPayloads(store::EventStore& store, const std::vector<std::string>& payloads) {
  for (size_t i = 0; i < payloads.size(); ++i) {
    auto r = store.Append({.stream = "demo/s" + std::to_string(i % 3),
                           .expected = store::ExpectedVersion::Any(),
                           .events = {{.type = "test.Event", .payload = payloads[i]}},
                           .actor = "person/test"});
    ASSERT_TRUE(r.has_value()) << r.error().ToString();
  }
}

std::vector<std::string> Payloads(size_t n, const std::string& prefix = "p") {
  std::vector<std::string> out;
  for (size_t i = 0; i < n; ++i) out.push_back(prefix + std::to_string(i));
  return out;
}

tlog::NoteVerifier VerifierOf(const tlog::NoteSigner& signer) {
  return tlog::NoteVerifier::FromVerifierKey(signer.VerifierKey()).value();
}

TEST(LogKeyTest, CreatedPrivateAndRefusedWhenOthersMayReadIt) {
  testing::TempDir dir;
  const std::string path = DefaultLogKeyPath(dir.Sub("data"));
  EXPECT_EQ(path, dir.Sub("data.log-key"));
  EXPECT_EQ(DefaultLogKeyPath(dir.Sub("data") + "/"), path);
  const mode_t old = ::umask(0);  // the key's mode must not depend on the caller's umask
  auto created = CreateLogKey(path, kOrigin);
  ::umask(old);
  ASSERT_TRUE(created.has_value()) << created.error().ToString();
  struct stat st {};
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  auto loaded = LoadLogKey(path);
  ASSERT_TRUE(loaded.has_value()) << loaded.error().ToString();
  EXPECT_EQ(loaded->VerifierKey(), created->VerifierKey());
  EXPECT_EQ(loaded->name(), kOrigin);

  // Never replaced by accident.
  auto again = CreateLogKey(path, kOrigin);
  ASSERT_FALSE(again.has_value());
  EXPECT_EQ(again.error().code, ErrorCode::kAlreadyExists);
  EXPECT_EQ(LoadLogKey(path)->VerifierKey(), created->VerifierKey());

  ::chmod(path.c_str(), 0644);
  auto readable = LoadLogKey(path);
  ASSERT_FALSE(readable.has_value());
  EXPECT_EQ(readable.error().code, ErrorCode::kPermissionDenied);
  EXPECT_NE(readable.error().message.find("chmod 600"), std::string::npos);

  EXPECT_EQ(LoadLogKey(dir.Sub("missing")).error().code, ErrorCode::kNotFound);
  std::ofstream(dir.Sub("junk")) << "not a key\n";
  ::chmod(dir.Sub("junk").c_str(), 0600);
  EXPECT_EQ(LoadLogKey(dir.Sub("junk")).error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(CreateLogKey(dir.Sub("bad"), "has space").error().field, "log_origin");
  EXPECT_FALSE(std::filesystem::exists(dir.Sub("bad")));
}

TEST(CheckpointerTest, SignsTheTreeKeepsItAndOpensWithThePublicKey) {
  testing::TempDir dir;
  auto store = OpenStore(dir.Sub("data"));
  ASSERT_NO_FATAL_FAILURE(AppendPayloads(*store, Payloads(10)));
  auto signer = tlog::NoteSigner::Generate(kOrigin).value();
  Checkpointer checkpoints(store.get(), signer, {.every = std::chrono::hours(1), .every_events = 5});
  EXPECT_FALSE(checkpoints.Latest()->has_value());
  auto cp = checkpoints.SignNow();
  ASSERT_TRUE(cp.has_value()) << cp.error().ToString();
  EXPECT_EQ(cp->checkpoint.size, 10u);
  EXPECT_EQ(cp->checkpoint.root, store->TreeRoot(10).value());
  auto opened = tlog::OpenCheckpoint(cp->note, VerifierOf(signer));
  ASSERT_TRUE(opened.has_value()) << opened.error().ToString();
  EXPECT_EQ(opened->size, 10u);
  // Kept in the store, readable without the key; signing again at the same size is the same note.
  EXPECT_EQ(ReadLatestCheckpoint(*store)->value().note, cp->note);
  EXPECT_EQ(checkpoints.SignNow()->note, cp->note);
  // Signing appends nothing to the log.
  EXPECT_EQ(store->Head().position, 10u);

  // The policy: 4 more events are not enough within the hour, 5 are.
  ASSERT_NO_FATAL_FAILURE(AppendPayloads(*store, Payloads(4, "q")));
  EXPECT_FALSE(checkpoints.MaybeSign()->has_value());
  ASSERT_NO_FATAL_FAILURE(AppendPayloads(*store, Payloads(1, "r")));
  auto due = checkpoints.MaybeSign();
  ASSERT_TRUE(due.has_value() && due->has_value());
  EXPECT_EQ((*due)->checkpoint.size, 15u);

  // An earlier size (a trail sealed at position 12) is signed over that size's root.
  auto at12 = checkpoints.SignAt(12);
  ASSERT_TRUE(at12.has_value()) << at12.error().ToString();
  EXPECT_EQ(at12->checkpoint.root, store->TreeRoot(12).value());
  EXPECT_EQ(checkpoints.Latest()->value().checkpoint.size, 15u);  // still the latest
}

TEST(PublishTest, TilesAreTheStoredHashesAndEntriesAndRefuseWhatTheTreeDoesNotHold) {
  testing::TempDir dir;
  auto store = OpenStore(dir.Sub("data"));
  ASSERT_NO_FATAL_FAILURE(AppendPayloads(*store, Payloads(300)));
  auto level0 = ReadTile(*store, {false, 0, 0, 256}, 300);
  ASSERT_TRUE(level0.has_value()) << level0.error().ToString();
  ASSERT_EQ(level0->size(), 256u * 32);
  auto entries = store->LeafEntries(0, 256).value();
  for (size_t i = 0; i < 256; i += 51) {
    EXPECT_EQ(level0->substr(i * 32, 32), tlog::LeafHash(entries[i])) << i;
  }
  auto partial = ReadTile(*store, {false, 0, 1, 44}, 300);
  ASSERT_TRUE(partial.has_value());
  EXPECT_EQ(partial->size(), 44u * 32);
  auto bundle = ReadTile(*store, {true, 0, 1, 44}, 300);
  ASSERT_TRUE(bundle.has_value());
  EXPECT_EQ(tlog::DecodeEntryBundle(*bundle).value(), store->LeafEntries(256, 44).value());
  // Level 1 holds one hash (the first 256 leaves' subtree): a partial tile of width 1.
  auto level1 = ReadTile(*store, {false, 1, 0, 1}, 300);
  ASSERT_TRUE(level1.has_value()) << level1.error().ToString();
  EXPECT_EQ(*level1, store->TreeRoot(256).value());
  // Two hashes at level 1 need 512 leaves; a partial wider than the tree; a tile beyond it.
  for (tlog::TileRef t : {tlog::TileRef{false, 1, 0, 2}, tlog::TileRef{false, 0, 1, 45},
                          tlog::TileRef{true, 0, 2, 1}}) {
    auto r = ReadTile(*store, t, 300);
    ASSERT_FALSE(r.has_value()) << tlog::TilePath(t);
    EXPECT_EQ(r.error().code, ErrorCode::kNotFound);
  }
}

TEST(PublishTest, ExportWritesEveryTileTheCheckpointAndTheKeyIntoANewFolderOnly) {
  testing::TempDir dir;
  auto store = OpenStore(dir.Sub("data"));
  ASSERT_NO_FATAL_FAILURE(AppendPayloads(*store, Payloads(300)));
  auto signer = tlog::NoteSigner::Generate(kOrigin).value();
  Checkpointer checkpoints(store.get(), signer);
  auto cp = checkpoints.SignNow().value();
  auto stats = ExportTiles(*store, cp, signer.VerifierKey(), dir.Sub("out"));
  ASSERT_TRUE(stats.has_value()) << stats.error().ToString();
  EXPECT_EQ(stats->hash_tiles, 3u);  // tile/0/000, tile/0/001.p/44 and tile/1/000.p/1
  EXPECT_EQ(stats->entry_bundles, 2u);
  for (const char* f : {"checkpoint", "verifier-key", "tile/0/000", "tile/0/001.p/44", "tile/1/000.p/1",
                        "tile/entries/000", "tile/entries/001.p/44"}) {
    EXPECT_TRUE(std::filesystem::exists(dir.Sub("out") + "/" + f)) << f;
  }
  auto again = ExportTiles(*store, cp, signer.VerifierKey(), dir.Sub("out"));
  ASSERT_FALSE(again.has_value());
  EXPECT_EQ(again.error().code, ErrorCode::kAlreadyExists);
}

TEST(ProofsTest, JsonProofsVerifyWithTheRfcAlgorithms) {
  testing::TempDir dir;
  auto store = OpenStore(dir.Sub("data"));
  ASSERT_NO_FATAL_FAILURE(AppendPayloads(*store, Payloads(37)));
  auto inclusion = InclusionProofJson(*store, 20, 37);
  ASSERT_TRUE(inclusion.has_value()) << inclusion.error().ToString();
  EXPECT_NE(inclusion->find(R"("kind":"inclusion","leaf_index":20,"position":21,"tree_size":37)"),
            std::string::npos)
      << *inclusion;
  auto proof = store->InclusionProof(20, 37).value();
  auto entry = store->LeafEntries(20, 1).value()[0];
  EXPECT_TRUE(tlog::VerifyInclusion(20, 37, tlog::LeafHash(entry), proof, store->TreeRoot(37).value()));
  EXPECT_FALSE(tlog::VerifyInclusion(21, 37, tlog::LeafHash(entry), proof, store->TreeRoot(37).value()))
      << "a proof for the wrong position must not verify";
  auto consistency = ConsistencyProofJson(*store, 11, 37);
  ASSERT_TRUE(consistency.has_value());
  EXPECT_NE(consistency->find(R"("old_root":")" + Base64Encode(store->TreeRoot(11).value())),
            std::string::npos);
  EXPECT_FALSE(InclusionProofJson(*store, 37, 37).has_value());
  EXPECT_FALSE(ConsistencyProofJson(*store, 38, 37).has_value());
  EXPECT_FALSE(InclusionProofJson(*store, 0, 38).has_value());
}

// The attacks: each log below is internally consistent (its own chain and tree recomputed, as
// by someone who can write the files and run goldthread), but not the log that was signed.
class SinceCheckpointTest : public ::testing::Test {
 protected:
  void SetUp() override {
    signer_ = tlog::NoteSigner::Generate(kOrigin).value();
    original_ = OpenStore(dir_.Sub("original"));
    ASSERT_NO_FATAL_FAILURE(AppendPayloads(*original_, Payloads(20)));
    Checkpointer checkpoints(original_.get(), signer_);
    note_ = checkpoints.SignNow().value().note;
  }
  SinceCheckpointReport Check(const store::EventStore& store, const std::string& note) {
    auto r = CheckSinceCheckpoint(store, VerifierOf(signer_), note);
    EXPECT_TRUE(r.has_value()) << r.error().ToString();
    return r.value_or(SinceCheckpointReport{});
  }
  std::unique_ptr<store::EventStore> Forged(const std::vector<std::string>& payloads) {
    auto s = OpenStore(dir_.Sub("forged" + std::to_string(++forgeries_)));
    AppendPayloads(*s, payloads);
    EXPECT_TRUE(s->Verify(1, 0)->ok) << "the forgery is meant to verify on its own";
    return s;
  }

  testing::TempDir dir_;
  tlog::NoteSigner signer_ = tlog::NoteSigner::Generate(kOrigin).value();
  std::unique_ptr<store::EventStore> original_;
  std::string note_;
  int forgeries_ = 0;
};

TEST_F(SinceCheckpointTest, TheSameLogGrownFurtherExtendsIt) {
  ASSERT_NO_FATAL_FAILURE(AppendPayloads(*original_, Payloads(13, "later")));
  auto report = Check(*original_, note_);
  EXPECT_TRUE(report.ok) << report.problem;
  EXPECT_EQ(report.checkpoint_size, 20u);
  EXPECT_EQ(report.tree_size, 33u);
  EXPECT_TRUE(Check(*original_, note_).ok);
}

TEST_F(SinceCheckpointTest, HistoryRewrittenWithItsHashesRecomputedIsCaught) {
  auto payloads = Payloads(20);
  payloads[7] = "p7 as the attacker would have it";
  payloads.push_back("more");
  auto report = Check(*Forged(payloads), note_);
  EXPECT_FALSE(report.ok);
  EXPECT_NE(report.problem.find("not an append-only extension"), std::string::npos) << report.problem;
}

TEST_F(SinceCheckpointTest, NewestEventsRemovedWithTheHeadAreCaught) {
  auto payloads = Payloads(20);
  payloads.resize(17);
  auto report = Check(*Forged(payloads), note_);
  EXPECT_FALSE(report.ok);
  EXPECT_NE(report.problem.find("have been removed"), std::string::npos) << report.problem;
}

TEST_F(SinceCheckpointTest, TwoRecordsSwappedAreCaught) {
  auto payloads = Payloads(20);
  std::swap(payloads[4], payloads[7]);  // streams s1 and s1: same stream, versions stay 1..n
  auto report = Check(*Forged(payloads), note_);
  EXPECT_FALSE(report.ok);
}

TEST_F(SinceCheckpointTest, ACheckpointByAnotherKeyOrAlteredIsNotTrusted) {
  auto other = tlog::NoteSigner::Generate(kOrigin).value();
  auto forged_note = tlog::SignCheckpoint({kOrigin, 20, original_->TreeRoot(20).value()}, other);
  ASSERT_TRUE(forged_note.has_value());
  auto report = Check(*original_, *forged_note);
  EXPECT_FALSE(report.ok);
  EXPECT_NE(report.problem.find("does not verify"), std::string::npos) << report.problem;

  std::string altered = note_;
  altered.replace(altered.find("\n20\n"), 4, "\n19\n");
  EXPECT_FALSE(Check(*original_, altered).ok);
}

// The routes, called through the router as the server would (the pool made synchronous).
class RoutesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = OpenStore(dir_.Sub("data"));
    ASSERT_NO_FATAL_FAILURE(AppendPayloads(*store_, Payloads(300)));
    checkpoints_ = std::make_unique<Checkpointer>(store_.get(),
                                                  tlog::NoteSigner::Generate(kOrigin).value());
  }
  void Register(bool public_log) {
    RegisterVerifiableLogRoutes(
        &router_,
        {.store = store_.get(),
         .checkpointer = checkpoints_.get(),
         .public_log = public_log,
         .authorize = [this](const HttpRequest& r) -> std::optional<HttpResponse> {
           ++authorize_calls_;
           if (r.Header("authorization") == "Bearer auditor") return std::nullopt;
           return Problem(401, "/problems/unauthenticated", "Sign in", "a token is needed");
         },
         .on_pool = [](std::function<HttpResponse(HttpRequest&)> work) -> Handler {
           return [work](HttpRequest&& r, Responder respond) { respond(work(r)); };
         }});
  }
  HttpResponse Get(const std::string& target, const std::string& token = "") {
    HttpRequest request;
    const size_t q = target.find('?');
    request.path = target.substr(0, q);
    request.target = target;
    if (q != std::string::npos) {
      std::string query = target.substr(q + 1);
      size_t start = 0;
      while (start <= query.size()) {
        size_t amp = query.find('&', start);
        std::string pair = query.substr(start, amp == std::string::npos ? std::string::npos : amp - start);
        size_t eq = pair.find('=');
        request.query[pair.substr(0, eq)] = eq == std::string::npos ? "" : pair.substr(eq + 1);
        if (amp == std::string::npos) break;
        start = amp + 1;
      }
    }
    if (!token.empty()) request.headers["authorization"] = "Bearer " + token;
    auto match = router_.Find(boost::beast::http::verb::get, request.path);
    if (match.handler == nullptr) return Problem(404, "/problems/not-found", "Not found", "no route");
    request.params = match.params;
    HttpResponse out;
    (*match.handler)(std::move(request), [&out](HttpResponse r) { out = std::move(r); });
    return out;
  }

  testing::TempDir dir_;
  std::unique_ptr<store::EventStore> store_;
  std::unique_ptr<Checkpointer> checkpoints_;
  Router router_;
  int authorize_calls_ = 0;
};

TEST_F(RoutesTest, PublishedLogServesCheckpointKeyAndTilesWithoutAToken) {
  Register(true);
  auto cp = Get("/log/checkpoint");
  ASSERT_EQ(cp.status, 200u) << cp.body;
  EXPECT_EQ(cp.body.rfind(std::string(kOrigin) + "\n300\n", 0), 0u) << cp.body;
  auto key = Get("/log/verifier-key");
  EXPECT_EQ(key.body, checkpoints_->signer().VerifierKey() + "\n");
  auto tile = Get("/log/tile/0/001.p/44");
  ASSERT_EQ(tile.status, 200u) << tile.body;
  EXPECT_EQ(tile.body, ReadTile(*store_, {false, 0, 1, 44}, 300).value());
  EXPECT_EQ(tile.content_type, "application/octet-stream");
  auto bundle = Get("/log/tile/entries/000");
  ASSERT_EQ(bundle.status, 200u);
  EXPECT_EQ(tlog::DecodeEntryBundle(bundle.body)->size(), 256u);
  EXPECT_EQ(authorize_calls_, 0);
}

TEST_F(RoutesTest, MalformedOrAbsentTilesAndBadProofParametersAreRefusedAndWriteNothing) {
  Register(true);
  const uint64_t head = store_->Head().position;
  EXPECT_EQ(Get("/log/tile/0/01").status, 400u);
  EXPECT_EQ(Get("/log/tile/9/000").status, 400u);
  EXPECT_EQ(Get("/log/tile/0/000.p/0").status, 400u);
  EXPECT_EQ(Get("/log/tile/0/001.p/45").status, 404u);  // wider than the tree holds
  EXPECT_EQ(Get("/log/tile/1/000").status, 404u);  // level 1 holds one hash, not 256
  EXPECT_EQ(Get("/log/tile/entries/x001/000").status, 404u);
  for (const char* bad : {"?position=0", "?position=abc", "?position=-1", "?position=1&leaf_index=0",
                          "", "?position=301", "?position=1&tree_size=301",
                          "?position=99999999999999999999"}) {
    auto r = Get(std::string("/api/v1/log/proofs/inclusion") + bad, "auditor");
    EXPECT_GE(r.status, 400u) << bad << ": " << r.body;
    EXPECT_LT(r.status, 500u) << bad << ": " << r.body;
  }
  for (const char* bad : {"", "?old_size=x", "?old_size=301", "?old_size=5&tree_size=4"}) {
    auto r = Get(std::string("/api/v1/log/proofs/consistency") + bad, "auditor");
    EXPECT_GE(r.status, 400u) << bad << ": " << r.body;
    EXPECT_LT(r.status, 500u) << bad << ": " << r.body;
  }
  EXPECT_EQ(store_->Head().position, head);
}

TEST_F(RoutesTest, ProofsNeedTheAuthorityAndAnswerTheRfcJson) {
  Register(true);
  EXPECT_EQ(Get("/api/v1/log/proofs/inclusion?position=5").status, 401u);
  auto ok = Get("/api/v1/log/proofs/inclusion?position=5", "auditor");
  ASSERT_EQ(ok.status, 200u) << ok.body;
  EXPECT_NE(ok.body.find(R"("leaf_index":4,"position":5,"tree_size":300)"), std::string::npos)
      << ok.body;
  auto c = Get("/api/v1/log/proofs/consistency?old_size=100", "auditor");
  ASSERT_EQ(c.status, 200u) << c.body;
  EXPECT_NE(c.body.find(R"("old_size":100,"tree_size":300)"), std::string::npos) << c.body;
}

TEST_F(RoutesTest, PrivateLogKeepsTheFilesBehindTheAuthority) {
  Register(false);
  EXPECT_EQ(Get("/log/checkpoint").status, 401u);
  EXPECT_EQ(Get("/log/tile/0/000").status, 401u);
  EXPECT_EQ(Get("/log/checkpoint", "auditor").status, 200u);
}

}  // namespace
}  // namespace goldthread::adapters
