// SPDX-License-Identifier: Apache-2.0
#include "flow/webhook_idempotency.hpp"

namespace platform::flow::internal_webhook {

IdempotencyCache::Lookup IdempotencyCache::begin(const std::string& key, std::uint64_t fingerprint,
                                                 Clock::time_point now) {
  std::lock_guard lock(mu_);
  evict(now);
  auto [it, inserted] = entries_.try_emplace(key);
  Entry& e = it->second;
  if (inserted) {
    e.fingerprint = fingerprint;
    return {};
  }
  if (e.fingerprint != fingerprint) return {Verdict::kMismatch, {}};
  if (!e.done) return {Verdict::kInFlight, {}};
  return {Verdict::kReplay, e.body};
}

void IdempotencyCache::complete(const std::string& key, std::string body, Clock::time_point now) {
  std::lock_guard lock(mu_);
  auto it = entries_.find(key);
  if (it == entries_.end()) return;
  Entry& e = it->second;
  e.done = true;
  e.body = std::move(body);
  e.expires = now + window_;
  e.generation = next_generation_++;
  order_.emplace_back(key, e.generation);
  evict(now);
}

void IdempotencyCache::abandon(const std::string& key) {
  std::lock_guard lock(mu_);
  auto it = entries_.find(key);
  if (it != entries_.end() && !it->second.done) entries_.erase(it);
}

std::size_t IdempotencyCache::size() const {
  std::lock_guard lock(mu_);
  return entries_.size();
}

void IdempotencyCache::evict(Clock::time_point now) {
  while (!order_.empty()) {
    auto& [key, generation] = order_.front();
    auto it = entries_.find(key);
    bool stale = it == entries_.end() || it->second.generation != generation;
    if (!stale && it->second.expires > now && order_.size() <= max_keys_) break;
    if (!stale) entries_.erase(it);
    order_.pop_front();
  }
}

}  // namespace platform::flow::internal_webhook
