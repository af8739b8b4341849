// Challenge findings: their life, who may raise them at which stage, and their state rules.
#include <gtest/gtest.h>

#include "tests/testing/council_fixture.h"

namespace goldthread::engine {
namespace {

namespace v1 = goldthread::v1;
using goldthread::testing::CouncilFixture;

class FindingTest : public CouncilFixture {
 protected:
  static v1::Command Raise(v1::ChallengeStage stage) {
    v1::Command c;
    auto* r = c.mutable_raise_challenge_finding();
    r->set_stage(stage);
    r->mutable_subject()->mutable_figure()->set_indicator_id("NI-192");
    r->mutable_subject()->mutable_figure()->set_period("FY2011-Q2");
    r->set_severity(v1::SEVERITY_MEDIUM);
    r->set_finding("The August dip is not explained");
    r->set_action_required("Explain it and say what is being done");
    r->set_owner_person_id("p-sm");
    r->mutable_due()->set_iso("2011-10-21");
    return c;
  }
  static v1::Command On(const std::string& id, const std::string& what, const std::string& text) {
    v1::Command c;
    if (what == "respond") {
      c.mutable_respond_to_challenge_finding()->set_finding_id(id);
      c.mutable_respond_to_challenge_finding()->set_response(text);
    } else if (what == "accept") {
      c.mutable_accept_challenge_finding()->set_finding_id(id);
      c.mutable_accept_challenge_finding()->set_comment(text);
    } else if (what == "reopen") {
      c.mutable_reopen_challenge_finding()->set_finding_id(id);
      c.mutable_reopen_challenge_finding()->set_reason(text);
    } else {
      c.mutable_close_challenge_finding()->set_finding_id(id);
      c.mutable_close_challenge_finding()->set_evidence(text);
    }
    return c;
  }
};

TEST_F(FindingTest, AFindingsFullLifeIsOnItsOwnStream) {
  const auto raised = MustRun("p-perf", Raise(v1::CHALLENGE_STAGE_CORPORATE_REVIEW));
  const std::string id = raised.created_id();
  MustRun("p-sm", On(id, "respond", "Bring sites were closed for resurfacing"));
  MustRun("p-perf2", On(id, "reopen", "Say what happens next quarter"));
  MustRun("p-sm", On(id, "respond", "Sites reopen 1 November; recovery plan attached"));
  MustRun("p-perf", On(id, "accept", "Thank you"));
  MustRun("p-perf", On(id, "close", "Q3 figure back above target"));
  const auto events = ReadStream(FindingStream(kTenant, id));
  const std::vector<std::pair<std::string, std::string>> expected = {
      {"goldthread.v1.ChallengeFindingRaised", "p-perf"},
      {"goldthread.v1.ChallengeFindingResponded", "p-sm"},
      {"goldthread.v1.ChallengeFindingReopened", "p-perf2"},
      {"goldthread.v1.ChallengeFindingResponded", "p-sm"},
      {"goldthread.v1.ChallengeFindingAccepted", "p-perf"},
      {"goldthread.v1.ChallengeFindingClosed", "p-perf"}};
  ASSERT_EQ(events.size(), expected.size());
  for (size_t i = 0; i < expected.size(); ++i) {
    EXPECT_EQ(events[i].envelope.type(), expected[i].first);
    EXPECT_EQ(events[i].envelope.actor(), expected[i].second);
  }
  EXPECT_EQ(events[0].event.challenge_finding_raised().unit_id(), "svc-homes");
  EXPECT_EQ(events[2].event.challenge_finding_reopened().reason(), "Say what happens next quarter");
  EXPECT_EQ(events[5].event.challenge_finding_closed().evidence(), "Q3 figure back above target");
  auto state = handler_->LoadFinding(id);
  ASSERT_TRUE(state);
  EXPECT_EQ(state->status, FindingStatus::kClosed);
  EXPECT_EQ(state->responses, 2);
}

TEST_F(FindingTest, EachStageHasItsOwnRaisers) {
  ExpectRefused("p-scrutiny", Raise(v1::CHALLENGE_STAGE_CORPORATE_REVIEW),
                ErrorCode::kPermissionDenied, "performance team");
  MustRun("p-scrutiny", Raise(v1::CHALLENGE_STAGE_SCRUTINY));
  ExpectRefused("p-audit", Raise(v1::CHALLENGE_STAGE_SCRUTINY), ErrorCode::kPermissionDenied,
                "scrutiny member");
  MustRun("p-audit", Raise(v1::CHALLENGE_STAGE_AUDIT));
  ExpectRefused("p-perf", Raise(v1::CHALLENGE_STAGE_AUDIT), ErrorCode::kPermissionDenied,
                "auditor");
  for (auto stage : {v1::CHALLENGE_STAGE_INITIAL_DIAGNOSTIC, v1::CHALLENGE_STAGE_CAUSE_AND_EFFECT,
                     v1::CHALLENGE_STAGE_PERFORMANCE_CLINIC}) {
    MustRun("p-perf", Raise(stage));
  }
  MustRun("p-dir", Raise(v1::CHALLENGE_STAGE_SERVICE_REVIEW));
  ExpectRefused("p-care", Raise(v1::CHALLENGE_STAGE_SERVICE_REVIEW), ErrorCode::kPermissionDenied,
                "svc-homes");
}

TEST_F(FindingTest, MalformedFindingsAreRefused) {
  auto bad = Raise(v1::CHALLENGE_STAGE_CORPORATE_REVIEW);
  bad.mutable_raise_challenge_finding()->mutable_due()->set_iso("2011-10-01");
  ExpectRefused("p-perf", bad, ErrorCode::kInvalidArgument, "already passed", "due");
  bad = Raise(v1::CHALLENGE_STAGE_UNSPECIFIED);
  ExpectRefused("p-perf", bad, ErrorCode::kInvalidArgument, "stage must be", "stage");
  bad = Raise(v1::CHALLENGE_STAGE_CORPORATE_REVIEW);
  bad.mutable_raise_challenge_finding()->clear_subject();
  ExpectRefused("p-perf", bad, ErrorCode::kInvalidArgument, "what the finding is about",
                "subject");
  bad = Raise(v1::CHALLENGE_STAGE_CORPORATE_REVIEW);
  bad.mutable_raise_challenge_finding()->mutable_subject()->mutable_figure()->set_indicator_id(
      "NI-999");
  ExpectRefused("p-perf", bad, ErrorCode::kNotFound, "no indicator",
                "subject.figure.indicator_id");
  bad = Raise(v1::CHALLENGE_STAGE_CORPORATE_REVIEW);
  bad.mutable_raise_challenge_finding()->set_owner_person_id("p-ghost");
  ExpectRefused("p-perf", bad, ErrorCode::kNotFound, "no person", "owner_person_id");
  bad = Raise(v1::CHALLENGE_STAGE_CORPORATE_REVIEW);
  bad.mutable_raise_challenge_finding()->set_action_required("");
  ExpectRefused("p-perf", bad, ErrorCode::kInvalidArgument, "required", "action_required");
}

TEST_F(FindingTest, StateRulesHold) {
  const std::string id = MustRun("p-perf", Raise(v1::CHALLENGE_STAGE_CORPORATE_REVIEW)).created_id();
  ExpectRefused("p-perf", On(id, "accept", ""), ErrorCode::kFailedPrecondition,
                "cannot be accepted");
  ExpectRefused("p-perf", On(id, "close", "done"), ErrorCode::kFailedPrecondition,
                "cannot be closed");
  ExpectRefused("p-entry2", On(id, "respond", "x"), ErrorCode::kPermissionDenied, "respond");
  MustRun("p-sm", On(id, "respond", "Explained"));
  ExpectRefused("p-sm", On(id, "respond", "again"), ErrorCode::kFailedPrecondition,
                "cannot be responded to");
  ExpectRefused("p-sm", On(id, "accept", ""), ErrorCode::kPermissionDenied, "accept, re-open");
  ExpectRefused("p-perf", On(id, "close", ""), ErrorCode::kInvalidArgument,
                "evidence is required", "evidence");
  ExpectRefused("p-perf", On("F-nope", "accept", ""), ErrorCode::kNotFound, "no challenge finding",
                "finding_id");
}

TEST_F(FindingTest, TheOwnerCannotAcceptTheirOwnResponse) {
  auto raise = Raise(v1::CHALLENGE_STAGE_CORPORATE_REVIEW);
  raise.mutable_raise_challenge_finding()->set_owner_person_id("p-perf2");
  const std::string id = MustRun("p-perf", raise).created_id();
  MustRun("p-perf2", On(id, "respond", "Explained"));
  ExpectRefused("p-perf2", On(id, "accept", ""), ErrorCode::kPermissionDenied, "four eyes");
  MustRun("p-perf", On(id, "accept", ""));
}

}  // namespace
}  // namespace goldthread::engine
