// Secret files: how goldthread reads a password or a key that must not appear on a command line
// or in the environment (where `ps` and /proc would show it).
//
// Pure function of the file system; thread-safe.
#ifndef GOLDTHREAD_ADAPTERS_NOTIFY_SECRET_FILE_H_
#define GOLDTHREAD_ADAPTERS_NOTIFY_SECRET_FILE_H_

#include <string>

#include "store/base/errors.h"

namespace goldthread::adapters {

// The secret in `path`: the whole file less trailing CR/LF (so `echo secret > file` works).
// InvalidArgument naming `field` when the path is empty, the file is missing or unreadable, or
// the secret is empty. The message names the path, never the content.
Result<std::string> ReadSecretFile(const std::string& path, const std::string& field);

// OK when the file at `path` is readable by its owner only (no group or other permission bits,
// 0600 or 0400). InvalidArgument naming `field` (the flag) otherwise, with the mode found and
// the chmod that fixes it; `serve` refuses to start on it.
Status CheckSecretFileIsPrivate(const std::string& path, const std::string& field);

}  // namespace goldthread::adapters

#endif  // GOLDTHREAD_ADAPTERS_NOTIFY_SECRET_FILE_H_
