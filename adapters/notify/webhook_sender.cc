#include "adapters/notify/webhook_sender.h"

#include <curl/curl.h>
#include <fmt/format.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <mutex>

#include "adapters/notify/internal/curl_transfer.h"
#include "adapters/notify/secret_file.h"
#include "store/base/hex.h"

namespace goldthread::adapters {

namespace {

using internal::CurlList;
using internal::CurlTransfer;
using internal::DeliveryFailure;
using internal::Retry;

// Keeps at most a little of the response body, for the error message.
size_t KeepSome(char* data, size_t size, size_t count, void* user) {
  auto* out = static_cast<std::string*>(user);
  const size_t n = size * count;
  if (out->size() < 200) out->append(data, std::min(n, 200 - out->size()));
  return n;
}

}  // namespace

std::string WebhookSignature(std::string_view secret, std::string_view body) {
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
       reinterpret_cast<const unsigned char*>(body.data()), body.size(), mac, &length);
  std::string out = "sha256=";
  out += HexEncode(mac, length);
  return out;
}

Result<std::unique_ptr<WebhookSender>> WebhookSender::Create(WebhookOptions options) {
  const bool https = options.url.starts_with("https://");
  if (!https && !options.url.starts_with("http://")) {
    return InvalidField(
        "webhook-url",
        fmt::format("--webhook-url must start with http:// or https:// (got \"{}\")", options.url));
  }
  const std::string rest = options.url.substr(https ? 8 : 7);
  if (rest.empty() || rest.front() == '/' || rest.front() == ':' ||
      rest.find_first_of(" \t\r\n") != std::string::npos) {
    return InvalidField("webhook-url",
                        fmt::format("--webhook-url has no usable host (got \"{}\")", options.url));
  }
  if (options.timeout.count() <= 0) {
    return InvalidField("webhook-timeout", "--webhook-timeout must be positive");
  }
  auto secret = ReadSecretFile(options.secret_file, "webhook-secret-file");
  if (!secret) return Unexpected(secret.error());
  CurlTransfer::GlobalInitOnce();
  return std::unique_ptr<WebhookSender>(new WebhookSender(std::move(options), std::move(*secret)));
}

WebhookSender::WebhookSender(WebhookOptions options, std::string secret)
    : options_(std::move(options)), secret_(std::move(secret)) {}

Status WebhookSender::Send(const engine::Notification& n) {
  auto transfer = CurlTransfer::Start(options_.timeout);
  if (!transfer) return Unexpected(transfer.error());
  const std::string& body = n.message.json;
  CurlList headers;
  const bool listed =
      headers.Append("Content-Type: application/json") &&
      headers.Append(fmt::format("X-Goldthread-Delivery: {}", n.delivery_id)) &&
      headers.Append(fmt::format("X-Goldthread-Signature: {}", WebhookSignature(secret_, body))) &&
      headers.Append("Expect:");  // no 100-continue round trip
  if (!listed)
    return Unexpected(
        DeliveryFailure(Retry::kWorthwhile, "libcurl could not allocate the headers"));
  std::string response;
  CURL* c = (*transfer)->handle();
  curl_easy_setopt(c, CURLOPT_URL, options_.url.c_str());
  curl_easy_setopt(c, CURLOPT_POST, 1L);
  curl_easy_setopt(c, CURLOPT_POSTFIELDS, body.data());
  curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers.get());
  curl_easy_setopt(c, CURLOPT_USERAGENT, "goldthread");
  curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, &KeepSome);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &response);
  if (auto failure = (*transfer)->Perform()) {
    return Unexpected(DeliveryFailure(Retry::kWorthwhile, *failure));
  }
  const long status = (*transfer)->ResponseCode();
  if (status >= 200 && status < 300) return OkStatus();
  const std::string what = response.empty() ? fmt::format("HTTP {}", status)
                                            : fmt::format("HTTP {}: {}", status, response);
  const bool busy = status == 408 || status == 429 || status >= 500;
  return Unexpected(DeliveryFailure(busy ? Retry::kWorthwhile : Retry::kUseless, what));
}

}  // namespace goldthread::adapters
