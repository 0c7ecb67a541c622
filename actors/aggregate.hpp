#pragma once

#include "core/operation.hpp"

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

namespace llmops::actors {

/// Sums over a set of operations.
struct slice {
  std::int64_t operations = 0;
  std::int64_t prompt_tokens = 0;
  std::int64_t completion_tokens = 0;
  std::int64_t total_tokens = 0;
  std::int64_t latency_us = 0; ///< Sum of latencies.
  core::nano_usd cost_nusd = 0;

  void add(const core::operation_record& op);
  void add(const slice& other);
};

/// A slice with the figures only reported overall: a count per status (indexed like
/// core::operation_statuses) and per cost source (like core::cost_sources), and the token
/// counts that are parts of others.
struct totals : slice {
  std::array<std::int64_t, core::status_count> by_status{};
  std::array<std::int64_t, core::cost_sources.size()> by_cost_source{};
  std::int64_t cached_prompt_tokens = 0;
  std::int64_t reasoning_tokens = 0;

  void add(const core::operation_record& op);
  void add(const totals& other);
};

/// Bucket width of cost_trend.
enum class granularity { minute, hour, day, week, month };

std::optional<granularity> parse_granularity(std::string_view name);
std::string_view granularity_name(granularity step);

/// Start of the trend bucket holding second t, and of the next one (UTC calendar).
std::int64_t bucket_floor(std::int64_t t, granularity step);
std::int64_t bucket_next(std::int64_t t, granularity step);

/// Most trend buckets one answer may hold.
constexpr std::int64_t max_trend_buckets = 5000;

/// A metrics range as asked: whole seconds, either end open.
struct metrics_range {
  std::optional<std::int64_t> start_s;
  std::optional<std::int64_t> end_s;
  std::optional<granularity> step;
};

/// A metrics range with both ends and the trend granularity settled.
struct resolved_range {
  std::int64_t start_s = 0; ///< Inclusive.
  std::int64_t end_s = 0;   ///< Exclusive.
  granularity step = granularity::day;
};

/// First and last second holding an operation.
using time_span = std::optional<std::pair<std::int64_t, std::int64_t>>;

/// Settles an open start at the first stored second (or the end when nothing is stored), an
/// open end at the later of now and one past the last stored second, and a missing granularity
/// from the range's length. Returns nullopt with error set when the granularity would yield
/// more than max_trend_buckets buckets.
std::optional<resolved_range> resolve_range(
    const metrics_range& asked, const time_span& stored, std::int64_t now_s, std::string& error);

struct trend_point {
  std::int64_t period_start_s = 0;
  slice figures;
};

/// Everything /metrics and /cost-analysis report, for one tenant or merged across tenants.
struct metrics_summary {
  totals all;
  std::map<std::string, slice> by_model;
  std::map<std::string, slice> by_type;
  std::map<std::string, slice> by_tenant;
  std::vector<trend_point> trend;

  /// Adds other, whose trend must come from the same resolved range.
  void merge(const metrics_summary& other);
};

/// The live aggregates of one tenant: sparse buckets at four widths (second, minute, hour,
/// day), each holding totals and per-model and per-type slices. Any whole-second range is
/// answered exactly by covering it with the widest buckets that fit, so the cost of a query
/// grows with the number of non-empty buckets touched, not with the number of operations.
/// Not thread-safe: owned by one tenant_aggregator actor.
// TODO(#4): memory grows with history (about 560 bytes a stored operation, mostly the
// per-second level); keep fine buckets for a recent window and load older edges on demand.
class tenant_aggregate {
public:
  void apply(const core::operation_record& op);

  /// Sums every operation whose timestamp lies in [range.start_s, range.end_s).
  metrics_summary summarize(const resolved_range& range) const;

  /// First and last second holding an operation.
  const time_span& span() const { return span_; }

  std::int64_t operations() const { return operations_; }

private:
  struct bucket {
    totals all;
    std::vector<std::pair<std::uint32_t, slice>> by_model; ///< Sorted by name id.
    std::vector<std::pair<std::uint32_t, slice>> by_type;  ///< Sorted by name id.
  };

  struct name_table {
    std::vector<std::string> names;
    std::unordered_map<std::string, std::uint32_t> ids;

    std::uint32_t intern(const std::string& name);
  };

  static constexpr std::array<std::int64_t, 4> level_width_s = {1, 60, 3600, 86400};

  /// Calls visit(level, first_key, end_key) for a set of bucket key ranges covering [start, end).
  template <class Visit>
  static void cover(std::int64_t start, std::int64_t end, std::size_t level, Visit& visit);

  slice sum_all(std::int64_t start, std::int64_t end) const;

  std::array<std::map<std::int64_t, bucket>, level_width_s.size()> levels_;
  name_table models_;
  name_table types_;
  time_span span_;
  std::int64_t operations_ = 0;
};

} // namespace llmops::actors
