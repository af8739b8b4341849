// The `goldthread` command line: one subcommand per job (verify, backup, restore, ...).
// RunCli parses argv, runs the chosen subcommand and returns the process exit code; it writes
// results to stdout and one clear error line to stderr. Called once, from main's thread.
#ifndef GOLDTHREAD_ADAPTERS_CLI_CLI_H_
#define GOLDTHREAD_ADAPTERS_CLI_CLI_H_

namespace goldthread::adapters {

int RunCli(int argc, char** argv);

}  // namespace goldthread::adapters

#endif  // GOLDTHREAD_ADAPTERS_CLI_CLI_H_
