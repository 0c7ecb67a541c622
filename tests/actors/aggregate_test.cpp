#include "actors/aggregate.hpp"

#include <boost/test/unit_test.hpp>
#include <random>

using namespace llmops;
using namespace llmops::actors;

namespace {

const std::int64_t t0 =
    core::parse_rfc3339("2024-03-01T00:00:00Z").value() / core::micros_per_second;

core::operation_record random_operation(std::mt19937_64& random, std::int64_t span_s) {
  static const char* models[] = {"gpt-4", "gpt-4o-mini", "claude-3-5-sonnet", "mistral-large"};
  static const char* types[] = {"completion", "chat", "embedding"};
  core::operation_record op;
  op.tenant_id = "t";
  op.operation_id = core::make_operation_id();
  op.timestamp_us = (t0 + static_cast<std::int64_t>(random() % span_s)) * core::micros_per_second +
                    static_cast<std::int64_t>(random() % 1'000'000);
  op.model = models[random() % 4];
  op.operation_type = types[random() % 3];
  op.status = static_cast<std::uint8_t>(random() % core::status_count);
  op.prompt_tokens = static_cast<std::int64_t>(random() % 5000);
  op.completion_tokens = static_cast<std::int64_t>(random() % 2000);
  op.total_tokens = op.prompt_tokens + op.completion_tokens;
  op.latency_us = static_cast<std::int64_t>(random() % 10'000'000);
  op.cost_nusd = static_cast<std::int64_t>(random() % 50'000'000);
  return op;
}

// The same figures computed the slow, obvious way.
metrics_summary
brute_force(const std::vector<core::operation_record>& ops, std::int64_t start, std::int64_t end) {
  metrics_summary expected;
  for (const auto& op : ops) {
    const std::int64_t second = core::floor_div(op.timestamp_us, core::micros_per_second);
    if (second < start || second >= end)
      continue;
    expected.all.add(op);
    expected.by_model[op.model].add(op);
    expected.by_type[op.operation_type].add(op);
  }
  return expected;
}

void require_equal(const slice& a, const slice& b) {
  BOOST_REQUIRE_EQUAL(a.operations, b.operations);
  BOOST_REQUIRE_EQUAL(a.prompt_tokens, b.prompt_tokens);
  BOOST_REQUIRE_EQUAL(a.completion_tokens, b.completion_tokens);
  BOOST_REQUIRE_EQUAL(a.total_tokens, b.total_tokens);
  BOOST_REQUIRE_EQUAL(a.latency_us, b.latency_us);
  BOOST_REQUIRE_EQUAL(a.cost_nusd, b.cost_nusd);
}

void require_equal(const std::map<std::string, slice>& a, const std::map<std::string, slice>& b) {
  BOOST_REQUIRE_EQUAL(a.size(), b.size());
  for (const auto& [name, figures] : a) {
    BOOST_REQUIRE_MESSAGE(b.count(name) == 1, name);
    require_equal(figures, b.at(name));
  }
}

} // namespace

BOOST_AUTO_TEST_SUITE(tenant_aggregate_suite)

BOOST_AUTO_TEST_CASE(any_range_equals_brute_force) {
  std::mt19937_64 random(1234);
  const std::int64_t span_s = 10 * 86400;
  std::vector<core::operation_record> ops;
  tenant_aggregate aggregate;
  for (int i = 0; i < 20000; ++i) {
    ops.push_back(random_operation(random, span_s));
    aggregate.apply(ops.back());
  }

  // Ranges of every shape: inside one second, across bucket edges, wider than the data.
  for (int i = 0; i < 400; ++i) {
    std::int64_t a = t0 - 3600 + static_cast<std::int64_t>(random() % (span_s + 7200));
    std::int64_t b = t0 - 3600 + static_cast<std::int64_t>(random() % (span_s + 7200));
    if (i % 4 == 0)
      b = a + static_cast<std::int64_t>(random() % 200);
    resolved_range range{std::min(a, b), std::max(a, b), granularity::day};
    metrics_summary got = aggregate.summarize(range);
    metrics_summary expected = brute_force(ops, range.start_s, range.end_s);
    require_equal(got.all, expected.all);
    require_equal(got.by_model, expected.by_model);
    require_equal(got.by_type, expected.by_type);
    for (std::size_t s = 0; s < core::status_count; ++s) {
      std::int64_t count = 0;
      for (const auto& op : ops) {
        const std::int64_t second = core::floor_div(op.timestamp_us, core::micros_per_second);
        count += op.status == s && second >= range.start_s && second < range.end_s;
      }
      BOOST_REQUIRE_EQUAL(got.all.by_status[s], count);
    }
  }
}

BOOST_AUTO_TEST_CASE(trend_buckets_partition_the_range) {
  std::mt19937_64 random(99);
  std::vector<core::operation_record> ops;
  tenant_aggregate aggregate;
  for (int i = 0; i < 5000; ++i) {
    ops.push_back(random_operation(random, 3 * 86400));
    aggregate.apply(ops.back());
  }
  for (auto step :
       {granularity::minute, granularity::hour, granularity::day, granularity::week,
        granularity::month}) {
    const resolved_range range{t0 + 1234, t0 + 2 * 86400 + 77, step};
    metrics_summary got = aggregate.summarize(range);
    BOOST_REQUIRE(!got.trend.empty());
    BOOST_REQUIRE_EQUAL(got.trend.front().period_start_s, range.start_s);

    // Each point covers [its start, the next start); together they are the whole range.
    slice total;
    for (std::size_t i = 0; i < got.trend.size(); ++i) {
      const std::int64_t start = got.trend[i].period_start_s;
      const std::int64_t end =
          i + 1 < got.trend.size() ? got.trend[i + 1].period_start_s : range.end_s;
      if (i > 0)
        BOOST_REQUIRE_EQUAL(bucket_floor(start, step), start);
      require_equal(got.trend[i].figures, brute_force(ops, start, end).all);
      total.add(got.trend[i].figures);
    }
    require_equal(total, got.all);
  }
}

BOOST_AUTO_TEST_CASE(empty_aggregate_gives_zeros_and_a_zero_trend) {
  tenant_aggregate aggregate;
  metrics_summary got = aggregate.summarize({t0, t0 + 3 * 86400, granularity::day});
  BOOST_REQUIRE_EQUAL(got.all.operations, 0);
  BOOST_REQUIRE(got.by_model.empty());
  BOOST_REQUIRE_EQUAL(got.trend.size(), 3u);
  BOOST_REQUIRE_EQUAL(got.trend[2].figures.operations, 0);
}

BOOST_AUTO_TEST_CASE(merge_adds_tenants) {
  std::mt19937_64 random(5);
  tenant_aggregate a;
  tenant_aggregate b;
  std::vector<core::operation_record> ops;
  for (int i = 0; i < 1000; ++i) {
    ops.push_back(random_operation(random, 86400));
    (i % 2 ? a : b).apply(ops.back());
  }
  const resolved_range range{t0, t0 + 86400, granularity::hour};
  metrics_summary merged = a.summarize(range);
  merged.merge(b.summarize(range));
  metrics_summary expected = brute_force(ops, range.start_s, range.end_s);
  require_equal(merged.all, expected.all);
  require_equal(merged.by_model, expected.by_model);
  BOOST_REQUIRE_EQUAL(merged.trend.size(), 24u);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(calendar_buckets)

BOOST_AUTO_TEST_CASE(weeks_start_on_monday_and_months_on_the_first) {
  auto at = [](const char* text) {
    return core::parse_rfc3339(text).value() / core::micros_per_second;
  };
  BOOST_REQUIRE_EQUAL(
      bucket_floor(at("2024-03-07T10:00:00Z"), granularity::week), at("2024-03-04T00:00:00Z"));
  BOOST_REQUIRE_EQUAL(
      bucket_floor(at("2024-03-04T00:00:00Z"), granularity::week), at("2024-03-04T00:00:00Z"));
  BOOST_REQUIRE_EQUAL(
      bucket_floor(at("2024-03-03T23:59:59Z"), granularity::week), at("2024-02-26T00:00:00Z"));
  BOOST_REQUIRE_EQUAL(
      bucket_floor(at("2024-02-29T12:00:00Z"), granularity::month), at("2024-02-01T00:00:00Z"));
  BOOST_REQUIRE_EQUAL(
      bucket_next(at("2024-12-15T00:00:00Z"), granularity::month), at("2025-01-01T00:00:00Z"));
  BOOST_REQUIRE_EQUAL(
      bucket_next(at("2024-01-31T00:00:00Z"), granularity::month), at("2024-02-01T00:00:00Z"));
}

BOOST_AUTO_TEST_CASE(resolves_open_ranges_from_the_data) {
  std::string error;
  const time_span stored = std::make_pair(t0, t0 + 500);
  auto range = resolve_range({}, stored, t0 + 1000, error);
  BOOST_REQUIRE(range);
  BOOST_REQUIRE_EQUAL(range->start_s, t0);
  BOOST_REQUIRE_EQUAL(range->end_s, t0 + 1001);
  BOOST_REQUIRE(range->step == granularity::minute);

  // Data in the future of now still counts.
  range = resolve_range({}, std::make_pair(t0, t0 + 5000), t0 + 10, error);
  BOOST_REQUIRE_EQUAL(range->end_s, t0 + 5001);

  // Nothing stored: an empty range at now.
  range = resolve_range({}, std::nullopt, t0, error);
  BOOST_REQUIRE_EQUAL(range->start_s, range->end_s);
}

BOOST_AUTO_TEST_CASE(picks_granularity_from_length_and_refuses_too_many_buckets) {
  std::string error;
  auto days = resolve_range({t0, t0 + 30 * 86400, std::nullopt}, std::nullopt, t0, error);
  BOOST_REQUIRE(days->step == granularity::day);
  auto hours = resolve_range({t0, t0 + 2 * 86400, std::nullopt}, std::nullopt, t0, error);
  BOOST_REQUIRE(hours->step == granularity::hour);
  auto refused =
      resolve_range({t0, t0 + 365 * 86400, granularity::minute}, std::nullopt, t0, error);
  BOOST_REQUIRE(!refused);
  BOOST_REQUIRE(error.find("coarser granularity") != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()
