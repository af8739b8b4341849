#include "adapters/notify/smtp_sender.h"

#include <curl/curl.h>
#include <date/date.h>
#include <fmt/format.h>
#include <openssl/evp.h>

#include <algorithm>
#include <cstring>
#include <mutex>
#include <vector>

#include "adapters/notify/internal/curl_transfer.h"
#include "adapters/notify/secret_file.h"

namespace goldthread::adapters {

namespace {

using internal::CurlList;
using internal::CurlTransfer;
using internal::DeliveryFailure;
using internal::Retry;

bool NeedsEncoding(std::string_view s) {
  return std::any_of(s.begin(), s.end(), [](char c) {
    const auto u = static_cast<unsigned char>(c);
    return u < 0x20 || u >= 0x7f;
  });
}

// RFC 2047 encoded word for a header value that is not plain printable ASCII.
std::string HeaderText(std::string_view s) {
  if (!NeedsEncoding(s)) return std::string(s);
  std::string out(4 * ((s.size() + 2) / 3) + 1, '\0');
  const int n =
      EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                      reinterpret_cast<const unsigned char*>(s.data()), static_cast<int>(s.size()));
  out.resize(n);
  return fmt::format("=?UTF-8?B?{}?=", out);
}

// "Name <addr>" -> "addr"; "addr" -> "addr".
std::string BareAddress(std::string_view from) {
  const size_t open = from.rfind('<');
  const size_t close = from.rfind('>');
  if (open != std::string_view::npos && close != std::string_view::npos && close > open) {
    return std::string(from.substr(open + 1, close - open - 1));
  }
  return std::string(from);
}

bool LooksLikeAddress(std::string_view a) {
  const size_t at = a.find('@');
  return at != std::string_view::npos && at > 0 && at + 1 < a.size() &&
         a.find_first_of(" \t\r\n<>") == std::string_view::npos;
}

struct Upload {
  const std::string* data;
  size_t offset = 0;
};

size_t ReadUpload(char* buffer, size_t size, size_t count, void* user) {
  auto* upload = static_cast<Upload*>(user);
  const size_t n = std::min(size * count, upload->data->size() - upload->offset);
  std::memcpy(buffer, upload->data->data() + upload->offset, n);
  upload->offset += n;
  return n;
}

}  // namespace

Result<std::unique_ptr<SmtpSender>> SmtpSender::Create(SmtpOptions options) {
  const bool smtps = options.url.starts_with("smtps://");
  if (!smtps && !options.url.starts_with("smtp://")) {
    return InvalidField("smtp-url", fmt::format("--smtp-url must start with smtp:// or smtps:// "
                                                "(got \"{}\")",
                                                options.url));
  }
  const std::string host = options.url.substr(smtps ? 8 : 7);
  if (host.empty() || host.front() == ':' || host.front() == '/' ||
      host.find_first_of(" \t\r\n@") != std::string::npos) {
    return InvalidField("smtp-url",
                        fmt::format("--smtp-url has no usable host (got \"{}\")", options.url));
  }
  if (options.from.empty()) {
    return InvalidField("smtp-from", "--smtp-from is required with --smtp-url (the From address)");
  }
  const std::string from_address = BareAddress(options.from);
  if (!LooksLikeAddress(from_address)) {
    return InvalidField("smtp-from",
                        fmt::format("--smtp-from \"{}\" is not an e-mail address", options.from));
  }
  if (options.timeout.count() <= 0) {
    return InvalidField("smtp-timeout", "--smtp-timeout must be positive");
  }
  std::string password;
  if (!options.user.empty()) {
    auto read = ReadSecretFile(options.password_file, "smtp-password-file");
    if (!read) return Unexpected(read.error());
    password = std::move(*read);
  }
  if (options.clock == nullptr) options.clock = &SystemClock::Instance();
  CurlTransfer::GlobalInitOnce();
  return std::unique_ptr<SmtpSender>(
      new SmtpSender(std::move(options), std::move(password), from_address));
}

SmtpSender::SmtpSender(SmtpOptions options, std::string password, std::string from_address)
    : options_(std::move(options)),
      password_(std::move(password)),
      from_address_(std::move(from_address)) {}

std::string SmtpSender::Compose(const engine::Notification& n) const {
  const auto now = std::chrono::floor<std::chrono::seconds>(options_.clock->Now());
  std::string to =
      n.recipient_name.empty()
          ? fmt::format("<{}>", n.recipient)
          : fmt::format("{} <{}>",
                        NeedsEncoding(n.recipient_name) ? HeaderText(n.recipient_name)
                                                        : fmt::format("\"{}\"", n.recipient_name),
                        n.recipient);
  std::string out;
  out += fmt::format("Date: {}\r\n", date::format("%a, %d %b %Y %H:%M:%S +0000", now));
  out += fmt::format("From: {}\r\n", options_.from);
  out += fmt::format("To: {}\r\n", to);
  out += fmt::format("Subject: {}\r\n", HeaderText(n.message.subject));
  out += fmt::format("Message-ID: <{}@goldthread>\r\n", n.delivery_id);
  out += fmt::format("X-Goldthread-Delivery: {}\r\n", n.delivery_id);
  out += "MIME-Version: 1.0\r\n";
  out += "Content-Type: text/plain; charset=utf-8\r\n";
  out += "Content-Transfer-Encoding: 8bit\r\n";
  out += "\r\n";
  for (const char c : n.message.text) {
    if (c == '\n') {
      out += "\r\n";
    } else if (c != '\r') {
      out += c;
    }
  }
  return out;
}

Status SmtpSender::Send(const engine::Notification& n) {
  if (!LooksLikeAddress(n.recipient)) {
    return MakeError(ErrorCode::kFailedPrecondition,
                     fmt::format("\"{}\" is not an e-mail address", n.recipient));
  }
  auto transfer = CurlTransfer::Start(options_.timeout);
  if (!transfer) return Unexpected(transfer.error());
  const std::string message = Compose(n);
  Upload upload{.data = &message};
  CurlList recipients;
  if (!recipients.Append(n.recipient)) {
    return Unexpected(
        DeliveryFailure(Retry::kWorthwhile, "libcurl could not allocate the recipients"));
  }
  CURL* c = (*transfer)->handle();
  curl_easy_setopt(c, CURLOPT_URL, options_.url.c_str());
  if (options_.port != 0) curl_easy_setopt(c, CURLOPT_PORT, static_cast<long>(options_.port));
  curl_easy_setopt(c, CURLOPT_USE_SSL,
                   options_.require_starttls ? static_cast<long>(CURLUSESSL_ALL)
                                             : static_cast<long>(CURLUSESSL_TRY));
  if (!options_.user.empty()) {
    curl_easy_setopt(c, CURLOPT_USERNAME, options_.user.c_str());
    curl_easy_setopt(c, CURLOPT_PASSWORD, password_.c_str());
  }
  curl_easy_setopt(c, CURLOPT_MAIL_FROM, fmt::format("<{}>", from_address_).c_str());
  curl_easy_setopt(c, CURLOPT_MAIL_RCPT, recipients.get());
  curl_easy_setopt(c, CURLOPT_READFUNCTION, &ReadUpload);
  curl_easy_setopt(c, CURLOPT_READDATA, &upload);
  curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
  const std::optional<std::string> failure = (*transfer)->Perform();
  if (!failure) return OkStatus();
  const long code = (*transfer)->ResponseCode();
  const std::string what = fmt::format("SMTP {}: {}", code, *failure);
  // No such mailbox (or not allowed to send there): repeating cannot help.
  if (code == 550 || code == 551 || code == 553)
    return Unexpected(DeliveryFailure(Retry::kUseless, what));
  return Unexpected(DeliveryFailure(Retry::kWorthwhile, what));
}

}  // namespace goldthread::adapters
