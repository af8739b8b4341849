// Standard base64 (RFC 4648 §4, with padding): the encoding of signed notes, checkpoints and
// proofs (store/tlog/).
//
//   Base64Encode("\x01\x02") == "AQI="
//   Base64Decode("AQI=")     -> "\x01\x02"; Base64Decode("AQI") -> kInvalidArgument
//
// Decoding is strict: only the standard alphabet, padding required, no whitespace, and the
// unused bits of the last character must be zero (so each byte string has one encoding, which
// a signature over text needs). Pure functions; thread-safe.
#ifndef GOLDTHREAD_STORE_BASE_BASE64_H_
#define GOLDTHREAD_STORE_BASE_BASE64_H_

#include <string>
#include <string_view>

#include "store/base/errors.h"

namespace goldthread {

std::string Base64Encode(std::string_view bytes);
// `field` names the input in the error ("root_hash", "signature").
Result<std::string> Base64Decode(std::string_view text, std::string_view field = "base64");

}  // namespace goldthread

#endif  // GOLDTHREAD_STORE_BASE_BASE64_H_
