#pragma once

#include "actors/metrics_job.hpp"
#include "storage/operation_store.hpp"

#include <string>

namespace llmops::http {

/// {"success": true, "data": {"operation_id": ..., "duplicate": ...}}
std::string render_created(const std::string& operation_id, bool duplicate);

/// {"success": true, "data": {"operations": [...], "count", "total", "limit", "offset"}}
std::string render_operations(const storage::operation_page& page, const storage::operation_filter& filter);

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
    std::int64_t queued_rows);

} // namespace llmops::http
