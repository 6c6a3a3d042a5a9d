// SPDX-License-Identifier: Apache-2.0
#pragma once

// The Idempotency-Key memory: a retried request with a key that was accepted
// within the window gets the original answer instead of a second message.
// Bounded: at most max_keys entries, the oldest forgotten first. Thread-safe.

#include <chrono>
#include <cstdint>
#include <deque>
#include <mutex>
#include <string>
#include <unordered_map>

namespace platform::flow::internal_webhook {

class IdempotencyCache {
 public:
  using Clock = std::chrono::steady_clock;

  IdempotencyCache(std::chrono::milliseconds window, std::size_t max_keys) : window_(window), max_keys_(max_keys) {}

  enum class Verdict {
    kNew,       ///< first time: send it, then complete() or abandon()
    kReplay,    ///< accepted before: answer with `body`
    kInFlight,  ///< the same key is being sent right now: 409
    kMismatch,  ///< the key was used with another body: 422
  };
  struct Lookup {
    Verdict verdict = Verdict::kNew;
    std::string body;  ///< for kReplay: the original 202 body
  };

  /// `key` is route-qualified by the caller; `fingerprint` identifies the body.
  Lookup begin(const std::string& key, std::uint64_t fingerprint, Clock::time_point now = Clock::now());
  /// The message was accepted; remember the answer for the window.
  void complete(const std::string& key, std::string body, Clock::time_point now = Clock::now());
  /// The message was not accepted: forget the key so a retry is sent again.
  void abandon(const std::string& key);
  /// Entries held now.
  [[nodiscard]] std::size_t size() const;

 private:
  struct Entry {
    bool done = false;
    std::uint64_t fingerprint = 0;
    std::string body;
    Clock::time_point expires;
    std::uint64_t generation = 0;
  };
  void evict(Clock::time_point now);

  std::chrono::milliseconds window_;
  std::size_t max_keys_;
  mutable std::mutex mu_;
  std::unordered_map<std::string, Entry> entries_;
  // Completed keys in completion order (= expiry order, the window is fixed);
  // the generation tells a stale queue item from a re-used key.
  std::deque<std::pair<std::string, std::uint64_t>> order_;
  std::uint64_t next_generation_ = 1;
};

}  // namespace platform::flow::internal_webhook
