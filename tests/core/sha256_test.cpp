#include "core/sha256.hpp"

#include <boost/test/unit_test.hpp>

using namespace llmops::core;

BOOST_AUTO_TEST_SUITE(sha256)

BOOST_AUTO_TEST_CASE(matches_the_standard_test_vectors) {
  BOOST_REQUIRE_EQUAL(
      sha256_hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  BOOST_REQUIRE_EQUAL(
      sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  BOOST_REQUIRE_EQUAL(
      sha256_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
      "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  BOOST_REQUIRE_EQUAL(
      sha256_hex(std::string(1000000, 'a')),
      "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

BOOST_AUTO_TEST_CASE(compares_in_constant_time_shape) {
  BOOST_REQUIRE(constant_time_equal("abc", "abc"));
  BOOST_REQUIRE(!constant_time_equal("abc", "abd"));
  BOOST_REQUIRE(!constant_time_equal("abc", "abcd"));
}

BOOST_AUTO_TEST_SUITE_END()
