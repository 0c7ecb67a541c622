// The CPU cost of answering a tenant's metrics from its aggregate, without HTTP or actors:
// tenants shaped like bench/run's history (10,000 operations over 90 days, 20 models, 40
// agents), asked bench/lua/metrics.lua's question (metrics or cost analysis over the last 30
// days), rotating over the tenants so that each answer starts from a cold cache as in the
// service. Prints microseconds per answer for summarizing and for rendering.
//
//   bench_summarize [TENANTS] [OPERATIONS_PER_TENANT] [ANSWERS]

#include "actors/aggregate.hpp"
#include "actors/metrics_job.hpp"
#include "core/time.hpp"
#include "http/render.hpp"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <vector>

namespace {

using namespace llmops;

const char* const types[] = {"chat", "chat", "chat", "completion", "embedding", "tool_call"};
constexpr std::uint8_t statuses[] = {0, 0, 0, 0, 0, 0, 0, 0, 1, 2};

core::operation_record random_operation(std::mt19937_64& random, std::int64_t now_s) {
  core::operation_record op;
  op.tenant_id = "tenant";
  op.timestamp_us =
      (now_s - static_cast<std::int64_t>(random() % (90 * 86400))) * core::micros_per_second +
      static_cast<std::int64_t>(random() % 1000000);
  op.operation_type = types[random() % 6];
  op.model = "model-" + std::to_string(random() % 20);
  op.status = statuses[random() % 10];
  op.agent_id = "agent-" + std::to_string(random() % 40);
  op.prompt_tokens = static_cast<std::int64_t>(random() % 6000) + 20;
  op.completion_tokens = static_cast<std::int64_t>(random() % 900) + 1;
  op.total_tokens = op.prompt_tokens + op.completion_tokens;
  op.latency_us = static_cast<std::int64_t>(random() % 9000000) + 80000;
  op.cost_nusd = (op.prompt_tokens * 2500 + op.completion_tokens * 10000) / 1000;
  op.cost_source = core::cost_from_catalog;
  return op;
}

double micros_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - start)
      .count();
}

} // namespace

int main(int argc, char** argv) {
  const long tenants = argc > 1 ? std::atol(argv[1]) : 200;
  const long per_tenant = argc > 2 ? std::atol(argv[2]) : 10000;
  const long answers = argc > 3 ? std::atol(argv[3]) : 20000;
  if (tenants < 1 || per_tenant < 1 || answers < 1) {
    std::fprintf(stderr, "usage: bench_summarize [TENANTS] [OPERATIONS_PER_TENANT] [ANSWERS]\n");
    return 2;
  }

  // Today and two days before at finer widths, as the service keeps them by default.
  const std::int64_t now_s = core::now_micros() / core::micros_per_second;
  const std::int64_t today = core::floor_div(now_s, core::seconds_per_day) * core::seconds_per_day;
  std::mt19937_64 random(42);
  std::vector<actors::tenant_aggregate> aggregates;
  aggregates.reserve(static_cast<std::size_t>(tenants));
  for (long t = 0; t < tenants; ++t) {
    aggregates.emplace_back(today - 2 * core::seconds_per_day);
    for (long i = 0; i < per_tenant; ++i)
      aggregates.back().apply(random_operation(random, now_s));
  }

  actors::resolved_range range;
  range.start_s = today - 30 * core::seconds_per_day;
  range.end_s = today + core::seconds_per_day;
  range.step = actors::granularity::day;
  double summarize_us[2] = {0, 0};
  double render_us[2] = {0, 0};
  std::size_t bytes = 0;
  for (long i = 0; i < answers; ++i) {
    const bool cost_view = i % 2 == 1;
    range.percentiles = !cost_view;
    const auto& aggregate = aggregates[static_cast<std::size_t>(i % tenants)];

    auto started = std::chrono::steady_clock::now();
    actors::metrics_result result;
    result.range = range;
    result.summary = aggregate.summarize(range, today - 2 * core::seconds_per_day);
    summarize_us[cost_view] += micros_since(started);

    started = std::chrono::steady_clock::now();
    const std::string body =
        cost_view ? http::render_cost_analysis(result) : http::render_metrics(result);
    render_us[cost_view] += micros_since(started);
    bytes += body.size();
  }
  const double each = static_cast<double>(answers) / 2.0;
  std::printf(
      "metrics: summarize %.1f us, render %.1f us; cost analysis: summarize %.1f us, render "
      "%.1f us; %.0f bytes an answer\n",
      summarize_us[0] / each, render_us[0] / each, summarize_us[1] / each, render_us[1] / each,
      static_cast<double>(bytes) / static_cast<double>(answers));
  return 0;
}
