#include "store/base/data_dir.h"

#include <cstdlib>
#include <filesystem>
#include <system_error>

namespace goldthread {

std::string DataDir() {
  if (const char* dir = std::getenv("GOLDTHREAD_SHARE_DIR"); dir != nullptr && *dir != '\0')
    return dir;
  std::error_code ec;
  const std::filesystem::path exe = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (ec || exe.empty()) return "share/goldthread";
  return (exe.parent_path() / ".." / "share" / "goldthread").lexically_normal().string();
}

std::string DataPath(std::string_view relative) {
  std::string path = DataDir();
  if (!path.empty() && path.back() != '/') path += '/';
  path += relative;
  return path;
}

}  // namespace goldthread
