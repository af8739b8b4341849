#include "adapters/verifiable_log/log_key.h"

#include <fmt/format.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "store/base/atomic_file.h"

namespace goldthread::adapters {

namespace fs = std::filesystem;

std::string DefaultLogKeyPath(const std::string& data_dir) {
  fs::path dir = fs::path(data_dir).lexically_normal();
  if (dir.filename().empty()) dir = dir.parent_path();  // "data/" is "data"
  return dir.string() + ".log-key";
}

std::string DefaultLogOrigin(const std::string& tenant) { return "goldthread.invalid/" + tenant; }

Result<tlog::NoteSigner> CreateLogKey(const std::string& path, const std::string& origin) {
  if (std::error_code ec; fs::exists(path, ec)) {
    return MakeError(ErrorCode::kAlreadyExists,
                     fmt::format("{} exists: the log already has a signing key (a new one would "
                                 "make every checkpoint signed so far unverifiable with it)",
                                 path),
                     "log_key");
  }
  auto signer = tlog::NoteSigner::Generate(origin);
  if (!signer) {
    return MakeError(ErrorCode::kInvalidArgument,
                     fmt::format("the log's origin \"{}\" is not a usable key name: {}", origin,
                                 signer.error().message),
                     "log_origin");
  }
  if (const fs::path parent = fs::path(path).parent_path(); !parent.empty()) {
    std::error_code ec;
    fs::create_directories(parent, ec);
  }
  if (auto s = WriteFileAtomically(path, signer->SignerKey() + "\n", 0600); !s) {
    return Unexpected(s.error());
  }
  return signer;
}

Result<tlog::NoteSigner> LoadLogKey(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    return MakeError(ErrorCode::kNotFound,
                     fmt::format("there is no log signing key at {} (goldthread init makes one)",
                                 path),
                     "log_key");
  }
  if ((st.st_mode & 077) != 0) {
    return MakeError(ErrorCode::kPermissionDenied,
                     fmt::format("{} may be read by other users (mode {:o}); the log's signing "
                                 "key must be private: chmod 600 {}",
                                 path, st.st_mode & 0777, path),
                     "log_key");
  }
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  if (!in) return MakeError(ErrorCode::kUnavailable, "cannot read " + path, "log_key");
  auto signer = tlog::NoteSigner::FromSignerKey(text.str());
  if (!signer) {
    return MakeError(ErrorCode::kInvalidArgument,
                     fmt::format("{} is not a log signing key: {}", path, signer.error().message),
                     "log_key");
  }
  return signer;
}

Result<tlog::NoteSigner> LoadOrCreateLogKey(const std::string& path, const std::string& origin,
                                            bool* created) {
  *created = false;
  if (std::error_code ec; !fs::exists(path, ec)) {
    *created = true;
    return CreateLogKey(path, origin);
  }
  return LoadLogKey(path);
}

}  // namespace goldthread::adapters
