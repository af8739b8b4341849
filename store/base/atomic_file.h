// Writing a file whole or not at all, durably.
//
//   if (auto s = WriteFileAtomically("out/report.csv", csv); !s) return Unexpected(s.error());
//
// The contents go to a hidden temporary file in the same folder, which is flushed to disk,
// renamed over `path`, and then the folder itself is flushed so the rename survives a power
// cut. On any failure the temporary file is removed and `path` is left as it was. The folder
// must already exist. Safe to call from several threads for different paths.
#ifndef GOLDTHREAD_STORE_BASE_ATOMIC_FILE_H_
#define GOLDTHREAD_STORE_BASE_ATOMIC_FILE_H_

#include <functional>
#include <string>
#include <string_view>

#include "store/base/errors.h"

namespace goldthread {

// Replaces (or creates) `path` with exactly `contents`, with permissions `mode` whatever the
// umask (0600 for a secret: a signing key, a list of passwords).
Status WriteFileAtomically(const std::string& path, std::string_view contents,
                           unsigned mode = 0644);

// The same for output a library writes by file name (a spreadsheet, a streamed export):
// `fill` writes the whole file at the temporary path it is given; the rest is as above, and
// nothing is renamed unless `fill` succeeded.
Status WriteFileAtomicallyWith(const std::string& path,
                               const std::function<Status(const std::string& temp_path)>& fill);

// fsync(2) on a folder, so that entries just created or renamed in it are durable.
Status SyncFolder(const std::string& folder);

}  // namespace goldthread

#endif  // GOLDTHREAD_STORE_BASE_ATOMIC_FILE_H_
