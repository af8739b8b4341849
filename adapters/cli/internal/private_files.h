// Private files: the data folder holds token hashes, password hashes and the demo's sign-ins, so
// what `serve`, `init`, `demo` and the operator's commands create there is readable by the
// owner only, whatever the caller's umask.
//
// Threading: RestrictNewFiles changes the process umask; call it from main's thread before any
// other thread starts.
#ifndef GOLDTHREAD_ADAPTERS_CLI_INTERNAL_PRIVATE_FILES_H_
#define GOLDTHREAD_ADAPTERS_CLI_INTERNAL_PRIVATE_FILES_H_

#include <string>

namespace goldthread::adapters {

// Sets the process umask to 077: every file and folder created after it (RocksDB's own
// included) is the owner's only.
void RestrictNewFiles();
// Makes `folder` 0700 and takes the group and other bits off everything in it (a store made
// by an older version under umask 022). Failures are logged, not fatal.
void MakePrivate(const std::string& folder);

}  // namespace goldthread::adapters

#endif  // GOLDTHREAD_ADAPTERS_CLI_INTERNAL_PRIVATE_FILES_H_
