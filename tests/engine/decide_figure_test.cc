// A figure's life and every rule it follows, through the real command handler and store.
#include <gtest/gtest.h>

#include "engine/model/figure_state.h"
#include "tests/testing/council_fixture.h"

namespace goldthread::engine {
namespace {

namespace v1 = goldthread::v1;
using goldthread::testing::CouncilFixture;

constexpr auto kService = v1::SIGN_OFF_LEVEL_SERVICE;
constexpr auto kDirectorate = v1::SIGN_OFF_LEVEL_DIRECTORATE;
constexpr auto kCorporate = v1::SIGN_OFF_LEVEL_CORPORATE_VERIFICATION;
constexpr auto kPartnership = v1::SIGN_OFF_LEVEL_PARTNERSHIP;

class FigureTest : public CouncilFixture {
 protected:
  std::string Stream() const { return FigureStream(kTenant, "NI-192", "FY2011-Q2"); }

  FigureState Fold() const {
    FigureState state;
    for (const auto& r : ReadStream(Stream())) state.Apply(r.envelope, r.event);
    return state;
  }

  static v1::Command Reject(v1::SignOffLevel level, const std::string& reason) {
    v1::Command c;
    auto* r = c.mutable_reject_figure();
    r->set_indicator_id("NI-192");
    r->set_period("FY2011-Q2");
    r->set_level(level);
    r->set_reason(reason);
    return c;
  }
  static v1::Command Lock(const std::string& reported_to) {
    v1::Command c;
    c.mutable_lock_figure()->set_indicator_id("NI-192");
    c.mutable_lock_figure()->set_period("FY2011-Q2");
    c.mutable_lock_figure()->set_reported_to(reported_to);
    return c;
  }
  static v1::Command Restate(double value, const std::string& reason) {
    v1::Command c;
    auto* r = c.mutable_restate_figure();
    r->set_indicator_id("NI-192");
    r->set_period("FY2011-Q2");
    r->mutable_value()->set_value(value);
    r->set_reason(reason);
    r->set_commentary("restated");
    return c;
  }
  static v1::Command Publish() {
    v1::Command c;
    c.mutable_publish_figure()->set_indicator_id("NI-192");
    c.mutable_publish_figure()->set_period("FY2011-Q2");
    return c;
  }
  static v1::Command Query(const std::string& question) {
    v1::Command c;
    c.mutable_raise_data_quality_query()->set_indicator_id("NI-192");
    c.mutable_raise_data_quality_query()->set_period("FY2011-Q2");
    c.mutable_raise_data_quality_query()->set_question(question);
    return c;
  }
  static v1::Command Answer(const std::string& query_id, const std::string& answer) {
    v1::Command c;
    c.mutable_answer_data_quality_query()->set_indicator_id("NI-192");
    c.mutable_answer_data_quality_query()->set_period("FY2011-Q2");
    c.mutable_answer_data_quality_query()->set_query_id(query_id);
    c.mutable_answer_data_quality_query()->set_answer(answer);
    return c;
  }

  // Submitted by p-entry and signed off at service and directorate level.
  void SubmitAndSignTwice() {
    MustRun("p-entry", Submit("NI-192", "FY2011-Q2", 61.2));
    MustRun("p-sm", SignOff("NI-192", "FY2011-Q2", kService, 1));
    MustRun("p-dir", SignOff("NI-192", "FY2011-Q2", kDirectorate, 1));
  }
};

TEST_F(FigureTest, FullLifeProducesExactlyTheExpectedEvents) {
  MustRun("p-entry", Submit("NI-192", "FY2011-Q2", 58.0, "bring sites closed in August"));
  MustRun("p-sm", Reject(kService, "tonnage excludes the bring sites"));
  MustRun("p-entry", Amend("NI-192", "FY2011-Q2", 61.2, "bring-site tonnage added"));
  MustRun("p-sm", SignOff("NI-192", "FY2011-Q2", kService, 2));
  MustRun("p-dir", SignOff("NI-192", "FY2011-Q2", kDirectorate, 2));
  MustRun("p-perf", SignOff("NI-192", "FY2011-Q2", kCorporate, 2));
  MustRun("p-perf", Lock("Cabinet 15 November 2011"));
  MustRun("p-sm", Restate(62.0, "late tonnage from the reprocessor"));
  MustRun("p-sm2", SignOff("NI-192", "FY2011-Q2", kService, 3));
  MustRun("p-dir", SignOff("NI-192", "FY2011-Q2", kDirectorate, 3));
  MustRun("p-perf", SignOff("NI-192", "FY2011-Q2", kCorporate, 3));
  MustRun("p-board", SignOff("NI-192", "FY2011-Q2", kPartnership, 3));
  MustRun("p-perf2", Publish());

  const auto events = ReadStream(Stream());
  struct Expected {
    std::string type;
    std::string actor;
  };
  const std::vector<Expected> expected = {
      {"goldthread.v1.FigureSubmitted", "p-entry"}, {"goldthread.v1.FigureRejected", "p-sm"},
      {"goldthread.v1.FigureAmended", "p-entry"},   {"goldthread.v1.FigureSignedOff", "p-sm"},
      {"goldthread.v1.FigureSignedOff", "p-dir"},   {"goldthread.v1.FigureSignedOff", "p-perf"},
      {"goldthread.v1.FigureLocked", "p-perf"},     {"goldthread.v1.FigureRestated", "p-sm"},
      {"goldthread.v1.FigureSignedOff", "p-sm2"},   {"goldthread.v1.FigureSignedOff", "p-dir"},
      {"goldthread.v1.FigureSignedOff", "p-perf"},  {"goldthread.v1.FigureSignedOff", "p-board"},
      {"goldthread.v1.FigurePublished", "p-perf2"},
  };
  ASSERT_EQ(events.size(), expected.size());
  for (size_t i = 0; i < expected.size(); ++i) {
    EXPECT_EQ(events[i].envelope.type(), expected[i].type) << i;
    EXPECT_EQ(events[i].envelope.actor(), expected[i].actor) << i;
    EXPECT_EQ(events[i].envelope.stream_version(), i + 1);
  }
  const auto& submitted = events[0].event.figure_submitted();
  EXPECT_EQ(submitted.value().value(), 58.0);
  EXPECT_EQ(submitted.commentary(), "bring sites closed in August");
  EXPECT_EQ(submitted.definition_version(), 1u);
  EXPECT_EQ(events[1].event.figure_rejected().reason(), "tonnage excludes the bring sites");
  EXPECT_EQ(events[2].event.figure_amended().reason(), "bring-site tonnage added");
  EXPECT_EQ(events[2].event.figure_amended().figure_version(), 2u);
  EXPECT_EQ(events[3].event.figure_signed_off().level(), kService);
  EXPECT_EQ(events[3].event.figure_signed_off().role(), v1::ROLE_SERVICE_MANAGER);
  EXPECT_EQ(events[6].event.figure_locked().reported_to(), "Cabinet 15 November 2011");
  const auto& restated = events[7].event.figure_restated();
  EXPECT_EQ(restated.reason(), "late tonnage from the reprocessor");
  EXPECT_EQ(restated.previous_value().value(), 61.2);
  EXPECT_EQ(restated.figure_version(), 3u);
  ASSERT_EQ(restated.lapsed_levels_size(), 3);  // the restatement lapsed all three sign-offs
  EXPECT_EQ(events[12].event.figure_published().figure_version(), 3u);

  const FigureState state = Fold();
  EXPECT_TRUE(state.locked);
  EXPECT_TRUE(state.restated);
  EXPECT_EQ(state.published_version, 3u);
  EXPECT_EQ(state.sign_offs.size(), 4u);
}

// Issue 16, defect 9: a data entry officer of another service submitting a red figure was told
// "NI-192 is red ... against a target of 60" (a target they may not read) instead of being
// refused for authority. Authority comes first; validation only for those allowed to act.
TEST_F(FigureTest, ValidationAnswersBeforeAuthorisation) {
  MustRun("admin", Grant("p-care", v1::ROLE_DATA_ENTRY, "svc-care"));
  for (const char* outsider : {"p-care", "p-audit", "p-board"}) {
    ExpectRefused(outsider, Submit("NI-192", "FY2011-Q2", 10), ErrorCode::kPermissionDenied,
                  "may not enter figures");
    // Out of range, too many places, not one of its periods: the same refusal.
    ExpectRefused(outsider, Submit("NI-192", "FY2011-Q2", 101), ErrorCode::kPermissionDenied,
                  "may not enter figures");
    ExpectRefused(outsider, Submit("NI-192", "FY2011-Q2", 10.25), ErrorCode::kPermissionDenied,
                  "may not enter figures");
    ExpectRefused(outsider, Submit("NI-192", "FY2011-M07", 10), ErrorCode::kPermissionDenied,
                  "may not enter figures");
  }
  // Those allowed to act get the validation error, naming the target.
  ExpectRefused("p-entry", Submit("NI-192", "FY2011-Q2", 10), ErrorCode::kInvalidArgument,
                "target of 60", "commentary");
  MustRun("p-entry", Submit("NI-192", "FY2011-Q2", 61));
  ExpectRefused("p-care", Amend("NI-192", "FY2011-Q2", 10, "recount"),
                ErrorCode::kPermissionDenied, "may not enter figures");
  ExpectRefused("p-care", Amend("NI-192", "FY2011-Q2", 101, "recount"),
                ErrorCode::kPermissionDenied, "may not enter figures");
  ExpectRefused("p-entry", Amend("NI-192", "FY2011-Q2", 101, "recount"),
                ErrorCode::kInvalidArgument, "outside the valid range", "value");
}

TEST_F(FigureTest, FoldingTheStreamGivesTheStateTheHandlerDecidedOn) {
  SubmitAndSignTwice();
  auto loaded = handler_->LoadFigure("NI-192", "FY2011-Q2");
  ASSERT_TRUE(loaded);
  EXPECT_EQ(*loaded, Fold());
  EXPECT_EQ(loaded->figure_version, 1u);
  EXPECT_EQ(loaded->version_author, "p-entry");
  EXPECT_TRUE(loaded->HasSignOff(kDirectorate));

  // A second handler on the same log, which has seen nothing in memory, decides the same way:
  // state comes only from the events.
  CommandHandler fresh(store_.get(), clock_.get(), {.tenant = kTenant});
  auto again = fresh.Execute({.actor = "p-dir", .command_id = "fresh-1"},
                             SignOff("NI-192", "FY2011-Q2", kDirectorate, 1));
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code, ErrorCode::kFailedPrecondition);
  auto next = fresh.Execute({.actor = "p-perf", .command_id = "fresh-2"},
                            SignOff("NI-192", "FY2011-Q2", kCorporate, 1));
  EXPECT_TRUE(next) << next.error().ToString();
}

TEST_F(FigureTest, AmendmentAfterSignOffLapsesTheSignOffs) {
  SubmitAndSignTwice();
  MustRun("p-entry", Amend("NI-192", "FY2011-Q2", 61.5, "arithmetic error"));
  const auto events = ReadStream(Stream());
  const auto& amended = events.back().event.figure_amended();
  ASSERT_EQ(amended.lapsed_levels_size(), 2);
  EXPECT_EQ(amended.lapsed_levels(0), kService);
  EXPECT_EQ(amended.lapsed_levels(1), kDirectorate);
  EXPECT_TRUE(Fold().sign_offs.empty());
  ExpectRefused("p-dir", SignOff("NI-192", "FY2011-Q2", kDirectorate, 2),
                ErrorCode::kFailedPrecondition, "needs service sign-off");
}

TEST_F(FigureTest, NobodySignsOffAVersionTheyEntered) {
  MustRun("p-sm", Submit("NI-192", "FY2011-Q2", 61.2));
  ExpectRefused("p-sm", SignOff("NI-192", "FY2011-Q2", kService, 1), ErrorCode::kPermissionDenied,
                "four eyes");
  MustRun("p-sm2", SignOff("NI-192", "FY2011-Q2", kService, 1));
  // An amender is the new version's author: they cannot sign it off either.
  MustRun("p-sm2", Amend("NI-192", "FY2011-Q2", 61.3, "rounding"));
  ExpectRefused("p-sm2", SignOff("NI-192", "FY2011-Q2", kService, 2),
                ErrorCode::kPermissionDenied, "four eyes");
}

TEST_F(FigureTest, DirectorateSignOffNeedsADifferentPersonFromTheServiceSignOff) {
  MustRun("admin", Grant("p-sm", v1::ROLE_DIRECTOR, "dir-place"));
  MustRun("p-entry", Submit("NI-192", "FY2011-Q2", 61.2));
  MustRun("p-sm", SignOff("NI-192", "FY2011-Q2", kService, 1));
  ExpectRefused("p-sm", SignOff("NI-192", "FY2011-Q2", kDirectorate, 1),
                ErrorCode::kPermissionDenied, "needs a different person");
}

TEST_F(FigureTest, SignOffOutsideTheRoleOrScopeIsRefused) {
  MustRun("p-entry", Submit("NI-192", "FY2011-Q2", 61.2));
  // A service manager of another service.
  ExpectRefused("p-care", SignOff("NI-192", "FY2011-Q2", kService, 1),
                ErrorCode::kPermissionDenied, "service manager role on a scope covering it");
  // A data entry officer of this service.
  ExpectRefused("p-entry2", SignOff("NI-192", "FY2011-Q2", kService, 1),
                ErrorCode::kPermissionDenied, "may not sign off at service level");
  // A director cannot verify for the corporate team.
  ExpectRefused("p-dir", SignOff("NI-192", "FY2011-Q2", kCorporate, 1),
                ErrorCode::kPermissionDenied, "performance team");
  // Someone unknown.
  ExpectRefused("p-nobody", SignOff("NI-192", "FY2011-Q2", kService, 1),
                ErrorCode::kPermissionDenied, "not a registered person");
}

TEST_F(FigureTest, AnAuditorChangesNoFigure) {
  ExpectRefused("p-audit", Submit("NI-192", "FY2011-Q2", 61.2), ErrorCode::kPermissionDenied,
                "may not enter figures");
  MustRun("p-entry", Submit("NI-192", "FY2011-Q2", 61.2));
  for (auto level : {kService, kDirectorate, kCorporate, kPartnership}) {
    ExpectRefused("p-audit", SignOff("NI-192", "FY2011-Q2", level, 1),
                  ErrorCode::kPermissionDenied, "may not sign off");
  }
  ExpectRefused("p-audit", Amend("NI-192", "FY2011-Q2", 60.0, "x"), ErrorCode::kPermissionDenied,
                "may not enter figures");
  ExpectRefused("p-audit", Lock("Cabinet"), ErrorCode::kPermissionDenied, "may not lock");
  ExpectRefused("p-audit", Query("why?"), ErrorCode::kPermissionDenied, "data-quality");
}

TEST_F(FigureTest, RevokedRoleNoLongerSignsOff) {
  MustRun("p-entry", Submit("NI-192", "FY2011-Q2", 61.2));
  v1::Command revoke;
  revoke.mutable_revoke_role()->set_person_id("p-sm");
  const auto* person = [&] {
    const Person* p = nullptr;
    EXPECT_TRUE(handler_->ReadModel([&](const CouncilModel& m) { p = m.FindPerson("p-sm"); }));
    return p;
  }();
  ASSERT_NE(person, nullptr);
  revoke.mutable_revoke_role()->set_grant_id(person->grants.front().grant_id);
  revoke.mutable_revoke_role()->set_reason("left the council");
  MustRun("admin", revoke);
  ExpectRefused("p-sm", SignOff("NI-192", "FY2011-Q2", kService, 1), ErrorCode::kPermissionDenied,
                "service manager");
}

TEST_F(FigureTest, ADeputySignsOffUnderADelegationAndOnlyWithinIt) {
  MustRun("p-sm", Submit("NI-192", "FY2011-Q2", 61.2));
  v1::Command delegate;
  auto* d = delegate.mutable_delegate_sign_off();
  d->set_deputy_person_id("p-entry2");
  d->set_role(v1::ROLE_SERVICE_MANAGER);
  d->set_scope_unit_id("svc-homes");
  d->mutable_from()->set_iso("2011-10-10");
  d->mutable_to()->set_iso("2011-10-21");
  d->set_reason("board cannot meet before the deadline");
  // p-sm2 delegates (p-sm entered the figure, so p-sm's deputy could not sign it).
  const auto delegation = MustRun("p-sm2", delegate);
  EXPECT_FALSE(delegation.created_id().empty());

  // Before the range starts: refused.
  ExpectRefused("p-entry2", SignOff("NI-192", "FY2011-Q2", kService, 1),
                ErrorCode::kPermissionDenied, "may not sign off");
  clock_->Advance(std::chrono::hours(24 * 6));  // 2011-10-11
  MustRun("p-entry2", SignOff("NI-192", "FY2011-Q2", kService, 1));
  const auto events = ReadStream(Stream());
  const auto& signed_off = events.back().event.figure_signed_off();
  EXPECT_EQ(signed_off.on_behalf_of_person_id(), "p-sm2");
  EXPECT_EQ(signed_off.role(), v1::ROLE_SERVICE_MANAGER);
  EXPECT_EQ(events.back().envelope.actor(), "p-entry2");
}

TEST_F(FigureTest, ADeputyCannotSignForTheAuthor) {
  MustRun("p-sm", Submit("NI-192", "FY2011-Q2", 61.2));
  v1::Command delegate;
  auto* d = delegate.mutable_delegate_sign_off();
  d->set_deputy_person_id("p-entry2");
  d->set_role(v1::ROLE_SERVICE_MANAGER);
  d->set_scope_unit_id("svc-homes");
  d->mutable_from()->set_iso("2011-10-05");
  d->mutable_to()->set_iso("2011-10-21");
  d->set_reason("leave");
  MustRun("p-sm", delegate);
  ExpectRefused("p-entry2", SignOff("NI-192", "FY2011-Q2", kService, 1),
                ErrorCode::kPermissionDenied, "four eyes");
}

TEST_F(FigureTest, ValuesAreCheckedAgainstTheProForma) {
  ExpectRefused("p-entry", Submit("NI-192", "FY2011-Q2", 61.25), ErrorCode::kInvalidArgument,
                "1 decimal place", "value");
  ExpectRefused("p-entry", Submit("NI-192", "FY2011-Q2", 100.1), ErrorCode::kInvalidArgument,
                "outside the valid range", "value");
  ExpectRefused("p-entry", Submit("NI-192", "FY2011-Q2", -1), ErrorCode::kInvalidArgument,
                "outside the valid range", "value");
  ExpectRefused("p-entry", Submit("NI-192", "FY2011-Q2", std::nan("")),
                ErrorCode::kInvalidArgument, "finite", "value");
  v1::Command empty = Submit("NI-192", "FY2011-Q2", 0);
  empty.mutable_submit_figure()->clear_value();
  ExpectRefused("p-entry", empty, ErrorCode::kInvalidArgument, "notAvailableReason", "value");
  v1::Command unavailable = Submit("NI-192", "FY2011-Q2", 0);
  unavailable.mutable_submit_figure()->mutable_value()->set_not_available_reason("  ");
  ExpectRefused("p-entry", unavailable, ErrorCode::kInvalidArgument, "required",
                "value.not_available_reason");
  unavailable.mutable_submit_figure()->mutable_value()->set_not_available_reason(
      "reprocessor return not received");
  MustRun("p-entry", unavailable);
}

TEST_F(FigureTest, PeriodMustBeValidEndedAndFitTheIndicator) {
  ExpectRefused("p-entry", Submit("NI-192", "2011Q2", 61.2), ErrorCode::kInvalidArgument, "",
                "period");
  ExpectRefused("p-entry", Submit("NI-192", "FY2011-M07", 61.2), ErrorCode::kInvalidArgument,
                "FY2011-Q3", "period");
  ExpectRefused("p-entry", Submit("NI-192", "FY2011-Q3", 61.2), ErrorCode::kFailedPrecondition,
                "has not ended yet", "period");
  ExpectRefused("p-entry", Submit("NI-999", "FY2011-Q2", 61.2), ErrorCode::kNotFound,
                "no indicator 'NI-999'", "indicator_id");
  ExpectRefused("p-entry", Submit("NI/192", "FY2011-Q2", 61.2), ErrorCode::kInvalidArgument,
                "may hold only", "indicator_id");
}

TEST_F(FigureTest, CommentaryIsRequiredWhenRedOrAmber) {
  // Target 60, amber within 5% (57 to 60).
  ExpectRefused("p-entry", Submit("NI-192", "FY2011-Q2", 50.0), ErrorCode::kInvalidArgument,
                "is red", "commentary");
  ExpectRefused("p-entry", Submit("NI-192", "FY2011-Q2", 58.0), ErrorCode::kInvalidArgument,
                "is amber", "commentary");
  MustRun("p-entry", Submit("NI-192", "FY2011-Q2", 60.0));  // green: none needed
  v1::Command amend = Amend("NI-192", "FY2011-Q2", 50.0, "recount");
  amend.mutable_amend_figure()->clear_commentary();
  ExpectRefused("p-entry", amend,
                ErrorCode::kInvalidArgument, "is red", "commentary");
}

TEST_F(FigureTest, ALockedPeriodChangesOnlyByRestatement) {
  MustRun("p-entry", Submit("NI-192", "FY2011-Q2", 61.2));
  ExpectRefused("p-sm", Restate(62.0, "late data"), ErrorCode::kFailedPrecondition,
                "amend it instead");
  MustRun("p-perf", Lock("Cabinet 15 November 2011"));
  ExpectRefused("p-entry", Amend("NI-192", "FY2011-Q2", 62.0, "late data"),
                ErrorCode::kFailedPrecondition,
                "FY2011-Q2 is locked (reported to Cabinet 15 November 2011); use a restatement");
  ExpectRefused("p-sm", Reject(kService, "wrong"), ErrorCode::kFailedPrecondition, "locked");
  ExpectRefused("p-perf", Lock("again"), ErrorCode::kFailedPrecondition, "already locked");
  ExpectRefused("p-entry", Restate(62.0, "late data"), ErrorCode::kPermissionDenied,
                "restate");  // data entry may not restate a reported figure
  ExpectRefused("p-sm", Restate(62.0, ""), ErrorCode::kInvalidArgument, "reason is required",
                "reason");
  MustRun("p-sm", Restate(62.0, "late data"));
}

TEST_F(FigureTest, SignOffRulesOfState) {
  ExpectRefused("p-sm", SignOff("NI-192", "FY2011-Q2", kService, 1), ErrorCode::kNotFound,
                "submit it first");
  MustRun("p-entry", Submit("NI-192", "FY2011-Q2", 61.2));
  ExpectRefused("p-sm", SignOff("NI-192", "FY2011-Q2", kService, 0), ErrorCode::kInvalidArgument,
                "figureVersion", "figure_version");
  ExpectRefused("p-sm", SignOff("NI-192", "FY2011-Q2", kService, 2), ErrorCode::kConflict,
                "version 1 of NI-192 for FY2011-Q2 is current", "figure_version");
  ExpectRefused("p-dir", SignOff("NI-192", "FY2011-Q2", kDirectorate, 1),
                ErrorCode::kFailedPrecondition, "needs service sign-off before directorate");
  ExpectRefused("p-sm", SignOff("NI-192", "FY2011-Q2", static_cast<v1::SignOffLevel>(9), 1),
                ErrorCode::kInvalidArgument, "level must be", "level");
  MustRun("p-sm", SignOff("NI-192", "FY2011-Q2", kService, 1));
  ExpectRefused("p-sm2", SignOff("NI-192", "FY2011-Q2", kService, 1),
                ErrorCode::kFailedPrecondition, "already signed off at service level by p-sm");
  MustRun("p-sm", Reject(kService, "second thoughts"));
  ExpectRefused("p-sm2", SignOff("NI-192", "FY2011-Q2", kService, 1),
                ErrorCode::kFailedPrecondition, "sent back for correction");
  ExpectRefused("p-sm", Reject(kService, "again"), ErrorCode::kFailedPrecondition,
                "already sent back");
  ExpectRefused("p-sm", Reject(kService, ""), ErrorCode::kInvalidArgument, "reason is required",
                "reason");
}

TEST_F(FigureTest, OpenDataQualityQueryBlocksCorporateVerification) {
  SubmitAndSignTwice();
  const auto raised = MustRun("p-perf", Query("Does the tonnage include trade waste?"));
  ASSERT_FALSE(raised.created_id().empty());
  ExpectRefused("p-perf", SignOff("NI-192", "FY2011-Q2", kCorporate, 1),
                ErrorCode::kFailedPrecondition, "1 data-quality query is open");
  ExpectRefused("p-entry", Answer("Q-nope", "no"), ErrorCode::kNotFound, "no data-quality query",
                "query_id");
  ExpectRefused("p-entry", Answer(raised.created_id(), " "), ErrorCode::kInvalidArgument,
                "answer is required", "answer");
  MustRun("p-entry", Answer(raised.created_id(), "No: household only, per the definition"));
  ExpectRefused("p-entry", Answer(raised.created_id(), "again"), ErrorCode::kFailedPrecondition,
                "already answered");
  MustRun("p-perf", SignOff("NI-192", "FY2011-Q2", kCorporate, 1));
}

TEST_F(FigureTest, PublicationNeedsEveryRequiredLevel) {
  SubmitAndSignTwice();
  ExpectRefused("p-perf", Publish(), ErrorCode::kFailedPrecondition,
                "still needs sign-off at: corporate verification, partnership");
  MustRun("p-perf", SignOff("NI-192", "FY2011-Q2", kCorporate, 1));
  MustRun("p-board", SignOff("NI-192", "FY2011-Q2", kPartnership, 1));
  ExpectRefused("p-sm", Publish(), ErrorCode::kPermissionDenied, "may not publish");
  MustRun("p-perf", Publish());
  ExpectRefused("p-perf", Publish(), ErrorCode::kFailedPrecondition, "already published");
}

TEST_F(FigureTest, SubmittingTwiceIsRefused) {
  MustRun("p-entry", Submit("NI-192", "FY2011-Q2", 61.2));
  ExpectRefused("p-entry2", Submit("NI-192", "FY2011-Q2", 61.3), ErrorCode::kAlreadyExists,
                "amend it with a reason");
  ExpectRefused("p-entry", Amend("NI-192", "FY2011-Q2", 61.3, ""), ErrorCode::kInvalidArgument,
                "reason is required", "reason");
}

}  // namespace
}  // namespace goldthread::engine
