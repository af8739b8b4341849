#include "adapters/cli/internal/private_files.h"

#include <spdlog/spdlog.h>
#include <sys/stat.h>

#include <filesystem>
#include <system_error>

namespace goldthread::adapters {

namespace fs = std::filesystem;

void RestrictNewFiles() { ::umask(077); }

void MakePrivate(const std::string& folder) {
  std::error_code ec;
  if (!fs::is_directory(folder, ec)) return;
  fs::permissions(folder, fs::perms::owner_all, fs::perm_options::replace, ec);
  if (ec) spdlog::warn("cannot make {} private (0700): {}", folder, ec.message());
  const auto shared = fs::perms::group_all | fs::perms::others_all;
  for (auto it = fs::recursive_directory_iterator(folder, ec);
       !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    std::error_code entry_ec;
    const auto status = it->symlink_status(entry_ec);
    if (entry_ec || fs::is_symlink(status)) continue;
    if ((status.permissions() & shared) == fs::perms::none) continue;
    fs::permissions(it->path(), shared, fs::perm_options::remove, entry_ec);
    if (entry_ec) spdlog::warn("cannot make {} private: {}", it->path().string(), entry_ec.message());
  }
}

}  // namespace goldthread::adapters
