// CurlTransfer: the one place the notification senders (SMTP, webhooks) use libcurl — a handle
// for one transfer, owned and cleaned up with it, set up the same way for both (a timeout, no
// signals, an error buffer), and its failure turned into one message.
//
//   auto transfer = CurlTransfer::Start(options_.timeout);
//   if (!transfer) return Unexpected(transfer.error());
//   curl_easy_setopt((*transfer)->handle(), CURLOPT_URL, url.c_str());
//   if (auto failure = (*transfer)->Perform()) return MakeError(kUnavailable, *failure);
//   long status = (*transfer)->ResponseCode();
//
// Private to adapters/notify. Threading: a CurlTransfer belongs to the thread that started it;
// different transfers may run on different threads at once (libcurl is initialised once, before
// the first, by Start).
#ifndef GOLDTHREAD_ADAPTERS_NOTIFY_INTERNAL_CURL_TRANSFER_H_
#define GOLDTHREAD_ADAPTERS_NOTIFY_INTERNAL_CURL_TRANSFER_H_

#include <curl/curl.h>

#include <chrono>
#include <memory>
#include <optional>
#include <string>

#include "store/base/errors.h"

namespace goldthread::adapters::internal {

// A curl_slist (recipients, headers), freed with its owner.
class CurlList {
 public:
  CurlList() = default;
  CurlList(const CurlList&) = delete;
  CurlList& operator=(const CurlList&) = delete;
  ~CurlList() { curl_slist_free_all(list_); }
  // Adds a copy of `item`. Returns false when libcurl could not allocate it.
  [[nodiscard]] bool Append(const std::string& item);
  curl_slist* get() const { return list_; }

 private:
  curl_slist* list_ = nullptr;
};

class CurlTransfer {
 public:
  // Initialises libcurl once per process (curl_global_init is not thread-safe; this is).
  static void GlobalInitOnce();

  // A new easy handle with CURLOPT_TIMEOUT `timeout`, CURLOPT_NOSIGNAL (safe off the main
  // thread) and an error buffer. kUnavailable when libcurl cannot start a transfer.
  static Result<std::unique_ptr<CurlTransfer>> Start(std::chrono::seconds timeout);

  CurlTransfer(const CurlTransfer&) = delete;
  CurlTransfer& operator=(const CurlTransfer&) = delete;
  ~CurlTransfer();

  // For the caller's own options. Owned by this object; valid until it is destroyed.
  CURL* handle() const { return curl_; }

  // Runs the transfer. nullopt on success; otherwise what went wrong, in libcurl's words (its
  // error buffer, or the description of its result code).
  [[nodiscard]] std::optional<std::string> Perform();

  // The server's last response code (an SMTP reply code, an HTTP status); 0 when none came.
  long ResponseCode() const;

 private:
  explicit CurlTransfer(CURL* curl);
  CURL* curl_;
  char errors_[CURL_ERROR_SIZE] = {0};
};

// A failed delivery as the outbox reads it: kFailedPrecondition when repeating cannot help (a
// refused mailbox, an HTTP 4xx: given up), kUnavailable otherwise (a transport failure, a busy
// server: retried).
enum class Retry { kUseless, kWorthwhile };
Error DeliveryFailure(Retry retry, std::string what);

}  // namespace goldthread::adapters::internal

#endif  // GOLDTHREAD_ADAPTERS_NOTIFY_INTERNAL_CURL_TRANSFER_H_
