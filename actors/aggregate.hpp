#pragma once

#include "core/latency_sketch.hpp"
#include "core/operation.hpp"

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <unordered_map>
#include <unordered_set>
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
  std::int64_t failed = 0;     ///< Operations that failed (core::is_failure).
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

/// A slice and the distribution of its latencies, for percentiles.
struct measured_slice : slice {
  core::latency_histogram latency;
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
  bool by_agent = false;   ///< group_by=agent_id: report each agent's figures.
  bool percentiles = true; ///< Latency distributions wanted (cost analysis has none).
};

/// A metrics range with both ends and the trend granularity settled.
struct resolved_range {
  std::int64_t start_s = 0; ///< Inclusive.
  std::int64_t end_s = 0;   ///< Exclusive.
  granularity step = granularity::day;
  bool by_agent = false;
  bool percentiles = true;
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
  measured_slice figures;
};

/// Everything /metrics and /cost-analysis report, for one tenant or merged across tenants.
struct metrics_summary {
  totals all;
  core::latency_histogram latency; ///< Of every operation in range; the latency histograms
                                   ///< here stay empty unless the range asked percentiles.
  std::map<std::string, measured_slice> by_model;
  std::map<std::string, slice> by_type;
  std::map<std::string, slice> by_agent; ///< Filled when asked; "" holds operations without one.
  std::map<std::string, slice> by_tenant;
  std::vector<trend_point> trend;

  /// Adds other, whose trend must come from the same resolved range.
  void merge(const metrics_summary& other);
};

/// A span of seconds, [start_s, end_s).
struct interval {
  std::int64_t start_s = 0;
  std::int64_t end_s = 0;
};

/// The live aggregates of one tenant: sparse buckets at four widths (second, minute, hour,
/// day), each holding totals, latency bins and per-model, per-type and per-agent slices. Any
/// whole-second range is answered exactly by covering it with the widest buckets that fit, so
/// the cost of a question grows with the number of non-empty buckets touched, not with the
/// number of operations.
///
/// Memory stays bounded as history grows: day buckets are kept for all history, the finer ones
/// only from fine_start() on (a midnight, moved forward by prune()). A question whose range
/// cuts a day before that needs the rows of the cut pieces (missing()), read from the table
/// and passed to summarize() as an aggregate of their own.
/// Not thread-safe: owned by one tenant_aggregator actor.
class tenant_aggregate {
public:
  static constexpr std::int64_t all_history = INT64_MIN;

  /// With by_tenant set, buckets also hold a slice per tenant: the aggregate of every tenant,
  /// which answers the operator's questions and fills metrics_summary::by_tenant.
  explicit tenant_aggregate(std::int64_t fine_start_s = all_history, bool by_tenant = false)
      : fine_start_(fine_start_s), by_tenant_(by_tenant) {}

  /// Adds an operation. Without day_tier only the finer buckets take it: for rows whose day
  /// bucket came from a snapshot.
  void apply(const core::operation_record& op, bool day_tier = true);

  /// Drops the finer buckets before fine_start_s (a midnight), if later than today's start.
  void prune(std::int64_t fine_start_s);

  std::int64_t fine_start() const { return fine_start_; }

  /// The pieces of range (and of its trend buckets) before fine_start_s that day buckets cannot
  /// answer: what summarize() needs from the table. fine_start_s must be a midnight.
  static std::vector<interval> missing(const resolved_range& range, std::int64_t fine_start_s);

  /// Sums every operation whose timestamp lies in [range.start_s, range.end_s). Pieces before
  /// fine_start_s (at least fine_start()) that day buckets cannot answer come from older, an
  /// aggregate of all history holding the rows of missing(range, fine_start_s).
  metrics_summary summarize(
      const resolved_range& range,
      std::int64_t fine_start_s = all_history,
      const tenant_aggregate* older = nullptr) const;

  /// First and last second holding an operation.
  const time_span& span() const { return span_; }

  std::int64_t operations() const { return operations_; }

  /// Non-empty buckets at each width, from the second to the day.
  std::array<std::size_t, 4> bucket_counts() const;

  /// Snapshots: the day buckets changed since the last call (all with everything set), each
  /// encoded (with the slice of each tenant, if kept), keyed by its day number since 1970-01-01.
  std::vector<std::pair<std::int64_t, std::string>> take_changed_days(bool everything);

  /// Adds a day bucket encoded by take_changed_days of an aggregate kept the same way (by
  /// tenant or not). False when blob is malformed, of the other kind, or the day is there.
  bool load_day(std::int64_t day, std::string_view blob);

  /// Snapshots of the finer buckets: the minutes from fine_start() on whose buckets changed
  /// since the last call (all with everything set), each encoded with its second buckets, keyed
  /// by its minute number since 1970-01-01. Hour buckets are sums of their minutes.
  std::vector<std::pair<std::int64_t, std::string>> take_changed_minutes(bool everything);

  /// Adds a minute encoded by take_changed_minutes, its seconds, and its share of the hour.
  /// Minutes before fine_start() are skipped. False when blob is malformed, of the other kind,
  /// or the minute is there.
  bool load_minute(std::int64_t minute, std::string_view blob);

private:
  struct bucket {
    totals all;
    core::latency_bins latency;
    std::vector<std::pair<std::uint32_t, slice>> by_model;  ///< Sorted by name id.
    core::keyed_latency_bins model_latency;                 ///< Keyed by model name id.
    std::vector<std::pair<std::uint32_t, slice>> by_type;   ///< Sorted by name id.
    std::vector<std::pair<std::uint32_t, slice>> by_agent;  ///< Sorted by name id.
    std::vector<std::pair<std::uint32_t, slice>> by_tenant; ///< Sorted by name id, if kept.
    std::int64_t first_s = INT64_MAX;                       ///< First second holding an operation.
    std::int64_t last_s = INT64_MIN;

    void
    add(const core::operation_record& op,
        std::uint32_t model,
        std::uint32_t type,
        std::uint32_t agent);

    /// Adds a bucket of the same aggregate.
    void add(const bucket& other);
  };

  struct name_table {
    std::vector<std::string> names;
    std::unordered_map<std::string, std::uint32_t> ids;

    std::uint32_t intern(const std::string& name);
  };

  struct accumulator;

  static constexpr std::array<std::int64_t, 4> level_width_s = {1, 60, 3600, 86400};
  static constexpr std::size_t minute_level = 1;
  static constexpr std::size_t hour_level = 2;
  static constexpr std::size_t day_level = 3;

  void encode(std::string& out, const bucket& b) const;

  /// Reads a bucket encoded by encode() from the front of in, interning its names here.
  bool decode(std::string_view& in, bucket& b);

  void widen_span(std::int64_t first_s, std::int64_t last_s);

  /// Calls visit(level, first_key, end_key) for a set of bucket key ranges covering [start, end).
  template <class Visit>
  static void cover(std::int64_t start, std::int64_t end, std::size_t level, Visit& visit);

  /// Calls sink(source, bucket) for a set of buckets covering [start, end), taking the finer
  /// ones before fine_start_s from older.
  template <class Sink>
  void each_bucket(
      std::int64_t start,
      std::int64_t end,
      std::int64_t fine_start_s,
      const tenant_aggregate* older,
      Sink& sink) const;

  std::array<std::map<std::int64_t, bucket>, level_width_s.size()> levels_;
  name_table models_;
  name_table types_;
  name_table agents_;
  name_table tenants_;
  std::int64_t fine_start_;
  bool by_tenant_;
  std::unordered_set<std::int64_t> changed_days_;
  std::unordered_set<std::int64_t> changed_minutes_;
  time_span span_;
  std::int64_t operations_ = 0;
};

} // namespace llmops::actors
