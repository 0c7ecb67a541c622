#pragma once

#include "actors/aggregate.hpp"
#include "actors/metrics_job.hpp"
#include "storage/pg.hpp"

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace llmops::actors {

/// What the registry and the aggregators need to know and to reach besides their own state.
struct metrics_settings {
  std::chrono::milliseconds query_timeout{5000}; ///< Bound of one aggregator's answer.
  std::int64_t recent_days = 2;                  ///< Days before today answered from finer buckets.
  std::int64_t max_older_rows = 1'000'000; ///< Most rows one question may read from the table.
  /// Of the stored rollups, when loaded and an update of them would be complete (they hold the
  /// finer buckets too); unset, the first snapshot stores everything.
  std::optional<std::int64_t> rollup_watermark;

  /// Runs a task on a reader connection (null when the database is unreachable); false, without
  /// running it, when the read queue is full. Callable from any thread.
  std::function<bool(std::function<void(storage::pg_connection*)>)> read;
};

using metrics_settings_ptr = std::shared_ptr<const metrics_settings>;

/// The first second a question at now_s answers from finer buckets: midnight (UTC) recent_days
/// days before today's.
std::int64_t answered_fine_start(std::int64_t now_s, std::int64_t recent_days);

/// The first second whose finer buckets are kept: answered_fine_start as it was an hour ago, so
/// that an all-tenant question asked just before midnight never finds buckets it expects
/// dropped by an aggregator that answers just after.
std::int64_t kept_fine_start(std::int64_t now_s, std::int64_t recent_days);

/// The rows of older history one question needs, as an aggregate of all history.
using older_history = std::shared_ptr<const tenant_aggregate>;

/// Reads the rows of pieces (of tenant_id, or of every tenant, then kept by tenant) on a reader
/// connection and calls done with them, or with an error: unavailable set when the database
/// could not be read, unset when the question needs more than max_older_rows rows. done runs
/// on a reader's thread and must not block.
void read_older_history(
    const metrics_settings& settings,
    std::optional<std::string> tenant_id,
    std::vector<interval> pieces,
    std::function<void(older_history, bool unavailable, std::string error)> done);

/// Sums an aggregate over a range, taking the pieces of older history from older when needed.
using summarizer = std::function<metrics_summary(
    const resolved_range& range, std::int64_t fine_start_s, const tenant_aggregate* older)>;

/// Hands the pieces of older history a job needs back to the actor that owns the aggregate,
/// which then answers the job with summarizer. Called on a reader's thread.
using resumer = std::function<void(
    const metrics_job_ptr& job,
    const resolved_range& range,
    std::int64_t fine_start_s,
    older_history older)>;

/// Answers job from data: at once when memory holds every piece of its range, or else after
/// reading the pieces of older history (of tenant_id, or of every tenant), which go to resume.
/// Drops data's finer buckets that have aged out first. Runs on the actor that owns data.
void answer_metrics(
    tenant_aggregate& data,
    const metrics_settings& settings,
    const std::optional<std::string>& tenant_id,
    const metrics_job_ptr& job,
    const summarizer& summarize,
    resumer resume);

} // namespace llmops::actors
