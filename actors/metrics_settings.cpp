#include "actors/metrics_settings.hpp"

#include "core/time.hpp"
#include "storage/operation_store.hpp"

namespace llmops::actors {

std::int64_t answered_fine_start(std::int64_t now_s, std::int64_t recent_days) {
  const std::int64_t today = core::floor_div(now_s, core::seconds_per_day) * core::seconds_per_day;
  return today - recent_days * core::seconds_per_day;
}

std::int64_t kept_fine_start(std::int64_t now_s, std::int64_t recent_days) {
  constexpr std::int64_t grace_s = 3600;
  return answered_fine_start(now_s - grace_s, recent_days);
}

void read_older_history(
    const metrics_settings& settings,
    std::optional<std::string> tenant_id,
    std::vector<interval> pieces,
    std::function<void(older_history, bool unavailable, std::string error)> done) {
  const std::int64_t limit = settings.max_older_rows;
  auto task = [tenant_id = std::move(tenant_id), pieces = std::move(pieces), limit,
               done](storage::pg_connection* conn) {
    if (conn == nullptr) {
      done(nullptr, true, "the database is unavailable");
      return;
    }
    std::vector<std::pair<std::int64_t, std::int64_t>> intervals;
    for (const auto& piece : pieces)
      intervals.emplace_back(piece.start_s, piece.end_s);
    std::vector<core::operation_record> rows;
    if (auto status =
            storage::operations_in_intervals(*conn, tenant_id, intervals, limit + 1, rows);
        !status.ok()) {
      done(nullptr, true, "reading older history failed: " + status.message());
      return;
    }
    if (static_cast<std::int64_t>(rows.size()) > limit) {
      done(
          nullptr, false,
          "the range cuts days older than the finer buckets kept in memory and needs more than " +
              std::to_string(limit) +
              " stored operations; choose whole days (UTC) and granularity=day or coarser");
      return;
    }
    auto older = std::make_shared<tenant_aggregate>(tenant_aggregate::all_history, !tenant_id);
    for (const auto& op : rows)
      older->apply(op);
    done(std::move(older), false, std::string());
  };
  if (!settings.read(std::move(task)))
    done(nullptr, true, "too many reads are waiting for the database");
}

void answer_metrics(
    tenant_aggregate& data,
    const metrics_settings& settings,
    const std::optional<std::string>& tenant_id,
    const metrics_job_ptr& job,
    const summarizer& summarize,
    resumer resume) {
  const std::int64_t now_s = core::floor_div(core::now_micros(), core::micros_per_second);
  data.prune(kept_fine_start(now_s, settings.recent_days));

  metrics_result result;
  auto range = resolve_range(job->range, data.span(), now_s, result.error);
  if (!range) {
    result.ok = false;
    job->done(std::move(result));
    return;
  }
  result.range = *range;
  const std::int64_t fine_start_s = answered_fine_start(now_s, settings.recent_days);
  auto pieces = tenant_aggregate::missing(*range, fine_start_s);
  if (pieces.empty()) {
    result.summary = summarize(*range, fine_start_s, nullptr);
    job->done(std::move(result));
    return;
  }

  // Parts of days older than the finer buckets: their rows come from the table first.
  read_older_history(
      settings, tenant_id, std::move(pieces),
      [job, result, fine_start_s, resume = std::move(resume)](
          older_history older, bool unavailable, std::string error) mutable {
        if (!older) {
          result.ok = false;
          result.unavailable = unavailable;
          result.error = std::move(error);
          job->done(std::move(result));
          return;
        }
        resume(job, result.range, fine_start_s, std::move(older));
      });
}

} // namespace llmops::actors
