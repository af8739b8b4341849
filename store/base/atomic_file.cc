#include "store/base/atomic_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <fmt/format.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <filesystem>

namespace goldthread {
namespace {

namespace fs = std::filesystem;

Error IoError(std::string_view what, const std::string& path, int err) {
  return Error{ErrorCode::kUnavailable, fmt::format("{} {}: {}", what, path, std::strerror(err)),
               "", std::nullopt};
}

// Opens `path` read-only and fsyncs it; the file's data or a folder's entries reach the disk.
Status SyncPath(const std::string& path, int flags) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | flags);
  if (fd < 0 || ::fsync(fd) != 0) {
    const int err = errno;
    if (fd >= 0) ::close(fd);
    return Unexpected(IoError("cannot sync to disk", path, err));
  }
  ::close(fd);
  return OkStatus();
}

Status WriteAll(const std::string& path, std::string_view contents, unsigned mode) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
  if (fd < 0) return Unexpected(IoError("cannot create", path, errno));
  // The umask may have taken bits away or (for 0644) not; the mode asked for is the mode kept.
  if (::fchmod(fd, static_cast<mode_t>(mode)) != 0) {
    const int err = errno;
    ::close(fd);
    return Unexpected(IoError("cannot set the mode of", path, err));
  }
  while (!contents.empty()) {
    const ssize_t n = ::write(fd, contents.data(), contents.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      const int err = n < 0 ? errno : EIO;
      ::close(fd);
      return Unexpected(IoError("writing failed:", path, err));
    }
    contents.remove_prefix(static_cast<size_t>(n));
  }
  if (::close(fd) != 0) return Unexpected(IoError("writing failed:", path, errno));
  return OkStatus();
}

}  // namespace

Status SyncFolder(const std::string& folder) { return SyncPath(folder, O_DIRECTORY); }

Status WriteFileAtomicallyWith(const std::string& path,
                               const std::function<Status(const std::string& temp_path)>& fill) {
  const fs::path target(path);
  if (target.filename().empty()) {
    return MakeError(ErrorCode::kInvalidArgument, fmt::format("{} names no file", path));
  }
  const fs::path folder = target.parent_path().empty() ? fs::path(".") : target.parent_path();
  if (std::error_code ec; !fs::is_directory(folder, ec)) {
    return MakeError(ErrorCode::kInvalidArgument,
                     fmt::format("cannot write {}: there is no folder {}", path, folder.string()));
  }
  // Unique per process and per call, so concurrent writers never share a temporary file.
  static std::atomic<uint64_t> counter{0};
  const std::string temp =
      (folder / fmt::format(".{}.tmp-{}-{}", target.filename().string(), ::getpid(),
                            counter.fetch_add(1, std::memory_order_relaxed)))
          .string();
  Status s = fill(temp);
  if (s) s = SyncPath(temp, 0);
  if (s) {
    std::error_code ec;
    fs::rename(temp, target, ec);
    if (!ec) {
      // The new file is in place; the folder's fsync makes the rename itself durable.
      return SyncFolder(folder.string());
    }
    s = MakeError(ErrorCode::kUnavailable, fmt::format("cannot write {}: {}", path, ec.message()));
  }
  std::error_code ignored;
  fs::remove(temp, ignored);
  return s;
}

Status WriteFileAtomically(const std::string& path, std::string_view contents, unsigned mode) {
  return WriteFileAtomicallyWith(
      path, [contents, mode](const std::string& temp) { return WriteAll(temp, contents, mode); });
}

}  // namespace goldthread
