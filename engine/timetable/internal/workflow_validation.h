// The workflow validator: every check ParseWorkflow (engine/timetable/workflow.cc) makes on a
// parsed definition before it becomes a Workflow — header, cadence, ladders, each stage's day
// rules, roles and completion, and every stage resolved in 28 fiscal years to prove it falls
// due no earlier than it opens. Private to engine/timetable.
//
// Pure functions; thread-safe.
#ifndef GOLDTHREAD_ENGINE_TIMETABLE_INTERNAL_WORKFLOW_VALIDATION_H_
#define GOLDTHREAD_ENGINE_TIMETABLE_INTERNAL_WORKFLOW_VALIDATION_H_

#include <google/protobuf/repeated_field.h>
#include <google/protobuf/text_format.h>

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include "engine/model/period.h"
#include "engine/timetable/workflow.h"
#include "goldthread/v1/workflow.pb.h"

namespace goldthread::engine::internal {

// Checks one definition (`tree`: the parser's locations for it), appending
// "file:line: reason" to `errors` for every problem. Fills `stages` and `notice_time` with what
// the schedule needs; meaningful only when no error was added.
void ValidateWorkflow(const goldthread::v1::WorkflowDefinition& def,
                      const google::protobuf::TextFormat::ParseInfoTree& tree,
                      std::string_view file, std::vector<std::string>* errors,
                      std::vector<Workflow::CompiledStage>* stages,
                      std::chrono::minutes* notice_time);

// The month (1-12) a period ends in.
unsigned EndMonth(const Period& p);

bool Contains(const google::protobuf::RepeatedField<int>& values, int v);

}  // namespace goldthread::engine::internal

#endif  // GOLDTHREAD_ENGINE_TIMETABLE_INTERNAL_WORKFLOW_VALIDATION_H_
