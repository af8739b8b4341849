// StaticAssets: GOV.UK Frontend's compiled CSS, JavaScript and images and goldthread's own,
// read once from a folder into memory and served under /assets/.
//
// Each file's URL carries its content hash (`/assets/goldthread.css?v=3f9a1c0b2d4e`), so it is
// served with a year-long, immutable cache lifetime: a new release changes the hash and the
// browser fetches the new file. Only files found at start are served; no path from a request
// ever reaches the file system.
//
// Threading: Load once; everything else from any thread.
#ifndef GOLDTHREAD_ADAPTERS_WEB_STATIC_ASSETS_H_
#define GOLDTHREAD_ADAPTERS_WEB_STATIC_ASSETS_H_

#include <map>
#include <memory>
#include <string>

#include "store/base/errors.h"

namespace goldthread::web {

struct Asset {
  std::string body;
  std::string content_type;
  std::string hash;  // first 12 hex digits of SHA-256
};

class StaticAssets {
 public:
  // Every file under `dir`, by its path relative to it ("images/favicon.ico").
  static Result<std::unique_ptr<StaticAssets>> Load(const std::string& dir);

  // "/assets/<path>?v=<hash>"; the bare "/assets/<path>" for a file not loaded.
  std::string Url(const std::string& path) const;
  // The file, or null.
  const Asset* Find(const std::string& path) const;

 private:
  std::map<std::string, Asset> files_;
};

}  // namespace goldthread::web

#endif  // GOLDTHREAD_ADAPTERS_WEB_STATIC_ASSETS_H_
