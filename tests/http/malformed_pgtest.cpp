// A battery of malformed and hostile requests: each gets a clear 4xx with the error envelope,
// nothing wrong is stored, and the service keeps serving.

#include "support/service_fixture.hpp"

#include <boost/json.hpp>

using namespace llmops;
using namespace llmops::test;

namespace {

const std::string ops_path = "/api/v1/llmops/operations";

// Strings that break naive SQL, JSON or shell handling, used as field values and parameters.
const std::vector<std::string> hostile_strings = {
    "'; DROP TABLE llmops_operations; --",
    "\" OR 1=1 --",
    "Robert'); DELETE FROM x;--",
    "$1",
    "%s%n",
    "\\\\",
    "{\"}",
    "\u00e9\u4e2d\U0001f600",
    "a\\\\b",
    "NULL",
    "' || pg_sleep(10) || '"};

void require_4xx_envelope(const http_reply& reply, const std::string& what) {
  BOOST_TEST_CONTEXT(what) {
    BOOST_REQUIRE_GE(reply.status, 400);
    BOOST_REQUIRE_LT(reply.status, 500);
    auto body = reply.json().as_object();
    BOOST_REQUIRE_EQUAL(body.at("success").as_bool(), false);
    BOOST_REQUIRE(!body.at("error").at("message").as_string().empty());
    BOOST_REQUIRE(!body.at("request_id").as_string().empty());
  }
}

} // namespace

BOOST_FIXTURE_TEST_SUITE(malformed_requests, service_fixture)

BOOST_AUTO_TEST_CASE(bad_bodies_each_get_a_4xx_and_store_nothing) {
  const std::vector<std::string> bodies = {
      "",
      "{",
      "}",
      "[]",
      "null",
      "42",
      "\"text\"",
      "{\"operation_type\":\"chat\",}",
      R"({"operation_type":"chat","model":"m","prompt_tokens":NaN})",
      R"({"operation_type":"chat","model":"m","latency_ms":Infinity})",
      R"({"operation_type":"chat","model":"m","prompt_tokens":1e400})",
      R"({"operation_type":"chat","model":"m","cost_usd":1e400})",
      R"({"operation_type":"chat","model":"m","prompt_tokens":99999999999999999999999})",
      R"({"operation_type":"chat","model":"m","prompt_tokens":-1})",
      R"({"operation_type":"chat","model":"m","prompt_tokens":true})",
      R"({"operation_type":"chat","model":"m","prompt_tokens":[1]})",
      R"({"operation_type":"chat","model":"m","latency_ms":"fast"})",
      R"({"operation_type":"chat","model":"m","status":null,"metadata":"x"})",
      R"({"operation_type":["chat"],"model":"m"})",
      R"({"operation_type":"chat","model":{"name":"m"}})",
      R"({"operation_type":"chat","model":"m","timestamp":"2024-02-30T00:00:00Z"})",
      R"({"operation_type":"chat","model":"m","timestamp":1700000000})",
      R"({"operation_type":"chat","model":"m","operation_id":"'; DROP TABLE x;--"})",
      R"({"operation_type":"chat","model":"m","agent_id":""})",
      R"({"operation_type":"chat","model":")" + std::string(300, 'x') + "\"}",
      R"({"operation_type":"chat","model":"m","metadata":{"k":"\u0000"}})",
      R"({"operation_type":"chat","model":"m","metadata":)" + std::string(100, '[') +
          std::string(100, ']') + "}",
      "{\"operation_type\":\"chat\",\"model\":\"\xff\xfe\"}", // invalid UTF-8
      "{\"operation_type\":\"chat\",\"model\":\"\xc3\x28\"}", // invalid UTF-8
      R"({"operation_type":"chat","model":"\ud800"})",        // lone surrogate
  };
  for (const auto& body : bodies)
    require_4xx_envelope(post(ops_path, body), body.substr(0, 80));
  BOOST_REQUIRE_EQUAL(db.scalar("SELECT count(*) FROM llmops_operations"), 0);
  BOOST_REQUIRE_EQUAL(get("/health").status, 200);
}

BOOST_AUTO_TEST_CASE(hostile_strings_are_stored_verbatim_never_interpreted) {
  for (std::size_t i = 0; i < hostile_strings.size(); ++i) {
    const std::string& text = hostile_strings[i];
    boost::json::object body{
        {"operation_type", text},
        {"model", text},
        {"agent_id", text},
        {"metadata", {{text, text}}}};
    auto reply =
        post(ops_path, boost::json::serialize(body), {{"X-Tenant-ID", "t" + std::to_string(i)}});
    BOOST_REQUIRE_MESSAGE(reply.status == 201, text + ": " + reply.body);
    BOOST_REQUIRE_EQUAL(
        db.scalar(
            "SELECT count(*) FROM llmops_operations WHERE model = $1 AND operation_type = $1 AND "
            "agent_id = $1 "
            "AND metadata ->> $1 = $1",
            {text}),
        1);

    // The same strings as query parameters filter, and never error or match anything else.
    const std::string encoded = [&] {
      std::string out;
      for (unsigned char c : text) {
        char hex[4];
        std::snprintf(hex, sizeof hex, "%%%02X", c);
        out += hex;
      }
      return out;
    }();
    auto page =
        get(ops_path + "?model=" + encoded + "&agent_id=" + encoded + "&operation_type=" + encoded);
    BOOST_REQUIRE_EQUAL(page.status, 200);
    BOOST_REQUIRE_EQUAL(page.json().at("data").at("total").as_int64(), 1);
  }
  BOOST_REQUIRE_EQUAL(
      db.scalar("SELECT count(*) FROM llmops_operations"),
      static_cast<std::int64_t>(hostile_strings.size()));

  // Hostile tenant names and ids are refused by their shape.
  require_4xx_envelope(get(ops_path, {{"X-Tenant-ID", hostile_strings[0]}}), "tenant header");
  require_4xx_envelope(get(ops_path + "?tenant_id=%27%3B%20DROP"), "tenant parameter");
}

BOOST_AUTO_TEST_CASE(absurd_parameters_and_methods_each_get_a_4xx) {
  const std::vector<std::string> targets = {
      ops_path + "?limit=-1",
      ops_path + "?limit=99999999999999999999",
      ops_path + "?limit=1e3",
      ops_path + "?offset=-5",
      ops_path + "?offset=18446744073709551616",
      ops_path + "?offset=abc",
      ops_path + "?start_date=0000-00-00",
      ops_path + "?end_date=2024-01-01T25:00:00Z",
      ops_path + "?status=%27%20OR%201%3D1",
      ops_path + "?limit=1&limit=2",
      ops_path + "?unknown=1",
      ops_path + "?model=%FF%FE",
      ops_path + "?agent_id=%ED%A0%80",
      "/api/v1/llmops/metrics?start_date=9999-99-99",
      "/api/v1/llmops/metrics?granularity=%00",
      "/api/v1/llmops/cost-analysis?start_date=1970-01-01&end_date=9999-12-31&granularity=minute",
      "/api/v1/llmops/%2e%2e/%2e%2e/etc/passwd",
      "/api/v1/llmops/operations/../metrics"};
  for (const auto& target : targets)
    require_4xx_envelope(get(target), target);
  for (const char* method : {"PUT", "PATCH", "DELETE", "OPTIONS", "TRACE"})
    require_4xx_envelope(http_request(port, method, ops_path), method);
  std::string raw =
      raw_exchange(port, "BREW /api/v1/llmops/operations HTTP/1.1\r\nHost: x\r\n\r\n");
  BOOST_REQUIRE_MESSAGE(raw.rfind("HTTP/1.1 4", 0) == 0, raw.substr(0, 80));
  BOOST_REQUIRE_EQUAL(get("/health").status, 200);
}

BOOST_AUTO_TEST_SUITE_END()
