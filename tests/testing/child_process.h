// ChildProcess: runs a program (usually the `goldthread` binary) with its stdout and stderr
// captured in a file, for tests that drive the real executable: start it, wait for a line,
// signal it, reap it. The destructor SIGKILLs and reaps a child still running, so a failed
// assertion never leaves a server behind.
//
//   ChildProcess serve({GoldthreadBinary(), "serve", "--data-dir", dir, "--listen", addr});
//   ASSERT_TRUE(serve.WaitForOutput("serving", std::chrono::seconds(10))) << serve.Output();
//   serve.Signal(SIGTERM);
//   EXPECT_EQ(serve.Wait(std::chrono::seconds(10)), 0);
//
// Also: RunToCompletion for one-shot commands, FreeLoopbackPort, GoldthreadBinary.
// Threading: one test thread per object.
#ifndef GOLDTHREAD_TESTS_TESTING_CHILD_PROCESS_H_
#define GOLDTHREAD_TESTS_TESTING_CHILD_PROCESS_H_

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace goldthread::testing {

class ChildProcess {
 public:
  // Starts `argv[0]` with `argv`, output (stdout and stderr) appended to a temporary file.
  // `env` entries ("NAME=value") are added to the test's environment.
  explicit ChildProcess(std::vector<std::string> argv, std::vector<std::string> env = {});
  ~ChildProcess();
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  bool started() const { return pid_ > 0; }
  pid_t pid() const { return pid_; }
  // Everything written so far.
  std::string Output() const;
  // Waits until the output contains `text`; false on timeout or when the child exits first.
  bool WaitForOutput(const std::string& text, std::chrono::milliseconds timeout);
  void Signal(int signal);
  // Waits for the child to exit; its exit code (128 + signal when killed), or nullopt on
  // timeout (the child is left running).
  std::optional<int> Wait(std::chrono::milliseconds timeout);

 private:
  pid_t pid_ = -1;
  std::string output_path_;
  std::optional<int> exit_code_;
};

struct Completed {
  int exit_code = -1;
  std::string out;  // stdout
  std::string err;  // stderr
};
// Runs a command to completion (at most `timeout`; killed after it).
Completed RunToCompletion(std::vector<std::string> argv,
                          std::chrono::milliseconds timeout = std::chrono::seconds(120));

// A loopback port free at the moment of asking (bound to port 0, then released).
uint16_t FreeLoopbackPort();

// The `goldthread` executable built beside the tests (GOLDTHREAD_CLI, set by CMake).
std::string GoldthreadBinary();

}  // namespace goldthread::testing

#endif  // GOLDTHREAD_TESTS_TESTING_CHILD_PROCESS_H_
