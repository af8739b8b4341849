#include "adapters/notify/internal/curl_transfer.h"

#include <mutex>

namespace goldthread::adapters::internal {

bool CurlList::Append(const std::string& item) {
  curl_slist* grown = curl_slist_append(list_, item.c_str());
  if (grown == nullptr) return false;
  list_ = grown;
  return true;
}

void CurlTransfer::GlobalInitOnce() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

Result<std::unique_ptr<CurlTransfer>> CurlTransfer::Start(std::chrono::seconds timeout) {
  GlobalInitOnce();
  CURL* curl = curl_easy_init();
  if (curl == nullptr)
    return MakeError(ErrorCode::kUnavailable, "libcurl could not start a transfer");
  std::unique_ptr<CurlTransfer> transfer(new CurlTransfer(curl));
  curl_easy_setopt(curl, CURLOPT_TIMEOUT, static_cast<long>(timeout.count()));
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, transfer->errors_);
  return transfer;
}

CurlTransfer::CurlTransfer(CURL* curl) : curl_(curl) {}

CurlTransfer::~CurlTransfer() { curl_easy_cleanup(curl_); }

std::optional<std::string> CurlTransfer::Perform() {
  errors_[0] = 0;
  const CURLcode result = curl_easy_perform(curl_);
  if (result == CURLE_OK) return std::nullopt;
  return errors_[0] != 0 ? std::string(errors_) : std::string(curl_easy_strerror(result));
}

long CurlTransfer::ResponseCode() const {
  long code = 0;
  curl_easy_getinfo(curl_, CURLINFO_RESPONSE_CODE, &code);
  return code;
}

Error DeliveryFailure(Retry retry, std::string what) {
  return Error{retry == Retry::kUseless ? ErrorCode::kFailedPrecondition : ErrorCode::kUnavailable,
               std::move(what), "", std::nullopt};
}

}  // namespace goldthread::adapters::internal
