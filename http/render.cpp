#include "http/render.hpp"

#include "core/json_writer.hpp"
#include "core/money.hpp"

namespace llmops::http {

namespace {

using core::json_writer;

void write_operation(json_writer& json, const core::operation_record& op) {
  json.begin_object();
  json.key("operation_id").string(op.operation_id);
  json.key("tenant_id").string(op.tenant_id);
  if (op.agent_id)
    json.key("agent_id").string(*op.agent_id);
  else
    json.key("agent_id").null();
  json.key("operation_type").string(op.operation_type);
  json.key("model").string(op.model);
  json.key("prompt_tokens").number(op.prompt_tokens);
  json.key("completion_tokens").number(op.completion_tokens);
  json.key("total_tokens").number(op.total_tokens);
  json.key("latency_ms").decimal(op.latency_us, 3);
  json.key("cost_usd").decimal(op.cost_nusd, 9);
  json.key("status").string(core::operation_statuses[op.status]);
  json.key("timestamp").string(core::format_rfc3339(op.timestamp_us));
  json.key("metadata").raw(op.metadata_json);
  json.end_object();
}

template <class Value>
void write_map(json_writer& json, const char* name, const std::map<std::string, actors::slice>& map, Value value) {
  json.key(name).begin_object();
  for (const auto& [key, figures] : map) {
    json.key(key);
    value(figures);
  }
  json.end_object();
}

void write_period(json_writer& json, const actors::resolved_range& range) {
  json.key("period_start").string(core::format_rfc3339(range.start_s * core::micros_per_second));
  json.key("period_end").string(core::format_rfc3339(range.end_s * core::micros_per_second));
}

double ratio(std::int64_t part, std::int64_t whole) {
  return whole == 0 ? 0.0 : static_cast<double>(part) / static_cast<double>(whole);
}

} // namespace

std::string render_created(const std::string& operation_id, bool duplicate) {
  json_writer json;
  json.begin_object();
  json.key("success").boolean(true);
  json.key("data").begin_object();
  json.key("operation_id").string(operation_id);
  json.key("duplicate").boolean(duplicate);
  json.end_object();
  json.end_object();
  return json.take();
}

std::string render_operations(const storage::operation_page& page, const storage::operation_filter& filter) {
  json_writer json;
  json.begin_object();
  json.key("success").boolean(true);
  json.key("data").begin_object();
  json.key("operations").begin_array();
  for (const auto& op : page.operations)
    write_operation(json, op);
  json.end_array();
  json.key("count").number(static_cast<std::int64_t>(page.operations.size()));
  json.key("total").number(page.total);
  json.key("limit").number(filter.limit);
  json.key("offset").number(filter.offset);
  json.end_object();
  json.end_object();
  return json.take();
}

std::string render_metrics(const actors::metrics_result& result) {
  const auto& all = result.summary.all;
  json_writer json;
  json.begin_object();
  json.key("success").boolean(true);
  json.key("data").begin_object();
  json.key("total_operations").number(all.operations);
  json.key("total_tokens").number(all.total_tokens);
  json.key("total_prompt_tokens").number(all.prompt_tokens);
  json.key("total_completion_tokens").number(all.completion_tokens);
  json.key("total_cost_usd").decimal(all.cost_nusd, 9);
  json.key("average_latency_ms").number(ratio(all.latency_us, all.operations) / 1000.0);
  json.key("success_rate").number(ratio(all.by_status[0], all.operations));

  json.key("operations_by_status").begin_object();
  for (std::size_t i = 0; i < core::status_count; ++i)
    json.key(core::operation_statuses[i]).number(all.by_status[i]);
  json.end_object();

  const auto& summary = result.summary;
  write_map(json, "operations_by_type", summary.by_type, [&](const actors::slice& s) { json.number(s.operations); });
  write_map(json, "operations_by_model", summary.by_model, [&](const actors::slice& s) { json.number(s.operations); });
  write_map(json, "cost_by_model", summary.by_model, [&](const actors::slice& s) { json.decimal(s.cost_nusd, 9); });
  write_map(json, "tokens_by_model", summary.by_model, [&](const actors::slice& s) { json.number(s.total_tokens); });
  write_period(json, result.range);
  json.end_object();
  json.end_object();
  return json.take();
}

std::string render_cost_analysis(const actors::metrics_result& result) {
  const auto& summary = result.summary;
  json_writer json;
  json.begin_object();
  json.key("success").boolean(true);
  json.key("data").begin_object();
  json.key("total_cost_usd").decimal(summary.all.cost_nusd, 9);
  auto cost = [&](const actors::slice& s) { json.decimal(s.cost_nusd, 9); };
  write_map(json, "cost_by_model", summary.by_model, cost);
  write_map(json, "cost_by_operation_type", summary.by_type, cost);
  write_map(json, "cost_by_tenant", summary.by_tenant, cost);

  json.key("cost_trend").begin_array();
  for (const auto& point : summary.trend) {
    json.begin_object();
    json.key("period_start").string(core::format_rfc3339(point.period_start_s * core::micros_per_second));
    json.key("cost_usd").decimal(point.figures.cost_nusd, 9);
    json.key("operations").number(point.figures.operations);
    json.key("total_tokens").number(point.figures.total_tokens);
    json.end_object();
  }
  json.end_array();
  json.key("granularity").string(actors::granularity_name(result.range.step));
  write_period(json, result.range);
  json.end_object();
  json.end_object();
  return json.take();
}

std::string render_health(
    const std::string& service,
    const std::string& version,
    double uptime_seconds,
    bool database_up,
    std::int64_t queued_rows) {
  json_writer json;
  json.begin_object();
  json.key("status").string(database_up ? "healthy" : "unhealthy");
  json.key("service").string(service);
  json.key("version").string(version);
  json.key("uptime_seconds").number(uptime_seconds);
  json.key("database").string(database_up ? "up" : "down");
  json.key("queued_rows").number(queued_rows);
  json.end_object();
  return json.take();
}

} // namespace llmops::http
