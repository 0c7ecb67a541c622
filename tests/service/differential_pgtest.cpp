// Metrics and cost analysis against the same figures computed by SQL over the stored rows.

#include "core/money.hpp"
#include "core/operation.hpp"
#include "support/service_fixture.hpp"
#include "support/service_process.hpp"

#include <boost/json.hpp>
#include <cmath>
#include <csignal>
#include <random>
#include <thread>

using namespace llmops;
using namespace llmops::test;
namespace json = boost::json;

namespace {

// Where the operations lie in time: the first second and how many seconds.
struct time_window {
  std::int64_t base_s;
  std::int64_t span_s;
};

const time_window old_history{
    core::parse_rfc3339("2024-03-30T00:00:00Z").value() / core::micros_per_second,
    3 * 86400 + 7200};

// The days around now: finer buckets in memory for the last of them, rows for the others.
time_window recent_days() {
  const std::int64_t now_s = core::now_micros() / core::micros_per_second;
  return {now_s - 4 * 86400, 4 * 86400 - 60};
}

const char* const tenants[] = {"acme", "globex", "initech", "umbrella", "hooli", "stark"};
const char* const models[] = {
    "gpt-4o", "gpt-4o-mini", "claude-3-5-sonnet", "gemini-1.5-pro", "in-house-7b"};
const char* const types[] = {"chat", "completion", "embedding", "tool_call"};

struct posted {
  std::string tenant;
  std::string body;
};

std::vector<posted> random_operations(
    std::size_t count,
    std::mt19937_64& random,
    const time_window& window = old_history,
    const std::string& id_prefix = "op-") {
  std::vector<posted> ops;
  for (std::size_t i = 0; i < count; ++i) {
    const std::int64_t at_us =
        (window.base_s + static_cast<std::int64_t>(random() % window.span_s)) *
            core::micros_per_second +
        static_cast<std::int64_t>(random() % 1'000'000);
    const auto prompt = static_cast<std::int64_t>(random() % 8000);
    const auto completion = static_cast<std::int64_t>(random() % 3000);
    json::object body{
        {"operation_type", types[random() % 4]},
        {"model", models[random() % 5]},
        {"prompt_tokens", prompt},
        {"completion_tokens", completion},
        {"cached_prompt_tokens", prompt == 0 ? 0 : static_cast<std::int64_t>(random() % prompt)},
        {"reasoning_tokens",
         completion == 0 ? 0 : static_cast<std::int64_t>(random() % completion)},
        {"latency_ms", static_cast<double>(random() % 30'000'000) / 1000.0},
        {"status", core::operation_statuses[random() % core::status_count]},
        {"timestamp", core::format_rfc3339(at_us)},
        {"operation_id", id_prefix + std::to_string(i)}};
    if (random() % 3 == 0)
      body["agent_id"] = "agent-" + std::to_string(random() % 4);
    // A third leave the cost to the price catalog.
    if (random() % 3 != 0)
      body["cost_usd"] =
          std::stod(core::format_usd(static_cast<std::int64_t>(random() % 90'000'000)));
    ops.push_back({tenants[random() % 6], json::serialize(body)});
  }
  return ops;
}

// Posts every operation from several client threads at once.
void post_all(unsigned short port, const std::vector<posted>& ops) {
  constexpr std::size_t clients = 4;
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (std::size_t c = 0; c < clients; ++c)
    threads.emplace_back([&, c] {
      for (std::size_t i = c; i < ops.size(); i += clients) {
        auto reply = http_request(
            port, "POST", "/api/v1/llmops/operations", ops[i].body,
            {{"X-Tenant-ID", ops[i].tenant}});
        if (reply.status != 201)
          ++failures;
      }
    });
  for (auto& thread : threads)
    thread.join();
  BOOST_REQUIRE_EQUAL(failures.load(), 0);
}

// The service renders money as exact decimal text. Parsing the expected text with the same
// JSON parser gives the same double exactly when the two texts are equal.
double money(std::int64_t nano) {
  return json::parse(core::format_usd(nano)).to_number<double>();
}

// Ratios are exact in integers; only their rendering as JSON doubles may differ in the last bit.
void require_ratio(double got, double expected) {
  if (expected == 0.0)
    BOOST_REQUIRE_EQUAL(got, 0.0);
  else
    BOOST_REQUIRE_CLOSE(got, expected, 1e-12);
}

struct sql_totals {
  std::int64_t operations, total_tokens, prompt_tokens, completion_tokens, cost_nusd, latency_us,
      successes, cached_prompt_tokens, reasoning_tokens, failed;
};

// The statuses that count against error_rate.
const std::string failed_sql = "status IN ('error', 'timeout', 'rate_limited')";

// p50, p90, p95, p99 of latency_us in milliseconds, as PostgreSQL's percentile_cont gives them.
const std::string percentiles_sql =
    "percentile_cont(ARRAY[0.5, 0.9, 0.95, 0.99]) WITHIN GROUP (ORDER BY latency_us)";
const char* const percentile_names[] = {"p50", "p90", "p95", "p99"};

std::array<double, 4> read_percentiles(std::string_view array_text) {
  std::array<double, 4> values{};
  std::string text(array_text.substr(1, array_text.size() - 2));
  std::size_t at = 0;
  for (auto& value : values) {
    const std::size_t comma = text.find(',', at);
    value = std::stod(text.substr(at, comma - at)) / 1000.0;
    at = comma + 1;
  }
  return values;
}

// Each reported percentile within 1% of percentile_cont.
void require_percentiles(const json::value& got, const std::array<double, 4>& expected) {
  for (std::size_t i = 0; i < expected.size(); ++i) {
    const double value = got.at(percentile_names[i]).to_number<double>();
    BOOST_REQUIRE_MESSAGE(
        std::abs(value - expected[i]) <= 0.01 * expected[i] + 0.001,
        percentile_names[i] << " got=" << value << " percentile_cont=" << expected[i]);
  }
}

class sql_oracle {
public:
  explicit sql_oracle(pg_schema& db) : db_(db) {}

  // The parameters shared by every query: tenant (or NULL for all) and the range.
  std::vector<storage::pg_param>
  params(const std::optional<std::string>& tenant, std::int64_t start, std::int64_t end) {
    return {
        tenant, core::format_rfc3339(start * core::micros_per_second),
        core::format_rfc3339(end * core::micros_per_second)};
  }

  sql_totals totals(const std::vector<storage::pg_param>& p) {
    auto result =
        run("SELECT count(*), coalesce(sum(total_tokens), 0), coalesce(sum(prompt_tokens), 0),"
            " coalesce(sum(completion_tokens), 0), coalesce(sum(cost_nusd), 0), "
            "coalesce(sum(latency_us), 0),"
            " count(*) FILTER (WHERE status = 'success'), coalesce(sum(cached_prompt_tokens), 0),"
            " coalesce(sum(reasoning_tokens), 0), count(*) FILTER (WHERE " +
                failed_sql + ") FROM llmops_operations" + where,
            p);
    return {result.int64(0, 0), result.int64(0, 1), result.int64(0, 2), result.int64(0, 3),
            result.int64(0, 4), result.int64(0, 5), result.int64(0, 6), result.int64(0, 7),
            result.int64(0, 8), result.int64(0, 9)};
  }

  // Percentiles over the range, or per value of column ("" key overall).
  std::map<std::string, std::array<double, 4>>
  percentiles(const std::string& column, const std::vector<storage::pg_param>& p) {
    const std::string key = column.empty() ? "''" : column;
    auto result =
        run("SELECT " + key + ", " + percentiles_sql + " FROM llmops_operations" + where +
                " GROUP BY 1",
            p);
    std::map<std::string, std::array<double, 4>> groups;
    for (int row = 0; row < result.rows(); ++row)
      groups[std::string(result.value(row, 0))] = read_percentiles(result.value(row, 1));
    return groups;
  }

  // key -> (operations, cost_nusd, total_tokens, failed, latency_us) grouped by column.
  std::map<std::string, std::array<std::int64_t, 5>>
  grouped(const std::string& column, const std::vector<storage::pg_param>& p) {
    auto result =
        run("SELECT " + column + ", count(*), sum(cost_nusd), sum(total_tokens), count(*) FILTER " +
                "(WHERE " + failed_sql + "), sum(latency_us) FROM llmops_operations" + where +
                " GROUP BY 1",
            p);
    std::map<std::string, std::array<std::int64_t, 5>> groups;
    for (int row = 0; row < result.rows(); ++row)
      groups[std::string(result.value(row, 0))] = {
          result.int64(row, 1), result.int64(row, 2), result.int64(row, 3), result.int64(row, 4),
          result.int64(row, 5)};
    return groups;
  }

  // Trend buckets by PostgreSQL's own calendar: period start -> (operations, cost, tokens,
  // failed) and percentiles.
  struct bucket {
    std::array<std::int64_t, 4> figures;
    std::array<double, 4> percentiles;
  };

  std::map<std::string, bucket> trend(const std::string& unit, std::vector<storage::pg_param> p) {
    p.push_back(unit);
    auto result =
        run("SELECT to_char(greatest(date_trunc($4, ts AT TIME ZONE 'UTC'), $2::timestamptz AT "
            "TIME ZONE 'UTC'), 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), count(*), sum(cost_nusd), "
            "sum(total_tokens), count(*) FILTER (WHERE " +
                failed_sql + "), " + percentiles_sql + " FROM llmops_operations" + where +
                " GROUP BY 1",
            p);
    std::map<std::string, bucket> buckets;
    for (int row = 0; row < result.rows(); ++row)
      buckets[std::string(result.value(row, 0))] = {
          {result.int64(row, 1), result.int64(row, 2), result.int64(row, 3), result.int64(row, 4)},
          read_percentiles(result.value(row, 5))};
    return buckets;
  }

private:
  storage::pg_result run(const std::string& sql, const std::vector<storage::pg_param>& p) {
    storage::pg_result result;
    auto status = db_.sql().exec_params(sql.c_str(), p, &result);
    BOOST_REQUIRE_MESSAGE(status.ok(), sql + ": " + status.message());
    return result;
  }

  const std::string where = " WHERE ($1::text IS NULL OR tenant_id = $1) AND ts >= $2::timestamptz "
                            "AND ts < $3::timestamptz";
  pg_schema& db_;
};

// Checks a map of the answer against SQL's groups: its keys always, and its values as counts,
// costs or tokens as asked.
void require_groups(
    const json::object& keys,
    bool keys_hold_counts,
    const json::object* costs,
    const json::object* tokens,
    const std::map<std::string, std::array<std::int64_t, 5>>& expected) {
  BOOST_REQUIRE_EQUAL(keys.size(), expected.size());
  for (const auto& [key, figures] : expected) {
    BOOST_REQUIRE_MESSAGE(keys.contains(key), key);
    if (keys_hold_counts)
      BOOST_REQUIRE_EQUAL(keys.at(key).as_int64(), figures[0]);
    if (costs != nullptr)
      BOOST_REQUIRE_EQUAL(costs->at(key).to_number<double>(), money(figures[1]));
    if (tokens != nullptr)
      BOOST_REQUIRE_EQUAL(tokens->at(key).as_int64(), figures[2]);
  }
}

// Asks /metrics and /cost-analysis for one tenant (or all) and range, and compares with SQL.
void check_range(
    unsigned short port,
    sql_oracle& oracle,
    const std::optional<std::string>& tenant,
    std::string query) {
  const header_list headers =
      tenant && query.size() % 2 ? header_list{{"X-Tenant-ID", *tenant}} : header_list{};
  if (tenant && headers.empty())
    query += (query.empty() ? "" : "&") + std::string("tenant_id=") + *tenant;
  const std::string suffix = query.empty() ? "" : "?" + query;

  auto metrics_reply = http_request(port, "GET", "/api/v1/llmops/metrics" + suffix, "", headers);
  BOOST_REQUIRE_MESSAGE(metrics_reply.status == 200, metrics_reply.body);
  const json::object metrics = metrics_reply.json().at("data").as_object();
  auto cost_reply = http_request(port, "GET", "/api/v1/llmops/cost-analysis" + suffix, "", headers);
  BOOST_REQUIRE_MESSAGE(cost_reply.status == 200, cost_reply.body);
  const json::object cost = cost_reply.json().at("data").as_object();

  // SQL over the period the service says it used.
  const std::int64_t start =
      core::parse_rfc3339(metrics.at("period_start").as_string()).value() / core::micros_per_second;
  const std::int64_t end =
      core::parse_rfc3339(metrics.at("period_end").as_string()).value() / core::micros_per_second;
  BOOST_REQUIRE_EQUAL(
      std::string(cost.at("period_start").as_string()),
      std::string(metrics.at("period_start").as_string()));
  auto p = oracle.params(tenant, start, end);

  const sql_totals sql = oracle.totals(p);
  BOOST_TEST_CONTEXT("tenant=" << tenant.value_or("*") << " query=" << query) {
    BOOST_REQUIRE_EQUAL(metrics.at("total_operations").as_int64(), sql.operations);
    BOOST_REQUIRE_EQUAL(metrics.at("total_tokens").as_int64(), sql.total_tokens);
    BOOST_REQUIRE_EQUAL(metrics.at("total_prompt_tokens").as_int64(), sql.prompt_tokens);
    BOOST_REQUIRE_EQUAL(metrics.at("total_completion_tokens").as_int64(), sql.completion_tokens);
    BOOST_REQUIRE_EQUAL(metrics.at("total_cost_usd").to_number<double>(), money(sql.cost_nusd));
    BOOST_REQUIRE_EQUAL(cost.at("total_cost_usd").to_number<double>(), money(sql.cost_nusd));
    const double average = sql.operations == 0 ? 0.0
                                               : static_cast<double>(sql.latency_us) /
                                                     static_cast<double>(sql.operations) / 1000.0;
    require_ratio(metrics.at("average_latency_ms").to_number<double>(), average);
    const double success = sql.operations == 0 ? 0.0
                                               : static_cast<double>(sql.successes) /
                                                     static_cast<double>(sql.operations);
    require_ratio(metrics.at("success_rate").to_number<double>(), success);
    BOOST_REQUIRE_EQUAL(
        metrics.at("total_cached_prompt_tokens").as_int64(), sql.cached_prompt_tokens);
    BOOST_REQUIRE_EQUAL(metrics.at("total_reasoning_tokens").as_int64(), sql.reasoning_tokens);
    BOOST_REQUIRE_EQUAL(metrics.at("failed_operations").as_int64(), sql.failed);
    const double error_rate =
        sql.operations == 0 ? 0.0
                            : static_cast<double>(sql.failed) / static_cast<double>(sql.operations);
    require_ratio(metrics.at("error_rate").to_number<double>(), error_rate);

    // Per status, errors and timeouts.
    auto by_status = oracle.grouped("status", p);
    for (const auto status : core::operation_statuses) {
      const std::string name(status);
      const std::int64_t expected = by_status.count(name) ? by_status[name][0] : 0;
      BOOST_REQUIRE_EQUAL(metrics.at("operations_by_status").at(status).as_int64(), expected);
    }
    BOOST_REQUIRE_EQUAL(
        metrics.at("error_count").as_int64(), by_status.count("error") ? by_status["error"][0] : 0);
    BOOST_REQUIRE_EQUAL(
        metrics.at("timeout_count").as_int64(),
        by_status.count("timeout") ? by_status["timeout"][0] : 0);

    // Percentiles overall and per model, against percentile_cont.
    auto overall = oracle.percentiles("", p);
    if (sql.operations > 0)
      require_percentiles(metrics.at("latency_percentiles_ms"), overall[""]);
    auto per_model = oracle.percentiles("model", p);
    const auto& model_percentiles = metrics.at("latency_percentiles_by_model").as_object();
    BOOST_REQUIRE_EQUAL(model_percentiles.size(), per_model.size());
    for (const auto& [model, expected] : per_model)
      require_percentiles(model_percentiles.at(model), expected);

    // Agents, when asked.
    if (query.find("group_by=agent_id") != std::string::npos) {
      auto by_agent = oracle.grouped("coalesce(agent_id, '')", p);
      const auto& agents = metrics.at("by_agent").as_object();
      BOOST_REQUIRE_EQUAL(agents.size(), by_agent.size());
      for (const auto& [agent, figures] : by_agent) {
        const auto& got = agents.at(agent);
        BOOST_REQUIRE_EQUAL(got.at("operations").as_int64(), figures[0]);
        BOOST_REQUIRE_EQUAL(got.at("cost_usd").to_number<double>(), money(figures[1]));
        BOOST_REQUIRE_EQUAL(got.at("total_tokens").as_int64(), figures[2]);
        BOOST_REQUIRE_EQUAL(got.at("failed_operations").as_int64(), figures[3]);
      }
      require_groups(
          cost.at("cost_by_agent").as_object(), false, &cost.at("cost_by_agent").as_object(),
          nullptr, by_agent);
    } else {
      BOOST_REQUIRE(!metrics.contains("by_agent"));
    }

    // Where costs came from, and how many had no price.
    auto by_source = oracle.grouped("cost_source", p);
    for (const auto source : core::cost_sources) {
      const std::int64_t expected =
          by_source.count(std::string(source)) ? by_source[std::string(source)][0] : 0;
      BOOST_REQUIRE_EQUAL(cost.at("operations_by_cost_source").at(source).as_int64(), expected);
    }
    const std::int64_t unpriced =
        by_source.count("unknown_model") ? by_source["unknown_model"][0] : 0;
    BOOST_REQUIRE_EQUAL(metrics.at("unpriced_operations").as_int64(), unpriced);
    BOOST_REQUIRE_EQUAL(cost.at("unpriced_operations").as_int64(), unpriced);

    auto by_model = oracle.grouped("model", p);
    require_groups(
        metrics.at("operations_by_model").as_object(), true,
        &metrics.at("cost_by_model").as_object(), &metrics.at("tokens_by_model").as_object(),
        by_model);
    require_groups(
        cost.at("cost_by_model").as_object(), false, &cost.at("cost_by_model").as_object(), nullptr,
        by_model);
    auto by_type = oracle.grouped("operation_type", p);
    require_groups(metrics.at("operations_by_type").as_object(), true, nullptr, nullptr, by_type);
    require_groups(
        cost.at("cost_by_operation_type").as_object(), false,
        &cost.at("cost_by_operation_type").as_object(), nullptr, by_type);
    require_groups(
        cost.at("cost_by_tenant").as_object(), false, &cost.at("cost_by_tenant").as_object(),
        nullptr, oracle.grouped("tenant_id", p));

    // Every non-empty trend and time series bucket equals PostgreSQL's date_trunc bucket.
    BOOST_REQUIRE_EQUAL(
        std::string(metrics.at("granularity").as_string()),
        std::string(cost.at("granularity").as_string()));
    auto expected_trend = oracle.trend(std::string(cost.at("granularity").as_string()), p);
    const auto& series = metrics.at("time_series").as_array();
    const auto& trend = cost.at("cost_trend").as_array();
    BOOST_REQUIRE_EQUAL(series.size(), trend.size());
    std::size_t non_empty = 0;
    for (std::size_t i = 0; i < trend.size(); ++i) {
      const auto& point = trend[i];
      const auto& sample = series[i];
      const std::int64_t operations = point.at("operations").as_int64();
      BOOST_REQUIRE_EQUAL(sample.at("operations").as_int64(), operations);
      if (operations == 0)
        continue;
      ++non_empty;
      const std::string at(point.at("period_start").as_string());
      BOOST_REQUIRE_MESSAGE(expected_trend.count(at) == 1, at);
      const auto& expected = expected_trend[at];
      BOOST_REQUIRE_EQUAL(operations, expected.figures[0]);
      BOOST_REQUIRE_EQUAL(point.at("cost_usd").to_number<double>(), money(expected.figures[1]));
      BOOST_REQUIRE_EQUAL(sample.at("cost_usd").to_number<double>(), money(expected.figures[1]));
      BOOST_REQUIRE_EQUAL(point.at("total_tokens").as_int64(), expected.figures[2]);
      BOOST_REQUIRE_EQUAL(sample.at("failed_operations").as_int64(), expected.figures[3]);
      require_percentiles(sample.at("latency_percentiles_ms"), expected.percentiles);
    }
    BOOST_REQUIRE_EQUAL(non_empty, expected_trend.size());
  }
}

void check_many_ranges(
    unsigned short port,
    pg_schema& db,
    std::mt19937_64& random,
    int rounds,
    const time_window& window = old_history) {
  const auto [base_s, span_s] = window;
  sql_oracle oracle(db);
  const char* const steps[] = {"minute", "hour", "day", "week", "month"};
  for (int round = 0; round < rounds; ++round) {
    std::optional<std::string> tenant;
    if (round % 4 != 0)
      tenant = tenants[random() % 6];

    // Whole-second bounds anywhere around the data, some open, some tiny.
    std::int64_t a = base_s - 3600 + static_cast<std::int64_t>(random() % (span_s + 7200));
    std::int64_t b = round % 5 == 0
                         ? a + static_cast<std::int64_t>(random() % 300)
                         : base_s - 3600 + static_cast<std::int64_t>(random() % (span_s + 7200));
    if (a > b)
      std::swap(a, b);
    std::string query;
    if (round % 7 != 1)
      query += "start_date=" + core::format_rfc3339(a * core::micros_per_second);
    if (round % 7 != 2)
      query += std::string(query.empty() ? "" : "&") +
               "end_date=" + core::format_rfc3339(b * core::micros_per_second);
    if (round % 3 == 0 && round % 7 > 2 && b - a < 86400 * 2)
      query += std::string(query.empty() ? "" : "&") + "granularity=" + steps[random() % 5];
    if (round % 2 == 0)
      query += std::string(query.empty() ? "" : "&") + "group_by=agent_id";
    check_range(port, oracle, tenant, query);
  }
}

} // namespace

BOOST_AUTO_TEST_SUITE(differential)

BOOST_AUTO_TEST_CASE(metrics_and_cost_analysis_equal_sql_over_the_table) {
  service_fixture f([](service::config& settings) {
    settings.pricing_file = LLMOPS_SOURCE_DIR "/conf/pricing.json";
    settings.pricing_file_given = true;
  });
  std::mt19937_64 random(20241203);
  auto ops = random_operations(3000, random);
  post_all(f.port, ops);

  // Retries of already stored operations change nothing.
  std::vector<posted> retries(ops.begin(), ops.begin() + 100);
  for (const auto& op : retries)
    BOOST_REQUIRE_EQUAL(
        http_request(
            f.port, "POST", "/api/v1/llmops/operations", op.body, {{"X-Tenant-ID", op.tenant}})
            .status,
        200);
  BOOST_REQUIRE_EQUAL(f.db.scalar("SELECT count(*) FROM llmops_operations"), 3000);

  check_many_ranges(f.port, f.db, random, 150);
}

BOOST_AUTO_TEST_CASE(metrics_survive_a_restart) {
  service_fixture f;
  std::mt19937_64 random(77);
  post_all(f.port, random_operations(800, random));

  const std::string range = "?start_date=2024-03-29&end_date=2024-04-03";
  std::vector<std::string> targets;
  for (const std::string path : {"/api/v1/llmops/metrics", "/api/v1/llmops/cost-analysis"}) {
    targets.push_back(path + range);
    targets.push_back(path + range + "&tenant_id=acme");
    targets.push_back(path + range + "&tenant_id=stark&granularity=hour");
  }
  std::vector<std::string> before;
  for (const auto& target : targets)
    before.push_back(f.get(target).body);

  f.stop();
  f.start();
  for (std::size_t i = 0; i < targets.size(); ++i)
    BOOST_REQUIRE_EQUAL(f.get(targets[i]).body, before[i]);
  check_many_ranges(f.port, f.db, random, 30);

  // The shutdown stored the rollups of every row; the start read them.
  BOOST_REQUIRE_EQUAL(
      f.db.scalar("SELECT commit_seq FROM llmops_rollup_watermark"),
      f.db.scalar("SELECT max(commit_seq) FROM llmops_operations"));
  BOOST_REQUIRE_GT(f.db.scalar("SELECT count(*) FROM llmops_rollup_days"), 0);

  // Without stored rollups a start reads every row, and answers the same.
  f.stop();
  f.db.scalar(
      "WITH gone AS (DELETE FROM llmops_rollup_watermark RETURNING 1) SELECT count(*) FROM gone");
  f.start();
  for (std::size_t i = 0; i < targets.size(); ++i)
    BOOST_REQUIRE_EQUAL(f.get(targets[i]).body, before[i]);
}

// Operations of the last days and of older ones: finer buckets in memory for the recent day,
// day buckets and rows read from the table for the others; answers equal SQL either way.
BOOST_AUTO_TEST_CASE(recent_and_older_days_equal_sql) {
  service_fixture f([](service::config& settings) { settings.metrics_recent_days = 1; });
  std::mt19937_64 random(4242);
  const time_window window = recent_days();
  post_all(f.port, random_operations(2000, random, window));
  check_many_ranges(f.port, f.db, random, 80, window);

  f.stop();
  f.start();
  check_many_ranges(f.port, f.db, random, 30, window);

  // Rollups whose minutes begin a day later, or that hold none (as stored before minutes were):
  // the start reads the rows of the recent days they lack.
  for (const std::string change :
       {"UPDATE llmops_rollup_watermark SET fine_start = fine_start + 86400",
        "UPDATE llmops_rollup_watermark SET fine_start = NULL"}) {
    f.stop();
    BOOST_REQUIRE_EQUAL(
        f.db.scalar("WITH changed AS (" + change + " RETURNING 1) SELECT count(*) FROM changed"),
        1);
    f.db.scalar("WITH gone AS (DELETE FROM llmops_rollup_minutes m USING llmops_rollup_watermark w "
                "WHERE w.fine_start IS NULL OR m.minute * 60 < w.fine_start RETURNING 1) "
                "SELECT count(*) FROM gone");
    f.start();
    check_many_ranges(f.port, f.db, random, 20, window);
  }
}

// A clean restart takes the finer buckets of recent days from the stored rollups, not from the
// rows: rows deleted behind the service's back while it is down are still counted. (A white-box
// check of where a start reads from; the service itself never deletes rows.)
BOOST_AUTO_TEST_CASE(a_restart_reads_recent_minutes_from_the_rollups_not_the_rows) {
  service_fixture f;
  std::mt19937_64 random(515);
  const time_window window = recent_days();
  post_all(f.port, random_operations(400, random, window));
  const std::int64_t start_s = window.base_s + 3 * 86400 + 1234;
  const std::string target =
      "/api/v1/llmops/metrics?group_by=agent_id&granularity=minute&start_date=" +
      core::format_rfc3339(start_s * core::micros_per_second) +
      "&end_date=" + core::format_rfc3339((start_s + 7 * 3600 + 17) * core::micros_per_second);
  const auto reply = f.get(target);
  BOOST_REQUIRE_GT(reply.json().at("data").at("total_operations").as_int64(), 0);
  const std::string before = reply.body;

  f.stop();
  BOOST_REQUIRE_GT(f.db.scalar("SELECT count(*) FROM llmops_rollup_minutes"), 0);
  BOOST_REQUIRE_GT(
      f.db.scalar("WITH gone AS (DELETE FROM llmops_operations RETURNING 1) "
                  "SELECT count(*) FROM gone"),
      0);
  f.start();
  BOOST_REQUIRE_EQUAL(f.get(target).body, before);
}

// A second node on the same database: each sees the other's rows within the sync interval.
BOOST_AUTO_TEST_CASE(two_nodes_see_each_others_rows) {
  service_fixture f([](service::config& settings) { settings.sync_interval_ms = 50; });
  service::service second(f.settings);
  std::string error;
  BOOST_REQUIRE_MESSAGE(second.start(error), error);

  std::mt19937_64 random(99);
  auto first_ops = random_operations(600, random, old_history, "first-");
  auto second_ops = random_operations(600, random, old_history, "second-");
  std::thread other([&] { post_all(second.port(), second_ops); });
  post_all(f.port, first_ops);
  other.join();

  auto total = [](unsigned short port) {
    auto reply = http_request(port, "GET", "/api/v1/llmops/metrics?start_date=2024-01-01", "");
    return reply.json().at("data").at("total_operations").as_int64();
  };
  BOOST_REQUIRE(eventually([&] { return total(f.port) == 1200 && total(second.port()) == 1200; }));
  check_many_ranges(f.port, f.db, random, 20);
  check_many_ranges(second.port(), f.db, random, 20);
  second.shutdown();
}

// A node killed after committing rows that no stored rollup holds yet: the next start loads the
// rollups and reads those rows, and answers equal SQL.
BOOST_AUTO_TEST_CASE(a_killed_node_restarts_from_rollups_and_the_rows_after_them) {
  pg_schema db;
  std::mt19937_64 random(31);
  const service_process::environment rarely{{"LLMOPS_SNAPSHOT_INTERVAL_MS", "3600000"}};
  {
    service_process node(db.conninfo(), rarely);
    post_all(node.port, random_operations(500, random, old_history, "before-"));
    post_all(node.port, random_operations(300, random, recent_days(), "recent-before-"));
    kill(node.pid, SIGTERM);
    BOOST_REQUIRE_EQUAL(node.wait_exit(), 0);
  }
  const std::int64_t stored = db.scalar("SELECT commit_seq FROM llmops_rollup_watermark");
  BOOST_REQUIRE_EQUAL(stored, db.scalar("SELECT max(commit_seq) FROM llmops_operations"));
  {
    service_process node(db.conninfo(), rarely);
    post_all(node.port, random_operations(300, random, old_history, "after-"));
    post_all(node.port, random_operations(300, random, recent_days(), "recent-after-"));
    kill(node.pid, SIGKILL);
    node.wait_exit();
  }
  BOOST_REQUIRE_EQUAL(db.scalar("SELECT commit_seq FROM llmops_rollup_watermark"), stored);
  BOOST_REQUIRE_GT(db.scalar("SELECT max(commit_seq) FROM llmops_operations"), stored);

  service_process node(db.conninfo(), rarely);
  check_many_ranges(node.port, db, random, 40);
  check_many_ranges(node.port, db, random, 40, recent_days());
}

BOOST_AUTO_TEST_SUITE_END()
