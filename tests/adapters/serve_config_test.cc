// `goldthread serve` configured the way an installation configures it (deploy/goldthread.env,
// deploy/Containerfile): by environment variables only, with workflows/, its calendar and
// openapi.json copied away from the source tree.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <csignal>
#include <filesystem>
#include <fstream>
#include <string>

#include "tests/testing/child_process.h"
#include "tests/testing/http_client.h"
#include "tests/testing/temp_dir.h"

namespace goldthread::adapters {
namespace {

namespace fs = std::filesystem;
using goldthread::testing::ChildProcess;
using goldthread::testing::GoldthreadBinary;
using goldthread::testing::HttpClient;
using goldthread::testing::TempDir;

// An installed layout: <share>/workflows (with calendars/) and <share>/openapi.json, the
// latter with content of its own so that a test can tell it from the source tree's.
class InstalledLayout {
 public:
  explicit InstalledLayout(bool with_calendar = true) {
    fs::copy(fs::path(GOLDTHREAD_SOURCE_DIR) / "workflows", workflows(),
             fs::copy_options::recursive);
    if (!with_calendar) fs::remove_all(fs::path(workflows()) / "calendars");
    std::ofstream(openapi()) << openapi_body();
  }
  std::string workflows() const { return dir_.Sub("workflows"); }
  std::string openapi() const { return dir_.Sub("openapi.json"); }
  std::string data() const { return dir_.Sub("data"); }
  static std::string openapi_body() {
    return R"({"openapi":"3.1.0","info":{"title":"the installed copy","version":"1"}})";
  }

 private:
  TempDir dir_;
};

std::vector<std::string> EnvFor(const InstalledLayout& layout, uint16_t port) {
  return {"GOLDTHREAD_DATA_DIR=" + layout.data(),
          fmt::format("GOLDTHREAD_LISTEN=127.0.0.1:{}", port),
          "GOLDTHREAD_WORKFLOWS=" + layout.workflows(), "GOLDTHREAD_OPENAPI=" + layout.openapi(),
          "GOLDTHREAD_TENANT=installed"};
}

TEST(ServeConfigTest, RunsFromEnvironmentVariablesAloneAndServesTheConfiguredOpenApi) {
  InstalledLayout layout;
  const uint16_t port = goldthread::testing::FreeLoopbackPort();
  ChildProcess serve({GoldthreadBinary(), "serve"}, EnvFor(layout, port));
  ASSERT_TRUE(serve.WaitForOutput("serving tenant installed", std::chrono::seconds(30)))
      << serve.Output();
  EXPECT_TRUE(fs::exists(fs::path(layout.data()) / "CURRENT")) << "the store is in DATA_DIR";

  HttpClient client(port, std::chrono::seconds(10));
  EXPECT_EQ(client.Get("/healthz").status, 200u);
  const auto openapi = client.Get("/api/v1/openapi.json");
  EXPECT_EQ(openapi.status, 200u);
  EXPECT_EQ(openapi.body, InstalledLayout::openapi_body());

  serve.Signal(SIGTERM);
  EXPECT_EQ(serve.Wait(std::chrono::seconds(20)), 0) << serve.Output();
}

TEST(ServeConfigTest, FlagWinsOverTheEnvironmentForOpenApi) {
  InstalledLayout layout;
  TempDir other;
  const std::string flag_path = other.Sub("flag.json");
  std::ofstream(flag_path) << R"({"from":"the flag"})";
  const uint16_t port = goldthread::testing::FreeLoopbackPort();
  ChildProcess serve({GoldthreadBinary(), "serve", "--openapi", flag_path}, EnvFor(layout, port));
  ASSERT_TRUE(serve.WaitForOutput("serving tenant", std::chrono::seconds(30))) << serve.Output();
  HttpClient client(port, std::chrono::seconds(10));
  EXPECT_EQ(client.Get("/api/v1/openapi.json").body, R"({"from":"the flag"})");
  serve.Signal(SIGTERM);
  EXPECT_EQ(serve.Wait(std::chrono::seconds(20)), 0) << serve.Output();
}

TEST(ServeConfigTest, UnreadableOpenApiPathIsAUsageErrorNamingThePath) {
  InstalledLayout layout;
  const std::string missing = layout.openapi() + ".missing";
  ChildProcess serve({GoldthreadBinary(), "serve", "--openapi", missing},
                     EnvFor(layout, goldthread::testing::FreeLoopbackPort()));
  EXPECT_EQ(serve.Wait(std::chrono::seconds(20)), 2) << serve.Output();
  EXPECT_NE(serve.Output().find(missing), std::string::npos) << serve.Output();
  EXPECT_FALSE(fs::exists(layout.data())) << "nothing is created before the check";
}

TEST(ServeConfigTest, CalendarIsTakenFromTheWorkflowsFolder) {
  // A workflows folder without calendars/ must not fall back to the source tree's calendar:
  // an installation's copy (which may hold a one-off bank holiday) is the one that counts.
  InstalledLayout layout(/*with_calendar=*/false);
  ChildProcess serve({GoldthreadBinary(), "serve"},
                     EnvFor(layout, goldthread::testing::FreeLoopbackPort()));
  EXPECT_EQ(serve.Wait(std::chrono::seconds(20)), 3) << serve.Output();
  const std::string expected =
      (fs::path(layout.workflows()) / "calendars/england-and-wales-bank-holidays.txt").string();
  EXPECT_NE(serve.Output().find(expected), std::string::npos) << serve.Output();
}

}  // namespace
}  // namespace goldthread::adapters
