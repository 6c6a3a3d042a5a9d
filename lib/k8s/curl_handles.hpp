// SPDX-License-Identifier: Apache-2.0
#pragma once

// The only owners of libcurl handles: no other file calls curl_*_cleanup or
// curl_slist_free_all.

#include <memory>

#include <curl/curl.h>

#include "platform/status.hpp"

namespace platform::internal {

struct CurlEasyDeleter {
  void operator()(CURL* h) const noexcept { curl_easy_cleanup(h); }
};
struct CurlSlistDeleter {
  void operator()(curl_slist* l) const noexcept { curl_slist_free_all(l); }
};

using CurlEasy = std::unique_ptr<CURL, CurlEasyDeleter>;
using CurlSlist = std::unique_ptr<curl_slist, CurlSlistDeleter>;

/// Appends to a list owned by `list` (curl_slist_append returns the new head,
/// or nullptr and leaves the old list intact on failure).
inline bool append(CurlSlist& list, const char* line) {
  curl_slist* head = curl_slist_append(list.get(), line);
  if (head == nullptr) return false;
  list.release();
  list.reset(head);
  return true;
}

/// The one converter of libcurl errors. `detail` is libcurl's error buffer
/// (never holds request headers, so no token).
Status to_status(CURLcode code, const char* detail, const std::string& server);

}  // namespace platform::internal
