#include "core/latency_sketch.hpp"

#include <algorithm>
#include <boost/test/unit_test.hpp>
#include <cmath>
#include <map>
#include <random>

using namespace llmops;
using core::latency_bins;
using core::latency_histogram;

namespace {

double exact_percentile(std::vector<std::int64_t> values, double q) {
  std::sort(values.begin(), values.end());
  const double rank = q * static_cast<double>(values.size() - 1);
  const auto below = static_cast<std::size_t>(rank);
  const double fraction = rank - static_cast<double>(below);
  const double low = static_cast<double>(values[below]);
  const double high = below + 1 < values.size() ? static_cast<double>(values[below + 1]) : low;
  return (low + fraction * (high - low)) / 1000.0;
}

} // namespace

BOOST_AUTO_TEST_SUITE(latency_sketch)

BOOST_AUTO_TEST_CASE(every_bin_value_is_within_half_a_percent) {
  for (std::int64_t us :
       {1LL, 2LL, 3LL, 17LL, 99LL, 100LL, 101LL, 1000LL, 12345LL, 999999LL, 1000000LL,
        86'400'000'000LL}) {
    const double value = core::latency_scale::value_of(core::latency_scale::bin_of(us));
    BOOST_REQUIRE_MESSAGE(
        std::abs(value - static_cast<double>(us)) <= 0.0051 * static_cast<double>(us),
        "latency_us=" << us << " value=" << value);
  }
  BOOST_REQUIRE_EQUAL(core::latency_scale::value_of(core::latency_scale::bin_of(0)), 0.0);
}

BOOST_AUTO_TEST_CASE(percentiles_within_one_percent_of_percentile_cont) {
  std::mt19937_64 random(42);
  std::lognormal_distribution<double> heavy(std::log(800'000.0), 1.2);
  std::uniform_int_distribution<std::int64_t> small(0, 40);
  for (int round = 0; round < 50; ++round) {
    const std::size_t n = 1 + random() % 5000;
    std::vector<std::int64_t> values;
    latency_bins bins;
    for (std::size_t i = 0; i < n; ++i) {
      const std::int64_t us =
          round % 5 == 0 ? small(random) : static_cast<std::int64_t>(heavy(random));
      values.push_back(us);
      bins.add(us);
    }
    latency_histogram histogram;
    histogram.add(bins);
    for (double q : core::reported_percentiles) {
      const double exact = exact_percentile(values, q);
      const double estimate = histogram.quantile_ms(q).value();
      BOOST_REQUIRE_MESSAGE(
          std::abs(estimate - exact) <= 0.01 * exact + 1e-9,
          "n=" << n << " q=" << q << " estimate=" << estimate << " exact=" << exact);
    }
  }
}

BOOST_AUTO_TEST_CASE(merging_in_any_order_gives_the_same_sketch) {
  std::mt19937_64 random(7);
  std::vector<latency_bins> parts(40);
  latency_bins all;
  for (int i = 0; i < 20000; ++i) {
    const auto us = static_cast<std::int64_t>(random() % 5'000'000);
    parts[random() % parts.size()].add(us);
    all.add(us);
  }
  latency_bins forward;
  latency_histogram sparse_then_dense;
  for (const auto& part : parts) {
    forward.add(part);
    sparse_then_dense.add(part);
  }
  latency_bins backward;
  latency_histogram reversed;
  for (auto it = parts.rbegin(); it != parts.rend(); ++it) {
    backward.add(*it);
    latency_histogram one;
    one.add(*it);
    reversed.add(one);
  }
  BOOST_REQUIRE(forward == all);
  BOOST_REQUIRE(backward == all);
  latency_histogram whole;
  whole.add(all);
  for (double q : {0.0, 0.1, 0.5, 0.9, 0.99, 1.0}) {
    BOOST_REQUIRE_EQUAL(sparse_then_dense.quantile_ms(q).value(), whole.quantile_ms(q).value());
    BOOST_REQUIRE_EQUAL(reversed.quantile_ms(q).value(), whole.quantile_ms(q).value());
  }
}

BOOST_AUTO_TEST_CASE(encodes_compactly_and_refuses_damage) {
  latency_bins bins;
  for (std::int64_t us = 1; us < 2'000'000; us = us * 3 / 2 + 1)
    bins.add(us);
  std::string blob;
  bins.encode(blob);
  BOOST_REQUIRE_LT(blob.size(), bins.bins().size() * 3);
  latency_bins back;
  std::string_view in = blob;
  BOOST_REQUIRE(back.decode(in));
  BOOST_REQUIRE(in.empty());
  BOOST_REQUIRE(back == bins);

  std::string_view cut = std::string_view(blob).substr(0, blob.size() - 1);
  BOOST_REQUIRE(!back.decode(cut));
  BOOST_REQUIRE(!latency_histogram{}.quantile_ms(0.5));
}

// All reported percentiles found in one sweep equal each one asked alone, small counts (whose
// neighbouring ranks coincide) and dense histograms alike.
BOOST_AUTO_TEST_CASE(reported_percentiles_in_one_sweep_equal_each_alone) {
  std::mt19937_64 random(8);
  for (std::size_t n : {0u, 1u, 2u, 3u, 4u, 7u, 20u, 101u, 5000u}) {
    latency_histogram histogram;
    for (std::size_t i = 0; i < n; ++i) {
      latency_bins one;
      one.add(static_cast<std::int64_t>(random() % 3'000'000));
      histogram.add(one);
    }
    const auto all = histogram.reported_ms();
    for (std::size_t i = 0; i < all.size(); ++i)
      BOOST_REQUIRE_EQUAL(
          all[i], histogram.quantile_ms(core::reported_percentiles[i]).value_or(0.0));
  }
}

// A bucket's models in one vector: each model's bins encode as its own latency_bins would,
// read back the same, and add up like the bins of each model.
BOOST_AUTO_TEST_CASE(keyed_bins_match_bins_kept_apart) {
  std::mt19937_64 random(16);
  core::keyed_latency_bins keyed;
  core::keyed_latency_bins other;
  std::map<std::uint32_t, latency_bins> apart;
  for (int i = 0; i < 3000; ++i) {
    const auto key = static_cast<std::uint32_t>(random() % 7);
    const auto us = static_cast<std::int64_t>(random() % 100'000);
    (i % 2 == 0 ? keyed : other).add(key, us);
    latency_bins one;
    one.add(us);
    apart[key].add(one);
  }
  keyed.add(other);
  core::keyed_latency_bins back;
  for (const auto& [key, bins] : apart) {
    std::string mine;
    std::string theirs;
    keyed.encode(mine, key);
    bins.encode(theirs);
    BOOST_REQUIRE(mine == theirs);
    std::string_view in = mine;
    BOOST_REQUIRE(back.decode(in, key));
    BOOST_REQUIRE(in.empty());
    in = mine;
    BOOST_REQUIRE(!back.decode(in, key)); // The key has its bins already.
  }
  BOOST_REQUIRE_EQUAL(back.entries().size(), keyed.entries().size());
  for (std::size_t i = 0; i < back.entries().size(); ++i) {
    BOOST_REQUIRE_EQUAL(back.entries()[i].key, keyed.entries()[i].key);
    BOOST_REQUIRE_EQUAL(back.entries()[i].bin, keyed.entries()[i].bin);
    BOOST_REQUIRE_EQUAL(back.entries()[i].count, keyed.entries()[i].count);
  }
}

// A histogram fed whole runs of sorted bins (a bucket's, a model's of a keyed set) reports what
// one fed the same latencies one at a time does, however the runs interleave.
BOOST_AUTO_TEST_CASE(runs_of_sorted_bins_add_like_single_latencies) {
  std::mt19937_64 random(23);
  for (int round = 0; round < 50; ++round) {
    latency_histogram from_runs;
    latency_histogram one_by_one;
    const int runs = 1 + static_cast<int>(random() % 6);
    for (int r = 0; r < runs; ++r) {
      latency_bins bins;
      core::keyed_latency_bins keyed;
      const int size = static_cast<int>(random() % 400);
      for (int i = 0; i < size; ++i) {
        const auto us = static_cast<std::int64_t>(random() % 5'000'000);
        bins.add(us);
        keyed.add(static_cast<std::uint32_t>(random() % 3), us);
        one_by_one.add(core::latency_scale::bin_of(us), 2);
      }
      from_runs.add(bins);
      const auto& entries = keyed.entries();
      for (std::size_t first = 0; first < entries.size();) {
        std::size_t last = first;
        while (last < entries.size() && entries[last].key == entries[first].key)
          ++last;
        from_runs.add(entries.data() + first, entries.data() + last);
        first = last;
      }
    }
    BOOST_REQUIRE_EQUAL(from_runs.count(), one_by_one.count());
    const auto expected = one_by_one.reported_ms();
    const auto got = from_runs.reported_ms();
    for (std::size_t i = 0; i < got.size(); ++i)
      BOOST_REQUIRE_EQUAL(got[i], expected[i]);
  }
}

BOOST_AUTO_TEST_SUITE_END()
