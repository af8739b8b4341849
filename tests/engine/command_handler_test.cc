// The command handler's own contract: idempotency, If-Match, concurrency, malformed requests;
// and the plan approval chain, risks and self-assessments it routes to.
#include "engine/command/command_handler.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "tests/testing/council_fixture.h"

namespace goldthread::engine {
namespace {

namespace v1 = goldthread::v1;
using goldthread::testing::CouncilFixture;

using CommandHandlerTest = CouncilFixture;

TEST_F(CommandHandlerTest, ARepeatedCommandReturnsTheFirstResultAndWritesNothing) {
  const v1::Command submit = Submit("NI-192", "FY2011-Q2", 61.2);
  auto first = handler_->Execute({.actor = "p-entry", .command_id = "c-1"}, submit);
  ASSERT_TRUE(first);
  // The state moves on: the same command would now be refused as a second submission.
  MustRun("p-sm", SignOff("NI-192", "FY2011-Q2", v1::SIGN_OFF_LEVEL_SERVICE, 1));
  const uint64_t head = Head();
  auto again = handler_->Execute({.actor = "p-entry", .command_id = "c-1"}, submit);
  ASSERT_TRUE(again) << again.error().ToString();
  EXPECT_TRUE(again->duplicate());
  EXPECT_EQ(again->first_position(), first->first_position());
  EXPECT_EQ(Head(), head);
  // The same id for a different request is refused.
  auto other = handler_->Execute({.actor = "p-entry", .command_id = "c-1"},
                                 Submit("NI-192", "FY2011-Q2", 62.0));
  ASSERT_FALSE(other);
  EXPECT_EQ(other.error().code, ErrorCode::kAlreadyExists);
  EXPECT_EQ(other.error().field, "command_id");
  EXPECT_EQ(Head(), head);
  // Another person's "c-1" is theirs alone.
  auto theirs = handler_->Execute({.actor = "p-entry2", .command_id = "c-1"},
                                  Submit("NI-192", "FY2011-Q1", 50.0));
  ASSERT_TRUE(theirs) << theirs.error().ToString();
  EXPECT_FALSE(theirs->duplicate());
}

TEST_F(CommandHandlerTest, ASignOffRecordsTheLogsMerkleTreeAsTheSignerSawIt) {
  MustRun("p-entry", Submit("NI-192", "FY2011-Q2", 61.2));
  const uint64_t before = Head();
  MustRun("p-sm", SignOff("NI-192", "FY2011-Q2", v1::SIGN_OFF_LEVEL_SERVICE, 1));
  const auto events = ReadStream(FigureStream(kTenant, "NI-192", "FY2011-Q2"));
  ASSERT_FALSE(events.empty());
  ASSERT_TRUE(events.back().event.has_figure_signed_off());
  const v1::FigureSignedOff& s = events.back().event.figure_signed_off();
  EXPECT_EQ(s.log_tree_size(), before);
  ASSERT_EQ(s.log_tree_root().size(), 32u);
  EXPECT_EQ(s.log_tree_root(), store_->TreeRoot(before).value());
}

TEST_F(CommandHandlerTest, AStaleExpectedVersionIsAConflictThatWritesNothing) {
  MustRun("p-entry", Submit("NI-192", "FY2011-Q2", 61.2));
  const uint64_t head = Head();
  auto stale = handler_->Execute({.actor = "p-entry", .command_id = "a", .expected_version = 7},
                                 Amend("NI-192", "FY2011-Q2", 61.3, "typo"));
  ASSERT_FALSE(stale);
  EXPECT_EQ(stale.error().code, ErrorCode::kConflict);
  ASSERT_TRUE(stale.error().current_version.has_value());
  EXPECT_EQ(*stale.error().current_version, 1u);
  EXPECT_EQ(Head(), head);
  auto fresh = handler_->Execute({.actor = "p-entry", .command_id = "b", .expected_version = 1},
                                 Amend("NI-192", "FY2011-Q2", 61.3, "typo"));
  EXPECT_TRUE(fresh) << fresh.error().ToString();
}

TEST_F(CommandHandlerTest, MalformedRequestsAreRefused) {
  const uint64_t head = Head();
  auto empty = handler_->Execute({.actor = "p-entry", .command_id = "x"}, v1::Command());
  EXPECT_EQ(empty.error().code, ErrorCode::kInvalidArgument);
  auto no_id = handler_->Execute({.actor = "p-entry"}, Submit("NI-192", "FY2011-Q2", 61.2));
  EXPECT_EQ(no_id.error().field, "command_id");
  auto no_actor = handler_->Execute({.command_id = "y"}, Submit("NI-192", "FY2011-Q2", 61.2));
  EXPECT_EQ(no_actor.error().code, ErrorCode::kUnauthenticated);
  auto long_id = handler_->Execute({.actor = "p-entry", .command_id = std::string(101, 'k')},
                                   Submit("NI-192", "FY2011-Q2", 61.2));
  EXPECT_EQ(long_id.error().field, "command_id");
  EXPECT_EQ(Head(), head);
  EXPECT_EQ(handler_->Bootstrap("council2", "Another", "a2", "A", "boot-2").error().code,
            ErrorCode::kAlreadyExists);
  EXPECT_EQ(Head(), head);
}

TEST_F(CommandHandlerTest, ConcurrentSubmissionsOfOneFigureHaveExactlyOneWinner) {
  std::atomic<int> accepted{0}, already{0}, other{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      auto r = handler_->Execute(
          {.actor = t % 2 ? "p-entry" : "p-entry2", .command_id = "race-" + std::to_string(t)},
          Submit("NI-192", "FY2011-Q2", 60.0 + t));
      if (r) {
        ++accepted;
      } else if (r.error().code == ErrorCode::kAlreadyExists) {
        ++already;
      } else {
        ++other;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(accepted.load(), 1);
  EXPECT_EQ(already.load(), 7);
  EXPECT_EQ(other.load(), 0);
  EXPECT_EQ(ReadStream(FigureStream(kTenant, "NI-192", "FY2011-Q2")).size(), 1u);
}

TEST_F(CommandHandlerTest, PlansAreCertifiedThenApprovedInOrder) {
  v1::Command draft;
  auto* d = draft.mutable_draft_plan();
  d->set_kind(v1::PLAN_KIND_SERVICE);
  d->set_unit_id("svc-homes");
  d->set_fiscal_year(2011);
  d->set_title("Homes service plan 2011/12");
  const std::string id = MustRun("p-sm", draft).created_id();
  d->set_unit_id("dir-place");
  ExpectRefused("p-sm", draft, ErrorCode::kInvalidArgument, "belongs to a service", "unit_id");
  auto approve = [&](v1::Role role) {
    v1::Command c;
    c.mutable_approve_plan()->set_plan_id(id);
    c.mutable_approve_plan()->set_role(role);
    return c;
  };
  ExpectRefused("p-dir", approve(v1::ROLE_DIRECTOR), ErrorCode::kFailedPrecondition,
                "certified by the performance lead");
  v1::Command certify;
  certify.mutable_certify_plan()->set_plan_id(id);
  ExpectRefused("p-sm", certify, ErrorCode::kPermissionDenied, "certify");
  MustRun("p-perf", certify);
  ExpectRefused("p-perf", certify, ErrorCode::kFailedPrecondition, "already certified");
  ExpectRefused("p-lead", approve(v1::ROLE_LEAD_MEMBER), ErrorCode::kFailedPrecondition,
                "director before the lead member");
  ExpectRefused("p-sm", approve(v1::ROLE_DIRECTOR), ErrorCode::kPermissionDenied, "director");
  MustRun("p-dir", approve(v1::ROLE_DIRECTOR));
  MustRun("p-lead", approve(v1::ROLE_LEAD_MEMBER));
  ExpectRefused("p-lead", approve(v1::ROLE_LEAD_MEMBER), ErrorCode::kFailedPrecondition,
                "already approved");
  ExpectRefused("p-lead", approve(v1::ROLE_ADMIN), ErrorCode::kInvalidArgument,
                "ROLE_DIRECTOR or ROLE_LEAD_MEMBER", "role");
}

TEST_F(CommandHandlerTest, RisksAndSelfAssessments) {
  v1::Command risk;
  auto* r = risk.mutable_register_risk();
  r->set_title("Reprocessor contract ends");
  r->set_owner_person_id("p-sm");
  r->set_unit_id("svc-homes");
  r->set_likelihood(6);
  r->set_impact(3);
  r->add_indicator_ids("NI-192");
  ExpectRefused("p-sm", risk, ErrorCode::kInvalidArgument, "1 to 5", "likelihood");
  r->set_likelihood(3);
  r->add_priority_ids("nope");
  ExpectRefused("p-sm", risk, ErrorCode::kNotFound, "no priority", "priority_ids");
  r->clear_priority_ids();
  ExpectRefused("p-audit", risk, ErrorCode::kPermissionDenied, "manage risks");
  const std::string id = MustRun("p-sm", risk).created_id();
  v1::Command rate;
  rate.mutable_rate_risk()->set_risk_id(id);
  rate.mutable_rate_risk()->set_likelihood(4);
  rate.mutable_rate_risk()->set_impact(4);
  ExpectRefused("p-sm", rate, ErrorCode::kInvalidArgument, "reason is required", "reason");
  rate.mutable_rate_risk()->set_reason("tender failed");
  MustRun("p-dir", rate);

  v1::Command assess;
  auto* a = assess.mutable_record_self_assessment();
  a->set_unit_id("dir-place");
  a->set_period("FY2011-Q2");
  a->set_summary("Waste performance recovering; housing pressure rising");
  a->add_concerns("Temporary accommodation costs");
  a->set_overall_rating(v1::RAG_AMBER);
  ExpectRefused("p-sm", assess, ErrorCode::kPermissionDenied, "self-assessment");
  MustRun("p-dir", assess);
  a->set_unit_id("council");
  ExpectRefused("p-dir", assess, ErrorCode::kInvalidArgument, "directorates and services",
                "unit_id");
}

// ExecuteAll: a batch decided as one and appended all or nothing.

BatchCommand As(const std::string& actor, const std::string& id, v1::Command command) {
  return BatchCommand{.context = {.actor = actor, .command_id = id}, .command = std::move(command)};
}

TEST_F(CommandHandlerTest, ExecuteAllDecidesEachCommandAgainstTheOnesBeforeIt) {
  v1::Command define;
  define.mutable_define_indicator()->set_indicator_id("LI-7");
  *define.mutable_define_indicator()->mutable_definition() = QuarterlyDefinition("svc-homes");
  v1::Command target;
  target.mutable_set_target()->set_indicator_id("LI-7");
  target.mutable_set_target()->set_period("FY2011-Q2");
  target.mutable_set_target()->set_target(40);
  target.mutable_set_target()->set_reason("new indicator, agreed at CMT");
  const uint64_t head = Head();
  // LI-7 exists only once the first command is decided; the submission needs its target.
  auto outcome = handler_->ExecuteAll({As("p-perf", "b-1", define), As("p-perf", "b-2", target),
                                       As("p-entry", "b-3", Submit("LI-7", "FY2011-Q2", 42.5))},
                                      BatchMode::kApply);
  ASSERT_TRUE(outcome) << outcome.error().ToString();
  for (const auto& p : outcome->problems) EXPECT_FALSE(p.has_value()) << p->ToString();
  ASSERT_TRUE(outcome->applied);
  ASSERT_EQ(outcome->results.size(), 3u);
  EXPECT_EQ(outcome->results[0].first_position(), head + 1);
  EXPECT_EQ(outcome->results[2].last_position(), Head());
  auto figure = handler_->LoadFigure("LI-7", "FY2011-Q2");
  ASSERT_TRUE(figure);
  EXPECT_EQ(figure->stream_version, 1u);
}

TEST_F(CommandHandlerTest, ExecuteAllWithOneRefusedCommandWritesNothingAndNamesIt) {
  const uint64_t head = Head();
  // p-care manages svc-care, not svc-homes where NI-192 lives.
  auto outcome = handler_->ExecuteAll({As("p-entry", "r-1", Submit("NI-192", "FY2011-Q1", 55.0)),
                                       As("p-care", "r-2", Submit("NI-192", "FY2011-Q2", 61.0)),
                                       As("p-entry", "r-3", Submit("NI-192", "FY2010-Q4", 62.0))},
                                      BatchMode::kApply);
  ASSERT_TRUE(outcome) << outcome.error().ToString();
  EXPECT_FALSE(outcome->applied);
  ASSERT_EQ(outcome->problems.size(), 3u);
  EXPECT_FALSE(outcome->problems[0].has_value());
  ASSERT_TRUE(outcome->problems[1].has_value());
  EXPECT_EQ(outcome->problems[1]->code, ErrorCode::kPermissionDenied);
  EXPECT_FALSE(outcome->problems[2].has_value());
  EXPECT_EQ(Head(), head);
}

TEST_F(CommandHandlerTest, ExecuteAllSeesAnEarlierCommandOfTheBatch) {
  // The second submission of one figure is refused because the first one, in the same batch,
  // already submitted it.
  auto outcome = handler_->ExecuteAll({As("p-entry", "s-1", Submit("NI-192", "FY2011-Q2", 61.0)),
                                       As("p-entry", "s-2", Submit("NI-192", "FY2011-Q2", 62.0))},
                                      BatchMode::kDryRun);
  ASSERT_TRUE(outcome) << outcome.error().ToString();
  EXPECT_FALSE(outcome->problems[0].has_value());
  ASSERT_TRUE(outcome->problems[1].has_value());
  EXPECT_EQ(outcome->problems[1]->code, ErrorCode::kAlreadyExists)
      << outcome->problems[1]->ToString();
}

TEST_F(CommandHandlerTest, ExecuteAllDryRunReportsEveryProblemAndWritesNothing) {
  const uint64_t head = Head();
  auto outcome = handler_->ExecuteAll(
      {As("p-entry", "d-1", Submit("NO-SUCH", "FY2011-Q2", 1.0)),
       As("p-entry", "d-2", Submit("NI-192", "FY2011-Q2", 61.0)),
       As("p-entry", "d-3", Submit("NI-192", "FY2010-Q4", 250.0))},  // beyond 0-100
      BatchMode::kDryRun);
  ASSERT_TRUE(outcome) << outcome.error().ToString();
  EXPECT_FALSE(outcome->applied);
  EXPECT_EQ(outcome->ProblemCount(), 2u);
  ASSERT_TRUE(outcome->problems[0].has_value());
  EXPECT_EQ(outcome->problems[0]->code, ErrorCode::kNotFound);
  EXPECT_FALSE(outcome->problems[1].has_value());
  ASSERT_TRUE(outcome->problems[2].has_value());
  EXPECT_EQ(outcome->problems[2]->code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(Head(), head);

  // A good batch in dry run is decided but not written either.
  auto good = handler_->ExecuteAll({As("p-entry", "d-4", Submit("NI-192", "FY2011-Q2", 61.0))},
                                   BatchMode::kDryRun);
  ASSERT_TRUE(good);
  EXPECT_EQ(good->ProblemCount(), 0u);
  EXPECT_FALSE(good->applied);
  EXPECT_EQ(Head(), head);
}

TEST_F(CommandHandlerTest, ExecuteAllTwiceAppliesOnce) {
  const std::vector<BatchCommand> batch = {
      As("p-entry", "i-1", Submit("NI-192", "FY2011-Q1", 55.0)),
      As("p-entry", "i-2", Submit("NI-192", "FY2011-Q2", 61.0))};
  auto first = handler_->ExecuteAll(batch, BatchMode::kApply);
  ASSERT_TRUE(first && first->applied);
  const uint64_t head = Head();
  auto second = handler_->ExecuteAll(batch, BatchMode::kApply);
  ASSERT_TRUE(second) << second.error().ToString();
  EXPECT_EQ(second->ProblemCount(), 0u);
  EXPECT_TRUE(second->applied);
  EXPECT_TRUE(second->results[0].duplicate());
  EXPECT_TRUE(second->results[1].duplicate());
  EXPECT_EQ(Head(), head);
}

TEST_F(CommandHandlerTest, ExecuteAllRefusesAnIdUsedTwiceAndAnEmptyBatch) {
  auto outcome = handler_->ExecuteAll({As("p-entry", "same", Submit("NI-192", "FY2011-Q1", 55.0)),
                                       As("p-entry", "same", Submit("NI-192", "FY2011-Q2", 61.0))},
                                      BatchMode::kApply);
  ASSERT_TRUE(outcome);
  EXPECT_FALSE(outcome->applied);
  ASSERT_TRUE(outcome->problems[1].has_value());
  EXPECT_EQ(outcome->problems[1]->field, "command_id");
  auto empty = handler_->ExecuteAll({}, BatchMode::kApply);
  ASSERT_FALSE(empty);
  EXPECT_EQ(empty.error().code, ErrorCode::kInvalidArgument);
}

}  // namespace
}  // namespace goldthread::engine
