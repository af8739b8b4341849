#include "tests/testing/http_client.h"

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <optional>
#include <sstream>

namespace goldthread::testing {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;

struct HttpClient::Impl {
  uint16_t port;
  std::chrono::milliseconds timeout;
  net::io_context ioc;
  std::optional<beast::tcp_stream> stream;
  beast::flat_buffer buffer;
  int opened = 0;

  // Runs the operations started on `stream` to completion; the stream's expiry bounds them.
  void RunAll() {
    ioc.restart();
    ioc.run();
  }

  bool Connect() {
    stream.emplace(ioc);
    buffer.clear();
    beast::error_code result;
    stream->expires_after(timeout);
    stream->async_connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), port),
                          [&](beast::error_code ec) { result = ec; });
    RunAll();
    if (result) {
      stream.reset();
      return false;
    }
    ++opened;
    return true;
  }

  bool Write(const std::string& bytes) {
    beast::error_code result;
    stream->expires_after(timeout);
    net::async_write(*stream, net::buffer(bytes),
                     [&](beast::error_code ec, size_t) { result = ec; });
    RunAll();
    return !result;
  }

  ClientResponse ReadResponse() {
    ClientResponse out;
    if (!stream) return out;
    http::response_parser<http::string_body> parser;
    parser.body_limit(64 << 20);
    beast::error_code result;
    stream->expires_after(timeout);
    http::async_read(*stream, buffer, parser, [&](beast::error_code ec, size_t) { result = ec; });
    RunAll();
    if (result) {
      stream.reset();
      return out;
    }
    auto res = parser.release();
    out.status = res.result_int();
    out.body = res.body();
    out.keep_alive = res.keep_alive();
    for (const auto& f : res) {
      std::string name(f.name_string());
      for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      out.headers[name] = std::string(f.value());
    }
    if (!out.keep_alive && out.status >= 200) stream.reset();
    return out;
  }
};

HttpClient::HttpClient(uint16_t port, std::chrono::milliseconds timeout)
    : impl_(std::make_unique<Impl>()) {
  impl_->port = port;
  impl_->timeout = timeout;
}
HttpClient::~HttpClient() = default;

ClientResponse HttpClient::Request(const std::string& method, const std::string& target,
                                   const std::string& body,
                                   const std::map<std::string, std::string>& headers) {
  http::request<http::string_body> req(http::string_to_verb(method), target, 11);
  if (req.method() == http::verb::unknown) req.method_string(method);
  req.set(http::field::host, "127.0.0.1");
  for (const auto& [k, v] : headers) req.set(k, v);
  if (!body.empty() && headers.find("Content-Type") == headers.end()) {
    req.set(http::field::content_type, "application/json");
  }
  req.body() = body;
  req.prepare_payload();
  std::ostringstream wire;
  wire << req;
  const bool reused = impl_->stream.has_value();
  if (!reused && !Connect()) return {};
  if (!impl_->Write(wire.str())) {
    // A fresh connection the server stopped reading (it answered early, e.g. 413 on the
    // declared length): its answer may be waiting.
    if (!reused) return impl_->ReadResponse();
    if (!Connect() || !impl_->Write(wire.str())) return {};
  }
  ClientResponse r = impl_->ReadResponse();
  if (r.status == 0 && reused) {
    // The server closed the idle keep-alive connection as we sent: once more on a new one.
    if (!Connect() || !impl_->Write(wire.str())) return {};
    r = impl_->ReadResponse();
  }
  return r;
}

ClientResponse HttpClient::Raw(const std::string& bytes) {
  if (!Connect() || !impl_->Write(bytes)) return {};
  return impl_->ReadResponse();
}

bool HttpClient::Connect() { return impl_->Connect(); }

bool HttpClient::Send(const std::string& bytes) {
  if (!impl_->stream && !Connect()) return false;
  return impl_->Write(bytes);
}

ClientResponse HttpClient::Read() { return impl_->ReadResponse(); }

bool HttpClient::ClosedByServer(std::chrono::milliseconds within) {
  if (!impl_->stream) return true;
  char byte;
  beast::error_code result;
  size_t got = 0;
  impl_->stream->expires_after(within);
  impl_->stream->async_read_some(net::buffer(&byte, 1), [&](beast::error_code ec, size_t n) {
    result = ec;
    got = n;
  });
  impl_->RunAll();
  const bool closed = result == net::error::eof || result == net::error::connection_reset;
  if (result || got > 0) impl_->stream.reset();
  return closed;
}

int HttpClient::connections_opened() const { return impl_->opened; }

}  // namespace goldthread::testing
