#include "core/json_writer.hpp"
#include "core/money.hpp"

#include <boost/test/unit_test.hpp>
#include <limits>
#include <random>

using namespace llmops::core;

BOOST_AUTO_TEST_SUITE(money)

BOOST_AUTO_TEST_CASE(converts_decimal_dollars_exactly) {
  BOOST_REQUIRE_EQUAL(usd_to_nano(0.003).value(), 3'000'000);
  BOOST_REQUIRE_EQUAL(usd_to_nano(4.5).value(), 4'500'000'000);
  BOOST_REQUIRE_EQUAL(usd_to_nano(0.000000001).value(), 1);
  BOOST_REQUIRE_EQUAL(usd_to_nano(0.1).value(), 100'000'000);
  BOOST_REQUIRE_EQUAL(usd_to_nano(999999.999999999).value(), 999'999'999'999'999);
}

BOOST_AUTO_TEST_CASE(every_nine_digit_decimal_below_the_bound_converts_exactly) {
  // Any decimal with nine fractional digits below the bound, read as a double, lands on its
  // exact nano-dollar value.
  std::mt19937_64 random(42);
  std::uniform_int_distribution<std::int64_t> amount(0, 1'000'000LL * nano_per_usd);
  for (int i = 0; i < 200000; ++i) {
    const std::int64_t nano = amount(random);
    const double usd = std::stod(format_usd(nano));
    BOOST_REQUIRE_EQUAL(usd_to_nano(usd).value(), nano);
  }
}

BOOST_AUTO_TEST_CASE(rejects_negative_non_finite_and_huge_amounts) {
  BOOST_REQUIRE(!usd_to_nano(-0.01));
  BOOST_REQUIRE(!usd_to_nano(std::numeric_limits<double>::quiet_NaN()));
  BOOST_REQUIRE(!usd_to_nano(std::numeric_limits<double>::infinity()));
  BOOST_REQUIRE(!usd_to_nano(1e7));
}

BOOST_AUTO_TEST_CASE(renders_exact_decimals) {
  BOOST_REQUIRE_EQUAL(format_usd(0), "0");
  BOOST_REQUIRE_EQUAL(format_usd(4'500'000'000), "4.5");
  BOOST_REQUIRE_EQUAL(format_usd(3'000'000), "0.003");
  BOOST_REQUIRE_EQUAL(format_usd(1), "0.000000001");
  BOOST_REQUIRE_EQUAL(format_usd(12 * nano_per_usd), "12");
  BOOST_REQUIRE_EQUAL(format_usd(-1), "-0.000000001");
  BOOST_REQUIRE_EQUAL(format_usd(std::numeric_limits<std::int64_t>::max()), "9223372036.854775807");
  BOOST_REQUIRE_EQUAL(format_decimal(1'250'500, 3), "1250.5");
}

BOOST_AUTO_TEST_CASE(sums_do_not_depend_on_order) {
  // The point of integers: the same amounts added in any order give the same total, where
  // doubles drift (0.1 + 0.2 + 0.3 != 0.3 + 0.2 + 0.1).
  std::vector<nano_usd> amounts;
  std::mt19937_64 random(7);
  for (int i = 0; i < 10000; ++i)
    amounts.push_back(usd_to_nano(static_cast<double>(random() % 100000) / 1e5).value());
  nano_usd forward = 0;
  for (auto a : amounts)
    forward += a;
  std::shuffle(amounts.begin(), amounts.end(), random);
  nano_usd shuffled = 0;
  for (auto a : amounts)
    shuffled += a;
  BOOST_REQUIRE_EQUAL(forward, shuffled);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(json_writer_suite)

BOOST_AUTO_TEST_CASE(places_commas_and_escapes) {
  json_writer json;
  json.begin_object();
  json.key("a").number(std::int64_t{1});
  json.key("b").begin_array().string("x\"y\\z\n\x01").null().boolean(true).end_array();
  json.key("c").decimal(1500, 3);
  json.key("d").begin_object().end_object();
  json.end_object();
  BOOST_REQUIRE_EQUAL(json.text(), R"({"a":1,"b":["x\"y\\z\n\u0001",null,true],"c":1.5,"d":{}})");
}

BOOST_AUTO_TEST_CASE(writes_exact_decimals_numbers_and_timestamps) {
  json_writer json;
  json.begin_array();
  json.decimal(0, 9).decimal(-1, 9).decimal(1'000'000'000, 9).decimal(1'250'500, 3);
  json.decimal(std::numeric_limits<std::int64_t>::min(), 9).decimal(-40, 0);
  json.number(std::int64_t{-42}).number(std::numeric_limits<std::int64_t>::max());
  json.timestamp(0).timestamp(1704067200LL * 1'000'000 + 5);
  json.end_array();
  BOOST_REQUIRE_EQUAL(
      json.text(),
      R"([0,-0.000000001,1,1250.5,-9223372036.854775808,-40,-42,9223372036854775807,)"
      R"("1970-01-01T00:00:00Z","2024-01-01T00:00:00.000005Z"])");
}

BOOST_AUTO_TEST_SUITE_END()
