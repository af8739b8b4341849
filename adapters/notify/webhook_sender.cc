#include "adapters/notify/webhook_sender.h"

#include <curl/curl.h>
#include <fmt/format.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <mutex>

#include "adapters/notify/secret_file.h"

namespace goldthread::adapters {

namespace {

void GlobalInitOnce() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

struct EasyDeleter {
  void operator()(CURL* c) const { curl_easy_cleanup(c); }
};
struct ListDeleter {
  void operator()(curl_slist* l) const { curl_slist_free_all(l); }
};

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
  for (unsigned int i = 0; i < length; ++i) out += fmt::format("{:02x}", mac[i]);
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
  GlobalInitOnce();
  return std::unique_ptr<WebhookSender>(new WebhookSender(std::move(options), std::move(*secret)));
}

WebhookSender::WebhookSender(WebhookOptions options, std::string secret)
    : options_(std::move(options)), secret_(std::move(secret)) {}

Status WebhookSender::Send(const engine::Notification& n) {
  std::unique_ptr<CURL, EasyDeleter> curl(curl_easy_init());
  if (!curl) return MakeError(ErrorCode::kUnavailable, "libcurl could not start a transfer");
  const std::string& body = n.message.json;
  curl_slist* list = nullptr;
  list = curl_slist_append(list, "Content-Type: application/json");
  list = curl_slist_append(list, fmt::format("X-Goldthread-Delivery: {}", n.delivery_id).c_str());
  list = curl_slist_append(
      list, fmt::format("X-Goldthread-Signature: {}", WebhookSignature(secret_, body)).c_str());
  list = curl_slist_append(list, "Expect:");  // no 100-continue round trip
  std::unique_ptr<curl_slist, ListDeleter> headers(list);
  std::string response;
  char errors[CURL_ERROR_SIZE] = {0};
  CURL* c = curl.get();
  curl_easy_setopt(c, CURLOPT_URL, options_.url.c_str());
  curl_easy_setopt(c, CURLOPT_POST, 1L);
  curl_easy_setopt(c, CURLOPT_POSTFIELDS, body.data());
  curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers.get());
  curl_easy_setopt(c, CURLOPT_USERAGENT, "goldthread");
  curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(c, CURLOPT_TIMEOUT, static_cast<long>(options_.timeout.count()));
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, &KeepSome);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &response);
  curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errors);
  const CURLcode result = curl_easy_perform(c);
  if (result != CURLE_OK) {
    return MakeError(ErrorCode::kUnavailable,
                     errors[0] != 0 ? std::string(errors) : curl_easy_strerror(result));
  }
  long status = 0;
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
  if (status >= 200 && status < 300) return OkStatus();
  const std::string what = response.empty() ? fmt::format("HTTP {}", status)
                                            : fmt::format("HTTP {}: {}", status, response);
  if (status == 408 || status == 429 || status >= 500) {
    return MakeError(ErrorCode::kUnavailable, what);
  }
  return MakeError(ErrorCode::kFailedPrecondition, what);
}

}  // namespace goldthread::adapters
