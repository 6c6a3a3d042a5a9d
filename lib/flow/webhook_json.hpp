// SPDX-License-Identifier: Apache-2.0
#pragma once

// The JSON checks of a webhook request body: is it JSON, and what is the
// message key at a JSON pointer. On the I/O thread for every request of a
// route with validateJson or key=json:..., so it must be fast: simdjson
// decides (it validates UTF-8 too, several times nlohmann's speed). Valid
// JSON that simdjson refuses for its own limits (nesting deeper than 1024,
// integers beyond 64 bits) is decided by nlohmann/json, and a key is taken
// as nlohmann takes it (the last of duplicate names, its text of a number),
// so the switch changed no verdict and no key but one: nlohmann reads a NUL
// byte as the end of the input and accepted `{"id":1}<NUL>junk`.

#include <string>
#include <string_view>

namespace platform::flow::internal_webhook {

enum class BodyJson {
  kValid,     // JSON; the key, when asked for, was taken
  kInvalid,   // not JSON: 400
  kNoKey,     // JSON, but no string, number or boolean at the pointer: 400
};

/// Checks `body`; when `pointer` is not empty (an RFC 6901 pointer such as
/// "/id"), writes the value there to `key`: a string as it is, a number or
/// boolean as its JSON text. Thread-safe (a parser per thread).
BodyJson check_body_json(std::string_view body, std::string_view pointer, std::string& key);

/// The same decision with nlohmann/json only: the reference the fast path is
/// tested against.
BodyJson check_body_json_reference(std::string_view body, std::string_view pointer, std::string& key);

}  // namespace platform::flow::internal_webhook
