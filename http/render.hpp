#pragma once

#include "actors/metrics_job.hpp"
#include "http/errors.hpp"
#include "storage/operation_store.hpp"

#include <string>

namespace llmops::http {

/// {"success": true, "data": {"operation_id": ..., "duplicate": ...}}
std::string render_created(const std::string& operation_id, bool duplicate);

/// {"success": true, "data": {"operations": [...], "count", "total", "limit", "offset"}}
std::string
render_operations(const storage::operation_page& page, const storage::operation_filter& filter);

/// What became of one operation of a batch.
struct batch_item {
  enum state_t { pending, created, duplicate, rejected } state = pending;

  std::string operation_id; ///< Empty when rejected before an id was settled.
  api_error error;          ///< When rejected.
};

/// The answer to a batch: 201 when every operation was accepted (created or duplicate), 207
/// when some were, 400 with the error envelope when none was; the data lists every item as
/// {index, operation_id, status, error?} with the counts.
api_response render_batch_response(
    const std::vector<batch_item>& items,
    const std::string& request_id,
    const std::string& correlation_id);

/// The body of GET /metrics.
std::string render_metrics(const actors::metrics_result& result);

/// The body of GET /cost-analysis.
std::string render_cost_analysis(const actors::metrics_result& result);

/// The data object of GET /health.
std::string render_health(
    const std::string& service,
    const std::string& version,
    double uptime_seconds,
    bool database_up,
    std::int64_t queued_rows,
    std::int64_t queue_capacity);

} // namespace llmops::http
