#include "tests/testing/http_client.h"

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

namespace goldthread::testing {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;

struct HttpClient::Impl {
  uint16_t port;
  net::io_context ioc;
  std::optional<beast::tcp_stream> stream;
  beast::flat_buffer buffer;

  bool Connect() {
    stream.emplace(ioc);
    beast::error_code ec;
    stream->socket().connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), port), ec);
    buffer.clear();
    if (ec) stream.reset();
    return !ec;
  }
  ClientResponse ReadResponse() {
    ClientResponse out;
    http::response_parser<http::string_body> parser;
    parser.body_limit(64 << 20);
    beast::error_code ec;
    http::read(*stream, buffer, parser, ec);
    if (ec) {
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
    if (!out.keep_alive) stream.reset();
    return out;
  }
};

HttpClient::HttpClient(uint16_t port) : impl_(std::make_unique<Impl>()) { impl_->port = port; }
HttpClient::~HttpClient() = default;

ClientResponse HttpClient::Request(const std::string& method, const std::string& target,
                                   const std::string& body,
                                   const std::map<std::string, std::string>& headers) {
  if (!impl_->stream && !impl_->Connect()) return {};
  http::request<http::string_body> req(http::string_to_verb(method), target, 11);
  req.set(http::field::host, "127.0.0.1");
  for (const auto& [k, v] : headers) req.set(k, v);
  if (!body.empty() && headers.find("Content-Type") == headers.end()) {
    req.set(http::field::content_type, "application/json");
  }
  req.body() = body;
  req.prepare_payload();
  beast::error_code ec;
  http::write(*impl_->stream, req, ec);
  if (ec) {
    // The server may have closed a keep-alive connection: try once on a fresh one.
    if (!impl_->Connect()) return {};
    http::write(*impl_->stream, req, ec);
    if (ec) return {};
  }
  return impl_->ReadResponse();
}

ClientResponse HttpClient::Raw(const std::string& bytes) {
  if (!impl_->Connect()) return {};
  beast::error_code ec;
  net::write(impl_->stream->socket(), net::buffer(bytes), ec);
  if (ec) return {};
  return impl_->ReadResponse();
}

}  // namespace goldthread::testing
