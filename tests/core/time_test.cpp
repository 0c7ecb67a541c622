#include "core/time.hpp"

#include <boost/test/unit_test.hpp>

using namespace llmops::core;

BOOST_AUTO_TEST_SUITE(time_parsing)

BOOST_AUTO_TEST_CASE(parses_utc_date_time) {
  BOOST_REQUIRE_EQUAL(parse_rfc3339("1970-01-01T00:00:00Z").value(), 0);
  BOOST_REQUIRE_EQUAL(
      parse_rfc3339("2024-01-01T00:00:00Z").value(), 1704067200LL * micros_per_second);
  BOOST_REQUIRE_EQUAL(
      parse_rfc3339("2024-01-01T00:00:00.5Z").value(), 1704067200LL * micros_per_second + 500000);
  BOOST_REQUIRE_EQUAL(
      parse_rfc3339("2024-01-01t00:00:00.000001z").value(), 1704067200LL * micros_per_second + 1);
}

BOOST_AUTO_TEST_CASE(applies_offsets) {
  BOOST_REQUIRE_EQUAL(
      parse_rfc3339("2024-01-01T02:30:00+02:30").value(),
      parse_rfc3339("2024-01-01T00:00:00Z").value());
  BOOST_REQUIRE_EQUAL(
      parse_rfc3339("2023-12-31T22:00:00-02:00").value(),
      parse_rfc3339("2024-01-01T00:00:00Z").value());
}

BOOST_AUTO_TEST_CASE(rejects_malformed_date_times) {
  for (const char* text :
       {"", "2024-01-01", "2024-01-01T00:00:00", "2024-13-01T00:00:00Z", "2024-02-30T00:00:00Z",
        "2023-02-29T00:00:00Z", "2024-01-01T24:00:00Z", "2024-01-01T00:60:00Z",
        "2024-01-01T00:00:00.Z", "2024-01-01T00:00:00.1234567Z", "2024-01-01T00:00:00+2:00",
        "2024-01-01T00:00:00Zjunk", "1969-12-31T23:59:59Z", "20240101T000000Z",
        "abcd-ef-ghT00:00:00Z"})
    BOOST_CHECK_MESSAGE(!parse_rfc3339(text), text);
}

BOOST_AUTO_TEST_CASE(accepts_leap_day) {
  BOOST_REQUIRE(parse_rfc3339("2024-02-29T12:00:00Z"));
  BOOST_REQUIRE(parse_rfc3339("2000-02-29T12:00:00Z"));
  BOOST_REQUIRE(!parse_rfc3339("1900-02-29T12:00:00Z"));
}

BOOST_AUTO_TEST_CASE(date_alone_means_midnight_utc) {
  BOOST_REQUIRE_EQUAL(
      parse_date_param("2024-01-02").value(), parse_rfc3339("2024-01-02T00:00:00Z").value());
  BOOST_REQUIRE(!parse_date_param("2024-1-02"));
}

BOOST_AUTO_TEST_CASE(formats_round_trip) {
  BOOST_REQUIRE_EQUAL(format_rfc3339(0), "1970-01-01T00:00:00Z");
  BOOST_REQUIRE_EQUAL(
      format_rfc3339(1704067200LL * micros_per_second + 250000), "2024-01-01T00:00:00.250000Z");
  for (micros at : {0LL, 951782400123456LL, 4102444799999999LL, 1709251199000000LL})
    BOOST_REQUIRE_EQUAL(parse_rfc3339(format_rfc3339(at)).value(), at);
}

BOOST_AUTO_TEST_CASE(civil_days_round_trip) {
  for (std::int64_t day = -1000; day < 200000; day += 37) {
    civil_date date = civil_from_days(day);
    BOOST_REQUIRE_EQUAL(days_from_civil(date.year, date.month, date.day), day);
  }
}

BOOST_AUTO_TEST_SUITE_END()
