#include "tests/testing/scheduler_events.h"

#include <gtest/gtest.h>

#include <atomic>

#include "engine/model/event_codec.h"
#include "engine/model/event_summary.h"

namespace goldthread::testing {

namespace v1 = goldthread::v1;

namespace {

void FillDeadline(v1::DeadlineRef* d, const std::string& stage_id, TimePoint due_at) {
  d->set_workflow_id("chesterfield-service-first");
  d->set_cycle_period("FY2011-Q2");
  d->set_stage_id(stage_id);
  *d->mutable_due_at() = engine::TimestampOf(due_at);
}

}  // namespace

v1::Event Reminder(const std::string& outstanding, const std::string& stage_id, TimePoint due_at,
                   std::vector<std::string> recipients) {
  v1::Event e;
  auto* r = e.mutable_reminder_issued();
  FillDeadline(r->mutable_deadline(), stage_id, due_at);
  r->set_outstanding(outstanding);
  r->set_reminder_id("before the deadline");
  for (auto& p : recipients) r->add_recipient_person_ids(std::move(p));
  return e;
}

v1::Event Escalation(const std::string& escalation_id, uint32_t rung,
                     const std::string& outstanding, const std::string& stage_id, TimePoint due_at,
                     TimePoint now, std::vector<std::string> recipients) {
  v1::Event e;
  auto* x = e.mutable_escalation_raised();
  x->set_escalation_id(escalation_id);
  FillDeadline(x->mutable_deadline(), stage_id, due_at);
  x->set_outstanding(outstanding);
  x->set_rung(rung);
  for (auto& p : recipients) x->add_recipient_person_ids(std::move(p));
  *x->mutable_scheduled_for() = engine::TimestampOf(now);
  x->set_overdue_by_seconds(std::chrono::duration_cast<std::chrono::seconds>(now - due_at).count());
  return e;
}

void AppendAsScheduler(store::EventStore& store, const std::string& stream,
                       const v1::Event& event) {
  static std::atomic<int> next{0};
  auto r = store.Append({.stream = stream,
                         .events = {engine::EncodeEvent(event)},
                         .command_id = "test/scheduler/" + std::to_string(++next),
                         .actor = "system/scheduler"});
  ASSERT_TRUE(r) << r.error().ToString();
}

}  // namespace goldthread::testing
