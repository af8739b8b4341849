// Issue 16 against the real `goldthread` binary: the data folder's permissions (defect 10) and
// idle connections locking everyone out (defect 11), on loopback only (127.0.0.0/8: the
// clients bind source addresses 127.0.0.2, 127.0.0.3, ... to act as different machines).
#include <arpa/inet.h>
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "tests/testing/child_process.h"
#include "tests/testing/temp_dir.h"

namespace goldthread::adapters {
namespace {

namespace fs = std::filesystem;
using goldthread::testing::ChildProcess;
using goldthread::testing::GoldthreadBinary;
using goldthread::testing::RunToCompletion;
using goldthread::testing::TempDir;

unsigned ModeOf(const fs::path& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return 07777;
  return st.st_mode & 0777;
}

// Every file and folder under `root` (and root) readable by its owner only.
std::vector<std::string> SharedEntries(const fs::path& root) {
  std::vector<std::string> out;
  if ((ModeOf(root) & 077) != 0) out.push_back(fmt::format("{} {:o}", root.string(), ModeOf(root)));
  for (const auto& e : fs::recursive_directory_iterator(root)) {
    if (e.is_symlink()) continue;
    if ((ModeOf(e.path()) & 077) != 0) {
      out.push_back(fmt::format("{} {:o}", e.path().string(), ModeOf(e.path())));
    }
  }
  return out;
}

// Defect 10: the store was created with the caller's umask (755/644 under 022).
TEST(Issue16ServeTest, FilesReadableByOthers) {
  TempDir dir;
  const mode_t old = ::umask(022);
  const std::string data = dir.Sub("store");
  auto init = RunToCompletion({GoldthreadBinary(), "init", "--data-dir", data, "--tenant", "t",
                               "--council-name", "Test Borough Council", "--admin-name", "Ada"});
  ASSERT_EQ(init.exit_code, 0) << init.err;
  auto token = RunToCompletion({GoldthreadBinary(), "token", "create", "--data-dir", data,
                                "--tenant", "t", "--person", "admin"});
  ASSERT_EQ(token.exit_code, 0) << token.err;
  EXPECT_EQ(ModeOf(data), 0700u);
  const auto shared = SharedEntries(data);
  EXPECT_TRUE(shared.empty()) << "readable by others: " << fmt::format("{}", fmt::join(shared, ", "));

  // A secret file readable by group or others stops serve, with a clear message.
  const std::string secret = dir.Sub("webhook.secret");
  std::ofstream(secret) << "s3cret\n";
  ASSERT_EQ(ModeOf(secret), 0644u);
  const uint16_t port = goldthread::testing::FreeLoopbackPort();
  auto refused = RunToCompletion(
      {GoldthreadBinary(), "serve", "--data-dir", data, "--tenant", "t", "--listen",
       fmt::format("127.0.0.1:{}", port), "--webhook-url", "http://127.0.0.1:9/hook",
       "--webhook-secret-file", secret},
      std::chrono::seconds(30));
  EXPECT_NE(refused.exit_code, 0);
  EXPECT_NE(refused.err.find("readable by others"), std::string::npos) << refused.err;
  EXPECT_NE(refused.err.find("chmod 600"), std::string::npos) << refused.err;
  EXPECT_EQ(refused.err.find("s3cret"), std::string::npos) << "the secret was shown";
  ::umask(old);
}

// A connection from `source` (a 127/8 address) to the server, or -1.
int ConnectFrom(const std::string& source, uint16_t port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return -1;
  sockaddr_in local{};
  local.sin_family = AF_INET;
  ::inet_pton(AF_INET, source.c_str(), &local.sin_addr);
  if (::bind(fd, reinterpret_cast<sockaddr*>(&local), sizeof(local)) != 0) {
    ::close(fd);
    return -1;
  }
  sockaddr_in remote{};
  remote.sin_family = AF_INET;
  remote.sin_port = htons(port);
  ::inet_pton(AF_INET, "127.0.0.1", &remote.sin_addr);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&remote), sizeof(remote)) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

// Sends a GET for `path` on `fd` and reads the status code (0 when closed or no answer in 5 s).
unsigned Get(int fd, const std::string& path) {
  const std::string request =
      fmt::format("GET {} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n", path);
  if (::send(fd, request.data(), request.size(), MSG_NOSIGNAL) < 0) return 0;
  std::string got;
  char buffer[4096];
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (got.find("\r\n") == std::string::npos && std::chrono::steady_clock::now() < deadline) {
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, 200) <= 0) continue;
    const ssize_t n = ::recv(fd, buffer, sizeof(buffer), 0);
    if (n <= 0) break;
    got.append(buffer, static_cast<size_t>(n));
  }
  if (got.rfind("HTTP/1.1 ", 0) != 0 || got.size() < 12) return 0;
  return static_cast<unsigned>(std::stoul(got.substr(9, 3)));
}

// Whether the server closed `fd` (EOF or reset) within `within`.
bool ClosedWithin(int fd, std::chrono::milliseconds within) {
  const auto deadline = std::chrono::steady_clock::now() + within;
  char buffer[4096];
  while (std::chrono::steady_clock::now() < deadline) {
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, 100) <= 0) continue;
    const ssize_t n = ::recv(fd, buffer, sizeof(buffer), 0);
    if (n <= 0) return true;
  }
  return false;
}

// Defect 11: 1,024 idle connections locked everyone out. Scaled down (--max-connections 64,
// --max-connections-per-address 8) so that the test holds few sockets.
TEST(Issue16ServeTest, IdleConnectionsLockEveryoneOut) {
  TempDir dir;
  const std::string data = dir.Sub("store");
  auto init = RunToCompletion({GoldthreadBinary(), "init", "--data-dir", data, "--tenant", "t",
                               "--council-name", "Test Borough Council", "--admin-name", "Ada"});
  ASSERT_EQ(init.exit_code, 0) << init.err;
  const uint16_t port = goldthread::testing::FreeLoopbackPort();
  ChildProcess serve({GoldthreadBinary(), "serve", "--data-dir", data, "--tenant", "t", "--listen",
                      fmt::format("127.0.0.1:{}", port), "--max-connections", "64",
                      "--max-connections-per-address", "8"});
  ASSERT_TRUE(serve.WaitForOutput("serving tenant", std::chrono::seconds(30))) << serve.Output();

  std::vector<int> held;
  auto hold = [&](const std::string& source, int count) {
    for (int i = 0; i < count; ++i) {
      const int fd = ConnectFrom(source, port);
      if (fd >= 0) held.push_back(fd);
    }
  };
  // One client opens 20 idle connections: only 8 are served, the rest are turned away...
  hold("127.0.0.2", 20);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  int turned_away = 0;
  for (size_t i = 8; i < held.size(); ++i) turned_away += ClosedWithin(held[i], std::chrono::seconds(3));
  EXPECT_GE(turned_away, 10) << "a single address held more than its share";
  // ...and another client is served.
  {
    const int fd = ConnectFrom("127.0.0.3", port);
    ASSERT_GE(fd, 0);
    EXPECT_EQ(Get(fd, "/api/v1/openapi.json"), 200u);
    ::close(fd);
  }
  // Many clients fill every connection but the reserve (64 - 16 = 48 served at once):
  // /healthz, /readyz and /metrics still answer; other paths are refused 503.
  for (size_t i = 8; i < held.size(); ++i) ::close(held[i]);
  held.resize(8);
  for (int a = 10; a < 15; ++a) hold(fmt::format("127.0.0.{}", a), 8);
  ASSERT_EQ(held.size(), 48u);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  for (const char* path : {"/healthz", "/readyz", "/metrics"}) {
    const int fd = ConnectFrom("127.0.0.40", port);
    ASSERT_GE(fd, 0);
    EXPECT_EQ(Get(fd, path), 200u) << path;
    ::close(fd);
  }
  {
    const int fd = ConnectFrom("127.0.0.41", port);
    ASSERT_GE(fd, 0);
    EXPECT_EQ(Get(fd, "/api/v1/openapi.json"), 503u) << "only the reserve is left";
    ::close(fd);
  }
  // Under pressure idle connections are closed soon (2 s), not after the 30 s read timeout.
  const auto start = std::chrono::steady_clock::now();
  EXPECT_TRUE(ClosedWithin(held.front(), std::chrono::seconds(10)))
      << "an idle connection stayed open under pressure";
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(10));
  for (int fd : held) ::close(fd);
  // With the idle connections gone, everyone is served again.
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  {
    const int fd = ConnectFrom("127.0.0.3", port);
    ASSERT_GE(fd, 0);
    EXPECT_EQ(Get(fd, "/api/v1/openapi.json"), 200u);
    ::close(fd);
  }
  serve.Signal(SIGTERM);
  EXPECT_EQ(serve.Wait(std::chrono::seconds(20)), 0) << serve.Output();
}

}  // namespace
}  // namespace goldthread::adapters
