#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <iterator>
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

/// The bins of several keys (a bucket's models) in one vector sorted by key, then bin: one
/// allocation however many keys, read in one sweep. Each key's bins encode as latency_bins.
class keyed_latency_bins {
public:
  struct entry {
    std::uint32_t key = 0;
    std::uint16_t bin = 0;
    std::uint32_t count = 0;
  };

  void add(std::uint32_t key, std::int64_t latency_us);
  void add(const keyed_latency_bins& other);

  const std::vector<entry>& entries() const { return entries_; }

  /// The bins of key, in the encoding of latency_bins; decode adds them (key must have none).
  void encode(std::string& out, std::uint32_t key) const;
  bool decode(std::string_view& in, std::uint32_t key);

private:
  std::vector<entry> entries_;
};

/// The percentiles every metrics answer reports.
constexpr double reported_percentiles[] = {0.5, 0.9, 0.95, 0.99};
constexpr const char* reported_percentile_names[] = {"p50", "p90", "p95", "p99"};
constexpr std::size_t reported_percentile_count = std::size(reported_percentiles);

/// Bins summed over many buckets while answering a question: sparse while small, dense
/// once it holds many bins, so that merging stays linear in what is added. Sparse bins are
/// appended as they come and sorted when read, so that summing many small buckets costs no
/// merge each. Reading sorts them: not to be read from two threads at once.
class latency_histogram {
public:
  void add(const latency_bins& bins);
  void add(const latency_histogram& other);
  void add(std::uint16_t bin, std::int64_t count);

  /// Adds the bins of one key of a keyed_latency_bins: [first, last) sorted by bin.
  void add(const keyed_latency_bins::entry* first, const keyed_latency_bins::entry* last);

  std::int64_t count() const { return count_; }

  /// Makes room for about bins sparse bins, so that adding them allocates once (no more than a
  /// sparse histogram holds before it goes dense).
  void reserve(std::size_t bins);

  /// The q-quantile (0 <= q <= 1) in milliseconds, interpolated between neighbouring ranks
  /// as PostgreSQL's percentile_cont does; nullopt when empty.
  std::optional<double> quantile_ms(double q) const;

  /// quantile_ms of each reported percentile, zeros when empty, found in one sweep.
  std::array<double, reported_percentile_count> reported_ms() const;

private:
  static constexpr std::size_t dense_from = 256;

  void make_dense();

  /// Sorts the bins appended since the last call into the sorted ones, summing equal bins.
  void settle() const;

  /// Settles, and goes dense when that leaves many bins, once many bins were appended.
  void settle_if_many();

  /// The values of the latencies of the given ranks (0-based), in microseconds.
  template <std::size_t N>
  std::array<double, N> values_at(const std::array<std::int64_t, N>& ranks) const;

  /// quantile_ms of each of qs, with count_ > 0.
  template <std::size_t N>
  std::array<double, N> quantiles_ms(const std::array<double, N>& qs) const;

  /// Sorted by bin, with no bin twice, up to sorted_; appended bins after that.
  mutable std::vector<std::pair<std::uint16_t, std::int64_t>> sparse_;
  mutable std::size_t sorted_ = 0;
  std::vector<std::int64_t> dense_; ///< bin_count long, or empty.
  std::int64_t count_ = 0;
};

} // namespace llmops::core
