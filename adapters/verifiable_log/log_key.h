// The log's signing key: one Ed25519 key pair per council log, kept in a file of mode 0600
// beside (never inside) the store's folder, so a copy of the log is not a copy of the key.
//
//   auto signer = CreateLogKey(DefaultLogKeyPath("var/goldthread"), "ashcombe.example.gov.uk/performance");
//   auto again = LoadLogKey("var/goldthread.log-key");   // refused if group or others may read it
//
// The file holds the signer key in Go's note format (store/tlog/note.h), one line. Its name
// (the checkpoint's origin) is fixed when the key is made. Functions; thread-safe.
#ifndef GOLDTHREAD_ADAPTERS_VERIFIABLE_LOG_LOG_KEY_H_
#define GOLDTHREAD_ADAPTERS_VERIFIABLE_LOG_LOG_KEY_H_

#include <string>

#include "store/base/errors.h"
#include "store/tlog/note.h"

namespace goldthread::adapters {

// "<data-dir>.log-key": the store's folder name with ".log-key", in the same parent folder.
std::string DefaultLogKeyPath(const std::string& data_dir);
// "goldthread.invalid/<tenant>": a name that says it was never chosen (RFC 2606's .invalid).
std::string DefaultLogOrigin(const std::string& tenant);

// Makes a new key named `origin` at `path` (0600); an existing file is refused
// (kAlreadyExists), so a key is never replaced by accident.
Result<tlog::NoteSigner> CreateLogKey(const std::string& path, const std::string& origin);
// Reads the key at `path`. kNotFound when missing; kPermissionDenied when the file may be read
// by group or others (fix with chmod 600); kInvalidArgument when it is not a signer key.
Result<tlog::NoteSigner> LoadLogKey(const std::string& path);
// LoadLogKey, or CreateLogKey when the file does not exist (`*created` says which).
Result<tlog::NoteSigner> LoadOrCreateLogKey(const std::string& path, const std::string& origin,
                                            bool* created);

}  // namespace goldthread::adapters

#endif  // GOLDTHREAD_ADAPTERS_VERIFIABLE_LOG_LOG_KEY_H_
