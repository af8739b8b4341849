#include "tests/testing/loopback_receivers.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

namespace goldthread::testing {

namespace fs = std::filesystem;

namespace {

std::string ReadFile(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// The webhook receiver: argv = folder, port, secret, status, delay in ms. Each request is
// written to <folder>/<n>.req as four parts split by "\n--\n": delivery id, signature,
// "ok"/"bad" (the HMAC check), body.
constexpr char kWebhookScript[] = R"PY(
import hashlib, hmac, http.server, os, sys, time
folder, port, secret, status, delay = sys.argv[1], int(sys.argv[2]), sys.argv[3].encode(), int(sys.argv[4]), int(sys.argv[5])
count = [0]
class Handler(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get('Content-Length', '0')))
        time.sleep(delay / 1000.0)
        sig = self.headers.get('X-Goldthread-Signature', '')
        want = 'sha256=' + hmac.new(secret, body, hashlib.sha256).hexdigest()
        ok = hmac.compare_digest(sig, want)
        count[0] += 1
        tmp = os.path.join(folder, '%06d.tmp' % count[0])
        with open(tmp, 'wb') as f:
            f.write(self.headers.get('X-Goldthread-Delivery', '').encode() + b'\n--\n' + sig.encode() + b'\n--\n' + (b'ok' if ok else b'bad') + b'\n--\n' + body)
        os.rename(tmp, tmp[:-4] + '.req')
        self.send_response(status)
        self.send_header('Content-Length', '0')
        self.end_headers()
    def log_message(self, *args):
        pass
http.server.HTTPServer(('127.0.0.1', port), Handler).serve_forever()
)PY";

}  // namespace

bool PythonHasModule(const std::string& module) {
  const std::string command =
      std::string(kSystemPython) + " -c 'import " + module + "' >/dev/null 2>&1";
  return std::system(command.c_str()) == 0;
}


bool WaitForPort(uint16_t port, std::chrono::milliseconds within) {
  const auto deadline = std::chrono::steady_clock::now() + within;
  while (std::chrono::steady_clock::now() < deadline) {
    const int fd = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = htons(port);
    const bool ok = connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
    close(fd);
    if (ok) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return false;
}

ReceiverProcess::~ReceiverProcess() { Kill(SIGKILL); }

bool ReceiverProcess::Start(const std::vector<std::string>& argv, const std::string& log_path) {
  std::vector<char*> args;
  for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  const pid_t pid = fork();
  if (pid < 0) return false;
  if (pid == 0) {
    const int fd = open(log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    if (fd >= 0) {
      dup2(fd, 1);
      dup2(fd, 2);
    }
    execv(args[0], args.data());
    _exit(127);
  }
  pid_ = pid;
  return true;
}

int ReceiverProcess::Kill(int signal) {
  if (pid_ <= 0) return -1;
  kill(pid_, signal);
  int status = 0;
  waitpid(pid_, &status, 0);
  pid_ = -1;
  return status;
}

int ReceiverProcess::WaitExit(std::chrono::milliseconds within) {
  if (pid_ <= 0) return -1;
  const auto deadline = std::chrono::steady_clock::now() + within;
  while (std::chrono::steady_clock::now() < deadline) {
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      return status;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return -1;
}

bool SmtpReceiver::Start() {
  port_ = FreeLoopbackPort();
  const std::string maildir = dir_.Sub("maildir");
  if (!process_.Start(
          {kSystemPython, "-m", "aiosmtpd", "-n", "-l", "127.0.0.1:" + std::to_string(port_), "-c",
           "aiosmtpd.handlers.Mailbox", maildir},
          dir_.Sub("smtpd.log"))) {
    return false;
  }
  return WaitForPort(port_, std::chrono::seconds(10));
}

std::vector<std::string> SmtpReceiver::Messages() const {
  std::vector<fs::path> files;
  const fs::path folder = dir_.path() / "maildir" / "new";
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(folder, ec)) files.push_back(entry.path());
  std::sort(files.begin(), files.end());
  std::vector<std::string> out;
  for (const auto& f : files) out.push_back(ReadFile(f));
  return out;
}

bool WebhookReceiver::Start() {
  port_ = FreeLoopbackPort();
  const std::string script = dir_.Sub("receiver.py");
  std::ofstream(script) << kWebhookScript;
  fs::create_directories(dir_.path() / "requests");
  if (!process_.Start({kSystemPython, script, dir_.Sub("requests"), std::to_string(port_), secret_,
                       std::to_string(status_), std::to_string(delay_.count())},
                      dir_.Sub("receiver.log"))) {
    return false;
  }
  return WaitForPort(port_, std::chrono::seconds(10));
}

std::string WebhookReceiver::url() const {
  return "http://127.0.0.1:" + std::to_string(port_) + "/goldthread";
}

std::vector<WebhookRequest> WebhookReceiver::Requests() const {
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(dir_.path() / "requests")) {
    if (entry.path().extension() == ".req") files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  std::vector<WebhookRequest> out;
  for (const auto& f : files) {
    const std::string all = ReadFile(f);
    std::vector<std::string> parts;
    size_t start = 0;
    for (int i = 0; i < 3; ++i) {
      const size_t at = all.find("\n--\n", start);
      if (at == std::string::npos) break;
      parts.push_back(all.substr(start, at - start));
      start = at + 4;
    }
    if (parts.size() != 3) continue;
    out.push_back({.delivery_id = parts[0],
                   .signature = parts[1],
                   .signature_ok = parts[2] == "ok",
                   .body = all.substr(start)});
  }
  return out;
}

}  // namespace goldthread::testing
