// The indicator pro forma, its versions, targets, retirement, priorities and progress.
#include <gtest/gtest.h>

#include "tests/testing/council_fixture.h"

namespace goldthread::engine {
namespace {

namespace v1 = goldthread::v1;
using goldthread::testing::CouncilFixture;

class IndicatorTest : public CouncilFixture {
 protected:
  static v1::Command Define(const std::string& id, const v1::IndicatorDefinition& d) {
    v1::Command c;
    c.mutable_define_indicator()->set_indicator_id(id);
    *c.mutable_define_indicator()->mutable_definition() = d;
    return c;
  }
  static v1::Command Target(const std::string& period, double target, const std::string& reason) {
    v1::Command c;
    c.mutable_set_target()->set_indicator_id("NI-192");
    c.mutable_set_target()->set_period(period);
    c.mutable_set_target()->set_target(target);
    c.mutable_set_target()->set_reason(reason);
    return c;
  }
};

TEST_F(IndicatorTest, TheProFormaIsChecked) {
  auto refused = [&](auto edit, const std::string& text, const std::string& field) {
    v1::IndicatorDefinition d = QuarterlyDefinition("svc-waste");
    edit(d);
    ExpectRefused("p-perf", Define("LPI-1", d), ErrorCode::kInvalidArgument, text, field);
  };
  refused([](auto& d) { d.clear_title(); }, "required", "definition.title");
  refused([](auto& d) { d.clear_method_of_calculation(); }, "required",
          "definition.method_of_calculation");
  refused([](auto& d) { d.set_decimal_places(7); }, "at most 6", "definition.decimal_places");
  refused([](auto& d) { d.set_valid_min(50), d.set_valid_max(10); }, "minimum is above",
          "definition.valid_min");
  refused([](auto& d) { d.clear_polarity(); }, "higher or lower", "definition.polarity");
  refused([](auto& d) { d.clear_frequency(); }, "frequency is required", "definition.frequency");
  refused([](auto& d) { d.clear_perspective(); }, "perspective", "definition.perspective");
  refused([](auto& d) { d.mutable_amber_tolerance()->set_percent(150); }, "0-100",
          "definition.amber_tolerance");
  refused([](auto& d) { d.set_owning_unit_id("council"); }, "owned by a directorate",
          "definition.owning_unit_id");
  refused([](auto& d) { d.set_partnership_unit_id("svc-homes"); }, "not a partnership board",
          "definition.partnership_unit_id");
  ExpectRefused("p-perf", Define("LPI-1", [] {
                  auto d = QuarterlyDefinition("svc-waste");
                  d.set_priority_id("nope");
                  return d;
                }()),
                ErrorCode::kNotFound, "no priority", "definition.priority_id");
  ExpectRefused("p-sm", Define("LPI-1", QuarterlyDefinition("svc-waste")),
                ErrorCode::kPermissionDenied, "performance team");
  MustRun("p-perf", Define("LPI-1", QuarterlyDefinition("svc-waste")));
  ExpectRefused("p-perf", Define("LPI-1", QuarterlyDefinition("svc-waste")),
                ErrorCode::kAlreadyExists, "revise it", "indicator_id");
}

TEST_F(IndicatorTest, EachFigureRecordsTheDefinitionVersionItWasMeasuredUnder) {
  MustRun("p-entry", Submit("NI-192", "FY2011-Q1", 61.2));
  v1::Command revise;
  revise.mutable_revise_indicator()->set_indicator_id("NI-192");
  auto d = QuarterlyDefinition("svc-homes");
  d.set_partnership_unit_id("board-health");
  d.set_method_of_calculation("tonnes recycled incl. bring sites / tonnes collected x 100");
  *revise.mutable_revise_indicator()->mutable_definition() = d;
  ExpectRefused("p-perf", revise, ErrorCode::kInvalidArgument, "reason is required", "reason");
  revise.mutable_revise_indicator()->set_reason("DEFRA guidance 2011");
  MustRun("p-perf", revise);
  ExpectRefused("p-perf", revise, ErrorCode::kFailedPrecondition, "unchanged");
  auto monthly = revise;
  monthly.mutable_revise_indicator()->mutable_definition()->set_frequency(v1::FREQUENCY_MONTHLY);
  ExpectRefused("p-perf", monthly, ErrorCode::kInvalidArgument, "frequency cannot change",
                "definition.frequency");
  MustRun("p-entry", Submit("NI-192", "FY2011-Q2", 61.2));
  const auto q1 = ReadStream(FigureStream(kTenant, "NI-192", "FY2011-Q1"));
  const auto q2 = ReadStream(FigureStream(kTenant, "NI-192", "FY2011-Q2"));
  EXPECT_EQ(q1.front().event.figure_submitted().definition_version(), 1u);
  EXPECT_EQ(q2.front().event.figure_submitted().definition_version(), 2u);
}

TEST_F(IndicatorTest, TargetsNeedAReasonOnceTheirPeriodHasStarted) {
  ExpectRefused("p-perf", Target("FY2011-Q3", 62, ""), ErrorCode::kInvalidArgument,
                "started on 2011-10-01", "reason");
  MustRun("p-perf", Target("FY2011-Q4", 63, ""));  // not started yet: no reason needed
  MustRun("p-sm", Target("FY2011-Q4", 64, ""));
  const auto events = ReadStream(IndicatorStream(kTenant, "NI-192"));
  EXPECT_EQ(events.back().event.target_set().previous_target(), 63);
  ExpectRefused("p-perf", Target("FY2011-Q4", 64, "x"), ErrorCode::kFailedPrecondition,
                "already 64");
  ExpectRefused("p-perf", Target("FY2011-M07", 60, "x"), ErrorCode::kInvalidArgument,
                "not one of its periods", "period");
  ExpectRefused("p-perf", Target("FY2011-Q4", 120, "x"), ErrorCode::kInvalidArgument,
                "outside the valid range", "target");
  ExpectRefused("p-entry", Target("FY2011-Q4", 65, "x"), ErrorCode::kPermissionDenied,
                "set targets");
}

TEST_F(IndicatorTest, ARetiredIndicatorTakesNoNewFigures) {
  v1::Command retire;
  retire.mutable_retire_indicator()->set_indicator_id("NI-192");
  ExpectRefused("p-perf", retire, ErrorCode::kInvalidArgument, "reason is required", "reason");
  retire.mutable_retire_indicator()->set_reason("replaced by LPI-7");
  MustRun("p-perf", retire);
  ExpectRefused("p-entry", Submit("NI-192", "FY2011-Q2", 61.2), ErrorCode::kFailedPrecondition,
                "retired");
}

TEST_F(IndicatorTest, PrioritiesObjectivesAndProgress) {
  v1::Command p;
  p.mutable_define_priority()->set_priority_id("clean-green");
  p.mutable_define_priority()->set_title("A clean and green borough");
  p.mutable_define_priority()->set_owner_unit_id("dir-place");
  MustRun("p-perf", p);
  ExpectRefused("p-perf", p, ErrorCode::kAlreadyExists, "already exists", "priority_id");
  v1::Command o;
  o.mutable_add_objective()->set_priority_id("clean-green");
  o.mutable_add_objective()->set_objective_id("recycle-more");
  o.mutable_add_objective()->set_title("Recycle more");
  MustRun("p-perf", o);
  ExpectRefused("p-perf", o, ErrorCode::kAlreadyExists, "already has objective", "objective_id");
  v1::Command progress;
  auto* r = progress.mutable_record_priority_progress();
  r->set_priority_id("clean-green");
  r->set_period("FY2011-Q2");
  r->set_summary("On track");
  r->set_overall_rating(v1::RAG_GREY);
  ExpectRefused("p-dir", progress, ErrorCode::kInvalidArgument, "RAG_GREEN", "overall_rating");
  r->set_overall_rating(v1::RAG_GREEN);
  r->add_actions_delivered("Food waste trial in two wards");
  ExpectRefused("p-entry", progress, ErrorCode::kPermissionDenied, "priority progress");
  MustRun("p-dir", progress);
}

}  // namespace
}  // namespace goldthread::engine
