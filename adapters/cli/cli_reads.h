// The CLI's read-side commands: `rebuild` (replay the log into the read models), `history` (a
// figure's history) and `trail` (the assurance trail) — what the API returns, for operators and
// auditors who prefer a terminal.
//
// `history` and `trail` open the store read-only and fold the log in memory, so they run beside
// a serving process; `rebuild` writes the read models' state and needs the store to itself.
//
// Threading: called once from main.
#ifndef GOLDTHREAD_ADAPTERS_CLI_CLI_READS_H_
#define GOLDTHREAD_ADAPTERS_CLI_CLI_READS_H_

#include <string>

namespace goldthread::adapters {

struct ReadCommandOptions {
  std::string data_dir;
  std::string tenant;
  // At most one: an RFC 3339 instant or a log position. Neither: the head.
  std::string as_of;
  uint64_t at_position = 0;
  // The council's workflow (its sign-off levels and deadlines), as `serve` takes them.
  std::string workflows_dir;
  std::string main_workflow = "chesterfield-service-first";
  // The log's signing key (trail: sealed with a checkpoint when the file exists).
  std::string log_key;
};

// Each returns the process exit code; errors are one line on stderr.
int RunRebuild(const std::string& data_dir, const std::string& tenant,
               const std::string& projection, bool from_scratch);
int RunHistory(const ReadCommandOptions& options, const std::string& indicator_id,
               const std::string& period);
int RunTrail(const ReadCommandOptions& options, const std::string& period,
             const std::string& directorate, const std::string& format);

}  // namespace goldthread::adapters

#endif  // GOLDTHREAD_ADAPTERS_CLI_CLI_READS_H_
