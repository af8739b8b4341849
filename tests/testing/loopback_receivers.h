// Loopback receivers for notification tests: a real SMTP server (Debian's python3-aiosmtpd,
// storing each message in a Maildir) and a small HTTP webhook receiver (Python's http.server,
// checking each request's HMAC signature itself), each run as a child process on a free
// loopback port; and ReceiverProcess, for running the real `goldthread` binary and killing it.
//
//   SmtpReceiver smtp;                        // GTEST_SKIP when aiosmtpd is not installed
//   ASSERT_TRUE(smtp.Start());
//   ... send to smtp://127.0.0.1:<smtp.port()> ...
//   std::vector<std::string> messages = smtp.Messages();
//
// Threading: one test thread. Each object kills its child in its destructor.
#ifndef GOLDTHREAD_TESTS_TESTING_LOOPBACK_RECEIVERS_H_
#define GOLDTHREAD_TESTS_TESTING_LOOPBACK_RECEIVERS_H_

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "tests/testing/temp_dir.h"

#include "tests/testing/child_process.h"  // FreeLoopbackPort

namespace goldthread::testing {

// Debian's interpreter (where python3-aiosmtpd is installed), not whatever is first on PATH.
inline constexpr char kSystemPython[] = "/usr/bin/python3";

// True when `/usr/bin/python3 -c "import <module>"` works.
bool PythonHasModule(const std::string& module);

// True once something accepts connections on 127.0.0.1:port, within `within`.
bool WaitForPort(uint16_t port, std::chrono::milliseconds within);

// A child process with its stdout and stderr in a file.
class ReceiverProcess {
 public:
  ReceiverProcess() = default;
  ~ReceiverProcess();
  ReceiverProcess(const ReceiverProcess&) = delete;
  ReceiverProcess& operator=(const ReceiverProcess&) = delete;

  // Starts argv[0] with `argv` (PATH is not searched); output goes to `log_path`.
  bool Start(const std::vector<std::string>& argv, const std::string& log_path);
  // Sends `signal` and waits for the child; returns its wait status (-1 when none ran).
  int Kill(int signal);
  // Waits up to `within` for the child to exit by itself; its wait status, or -1 on timeout.
  int WaitExit(std::chrono::milliseconds within);
  bool running() const { return pid_ > 0; }

 private:
  pid_t pid_ = -1;
};

// aiosmtpd on a free port, storing what it receives in a Maildir.
class SmtpReceiver {
 public:
  SmtpReceiver() = default;
  bool Start();
  uint16_t port() const { return port_; }
  // Every message received so far, as stored (headers and body).
  std::vector<std::string> Messages() const;

 private:
  TempDir dir_;
  uint16_t port_ = 0;
  ReceiverProcess process_;
};

// One request the webhook receiver took.
struct WebhookRequest {
  std::string delivery_id;    // X-Goldthread-Delivery
  std::string signature;      // X-Goldthread-Signature
  bool signature_ok = false;  // checked by the receiver with the secret
  std::string body;
};

// A Python HTTP server answering every POST with `status` after `delay`, recording each.
class WebhookReceiver {
 public:
  explicit WebhookReceiver(std::string secret, int status = 200,
                           std::chrono::milliseconds delay = std::chrono::milliseconds(0))
      : secret_(std::move(secret)), status_(status), delay_(delay) {}
  bool Start();
  uint16_t port() const { return port_; }
  std::string url() const;
  std::vector<WebhookRequest> Requests() const;

 private:
  TempDir dir_;
  std::string secret_;
  int status_;
  std::chrono::milliseconds delay_;
  uint16_t port_ = 0;
  ReceiverProcess process_;
};

}  // namespace goldthread::testing

#endif  // GOLDTHREAD_TESTS_TESTING_LOOPBACK_RECEIVERS_H_
