// The Audit Committee's assurance trail for a small quarter, checked against an expected file a
// person can read (testdata/assurance_trail_fy2011_q2.json), and the rules behind it: four eyes
// computed from the log, escalations and how they ended, overdue findings, the seal.
//
// To regenerate the expected file after a deliberate change, run the test with
// GOLDTHREAD_UPDATE_TESTDATA=1 and review the diff.
#include "engine/read/assurance_trail.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "engine/model/event_summary.h"
#include "engine/read/read_models.h"
#include "adapters/formats/trail_export.h"
#include "store/base/base64.h"
#include "store/tlog/merkle.h"
#include "tests/testing/council_fixture.h"
#include "tests/testing/scheduler_events.h"

namespace goldthread::engine {
namespace {

namespace v1 = goldthread::v1;
using goldthread::testing::AppendAsScheduler;
using goldthread::testing::CouncilFixture;
using goldthread::testing::Escalation;
using goldthread::testing::Reminder;

constexpr auto kService = v1::SIGN_OFF_LEVEL_SERVICE;
constexpr auto kDirectorate = v1::SIGN_OFF_LEVEL_DIRECTORATE;
constexpr auto kCorporate = v1::SIGN_OFF_LEVEL_CORPORATE_VERIFICATION;
constexpr auto kPartnership = v1::SIGN_OFF_LEVEL_PARTNERSHIP;

const char kExpectedFile[] =
    GOLDTHREAD_SOURCE_DIR "/tests/engine/testdata/assurance_trail_fy2011_q2.json";

class AssuranceTrailTest : public CouncilFixture {
 protected:
  void SetUp() override {
    CouncilFixture::SetUp();
    auto reads = ReadModels::Open(store_.get(), clock_.get(), {.tenant = kTenant});
    ASSERT_TRUE(reads) << reads.error().ToString();
    reads_ = std::move(*reads);
  }

  void Later() { clock_->Advance(std::chrono::hours(1)); }
  std::string Figure(const std::string& id) const { return FigureStream(kTenant, id, "FY2011-Q2"); }

  void Define(const std::string& id, const std::string& unit) {
    v1::Command c;
    c.mutable_define_indicator()->set_indicator_id(id);
    v1::IndicatorDefinition* d = c.mutable_define_indicator()->mutable_definition();
    *d = QuarterlyDefinition(unit);
    d->set_title("Title of " + id);
    d->set_polarity(v1::POLARITY_LOWER_IS_BETTER);
    d->set_decimal_places(0);
    MustRun("p-perf", c);
  }
  static v1::Command Reject(const std::string& indicator, v1::SignOffLevel level,
                            const std::string& reason) {
    v1::Command c;
    c.mutable_reject_figure()->set_indicator_id(indicator);
    c.mutable_reject_figure()->set_period("FY2011-Q2");
    c.mutable_reject_figure()->set_level(level);
    c.mutable_reject_figure()->set_reason(reason);
    return c;
  }
  static v1::Command Acknowledge(const std::string& indicator, const std::string& id) {
    v1::Command c;
    c.mutable_acknowledge_escalation()->mutable_figure()->set_indicator_id(indicator);
    c.mutable_acknowledge_escalation()->mutable_figure()->set_period("FY2011-Q2");
    c.mutable_acknowledge_escalation()->set_escalation_id(id);
    c.mutable_acknowledge_escalation()->set_comment("Chasing the service manager");
    return c;
  }

  // A small quarter: NI-192 sent back, amended, signed at every level, queried, locked and
  // restated; WS-1 amended after sign-off, escalated twice, then signed (once by a deputy) and
  // challenged by a finding nobody answers; CA-1 never submitted.
  void PlayTheQuarter() {
    MustRun("admin", Grant("p-sm", v1::ROLE_SERVICE_MANAGER, "svc-waste"));
    MustRun("admin", Grant("p-sm2", v1::ROLE_SERVICE_MANAGER, "svc-waste"));
    Define("WS-1", "svc-waste");
    Define("CA-1", "svc-care");
    v1::Command delegate;
    auto* d = delegate.mutable_delegate_sign_off();
    d->set_deputy_person_id("p-care");
    d->set_role(v1::ROLE_DIRECTOR);
    d->set_scope_unit_id("dir-place");
    d->mutable_from()->set_iso("2011-10-01");
    d->mutable_to()->set_iso("2011-10-31");
    d->set_reason("annual leave");
    MustRun("p-dir", delegate);
    const TimePoint collation_due = EndOfLondonDay(LondonDayOf(clock_->Now()) + date::days(2));

    // NI-192.
    AppendAsScheduler(
        *store_, Figure("NI-192"),
        Reminder("not submitted", "collation", collation_due, {"p-entry", "p-entry2"}));
    Later();
    MustRun("p-entry", Submit("NI-192", "FY2011-Q2", 58.0, "bring sites closed in August"));
    Later();
    MustRun("p-sm", Reject("NI-192", kService, "tonnage excludes the bring sites"));
    Later();
    MustRun("p-entry", Amend("NI-192", "FY2011-Q2", 61.2, "bring-site tonnage added"));
    Later();
    MustRun("p-sm", SignOff("NI-192", "FY2011-Q2", kService, 2));
    Later();
    MustRun("p-dir", SignOff("NI-192", "FY2011-Q2", kDirectorate, 2));
    Later();
    v1::Command query;
    query.mutable_raise_data_quality_query()->set_indicator_id("NI-192");
    query.mutable_raise_data_quality_query()->set_period("FY2011-Q2");
    query.mutable_raise_data_quality_query()->set_question("Which weighbridge extract, \"final\"?");
    const std::string query_id = MustRun("p-perf", query).created_id();
    Later();
    v1::Command answer;
    answer.mutable_answer_data_quality_query()->set_indicator_id("NI-192");
    answer.mutable_answer_data_quality_query()->set_period("FY2011-Q2");
    answer.mutable_answer_data_quality_query()->set_query_id(query_id);
    answer.mutable_answer_data_quality_query()->set_answer("The extract of 4 October, final");
    MustRun("p-entry", answer);
    Later();
    MustRun("p-perf", SignOff("NI-192", "FY2011-Q2", kCorporate, 2));
    Later();
    MustRun("p-board", SignOff("NI-192", "FY2011-Q2", kPartnership, 2));
    Later();
    v1::Command lock;
    lock.mutable_lock_figure()->set_indicator_id("NI-192");
    lock.mutable_lock_figure()->set_period("FY2011-Q2");
    lock.mutable_lock_figure()->set_reported_to("Cabinet 15 November 2011");
    MustRun("p-perf", lock);
    Later();
    v1::Command restate;
    auto* r = restate.mutable_restate_figure();
    r->set_indicator_id("NI-192");
    r->set_period("FY2011-Q2");
    r->mutable_value()->set_value(62.0);
    r->set_reason("late tonnage from the reprocessor");
    MustRun("p-sm", restate);
    Later();
    MustRun("p-sm2", SignOff("NI-192", "FY2011-Q2", kService, 3));

    // WS-1.
    Later();
    MustRun("p-sm2", Submit("WS-1", "FY2011-Q2", 23, "new rounds bedding in"));
    Later();
    MustRun("p-sm", SignOff("WS-1", "FY2011-Q2", kService, 1));
    Later();
    v1::Command amend = Amend("WS-1", "FY2011-Q2", 22, "one round was counted twice");
    MustRun("p-sm2", amend);
    clock_->Set(collation_due + std::chrono::hours(10));
    AppendAsScheduler(*store_, Figure("WS-1"),
                      Escalation("E-ws-1", 1, "not signed off at service level", "service-review",
                                 collation_due, clock_->Now(), {"p-sm"}));
    clock_->Advance(std::chrono::hours(24));
    AppendAsScheduler(*store_, Figure("WS-1"),
                      Escalation("E-ws-2", 2, "not signed off at service level", "service-review",
                                 collation_due, clock_->Now(), {"p-dir"}));
    Later();
    MustRun("p-dir", Acknowledge("WS-1", "E-ws-2"));
    Later();
    MustRun("p-sm", SignOff("WS-1", "FY2011-Q2", kService, 2));
    Later();
    MustRun("p-care", SignOff("WS-1", "FY2011-Q2", kDirectorate, 2));
    Later();
    v1::Command finding;
    auto* f = finding.mutable_raise_challenge_finding();
    f->set_stage(v1::CHALLENGE_STAGE_CORPORATE_REVIEW);
    f->mutable_subject()->mutable_figure()->set_indicator_id("WS-1");
    f->mutable_subject()->mutable_figure()->set_period("FY2011-Q2");
    f->set_severity(v1::SEVERITY_HIGH);
    f->set_finding("Missed bins rose, but the commentary says <nothing>, & no plan");
    f->set_action_required("Set out the recovery plan");
    f->set_owner_person_id("p-sm");
    f->mutable_due()->set_iso("2011-10-12");
    finding_id_ = MustRun("p-perf", finding).created_id();

    // CA-1: reminded, escalated, never submitted.
    Later();
    AppendAsScheduler(*store_, Figure("CA-1"),
                      Reminder("not submitted", "collation", collation_due, {"p-care"}));
    clock_->Set(EndOfLondonDay(LondonDayOf(clock_->Now()) + date::days(7)));
    AppendAsScheduler(*store_, Figure("CA-1"),
                      Escalation("E-ca-1", 1, "not submitted", "collation", collation_due,
                                 clock_->Now(), {"p-care"}));
    AppendAsScheduler(
        *store_, FindingStream(kTenant, finding_id_),
        Escalation("E-f-1", 1, "finding not answered by its due date", "finding-response",
                   EndOfLondonDay(*ParseLocalDay("2011-10-12", "due")), clock_->Now(), {"p-dir"}));
    clock_->Advance(std::chrono::hours(30));
  }

  static const v1::TrailFigure& FigureOf(const v1::AssuranceTrail& trail, const std::string& id) {
    for (const auto& f : trail.figures()) {
      if (f.indicator_id() == id) return f;
    }
    ADD_FAILURE() << "no figure " << id;
    static const v1::TrailFigure kNone;
    return kNone;
  }

  std::unique_ptr<ReadModels> reads_;
  std::string finding_id_;
};

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

TEST_F(AssuranceTrailTest, SmallQuarterMatchesTheExpectedFile) {
  PlayTheQuarter();
  auto trail = reads_->AssuranceTrail("FY2011-Q2", "");
  ASSERT_TRUE(trail) << trail.error().ToString();
  // The seal: the log verified up to the head, and the hash of the head record.
  EXPECT_TRUE(trail->verification().ok());
  EXPECT_EQ(trail->verification().position(), Head());
  EXPECT_EQ(trail->verification().events_checked(), Head());
  std::string head_hex;
  for (unsigned char c : store_->Head().hash) head_hex += fmt::format("{:02x}", c);
  EXPECT_EQ(trail->verification().hash_hex(), head_hex);

  // Event ids are random, so the hash differs on every run: the file holds a placeholder.
  v1::AssuranceTrail stable = *trail;
  stable.mutable_verification()->set_hash_hex(
      "HASH-OF-THE-RECORD-AT-THE-TRAILS-POSITION (differs every run)");
  // The same for the Merkle root, which must still be the tree's at the trail's position.
  EXPECT_EQ(trail->verification().tree_size(), Head());
  EXPECT_EQ(Base64Decode(trail->verification().tree_root()).value(),
            store_->TreeRoot(Head()).value());
  stable.mutable_verification()->set_tree_root("ROOT-OF-THE-TREE-AT-THE-TRAILS-POSITION (differs every run)");
  // Each figure's events with their leaf hashes: the hash is the tree's leaf at that position.
  size_t entries = 0;
  for (v1::TrailFigure& f : *stable.mutable_figures()) {
    for (v1::TrailLogEntry& e : *f.mutable_log_entries()) {
      auto leaf = store_->LeafEntries(e.position() - 1, 1);
      ASSERT_TRUE(leaf.has_value() && leaf->size() == 1);
      EXPECT_EQ(Base64Decode(e.leaf_hash()).value(), tlog::LeafHash((*leaf)[0])) << e.position();
      e.set_leaf_hash("LEAF-HASH (differs every run)");
      ++entries;
    }
  }
  EXPECT_GT(entries, 10u);
  auto json = TrailToJson(stable);
  ASSERT_TRUE(json) << json.error().ToString();
  if (std::getenv("GOLDTHREAD_UPDATE_TESTDATA") != nullptr) {
    std::ofstream(kExpectedFile, std::ios::binary) << *json;
    GTEST_SKIP() << "wrote " << kExpectedFile;
  }
  const std::string expected = ReadFile(kExpectedFile);
  ASSERT_FALSE(expected.empty()) << "missing " << kExpectedFile;
  EXPECT_EQ(*json, expected) << "the trail differs from " << kExpectedFile
                             << "; if the change is intended, regenerate it with "
                                "GOLDTHREAD_UPDATE_TESTDATA=1 and review the diff";
}

TEST_F(AssuranceTrailTest, TotalsCountWhatTheCommitteeAsksAbout) {
  PlayTheQuarter();
  auto trail = reads_->AssuranceTrail("FY2011-Q2", "");
  ASSERT_TRUE(trail) << trail.error().ToString();
  const v1::TrailTotals& t = trail->totals();
  EXPECT_EQ(t.figures(), 3u);
  EXPECT_EQ(t.submitted(), 2u);
  EXPECT_EQ(t.fully_signed_off(), 0u);
  EXPECT_EQ(t.four_eyes_breaches(), 0u);
  EXPECT_EQ(t.amendments_after_sign_off(), 1u) << "WS-1, after its service sign-off";
  EXPECT_EQ(t.restatements(), 1u);
  EXPECT_EQ(t.rejections(), 1u);
  EXPECT_EQ(t.queries_raised(), 1u);
  EXPECT_EQ(t.queries_open(), 0u);
  EXPECT_EQ(t.findings_raised(), 1u);
  EXPECT_EQ(t.findings_answered(), 0u);
  EXPECT_EQ(t.findings_overdue(), 1u);
  EXPECT_EQ(t.findings_closed(), 0u);
  EXPECT_EQ(t.escalations(), 3u);
  EXPECT_EQ(t.escalations_resolved(), 1u);
  EXPECT_EQ(t.escalations_outstanding(), 2u);
  EXPECT_EQ(t.reminders(), 2u);
  EXPECT_EQ(t.locked(), 1u);
}

TEST_F(AssuranceTrailTest, SignOffChainNamesWhoRoleWhenAndOnWhoseBehalf) {
  PlayTheQuarter();
  auto trail = reads_->AssuranceTrail("FY2011-Q2", "");
  ASSERT_TRUE(trail) << trail.error().ToString();
  const v1::TrailFigure& ws = FigureOf(*trail, "WS-1");
  ASSERT_EQ(ws.sign_offs_size(), 3);
  EXPECT_EQ(ws.sign_offs(0).person_id(), "p-sm");
  EXPECT_TRUE(ws.sign_offs(0).lapsed()) << "the amendment after it made it lapse";
  EXPECT_EQ(ws.sign_offs(1).person_id(), "p-sm");
  EXPECT_EQ(ws.sign_offs(1).figure_version(), 2u);
  EXPECT_FALSE(ws.sign_offs(1).lapsed());
  EXPECT_EQ(ws.sign_offs(2).level(), kDirectorate);
  EXPECT_EQ(ws.sign_offs(2).person_id(), "p-care");
  EXPECT_EQ(ws.sign_offs(2).on_behalf_of_person_id(), "p-dir");
  EXPECT_EQ(ws.sign_offs(2).role(), v1::ROLE_DIRECTOR);
  EXPECT_EQ(ws.sign_offs(2).person_name(), "Person p-care");
  EXPECT_TRUE(ws.four_eyes_ok());
  ASSERT_EQ(ws.missing_levels_size(), 1);
  EXPECT_EQ(ws.missing_levels(0), kCorporate);
  ASSERT_EQ(ws.changes_size(), 1);
  EXPECT_EQ(ws.changes(0).kind(), v1::CHANGE_KIND_AMENDMENT);
  EXPECT_EQ(ws.changes(0).reason(), "one round was counted twice");
  EXPECT_EQ(ws.changes(0).previous_value().value(), 23);
  EXPECT_EQ(ws.changes(0).lapsed_levels_size(), 1);
}

TEST_F(AssuranceTrailTest, EscalationsSayHowTheyEnded) {
  PlayTheQuarter();
  auto trail = reads_->AssuranceTrail("FY2011-Q2", "");
  ASSERT_TRUE(trail) << trail.error().ToString();
  const v1::TrailFigure& ws = FigureOf(*trail, "WS-1");
  ASSERT_EQ(ws.escalations_size(), 2);
  const v1::TrailEscalation& sign_off = ws.escalations(0);
  EXPECT_EQ(sign_off.highest_rung(), 2u);
  EXPECT_TRUE(sign_off.resolved());
  EXPECT_TRUE(sign_off.acknowledged());
  EXPECT_EQ(sign_off.acknowledged_by(), "p-dir");
  EXPECT_EQ(sign_off.resolution().rfind("done at 2011-10-", 0), 0u) << sign_off.resolution();
  EXPECT_NE(sign_off.resolution().find("after rung 2"), std::string::npos);
  const v1::TrailEscalation& finding = ws.escalations(1);
  EXPECT_EQ(finding.finding_id(), finding_id_);
  EXPECT_FALSE(finding.resolved());
  EXPECT_EQ(finding.resolution(), "still outstanding after rung 1");
  const v1::TrailFigure& ca = FigureOf(*trail, "CA-1");
  EXPECT_FALSE(ca.submitted());
  ASSERT_EQ(ca.escalations_size(), 1);
  EXPECT_EQ(ca.escalations(0).resolution(), "still outstanding after rung 1");
  ASSERT_EQ(ws.findings_size(), 1);
  EXPECT_TRUE(ws.findings(0).overdue());
  EXPECT_EQ(ws.findings(0).status(), "open");
}

TEST_F(AssuranceTrailTest, FourEyesIsComputedFromTheLogNotAssumed) {
  // A sign-off by the version's author cannot come through the commands; one imported or
  // written around them must still show up in the trail.
  MustRun("p-entry", Submit("NI-192", "FY2011-Q2", 61.0));
  v1::Event own;
  own.mutable_figure_signed_off()->set_level(kService);
  own.mutable_figure_signed_off()->set_figure_version(1);
  own.mutable_figure_signed_off()->set_role(v1::ROLE_SERVICE_MANAGER);
  auto r = store_->Append({.stream = Figure("NI-192"),
                           .events = {EncodeEvent(own)},
                           .command_id = "import-1",
                           .actor = "p-entry"});
  ASSERT_TRUE(r) << r.error().ToString();
  v1::Event deputy;
  deputy.mutable_figure_signed_off()->set_level(kDirectorate);
  deputy.mutable_figure_signed_off()->set_figure_version(1);
  deputy.mutable_figure_signed_off()->set_role(v1::ROLE_DIRECTOR);
  deputy.mutable_figure_signed_off()->set_on_behalf_of_person_id("p-entry");
  r = store_->Append({.stream = Figure("NI-192"),
                      .events = {EncodeEvent(deputy)},
                      .command_id = "import-2",
                      .actor = "p-care"});
  ASSERT_TRUE(r) << r.error().ToString();

  auto trail = reads_->AssuranceTrail("FY2011-Q2", "dir-place");
  ASSERT_TRUE(trail) << trail.error().ToString();
  const v1::TrailFigure& ni = FigureOf(*trail, "NI-192");
  EXPECT_FALSE(ni.four_eyes_ok());
  ASSERT_EQ(ni.sign_offs_size(), 2);
  EXPECT_TRUE(ni.sign_offs(0).by_version_author()) << "signed by its author";
  EXPECT_TRUE(ni.sign_offs(1).by_version_author()) << "signed on its author's behalf";
  EXPECT_EQ(trail->totals().four_eyes_breaches(), 2u);
  EXPECT_NE(TrailToHtml(*trail).find("Four eyes: BROKEN"), std::string::npos);
}

TEST_F(AssuranceTrailTest, ADirectorateTrailHoldsOnlyItsFigures) {
  PlayTheQuarter();
  auto trail = reads_->AssuranceTrail("FY2011-Q2", "dir-place");
  ASSERT_TRUE(trail) << trail.error().ToString();
  std::vector<std::string> ids;
  for (const auto& f : trail->figures()) ids.push_back(f.indicator_id());
  EXPECT_EQ(ids, (std::vector<std::string>{"NI-192", "WS-1"}));
  EXPECT_EQ(trail->figures(0).directorate_id(), "dir-place");
  auto unknown = reads_->AssuranceTrail("FY2011-Q2", "dir-nowhere");
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().code, ErrorCode::kNotFound);
  EXPECT_EQ(unknown.error().field, "directorate_id");
}

TEST_F(AssuranceTrailTest, CsvHasOneRowPerFigureUnderAHeader) {
  PlayTheQuarter();
  auto trail = reads_->AssuranceTrail("FY2011-Q2", "");
  ASSERT_TRUE(trail) << trail.error().ToString();
  const std::string csv = TrailToCsv(*trail);
  // Records end in CRLF; a quoted field may hold line breaks, so count records outside quotes.
  int records = 0;
  bool quoted = false;
  for (size_t i = 0; i < csv.size(); ++i) {
    if (csv[i] == '"') quoted = !quoted;
    if (!quoted && csv[i] == '\r' && i + 1 < csv.size() && csv[i + 1] == '\n') ++records;
  }
  EXPECT_EQ(records, trail->figures_size() + 1);
  EXPECT_EQ(csv.rfind("period,indicator_id,title,", 0), 0u);
  // A field holding commas is quoted (RFC 4180).
  EXPECT_NE(csv.find(",\"sent back of version 1 by p-sm at "), std::string::npos) << csv;
  EXPECT_NE(csv.find(trail->verification().hash_hex()), std::string::npos);
}

TEST_F(AssuranceTrailTest, AsOfAPastPositionIsTheTrailAsItStoodThen) {
  PlayTheQuarter();
  auto now = reads_->AssuranceTrail("FY2011-Q2", "");
  ASSERT_TRUE(now);
  const v1::TrailFigure& ni = FigureOf(*now, "NI-192");
  // Just before the restatement.
  TimePoint restated_at;
  for (const auto& c : ni.changes()) {
    if (c.kind() == v1::CHANGE_KIND_RESTATEMENT) restated_at = ToTimePoint(c.at());
  }
  auto found = PositionAtTime(*store_, restated_at - std::chrono::microseconds(1));
  ASSERT_TRUE(found);
  const uint64_t before = *found;
  auto then = reads_->AssuranceTrail("FY2011-Q2", "", AsOf::Position(before));
  ASSERT_TRUE(then) << then.error().ToString();
  EXPECT_EQ(then->verification().position(), before);
  const v1::TrailFigure& was = FigureOf(*then, "NI-192");
  EXPECT_EQ(was.restatements(), 0u);
  EXPECT_TRUE(was.fully_signed_off()) << "every level had signed version 2 by then";
  EXPECT_EQ(was.value().value(), 61.2);
  EXPECT_EQ(then->totals().figures(), 3u);
}

}  // namespace
}  // namespace goldthread::engine
