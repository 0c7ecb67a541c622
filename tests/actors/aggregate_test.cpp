#include "actors/aggregate.hpp"

#include <algorithm>
#include <boost/test/unit_test.hpp>
#include <cmath>
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
  static const char* agents[] = {"planner", "coder", "reviewer"};
  if (random() % 4 != 0)
    op.agent_id = agents[random() % 3];
  return op;
}

std::int64_t second_of(const core::operation_record& op) {
  return core::floor_div(op.timestamp_us, core::micros_per_second);
}

// percentile_cont over the latencies, in milliseconds.
double exact_percentile(std::vector<std::int64_t> latencies_us, double q) {
  std::sort(latencies_us.begin(), latencies_us.end());
  const double rank = q * static_cast<double>(latencies_us.size() - 1);
  const auto below = static_cast<std::size_t>(rank);
  const double fraction = rank - static_cast<double>(below);
  const double low = static_cast<double>(latencies_us[below]);
  const double high =
      below + 1 < latencies_us.size() ? static_cast<double>(latencies_us[below + 1]) : low;
  return (low + fraction * (high - low)) / 1000.0;
}

// Every reported percentile within 1% of percentile_cont over the same latencies.
void require_percentiles_close(
    const core::latency_histogram& got, const std::vector<std::int64_t>& latencies_us) {
  BOOST_REQUIRE_EQUAL(got.count(), static_cast<std::int64_t>(latencies_us.size()));
  if (latencies_us.empty())
    return;
  for (double q : core::reported_percentiles) {
    const double exact = exact_percentile(latencies_us, q);
    const double estimate = got.quantile_ms(q).value();
    BOOST_REQUIRE_MESSAGE(
        std::abs(estimate - exact) <= 0.01 * exact + 1e-9,
        "q=" << q << " estimate=" << estimate << " exact=" << exact);
  }
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
    expected.by_agent[op.agent_id.value_or("")].add(op);
  }
  return expected;
}

std::vector<std::int64_t> latencies_in(
    const std::vector<core::operation_record>& ops,
    std::int64_t start,
    std::int64_t end,
    const std::optional<std::string>& model = std::nullopt) {
  std::vector<std::int64_t> latencies;
  for (const auto& op : ops)
    if (second_of(op) >= start && second_of(op) < end && (!model || op.model == *model))
      latencies.push_back(op.latency_us);
  return latencies;
}

void require_equal(const slice& a, const slice& b) {
  BOOST_REQUIRE_EQUAL(a.operations, b.operations);
  BOOST_REQUIRE_EQUAL(a.prompt_tokens, b.prompt_tokens);
  BOOST_REQUIRE_EQUAL(a.completion_tokens, b.completion_tokens);
  BOOST_REQUIRE_EQUAL(a.total_tokens, b.total_tokens);
  BOOST_REQUIRE_EQUAL(a.latency_us, b.latency_us);
  BOOST_REQUIRE_EQUAL(a.failed, b.failed);
  BOOST_REQUIRE_EQUAL(a.cost_nusd, b.cost_nusd);
}

template <class A, class B>
void require_equal(const std::map<std::string, A>& a, const std::map<std::string, B>& b) {
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
    resolved_range range{std::min(a, b), std::max(a, b), granularity::day, true};
    metrics_summary got = aggregate.summarize(range);
    metrics_summary expected = brute_force(ops, range.start_s, range.end_s);
    require_equal(got.all, expected.all);
    require_equal(got.by_model, expected.by_model);
    require_equal(got.by_type, expected.by_type);
    require_equal(got.by_agent, expected.by_agent);
    require_percentiles_close(got.latency, latencies_in(ops, range.start_s, range.end_s));
    for (const auto& [model, figures] : got.by_model)
      require_percentiles_close(
          figures.latency, latencies_in(ops, range.start_s, range.end_s, model));
    for (std::size_t s = 0; s < core::status_count; ++s) {
      std::int64_t count = 0;
      for (const auto& op : ops) {
        const std::int64_t second = core::floor_div(op.timestamp_us, core::micros_per_second);
        count += op.status == s && second >= range.start_s && second < range.end_s;
      }
      BOOST_REQUIRE_EQUAL(got.all.by_status[s], count);
    }

    // Without percentiles (cost analysis) the same sums, and no latency distribution.
    range.percentiles = false;
    const metrics_summary costs = aggregate.summarize(range);
    require_equal(costs.all, expected.all);
    require_equal(costs.by_model, expected.by_model);
    BOOST_REQUIRE_EQUAL(costs.latency.count(), 0);
    for (const auto& [model, figures] : costs.by_model)
      BOOST_REQUIRE_EQUAL(figures.latency.count(), 0);
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

// Old days keep day buckets only; the pieces of a range that cut them come from an aggregate
// of the rows in missing(), and together the answer is still exact.
BOOST_AUTO_TEST_CASE(older_days_keep_day_buckets_and_cut_pieces_come_from_rows) {
  std::mt19937_64 random(4321);
  const std::int64_t span_s = 12 * 86400;
  const std::int64_t fine_start = t0 + 8 * 86400;
  std::vector<core::operation_record> ops;
  tenant_aggregate complete;
  tenant_aggregate tiered(fine_start - 86400);
  for (int i = 0; i < 20000; ++i) {
    ops.push_back(random_operation(random, span_s));
    complete.apply(ops.back());
    tiered.apply(ops.back());
  }
  tiered.prune(fine_start);
  const auto full = complete.bucket_counts();
  const auto kept = tiered.bucket_counts();
  BOOST_REQUIRE_EQUAL(kept[3], full[3]);
  BOOST_REQUIRE_LT(kept[0] * 2, full[0]);

  for (int i = 0; i < 300; ++i) {
    const std::int64_t a = t0 - 3600 + static_cast<std::int64_t>(random() % (span_s + 7200));
    std::int64_t b = t0 - 3600 + static_cast<std::int64_t>(random() % (span_s + 7200));
    if (i % 3 == 0)
      b = a + static_cast<std::int64_t>(random() % 100000);
    const granularity step = i % 2 ? granularity::day : granularity::hour;
    const resolved_range range{std::min(a, b), std::max(a, b), step, true};

    // What the table would return for the missing pieces.
    const auto pieces = tenant_aggregate::missing(range, fine_start);
    tenant_aggregate older;
    for (const auto& op : ops)
      for (const auto& piece : pieces)
        if (second_of(op) >= piece.start_s && second_of(op) < piece.end_s)
          older.apply(op);
    for (const auto& piece : pieces)
      BOOST_REQUIRE_LE(piece.end_s, fine_start);

    const metrics_summary got = tiered.summarize(range, fine_start, &older);
    const metrics_summary expected = complete.summarize(range);
    require_equal(got.all, expected.all);
    require_equal(got.by_model, expected.by_model);
    require_equal(got.by_type, expected.by_type);
    require_equal(got.by_agent, expected.by_agent);
    BOOST_REQUIRE_EQUAL(got.latency.count(), expected.latency.count());
    BOOST_REQUIRE_EQUAL(
        got.latency.quantile_ms(0.99).value_or(-1),
        expected.latency.quantile_ms(0.99).value_or(-1));
    BOOST_REQUIRE_EQUAL(got.trend.size(), expected.trend.size());
    for (std::size_t p = 0; p < got.trend.size(); ++p)
      require_equal(got.trend[p].figures, expected.trend[p].figures);
  }

  // Whole days before the fine start need no rows at all.
  const resolved_range whole_days{t0, fine_start + 3600, granularity::day};
  BOOST_REQUIRE(tenant_aggregate::missing(whole_days, fine_start).empty());
}

// The day buckets written to the table and read back give the same answers; the finer buckets
// of recent days come from the rows.
BOOST_AUTO_TEST_CASE(day_buckets_survive_a_snapshot) {
  std::mt19937_64 random(777);
  const std::int64_t span_s = 6 * 86400;
  const std::int64_t fine_start = t0 + 4 * 86400;
  std::vector<core::operation_record> ops;
  tenant_aggregate original(fine_start);
  for (int i = 0; i < 5000; ++i) {
    ops.push_back(random_operation(random, span_s));
    original.apply(ops.back());
  }
  auto days = original.take_changed_days(false);
  BOOST_REQUIRE_EQUAL(days.size(), 6u);
  BOOST_REQUIRE(original.take_changed_days(false).empty());

  tenant_aggregate restored(fine_start);
  for (const auto& [day, blob] : days)
    BOOST_REQUIRE(restored.load_day(day, blob));
  for (const auto& op : ops)
    restored.apply(op, false);
  BOOST_REQUIRE_EQUAL(restored.operations(), original.operations());
  BOOST_REQUIRE(restored.span() == original.span());
  BOOST_REQUIRE(restored.bucket_counts() == original.bucket_counts());
  for (int i = 0; i < 100; ++i) {
    const std::int64_t a = fine_start + static_cast<std::int64_t>(random() % (2 * 86400));
    const std::int64_t b = fine_start + static_cast<std::int64_t>(random() % (2 * 86400));
    const resolved_range range{std::min(a, b), std::max(a, b), granularity::hour, true};
    const metrics_summary got = restored.summarize(range, fine_start);
    const metrics_summary expected = original.summarize(range, fine_start);
    require_equal(got.all, expected.all);
    require_equal(got.by_model, expected.by_model);
    require_equal(got.by_agent, expected.by_agent);
  }
  const resolved_range everything{t0, t0 + span_s, granularity::day, true};
  const metrics_summary got = restored.summarize(everything, fine_start);
  const metrics_summary expected = brute_force(ops, t0, t0 + span_s);
  require_equal(got.all, expected.all);
  require_equal(got.by_model, expected.by_model);
  require_equal(got.by_type, expected.by_type);
  require_equal(got.by_agent, expected.by_agent);
  require_percentiles_close(got.latency, latencies_in(ops, t0, t0 + span_s));

  // A damaged blob is refused, not half-read.
  std::string damaged = days.front().second;
  damaged.resize(damaged.size() / 2);
  tenant_aggregate other;
  BOOST_REQUIRE(!other.load_day(days.front().first, damaged));
}

// The finer buckets written to the table minute by minute, as a snapshot updated with the
// minutes changed since, give the same answers as the aggregate they came from, with no rows.
BOOST_AUTO_TEST_CASE(finer_buckets_survive_a_snapshot_and_its_updates) {
  std::mt19937_64 random(4711);
  const std::int64_t span_s = 4 * 86400;
  const std::int64_t fine_start = t0 + 2 * 86400;
  std::vector<core::operation_record> ops;
  tenant_aggregate original(fine_start);
  std::map<std::int64_t, std::string> days;
  std::map<std::int64_t, std::string> minutes;
  auto store = [&](bool everything) {
    for (auto& [day, blob] : original.take_changed_days(everything))
      days[day] = std::move(blob);
    for (auto& [minute, blob] : original.take_changed_minutes(everything))
      minutes[minute] = std::move(blob);
  };
  for (int round = 0; round < 3; ++round) {
    for (int i = 0; i < 3000; ++i) {
      ops.push_back(random_operation(random, span_s));
      original.apply(ops.back());
    }
    store(round == 0);
  }
  BOOST_REQUIRE(original.take_changed_minutes(false).empty());
  for (const auto& [minute, blob] : minutes)
    BOOST_REQUIRE_GE(minute * 60, fine_start);

  tenant_aggregate restored(fine_start);
  for (const auto& [day, blob] : days)
    BOOST_REQUIRE(restored.load_day(day, blob));
  for (const auto& [minute, blob] : minutes)
    BOOST_REQUIRE(restored.load_minute(minute, blob));
  BOOST_REQUIRE_EQUAL(restored.operations(), original.operations());
  BOOST_REQUIRE(restored.span() == original.span());
  BOOST_REQUIRE(restored.bucket_counts() == original.bucket_counts());
  for (int i = 0; i < 200; ++i) {
    const std::int64_t a = fine_start + static_cast<std::int64_t>(random() % (2 * 86400));
    const std::int64_t b = fine_start + static_cast<std::int64_t>(random() % (2 * 86400));
    const resolved_range range{std::min(a, b), std::max(a, b), granularity::minute, true};
    const metrics_summary got = restored.summarize(range, fine_start);
    const metrics_summary expected = brute_force(ops, range.start_s, range.end_s);
    require_equal(got.all, expected.all);
    require_equal(got.by_model, expected.by_model);
    require_equal(got.by_type, expected.by_type);
    require_equal(got.by_agent, expected.by_agent);
    require_percentiles_close(got.latency, latencies_in(ops, range.start_s, range.end_s));
    const metrics_summary before = original.summarize(range, fine_start);
    BOOST_REQUIRE_EQUAL(got.trend.size(), before.trend.size());
    for (std::size_t p = 0; p < got.trend.size(); ++p)
      require_equal(got.trend[p].figures, before.trend[p].figures);
  }

  // Rows after the snapshot go on top of it; minutes before the kept ones are skipped; a
  // damaged or repeated minute is refused.
  auto later = random_operation(random, span_s);
  later.timestamp_us = (fine_start + 86400 + 7) * core::micros_per_second;
  original.apply(later);
  restored.apply(later);
  const resolved_range day{fine_start + 86400, fine_start + 2 * 86400, granularity::hour, true};
  require_equal(restored.summarize(day, fine_start).all, original.summarize(day, fine_start).all);
  tenant_aggregate newer(fine_start + 86400);
  BOOST_REQUIRE(newer.load_minute(minutes.begin()->first, minutes.begin()->second));
  BOOST_REQUIRE(newer.bucket_counts() == (std::array<std::size_t, 4>{}));
  std::string damaged = minutes.rbegin()->second;
  damaged.resize(damaged.size() - 1);
  tenant_aggregate other(fine_start);
  BOOST_REQUIRE(!other.load_minute(minutes.rbegin()->first, damaged));
  BOOST_REQUIRE(!restored.load_minute(minutes.rbegin()->first, minutes.rbegin()->second));
}

// The operator's aggregate of every tenant answers as the tenants' answers merged, also when
// its buckets are read back from a snapshot.
BOOST_AUTO_TEST_CASE(the_aggregate_of_every_tenant_equals_the_tenants_merged) {
  std::mt19937_64 random(2024);
  const std::int64_t fine_start = t0 + 3 * 86400;
  const char* names[] = {"acme", "globex", "initech"};
  std::map<std::string, tenant_aggregate> tenants;
  tenant_aggregate everyone(fine_start, true);
  std::vector<core::operation_record> ops;
  for (int i = 0; i < 6000; ++i) {
    ops.push_back(random_operation(random, 5 * 86400));
    ops.back().tenant_id = names[random() % 3];
    tenants.try_emplace(ops.back().tenant_id, fine_start).first->second.apply(ops.back());
    everyone.apply(ops.back());
  }
  tenant_aggregate restored(fine_start, true);
  for (const auto& [day, blob] : everyone.take_changed_days(false)) {
    BOOST_REQUIRE(restored.load_day(day, blob));
    BOOST_REQUIRE(!tenants.begin()->second.load_day(day + 1000, blob)); // Not a tenant's.
  }
  for (const auto& [minute, blob] : everyone.take_changed_minutes(false)) {
    BOOST_REQUIRE(restored.load_minute(minute, blob));
    BOOST_REQUIRE(!tenants.begin()->second.load_minute(minute, blob)); // Not a tenant's.
  }
  BOOST_REQUIRE(restored.bucket_counts() == everyone.bucket_counts());

  for (int i = 0; i < 50; ++i) {
    // Whole days before fine_start, any second after it: answered from memory alone.
    const std::int64_t a = t0 + static_cast<std::int64_t>(random() % 3) * 86400;
    const std::int64_t b = fine_start + static_cast<std::int64_t>(random() % (2 * 86400));
    const resolved_range range{a, b, granularity::day, true};
    BOOST_REQUIRE(tenant_aggregate::missing(range, fine_start).empty());
    metrics_summary expected = tenant_aggregate{}.summarize(range);
    for (auto& [name, aggregate] : tenants) {
      metrics_summary part = aggregate.summarize(range, fine_start);
      part.by_tenant.emplace(name, part.all);
      expected.merge(part);
    }
    for (const auto* aggregate : {&everyone, &restored}) {
      const metrics_summary got = aggregate->summarize(range, fine_start);
      require_equal(got.all, expected.all);
      require_equal(got.by_model, expected.by_model);
      require_equal(got.by_agent, expected.by_agent);
      require_equal(got.by_tenant, expected.by_tenant);
      BOOST_REQUIRE_EQUAL(
          got.latency.quantile_ms(0.9).value_or(-1),
          expected.latency.quantile_ms(0.9).value_or(-1));
    }
  }
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
