#pragma once

#include "actors/runtime.hpp"

#include <chrono>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

namespace llmops::http {

/// Who a valid API key speaks for.
struct caller {
  std::optional<std::string> tenant_id; ///< Unset: the operator role.
  std::string key_id;
};

struct auth_result {
  enum class outcome { valid, unknown, unavailable } state = outcome::unknown;
  caller who;
};

/// Checks presented API keys against the stored digests, through a reader connection, and
/// remembers answers for a while so that a busy client costs one query per key now and then.
/// A revocation takes effect at once on the node that made it and within positive_ttl on the
/// others. Thread-safe.
class authenticator {
public:
  explicit authenticator(actors::runtime& runtime) : runtime_(runtime) {}

  /// Calls done exactly once, possibly at once on this thread, else on a reader's thread.
  void authenticate(const std::string& key, std::function<void(auth_result&&)> done);

  /// Forgets every remembered answer about key_id (after revoking it here).
  void forget(const std::string& key_id);

private:
  struct entry {
    auth_result result;
    std::chrono::steady_clock::time_point until;
  };

  static constexpr std::chrono::seconds positive_ttl{30};
  static constexpr std::chrono::seconds negative_ttl{5};
  static constexpr std::size_t max_entries = 100'000; ///< Beyond, the memory starts afresh.

  actors::runtime& runtime_;
  std::mutex mutex_;
  std::unordered_map<std::string, entry> entries_; ///< By key digest.
};

} // namespace llmops::http
