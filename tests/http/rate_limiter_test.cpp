#include "http/rate_limiter.hpp"

#include <boost/test/unit_test.hpp>

using llmops::http::rate_limiter;

BOOST_AUTO_TEST_SUITE(rate_limiter_suite)

BOOST_AUTO_TEST_CASE(allows_the_burst_then_the_rate) {
  rate_limiter limiter(10, 5);
  const auto t0 = rate_limiter::clock::now();
  for (int i = 0; i < 5; ++i)
    BOOST_REQUIRE(!limiter.acquire("a", t0));
  auto wait = limiter.acquire("a", t0);
  BOOST_REQUIRE(wait);
  BOOST_REQUIRE_CLOSE(*wait, 0.1, 1e-6);

  // A tenth of a second later one more request fits, not two.
  const auto t1 = t0 + std::chrono::milliseconds(100);
  BOOST_REQUIRE(!limiter.acquire("a", t1));
  BOOST_REQUIRE(limiter.acquire("a", t1));
}

BOOST_AUTO_TEST_CASE(tenants_have_their_own_buckets) {
  rate_limiter limiter(1, 1);
  const auto t0 = rate_limiter::clock::now();
  BOOST_REQUIRE(!limiter.acquire("a", t0));
  BOOST_REQUIRE(limiter.acquire("a", t0));
  BOOST_REQUIRE(!limiter.acquire("b", t0));
}

BOOST_AUTO_TEST_CASE(idle_time_refills_no_more_than_the_burst) {
  rate_limiter limiter(100, 3);
  const auto t0 = rate_limiter::clock::now();
  BOOST_REQUIRE(!limiter.acquire("a", t0));
  const auto later = t0 + std::chrono::hours(1);
  for (int i = 0; i < 3; ++i)
    BOOST_REQUIRE(!limiter.acquire("a", later));
  BOOST_REQUIRE(limiter.acquire("a", later));
}

BOOST_AUTO_TEST_SUITE_END()
