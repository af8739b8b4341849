// CommandContext and HandlerOptions: who is asking for a command, and the council's rules it is
// decided under. Kept apart from the command handler so that the deciders, the scheduler and
// the read side can name the rules without depending on the handler.
//
// Plain value types; thread-safe as values are.
#ifndef GOLDTHREAD_ENGINE_COMMAND_COMMAND_CONTEXT_H_
#define GOLDTHREAD_ENGINE_COMMAND_COMMAND_CONTEXT_H_

#include <cstdint>
#include <string>
#include <vector>

#include "engine/model/sign_off_progress.h"
#include "engine/timetable/cycle_timetable.h"
#include "goldthread/v1/common.pb.h"

namespace goldthread::engine {

// The actor the web interface records failed sign-ins as (no person is signed in then). An
// id no person may be registered under (RegisterPerson refuses it).
inline constexpr char kWebSystemActor[] = "system.web";

// The operator who holds the data folder (`goldthread invite` on the command line): needs no
// role, as holding the folder is already full control.
inline constexpr char kOperatorActor[] = "system.operator";

// Who is asking, and how.
struct CommandContext {
  // The person acting (a person id). Required.
  std::string actor;
  // Idempotency key, unique per request. Required; at most 100 characters.
  std::string command_id;
  // Ties the events of one business transaction together; defaults to the command id.
  std::string correlation_id;
  // When non-zero: the version the caller last saw of the stream the command writes (HTTP
  // If-Match). A different current version is a kConflict, not retried.
  uint64_t expected_version = 0;
};

struct HandlerOptions {
  // The council this handler serves; the first segment of every stream. Required.
  std::string tenant;
  // Four eyes across levels: a person who signed off at one level may not sign off the same
  // version at another (a directorate sign-off needs a different person from the service
  // sign-off). Workflows may relax it. Default: true.
  bool distinct_people_across_levels = true;
  // The sign-off levels a figure goes through, lowest first; each needs the ones before it,
  // and publication needs them all (PARTNERSHIP only for partnership indicators). The
  // council's workflow decides (SignOffLevelsOf in workflow_timetables.h). Default: service,
  // directorate, corporate verification, partnership.
  std::vector<goldthread::v1::SignOffLevel> sign_off_levels = DefaultSignOffLevels();
  // Commentary is required when a figure is red or amber against its target (the councils'
  // own learning points: an exception must be explained). Default: true.
  bool commentary_required_when_off_target = true;
  // Attempts when a concurrent command changed the same stream. Default: 5.
  int max_conflict_retries = 5;
  // The workflows cycles can be opened for. Default: none (OpenCycle is refused).
  TimetableProvider timetables;
};

}  // namespace goldthread::engine

#endif  // GOLDTHREAD_ENGINE_COMMAND_COMMAND_CONTEXT_H_
