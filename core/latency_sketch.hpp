#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace llmops::core {

/// Latency bins on a logarithmic scale: bin i > 0 holds the latencies in (g^(i-2), g^(i-1)]
/// microseconds with g = (1 + a) / (1 - a), bin 0 holds zero. Any latency is then known to
/// within a relative error of a = relative_accuracy, whatever its size, and two sets of bins
/// add up exactly: the sketch of a union is the sum of the sketches (mergeable across time
/// buckets and nodes).
namespace latency_scale {

/// The relative error of a value read back from its bin. Half of what the metrics promise
/// (1%), leaving room for the interpolation between neighbouring ranks.
constexpr double relative_accuracy = 0.005;

/// Bins needed for 0 to 24 hours in microseconds, the largest latency accepted.
constexpr std::size_t bin_count = 2560;

std::uint16_t bin_of(std::int64_t latency_us);

/// The value reported for a bin: the middle of its range in relative terms, clamped to the
/// whole microseconds it can hold.
double value_of(std::uint16_t bin);

} // namespace latency_scale

/// The bins of one time bucket: sparse, sorted by bin. Small because most buckets hold few
/// distinct latencies. Counts are per bucket, so 32 bits hold any one bucket's.
class latency_bins {
public:
  void add(std::int64_t latency_us);
  void add(const latency_bins& other);

  const std::vector<std::pair<std::uint16_t, std::uint32_t>>& bins() const { return bins_; }

  /// Appends a compact encoding to out; decode reads it back from the front of in.
  void encode(std::string& out) const;
  bool decode(std::string_view& in);

  std::size_t memory_bytes() const { return bins_.capacity() * sizeof(bins_[0]); }

  bool operator==(const latency_bins& other) const { return bins_ == other.bins_; }

private:
  std::vector<std::pair<std::uint16_t, std::uint32_t>> bins_;
};

/// Bins summed over many buckets while answering a question: sparse while small, dense
/// once it holds many bins, so that merging stays linear in what is added.
class latency_histogram {
public:
  void add(const latency_bins& bins);
  void add(const latency_histogram& other);

  std::int64_t count() const { return count_; }

  /// The q-quantile (0 <= q <= 1) in milliseconds, interpolated between neighbouring ranks
  /// as PostgreSQL's percentile_cont does; nullopt when empty.
  std::optional<double> quantile_ms(double q) const;

private:
  static constexpr std::size_t dense_from = 256;

  void add_bin(std::uint16_t bin, std::int64_t count);
  void make_dense();

  // The value of the rank-th smallest latency (0-based), in microseconds.
  double value_at(std::int64_t rank) const;

  std::vector<std::pair<std::uint16_t, std::int64_t>> sparse_; ///< Sorted by bin.
  std::vector<std::int64_t> dense_;                            ///< bin_count long, or empty.
  std::int64_t count_ = 0;
};

/// The percentiles every metrics answer reports.
constexpr double reported_percentiles[] = {0.5, 0.9, 0.95, 0.99};
constexpr const char* reported_percentile_names[] = {"p50", "p90", "p95", "p99"};

} // namespace llmops::core
