// Findings read back from the log (engine/read/finding_list.h): a finding's whole story in
// order, its status through respond, re-open, accept and close, overdue judged at the time
// given, escalations not yet acknowledged counted, and the list as of a past position.
#include "engine/read/finding_list.h"

#include <gtest/gtest.h>

#include "engine/model/event_codec.h"
#include "engine/model/local_date.h"
#include "engine/read/read_models.h"
#include "tests/testing/council_fixture.h"
#include "tests/testing/scheduler_events.h"

namespace goldthread::engine {
namespace {

namespace v1 = goldthread::v1;
using goldthread::testing::CouncilFixture;

class FindingListTest : public CouncilFixture {
 protected:
  void SetUp() override {
    CouncilFixture::SetUp();
    auto reads = ReadModels::Open(store_.get(), clock_.get(), {.tenant = kTenant});
    ASSERT_TRUE(reads) << reads.error().ToString();
    reads_ = std::move(*reads);
  }

  std::string Raise(const std::string& due) {
    v1::Command c;
    auto* f = c.mutable_raise_challenge_finding();
    f->set_stage(v1::CHALLENGE_STAGE_SERVICE_REVIEW);
    f->set_severity(v1::SEVERITY_HIGH);
    f->mutable_subject()->mutable_figure()->set_indicator_id("NI-192");
    f->mutable_subject()->mutable_figure()->set_period("FY2011-Q2");
    f->set_finding("Tonnage excludes the bring sites");
    f->set_action_required("Add the bring-site tonnage");
    f->set_owner_person_id("p-sm");
    f->mutable_due()->set_iso(due);
    return MustRun("p-dir", c).created_id();
  }
  v1::FindingView View(const std::string& id) {
    auto view = reads_->Finding(id);
    EXPECT_TRUE(view) << view.error().ToString();
    return view ? *view : v1::FindingView{};
  }

  std::unique_ptr<ReadModels> reads_;
};

TEST_F(FindingListTest, AFindingCarriesItsSubjectOwnerDueDayAndEveryEvent) {
  const std::string id = Raise("2011-10-14");
  v1::Command respond;
  respond.mutable_respond_to_challenge_finding()->set_finding_id(id);
  respond.mutable_respond_to_challenge_finding()->set_response("Bring sites added");
  MustRun("p-sm", respond);
  const v1::FindingView view = View(id);
  EXPECT_EQ(view.finding_id(), id);
  EXPECT_EQ(view.subject().figure().period(), "FY2011-Q2");
  EXPECT_EQ(view.unit_id(), "svc-homes");
  EXPECT_EQ(view.stage(), v1::CHALLENGE_STAGE_SERVICE_REVIEW);
  EXPECT_EQ(view.severity(), v1::SEVERITY_HIGH);
  EXPECT_EQ(view.owner_person_id(), "p-sm");
  EXPECT_EQ(view.raised_by(), "p-dir");
  EXPECT_EQ(view.due().iso(), "2011-10-14");
  EXPECT_EQ(view.status(), "responded");
  EXPECT_EQ(view.responses(), 1u);
  EXPECT_TRUE(view.has_raised_at());
  ASSERT_EQ(view.entries_size(), 2);
  EXPECT_EQ(view.entries(0).event_type(), "ChallengeFindingRaised");
  EXPECT_EQ(view.entries(0).by(), "p-dir");
  EXPECT_NE(view.entries(0).text().find("Tonnage excludes the bring sites"), std::string::npos);
  EXPECT_EQ(view.entries(1).event_type(), "ChallengeFindingResponded");
  EXPECT_EQ(view.entries(1).summary(), "finding answered");
  EXPECT_EQ(view.entries(1).text(), "Bring sites added");
  EXPECT_LT(view.entries(0).position(), view.entries(1).position());
}

TEST_F(FindingListTest, OverdueIsOpenPastTheEndOfTheDueDay) {
  const std::string id = Raise("2011-10-06");
  EXPECT_FALSE(View(id).overdue());
  clock_->Set(EndOfLondonDay(*ParseLocalDay("2011-10-06", "day")));
  EXPECT_FALSE(View(id).overdue());  // the last instant of the due day
  clock_->Advance(std::chrono::microseconds(1));
  EXPECT_TRUE(View(id).overdue());
  v1::Command respond;
  respond.mutable_respond_to_challenge_finding()->set_finding_id(id);
  respond.mutable_respond_to_challenge_finding()->set_response("late, but here");
  MustRun("p-sm", respond);
  EXPECT_FALSE(View(id).overdue());  // answered: no longer open
}

TEST_F(FindingListTest, UnacknowledgedEscalationsAreCounted) {
  const std::string id = Raise("2011-10-06");
  const TimePoint due = EndOfLondonDay(*ParseLocalDay("2011-10-06", "day"));
  clock_->Set(due + std::chrono::hours(10));
  goldthread::testing::AppendAsScheduler(
      *store_, FindingStream(kTenant, id),
      goldthread::testing::Escalation("E-1", 1, "not answered", "", due, clock_->Now(), {"p-dir"}));
  const v1::FindingView view = View(id);
  EXPECT_EQ(view.open_escalations(), 1u);
  ASSERT_EQ(view.entries_size(), 2);
  EXPECT_EQ(view.entries(1).event_type(), "EscalationRaised");
  EXPECT_EQ(view.entries(1).by(), "system/scheduler");
}

TEST_F(FindingListTest, TheListIsEveryFindingByIdAsOfAPosition) {
  const std::string first = Raise("2011-10-20");
  const uint64_t between = Head();
  const std::string second = Raise("2011-10-21");
  auto all = reads_->Findings();
  ASSERT_TRUE(all) << all.error().ToString();
  ASSERT_EQ(all->findings_size(), 2);
  EXPECT_LT(all->findings(0).finding_id(), all->findings(1).finding_id());
  EXPECT_EQ(all->as_of().position(), Head());
  EXPECT_TRUE(all->next().empty());
  auto then = reads_->Findings(AsOf::Position(between));
  ASSERT_TRUE(then);
  ASSERT_EQ(then->findings_size(), 1);
  EXPECT_EQ(then->findings(0).finding_id(), first);
  // A finding not yet raised at the position is not found.
  auto missing = reads_->Finding(second, AsOf::Position(between));
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, ErrorCode::kNotFound);
  EXPECT_EQ(missing.error().field, "finding_id");
}

}  // namespace
}  // namespace goldthread::engine
