// HttpClient: a small blocking HTTP/1.1 client over loopback for integration tests (Beast,
// synchronous). One connection, reused for keep-alive; reconnects when the server closed it.
// Not thread-safe: one per test thread.
#ifndef GOLDTHREAD_TESTS_TESTING_HTTP_CLIENT_H_
#define GOLDTHREAD_TESTS_TESTING_HTTP_CLIENT_H_

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
  explicit HttpClient(uint16_t port);
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  ClientResponse Request(const std::string& method, const std::string& target,
                         const std::string& body = {},
                         const std::map<std::string, std::string>& headers = {});
  ClientResponse Get(const std::string& target) { return Request("GET", target); }
  // Sends raw bytes and returns what the server answered (for malformed requests).
  ClientResponse Raw(const std::string& bytes);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace goldthread::testing

#endif  // GOLDTHREAD_TESTS_TESTING_HTTP_CLIENT_H_
