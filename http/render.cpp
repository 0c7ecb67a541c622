#include "http/render.hpp"

#include "core/json_writer.hpp"
#include "core/money.hpp"

#include <cmath>
#include <iterator>

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
  json.key("cached_prompt_tokens").number(op.cached_prompt_tokens);
  json.key("reasoning_tokens").number(op.reasoning_tokens);
  json.key("latency_ms").decimal(op.latency_us, 3);
  json.key("cost_usd").decimal(op.cost_nusd, 9);
  json.key("cost_source").string(core::cost_sources[op.cost_source]);
  json.key("status").string(core::operation_statuses[op.status]);
  json.key("timestamp").timestamp(op.timestamp_us);
  json.key("metadata").raw(op.metadata_json);
  json.end_object();
}

template <class Figures, class Value>
void write_map(
    json_writer& json, const char* name, const std::map<std::string, Figures>& map, Value value) {
  json.key(name).begin_object();
  for (const auto& [key, figures] : map) {
    json.key(key);
    value(figures);
  }
  json.end_object();
}

void write_period(json_writer& json, const actors::resolved_range& range) {
  json.key("period_start").timestamp(range.start_s * core::micros_per_second);
  json.key("period_end").timestamp(range.end_s * core::micros_per_second);
}

double ratio(std::int64_t part, std::int64_t whole) {
  return whole == 0 ? 0.0 : static_cast<double>(part) / static_cast<double>(whole);
}

// p50, p90, p95 and p99 in milliseconds, rounded to the microsecond; zeros when empty.
void write_percentiles(json_writer& json, const core::latency_histogram& latency) {
  json.begin_object();
  const auto values = latency.reported_ms();
  for (std::size_t i = 0; i < values.size(); ++i)
    json.key(core::reported_percentile_names[i]).decimal(std::llround(values[i] * 1000.0), 3);
  json.end_object();
}

// The figures of a group (an agent, a time bucket): counts, tokens, cost, latency, errors.
void write_figures(json_writer& json, const actors::slice& figures) {
  json.key("operations").number(figures.operations);
  json.key("total_tokens").number(figures.total_tokens);
  json.key("cost_usd").decimal(figures.cost_nusd, 9);
  json.key("average_latency_ms").number(ratio(figures.latency_us, figures.operations) / 1000.0);
  json.key("failed_operations").number(figures.failed);
  json.key("error_rate").number(ratio(figures.failed, figures.operations));
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

std::string
render_operations(const storage::operation_page& page, const storage::operation_filter& filter) {
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

api_response render_batch_response(
    const std::vector<batch_item>& items,
    const std::string& request_id,
    const std::string& correlation_id) {
  std::int64_t counts[4] = {0, 0, 0, 0};
  json_writer data;
  data.begin_object();
  data.key("results").begin_array();
  for (std::size_t i = 0; i < items.size(); ++i) {
    const batch_item& item = items[i];
    ++counts[item.state];
    data.begin_object();
    data.key("index").number(static_cast<std::int64_t>(i));
    if (item.operation_id.empty())
      data.key("operation_id").null();
    else
      data.key("operation_id").string(item.operation_id);
    static constexpr const char* names[] = {"pending", "created", "duplicate", "rejected"};
    data.key("status").string(names[item.state]);
    if (item.state == batch_item::rejected) {
      data.key("error");
      write_error_object(data, item.error);
    }
    data.end_object();
  }
  data.end_array();
  const std::int64_t accepted = counts[batch_item::created] + counts[batch_item::duplicate];
  const std::int64_t rejected = counts[batch_item::rejected];
  data.key("created").number(counts[batch_item::created]);
  data.key("duplicates").number(counts[batch_item::duplicate]);
  data.key("rejected").number(rejected);
  data.key("accepted").number(accepted);
  data.key("outcome").string(rejected == 0 ? "all" : accepted == 0 ? "none" : "some");
  data.end_object();

  if (accepted == 0)
    return make_error_response(
        {error_code::validation_error, "no operation of the batch was accepted; see data.results",
         "operations"},
        request_id, correlation_id, data.text());
  json_writer body;
  body.begin_object();
  body.key("success").boolean(true);
  body.key("data").raw(data.text());
  body.end_object();
  api_response response;
  response.status = rejected == 0 ? 201 : 207;
  response.body = body.take();
  return response;
}

// Room for an answer's text: a fixed part and about this much per model, agent or point.
constexpr std::size_t answer_fixed_bytes = 2048;
constexpr std::size_t answer_bytes_per_entry = 256;

std::string render_metrics(const actors::metrics_result& result) {
  const auto& all = result.summary.all;
  json_writer json;
  json.reserve(
      answer_fixed_bytes +
      answer_bytes_per_entry * (result.summary.by_model.size() + result.summary.by_agent.size() +
                                result.summary.trend.size()));
  json.begin_object();
  json.key("success").boolean(true);
  json.key("data").begin_object();
  json.key("total_operations").number(all.operations);
  json.key("total_tokens").number(all.total_tokens);
  json.key("total_prompt_tokens").number(all.prompt_tokens);
  json.key("total_completion_tokens").number(all.completion_tokens);
  json.key("total_cached_prompt_tokens").number(all.cached_prompt_tokens);
  json.key("total_reasoning_tokens").number(all.reasoning_tokens);
  json.key("total_cost_usd").decimal(all.cost_nusd, 9);
  json.key("unpriced_operations").number(all.by_cost_source[core::cost_unknown_model]);
  json.key("average_latency_ms").number(ratio(all.latency_us, all.operations) / 1000.0);
  json.key("success_rate").number(ratio(all.by_status[core::status_success], all.operations));
  json.key("error_count").number(all.by_status[core::status_error]);
  json.key("timeout_count").number(all.by_status[core::status_timeout]);
  json.key("failed_operations").number(all.failed);
  json.key("error_rate").number(ratio(all.failed, all.operations));

  json.key("operations_by_status").begin_object();
  for (std::size_t i = 0; i < core::status_count; ++i)
    json.key(core::operation_statuses[i]).number(all.by_status[i]);
  json.end_object();

  const auto& summary = result.summary;
  json.key("latency_percentiles_ms");
  write_percentiles(json, summary.latency);
  write_map(json, "latency_percentiles_by_model", summary.by_model, [&](const auto& s) {
    write_percentiles(json, s.latency);
  });
  write_map(json, "error_rate_by_model", summary.by_model, [&](const auto& s) {
    json.number(ratio(s.failed, s.operations));
  });
  write_map(json, "operations_by_type", summary.by_type, [&](const actors::slice& s) {
    json.number(s.operations);
  });
  write_map(json, "operations_by_model", summary.by_model, [&](const actors::slice& s) {
    json.number(s.operations);
  });
  write_map(json, "cost_by_model", summary.by_model, [&](const actors::slice& s) {
    json.decimal(s.cost_nusd, 9);
  });
  write_map(json, "tokens_by_model", summary.by_model, [&](const actors::slice& s) {
    json.number(s.total_tokens);
  });
  if (result.range.by_agent)
    write_map(json, "by_agent", summary.by_agent, [&](const actors::slice& s) {
      json.begin_object();
      write_figures(json, s);
      json.end_object();
    });

  json.key("time_series").begin_array();
  for (const auto& point : summary.trend) {
    json.begin_object();
    json.key("period_start").timestamp(point.period_start_s * core::micros_per_second);
    write_figures(json, point.figures);
    json.key("latency_percentiles_ms");
    write_percentiles(json, point.figures.latency);
    json.end_object();
  }
  json.end_array();
  json.key("granularity").string(actors::granularity_name(result.range.step));
  write_period(json, result.range);
  json.end_object();
  json.end_object();
  return json.take();
}

std::string render_cost_analysis(const actors::metrics_result& result) {
  const auto& summary = result.summary;
  json_writer json;
  json.reserve(
      answer_fixed_bytes +
      answer_bytes_per_entry * (summary.by_model.size() + summary.by_tenant.size() +
                                summary.by_agent.size() + summary.trend.size()));
  json.begin_object();
  json.key("success").boolean(true);
  json.key("data").begin_object();
  json.key("total_cost_usd").decimal(summary.all.cost_nusd, 9);
  json.key("unpriced_operations").number(summary.all.by_cost_source[core::cost_unknown_model]);
  json.key("operations_by_cost_source").begin_object();
  for (std::size_t i = 0; i < core::cost_sources.size(); ++i)
    json.key(core::cost_sources[i]).number(summary.all.by_cost_source[i]);
  json.end_object();
  auto cost = [&](const actors::slice& s) { json.decimal(s.cost_nusd, 9); };
  write_map(json, "cost_by_model", summary.by_model, cost);
  write_map(json, "cost_by_operation_type", summary.by_type, cost);
  write_map(json, "cost_by_tenant", summary.by_tenant, cost);
  if (result.range.by_agent)
    write_map(json, "cost_by_agent", summary.by_agent, cost);

  json.key("cost_trend").begin_array();
  for (const auto& point : summary.trend) {
    json.begin_object();
    json.key("period_start").timestamp(point.period_start_s * core::micros_per_second);
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
    std::int64_t queued_rows,
    std::int64_t queue_capacity) {
  // Degraded: still taking writes, but the write queue is more than half full.
  const bool backlog = queued_rows * 2 > queue_capacity;
  json_writer json;
  json.begin_object();
  json.key("status").string(!database_up ? "unhealthy" : backlog ? "degraded" : "healthy");
  json.key("service").string(service);
  json.key("version").string(version);
  json.key("uptime_seconds").number(uptime_seconds);
  json.key("database").string(database_up ? "up" : "down");
  json.key("write_queue").begin_object();
  json.key("queued_rows").number(queued_rows);
  json.key("capacity").number(queue_capacity);
  json.end_object();
  json.end_object();
  return json.take();
}

} // namespace llmops::http
