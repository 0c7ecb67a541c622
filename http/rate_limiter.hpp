#pragma once

#include <chrono>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

namespace llmops::http {

/// Token buckets per key (a tenant): each holds up to burst tokens and refills at per_second.
/// Thread-safe.
class rate_limiter {
public:
  using clock = std::chrono::steady_clock;

  rate_limiter(double per_second, double burst) : per_second_(per_second), burst_(burst) {}

  /// Takes one token of key's bucket. Returns nullopt when allowed, else the seconds until a
  /// token will be there.
  std::optional<double> acquire(const std::string& key, clock::time_point now = clock::now());

private:
  struct bucket {
    double tokens;
    clock::time_point refilled;
  };

  // Past this many buckets, the full ones (idle tenants) are dropped: they would start full.
  static constexpr std::size_t sweep_threshold = 100'000;

  void sweep(clock::time_point now);

  double per_second_;
  double burst_;
  std::mutex mutex_;
  std::unordered_map<std::string, bucket> buckets_;
};

} // namespace llmops::http
