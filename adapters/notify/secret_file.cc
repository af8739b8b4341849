#include "adapters/notify/secret_file.h"

#include <fmt/format.h>

#include <sys/stat.h>

#include <fstream>
#include <sstream>

namespace goldthread::adapters {

Result<std::string> ReadSecretFile(const std::string& path, const std::string& field) {
  if (path.empty()) return InvalidField(field, fmt::format("--{} is required", field));
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return InvalidField(field, fmt::format("cannot read the {} {}", field, path));
  }
  std::stringstream buffer;
  buffer << in.rdbuf();
  std::string secret = buffer.str();
  while (!secret.empty() && (secret.back() == '\n' || secret.back() == '\r')) secret.pop_back();
  if (secret.empty()) return InvalidField(field, fmt::format("the {} {} is empty", field, path));
  return secret;
}

Status CheckSecretFileIsPrivate(const std::string& path, const std::string& field) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    return InvalidField(field, fmt::format("cannot read the {} {}", field, path));
  }
  const unsigned mode = st.st_mode & 0777;
  if ((mode & 077) != 0) {
    return InvalidField(field, fmt::format("the {} {} is readable by others than its owner "
                                           "(mode {:04o}); run `chmod 600 {}` and start again",
                                           field, path, mode, path));
  }
  return OkStatus();
}

}  // namespace goldthread::adapters
