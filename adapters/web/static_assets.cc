#include "adapters/web/static_assets.h"

#include <fmt/format.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "store/base/sha256.h"

namespace goldthread::web {

namespace fs = std::filesystem;

namespace {
std::string ContentType(const fs::path& p) {
  const std::string ext = p.extension().string();
  if (ext == ".css") return "text/css; charset=utf-8";
  if (ext == ".js" || ext == ".mjs") return "text/javascript; charset=utf-8";
  if (ext == ".svg") return "image/svg+xml";
  if (ext == ".png") return "image/png";
  if (ext == ".ico") return "image/x-icon";
  if (ext == ".woff2") return "font/woff2";
  if (ext == ".woff") return "font/woff";
  if (ext == ".json") return "application/json";
  if (ext == ".map") return "application/json";
  return "application/octet-stream";
}
}  // namespace

Result<std::unique_ptr<StaticAssets>> StaticAssets::Load(const std::string& dir) {
  auto assets = std::unique_ptr<StaticAssets>(new StaticAssets());
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(dir, ec); !ec && it != fs::end(it);
       it.increment(ec)) {
    if (!it->is_regular_file()) continue;
    std::ifstream in(it->path(), std::ios::binary);
    std::stringstream body;
    body << in.rdbuf();
    Asset a{.body = body.str(), .content_type = ContentType(it->path())};
    a.hash = Sha256Hex(a.body).substr(0, 12);
    assets->files_[fs::relative(it->path(), dir).generic_string()] = std::move(a);
  }
  if (assets->files_.empty()) {
    return MakeError(ErrorCode::kNotFound,
                     fmt::format("no web assets in {} (the build copies them there)", dir));
  }
  return assets;
}

std::string StaticAssets::Url(const std::string& path) const {
  const Asset* a = Find(path);
  return a == nullptr ? "/assets/" + path : fmt::format("/assets/{}?v={}", path, a->hash);
}

const Asset* StaticAssets::Find(const std::string& path) const {
  auto it = files_.find(path);
  return it == files_.end() ? nullptr : &it->second;
}

}  // namespace goldthread::web
