// TempDir: a fresh, uniquely named folder under the system temp directory, removed with
// everything in it when the object goes out of scope. Not copyable; one owner.
#ifndef GOLDTHREAD_TESTS_TESTING_TEMP_DIR_H_
#define GOLDTHREAD_TESTS_TESTING_TEMP_DIR_H_

#include <filesystem>
#include <string>

namespace goldthread::testing {

class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::filesystem::path& path() const { return path_; }
  // A path inside the folder (not created).
  std::string Sub(const std::string& name) const { return (path_ / name).string(); }

 private:
  std::filesystem::path path_;
};

}  // namespace goldthread::testing

#endif  // GOLDTHREAD_TESTS_TESTING_TEMP_DIR_H_
