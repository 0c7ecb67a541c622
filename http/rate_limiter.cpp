#include "http/rate_limiter.hpp"

#include <algorithm>

namespace llmops::http {

std::optional<double> rate_limiter::acquire(const std::string& key, clock::time_point now) {
  std::lock_guard lock(mutex_);
  if (buckets_.size() > sweep_threshold)
    sweep(now);
  auto [it, added] = buckets_.try_emplace(key, bucket{burst_, now});
  bucket& b = it->second;

  // Refill for the time since the last look, up to the burst.
  const double elapsed = std::chrono::duration<double>(now - b.refilled).count();
  b.tokens = std::min(burst_, b.tokens + std::max(0.0, elapsed) * per_second_);
  b.refilled = std::max(b.refilled, now);
  if (b.tokens >= 1.0) {
    b.tokens -= 1.0;
    return std::nullopt;
  }
  return (1.0 - b.tokens) / per_second_;
}

void rate_limiter::sweep(clock::time_point now) {
  for (auto it = buckets_.begin(); it != buckets_.end();) {
    const double elapsed = std::chrono::duration<double>(now - it->second.refilled).count();
    if (it->second.tokens + elapsed * per_second_ >= burst_)
      it = buckets_.erase(it);
    else
      ++it;
  }
}

} // namespace llmops::http
