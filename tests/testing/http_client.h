// HttpClient: a small blocking HTTP/1.1 client over loopback for integration tests (Beast).
// One connection, reused for keep-alive; Request reconnects when the server has closed it.
// Every operation has a deadline (`timeout`, default 5 s), so a misbehaving server fails a
// test instead of hanging it.
//
//   HttpClient client(server->port());
//   ClientResponse r = client.Request("POST", "/echo", "{}");
//   EXPECT_EQ(r.status, 200u);
//
// Not thread-safe: one per test thread.
#ifndef GOLDTHREAD_TESTS_TESTING_HTTP_CLIENT_H_
#define GOLDTHREAD_TESTS_TESTING_HTTP_CLIENT_H_

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <string>

namespace goldthread::testing {

struct ClientResponse {
  unsigned status = 0;  // 0 when the connection failed or closed without a response
  std::string body;
  std::map<std::string, std::string> headers;  // lower-case names
  bool keep_alive = false;
};

class HttpClient {
 public:
  explicit HttpClient(uint16_t port, std::chrono::milliseconds timeout = std::chrono::seconds(5));
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  // Sends one request (Host and, with a body, Content-Type: application/json are added) and
  // reads its response.
  ClientResponse Request(const std::string& method, const std::string& target,
                         const std::string& body = {},
                         const std::map<std::string, std::string>& headers = {});
  ClientResponse Get(const std::string& target) { return Request("GET", target); }
  // On a new connection: sends raw bytes and reads one response (for malformed requests).
  ClientResponse Raw(const std::string& bytes);

  // Lower-level steps on the current connection, for slow or partial clients.
  // Opens a new connection; false when refused.
  bool Connect();
  // Sends bytes as they are (connecting first if needed); false on failure.
  bool Send(const std::string& bytes);
  // Reads one response (status 0 on failure or close).
  ClientResponse Read();
  // True when the server closes the connection (EOF or reset) within `within`; false when
  // it is still open then or sends data instead.
  bool ClosedByServer(std::chrono::milliseconds within);

  // Connections opened so far (a keep-alive client opens one).
  int connections_opened() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace goldthread::testing

#endif  // GOLDTHREAD_TESTS_TESTING_HTTP_CLIENT_H_
