// deploy/goldthread.env, the sample configuration, against the code: every GOLDTHREAD_*
// variable the sources read and every flag of `goldthread serve --help` must be described in
// it, and every variable it sets must be read by someone, so the sample cannot drift from the
// program. deploy/Containerfile must set the paths an installed binary cannot guess.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <string>

#include "tests/testing/child_process.h"

namespace goldthread::adapters {
namespace {

namespace fs = std::filesystem;

std::string ReadText(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  EXPECT_TRUE(in) << "cannot read " << path;
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

const fs::path kSource = GOLDTHREAD_SOURCE_DIR;

std::set<std::string> Matches(const std::string& text, const std::regex& re, int group = 1) {
  std::set<std::string> out;
  for (auto it = std::sregex_iterator(text.begin(), text.end(), re); it != std::sregex_iterator();
       ++it) {
    out.insert((*it)[group].str());
  }
  return out;
}

// GOLDTHREAD_* names passed to getenv or EnvOr in the program's sources (not the tests').
std::set<std::string> VariablesTheCodeReads() {
  const std::regex read(R"((?:getenv|EnvOr)\(\s*"(GOLDTHREAD_[A-Z0-9_]+)\")");
  std::set<std::string> out;
  for (const char* module : {"adapters", "engine", "store"}) {
    for (const auto& entry : fs::recursive_directory_iterator(kSource / module)) {
      const auto ext = entry.path().extension();
      if (ext != ".cc" && ext != ".h") continue;
      out.merge(Matches(ReadText(entry.path()), read));
    }
  }
  return out;
}

// The names the sample sets, active or commented out: lines "NAME=..." or "#NAME=...".
std::set<std::string> VariablesTheSampleSets(const std::string& sample) {
  return Matches(sample, std::regex(R"((?:^|\n)#?(GOLDTHREAD_[A-Z0-9_]+)=)"));
}

// The comment paragraph right above `NAME=` (or `#NAME=`) in the sample.
std::string DescriptionOf(const std::string& sample, const std::string& name) {
  std::istringstream lines(sample);
  std::string line, paragraph;
  while (std::getline(lines, line)) {
    if (line.rfind(name + "=", 0) == 0 || line.rfind("#" + name + "=", 0) == 0) return paragraph;
    paragraph = line.empty() ? "" : paragraph + line + "\n";
  }
  return "";
}

std::string Sample() { return ReadText(kSource / "deploy/goldthread.env"); }

TEST(SampleConfigTest, DescribesEveryVariableTheCodeReads) {
  const std::set<std::string> read = VariablesTheCodeReads();
  // The scan itself must work: these are read today.
  ASSERT_TRUE(read.contains("GOLDTHREAD_DATA_DIR")) << "the source scan found nothing";
  ASSERT_TRUE(read.contains("GOLDTHREAD_OPENAPI"));
  const std::string sample = Sample();
  const std::set<std::string> described = VariablesTheSampleSets(sample);
  for (const std::string& name : read) {
    EXPECT_TRUE(described.contains(name)) << name << " is read by the code but not in the sample";
    const std::string description = DescriptionOf(sample, name);
    EXPECT_NE(description.find("Default"), std::string::npos) << name << ": no default given";
    EXPECT_NE(description.find("Example"), std::string::npos) << name << ": no example given";
  }
}

TEST(SampleConfigTest, EveryVariableItSetsIsReadByTheCodeOrTheUnit) {
  const std::set<std::string> read = VariablesTheCodeReads();
  const std::string unit = ReadText(kSource / "deploy/goldthread.service");
  const std::string sample = Sample();
  for (const std::string& name : VariablesTheSampleSets(sample)) {
    const bool by_code = read.contains(name);
    const bool by_unit = unit.find("$" + name) != std::string::npos ||
                         unit.find("${" + name + "}") != std::string::npos;
    // Notification options are described ahead of their code, on its branch.
    const bool pending = DescriptionOf(sample, name).find("(notifications)") != std::string::npos;
    EXPECT_TRUE(by_code || by_unit || pending) << name << " is in the sample but nothing reads it";
  }
}

TEST(SampleConfigTest, DescribesEveryServeFlag) {
  const auto help = goldthread::testing::RunToCompletion(
      {goldthread::testing::GoldthreadBinary(), "serve", "--help"});
  ASSERT_EQ(help.exit_code, 0) << help.err;
  std::set<std::string> flags = Matches(help.out, std::regex(R"((?:^|\n|,)\s*(--[a-z][a-z-]*))"));
  flags.erase("--help");
  ASSERT_GE(flags.size(), 6u) << "too few flags parsed from:\n" << help.out;
  ASSERT_TRUE(flags.contains("--openapi"));
  const std::string sample = Sample();
  for (const std::string& flag : flags) {
    // As a word: "--workflow" must not be satisfied by "--workflows".
    EXPECT_TRUE(std::regex_search(sample, std::regex(flag + R"((?![a-z-]))")))
        << flag << " is a serve flag but not in the sample";
  }
}

TEST(SampleConfigTest, ContainerSetsThePathsAnInstalledBinaryCannotGuess) {
  const std::string containerfile = ReadText(kSource / "deploy/Containerfile");
  for (const char* setting : {"GOLDTHREAD_DATA_DIR=", "GOLDTHREAD_LISTEN=0.0.0.0:8080"}) {
    EXPECT_NE(containerfile.find(setting), std::string::npos) << "Containerfile lacks " << setting;
  }
  // It copies every folder the top-level CMakeLists.txt builds (tests are not built there).
  const std::string cmake = ReadText(kSource / "CMakeLists.txt");
  const std::set<std::string> built = Matches(cmake, std::regex(R"(add_subdirectory\((\w+)\))"));
  ASSERT_TRUE(built.contains("adapters")) << "no add_subdirectory found in CMakeLists.txt";
  for (const std::string& folder : built) {
    if (folder == "tests") continue;
    EXPECT_NE(containerfile.find("\nCOPY " + folder + " " + folder + "\n"), std::string::npos)
        << "the Containerfile's build stage does not copy " << folder << "/";
  }
  // The workflows and the API description need no setting: the runtime stage copies the
  // installed share/goldthread beside the binary (store/base/data_dir.h).
  EXPECT_NE(containerfile.find("/bin/goldthread /usr/local/bin/goldthread\n"), std::string::npos);
  EXPECT_NE(containerfile.find("/share/goldthread /usr/local/share/goldthread\n"),
            std::string::npos)
      << "the Containerfile does not copy share/goldthread beside the binary";
  EXPECT_NE(containerfile.find("COPY docs/openapi.json docs/openapi.json\n"), std::string::npos)
      << "the build stage does not copy docs/openapi.json, which the build installs";
}

}  // namespace
}  // namespace goldthread::adapters
