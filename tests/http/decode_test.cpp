#include "http/decode.hpp"

#include <boost/json/value.hpp>
#include <boost/test/unit_test.hpp>
#include <cstring>

using namespace llmops;
using namespace llmops::http;

namespace {

const core::micros now = core::parse_rfc3339("2024-06-01T12:00:00Z").value();

// Decodes body; returns the error's field, or "" when it decoded.
std::string field_of_error(const std::string& body, core::operation_record* out = nullptr) {
  boost::json::value object;
  if (auto error = parse_json_object(body, object))
    return error->field;
  core::operation_record op;
  std::optional<std::string> tenant;
  auto error = decode_operation(object.get_object(), now, op, tenant);
  if (out != nullptr)
    *out = op;
  return error ? error->field : "";
}

} // namespace

BOOST_AUTO_TEST_SUITE(decode_operation_suite)

BOOST_AUTO_TEST_CASE(decodes_the_contract_example) {
  core::operation_record op;
  BOOST_REQUIRE_EQUAL(
      field_of_error(
          R"({"operation_type":"completion","model":"gpt-4","prompt_tokens":100,"completion_tokens":50,)"
          R"("total_tokens":150,"latency_ms":1250.5,"cost_usd":0.003,"status":"success",)"
          R"("agent_id":"agent_123","metadata":{"k":[1,2]}})",
          &op),
      "");
  BOOST_REQUIRE_EQUAL(op.operation_type, "completion");
  BOOST_REQUIRE_EQUAL(op.total_tokens, 150);
  BOOST_REQUIRE_EQUAL(op.latency_us, 1'250'500);
  BOOST_REQUIRE_EQUAL(op.cost_nusd, 3'000'000);
  BOOST_REQUIRE_EQUAL(op.agent_id.value(), "agent_123");
  BOOST_REQUIRE_EQUAL(op.metadata_json, R"({"k":[1,2]})");
  BOOST_REQUIRE_EQUAL(op.timestamp_us, now);
}

BOOST_AUTO_TEST_CASE(defaults_total_tokens_status_and_timestamp) {
  core::operation_record op;
  BOOST_REQUIRE_EQUAL(
      field_of_error(
          R"({"operation_type":"chat","model":"m","prompt_tokens":7,"completion_tokens":5})", &op),
      "");
  BOOST_REQUIRE_EQUAL(op.total_tokens, 12);
  BOOST_REQUIRE_EQUAL(core::operation_statuses[op.status], "success");
  BOOST_REQUIRE(!op.agent_id);
  BOOST_REQUIRE_EQUAL(op.metadata_json, "{}");
}

BOOST_AUTO_TEST_CASE(keeps_client_timestamp_and_operation_id) {
  core::operation_record op;
  BOOST_REQUIRE_EQUAL(
      field_of_error(
          R"({"operation_type":"chat","model":"m","timestamp":"2024-05-01T00:00:00.25Z","operation_id":"abc-1"})",
          &op),
      "");
  BOOST_REQUIRE_EQUAL(op.timestamp_us, core::parse_rfc3339("2024-05-01T00:00:00.25Z").value());
  BOOST_REQUIRE_EQUAL(op.operation_id, "abc-1");
}

BOOST_AUTO_TEST_CASE(rejects_bad_fields_naming_them) {
  const std::pair<const char*, const char*> cases[] = {
      {R"({"model":"m"})", "operation_type"},
      {R"({"operation_type":"chat"})", "model"},
      {R"({"operation_type":"","model":"m"})", "operation_type"},
      {R"({"operation_type":5,"model":"m"})", "operation_type"},
      {R"({"operation_type":"chat","model":"m","prompt_tokens":-1})", "prompt_tokens"},
      {R"({"operation_type":"chat","model":"m","prompt_tokens":1.5})", "prompt_tokens"},
      {R"({"operation_type":"chat","model":"m","prompt_tokens":"10"})", "prompt_tokens"},
      {R"({"operation_type":"chat","model":"m","completion_tokens":18446744073709551615})",
       "completion_tokens"},
      {R"({"operation_type":"chat","model":"m","prompt_tokens":10,"total_tokens":5})",
       "total_tokens"},
      {R"({"operation_type":"chat","model":"m","latency_ms":-1})", "latency_ms"},
      {R"({"operation_type":"chat","model":"m","latency_ms":1e300})", "latency_ms"},
      {R"({"operation_type":"chat","model":"m","cost_usd":-0.5})", "cost_usd"},
      {R"({"operation_type":"chat","model":"m","cost_usd":"1"})", "cost_usd"},
      {R"({"operation_type":"chat","model":"m","status":"weird"})", "status"},
      {R"({"operation_type":"chat","model":"m","metadata":[1]})", "metadata"},
      {R"({"operation_type":"chat","model":"m","metadata":{"a":"\u0000"}})", "metadata"},
      {R"({"operation_type":"chat","model":"m","timestamp":"yesterday"})", "timestamp"},
      {R"({"operation_type":"chat","model":"m","timestamp":"2099-01-01T00:00:00Z"})", "timestamp"},
      {R"({"operation_type":"chat","model":"m","operation_id":"has space"})", "operation_id"},
      {R"({"operation_type":"chat","model":"m","tenant_id":"a;b"})", "tenant_id"},
      {R"({"operation_type":"chat","model":"m\n"})", "model"},
      {R"({"operation_type":"chat","model":"m","prompt_token":1})", "prompt_token"},
      {R"({"operation_type":"chat","model":"m")", "body"},
      {R"([1,2])", "body"},
      {R"(not json)", "body"},
  };
  for (const auto& [body, field] : cases)
    BOOST_CHECK_MESSAGE(field_of_error(body) == field, body << " -> " << field_of_error(body));
}

BOOST_AUTO_TEST_CASE(bounds_metadata_size_and_depth) {
  std::string big = R"({"operation_type":"chat","model":"m","metadata":{"x":")" +
                    std::string(20000, 'a') + "\"}}";
  BOOST_REQUIRE_EQUAL(field_of_error(big), "metadata");
  std::string deep = R"({"operation_type":"chat","model":"m","metadata":)" + std::string(40, '[') +
                     std::string(40, ']') + "}";
  BOOST_REQUIRE_EQUAL(field_of_error(deep), "body");
}

BOOST_AUTO_TEST_CASE(null_means_absent) {
  core::operation_record op;
  BOOST_REQUIRE_EQUAL(
      field_of_error(
          R"({"operation_type":"chat","model":"m","agent_id":null,"metadata":null,"cost_usd":null})",
          &op),
      "");
  BOOST_REQUIRE(!op.agent_id);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(query_parameters)

BOOST_AUTO_TEST_CASE(parses_every_operation_filter) {
  std::string path;
  query_params params;
  BOOST_REQUIRE(!parse_target(
      "/api/v1/llmops/"
      "operations?tenant_id=t1&agent_id=a%201&model=gpt-4&operation_type=chat&status=error"
      "&start_date=2024-01-01&end_date=2024-01-02T00:00:00Z&limit=5&offset=10",
      path, params));
  BOOST_REQUIRE_EQUAL(path, "/api/v1/llmops/operations");
  storage::operation_filter filter;
  std::optional<std::string> tenant;
  BOOST_REQUIRE(!parse_operation_filter(params, tenant, filter));
  BOOST_REQUIRE_EQUAL(tenant.value(), "t1");
  BOOST_REQUIRE_EQUAL(filter.agent_id.value(), "a 1");
  BOOST_REQUIRE_EQUAL(filter.status.value(), "error");
  BOOST_REQUIRE_EQUAL(filter.limit, 5);
  BOOST_REQUIRE_EQUAL(filter.offset, 10);
  BOOST_REQUIRE_EQUAL(filter.end.value() - filter.start.value(), 86400LL * core::micros_per_second);
}

BOOST_AUTO_TEST_CASE(rejects_bad_parameters_naming_them) {
  const std::pair<const char*, const char*> cases[] = {
      {"limit=0", "limit"},
      {"limit=1001", "limit"},
      {"limit=abc", "limit"},
      {"offset=-1", "offset"},
      {"start_date=2024-13-01", "start_date"},
      {"end_date=soon", "end_date"},
      {"status=bogus", "status"},
      {"colour=red", "colour"},
      {"limit=1&limit=2", "limit"},
      {"start_date=2024-01-02&end_date=2024-01-01", "start_date"},
  };
  for (const auto& [query, field] : cases) {
    std::string path;
    query_params params;
    BOOST_REQUIRE(!parse_target(std::string("/x?") + query, path, params));
    storage::operation_filter filter;
    std::optional<std::string> tenant;
    auto error = parse_operation_filter(params, tenant, filter);
    BOOST_CHECK_MESSAGE(error && error->field == field, query);
  }
}

BOOST_AUTO_TEST_CASE(metrics_dates_must_be_whole_seconds) {
  std::string path;
  query_params params;
  BOOST_REQUIRE(!parse_target("/m?start_date=2024-01-01T00:00:00.5Z", path, params));
  std::optional<std::string> tenant;
  actors::metrics_range range;
  auto error = parse_metrics_params(params, tenant, range);
  BOOST_REQUIRE(error);
  BOOST_REQUIRE_EQUAL(error->field, "start_date");
}

BOOST_AUTO_TEST_CASE(tenant_header_scopes_and_forbids_others) {
  std::optional<std::string> scope;
  BOOST_REQUIRE(!resolve_scope(true, "acme", std::nullopt, scope));
  BOOST_REQUIRE_EQUAL(scope.value(), "acme");
  BOOST_REQUIRE(!resolve_scope(true, "acme", std::string("acme"), scope));
  auto error = resolve_scope(true, "acme", std::string("other"), scope);
  BOOST_REQUIRE(error && error->code == error_code::forbidden);
  BOOST_REQUIRE(!resolve_scope(false, "", std::nullopt, scope));
  BOOST_REQUIRE(!scope);
  BOOST_REQUIRE(!resolve_scope(false, "", std::string("x"), scope));
  BOOST_REQUIRE_EQUAL(scope.value(), "x");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(payload_digest)

BOOST_AUTO_TEST_CASE(a_retry_has_the_same_digest_and_a_change_another) {
  auto digest = [](const std::string& body, core::micros at) {
    boost::json::value object;
    BOOST_REQUIRE(!parse_json_object(body, object));
    core::operation_record op;
    std::optional<std::string> tenant;
    BOOST_REQUIRE(!decode_operation(object.get_object(), at, op, tenant));
    return op.payload_hash;
  };
  const std::string body =
      R"({"operation_type":"chat","model":"m","prompt_tokens":5,"operation_id":"x"})";
  // Sent again later without a timestamp: still the same operation.
  BOOST_REQUIRE_EQUAL(digest(body, now), digest(body, now + 5 * core::micros_per_second));
  BOOST_REQUIRE_EQUAL(
      digest(body, now),
      digest(
          R"({"operation_id":"x","prompt_tokens":5,"model":"m","operation_type":"chat","status":"success"})",
          now));
  BOOST_REQUIRE_NE(
      digest(body, now), digest(R"({"operation_type":"chat","model":"m","prompt_tokens":6})", now));
  BOOST_REQUIRE_NE(
      digest(body, now),
      digest(R"({"operation_type":"chat","model":"m","prompt_tokens":5,"cost_usd":0})", now));
}

BOOST_AUTO_TEST_CASE(cached_and_reasoning_tokens_are_bounded_by_their_wholes) {
  std::string cases[][2] = {
      {R"({"operation_type":"c","model":"m","prompt_tokens":5,"cached_prompt_tokens":6})",
       "cached_prompt_tokens"},
      {R"({"operation_type":"c","model":"m","completion_tokens":5,"reasoning_tokens":6})",
       "reasoning_tokens"},
      {R"({"operation_type":"c","model":"m","prompt_tokens":5,"cached_prompt_tokens":5,"completion_tokens":3,"reasoning_tokens":3})",
       ""},
  };
  for (const auto& [body, field] : cases)
    BOOST_CHECK_MESSAGE(field_of_error(body) == field, body);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(utf8)

BOOST_AUTO_TEST_CASE(accepts_well_formed_text_only) {
  BOOST_REQUIRE(valid_utf8("plain"));
  BOOST_REQUIRE(valid_utf8("\u00e9\u4e2d\U0001f600"));
  for (const char* bad :
       {"\xff", "\xc3\x28", "\xc0\xaf", "\xed\xa0\x80", "\xf4\x90\x80\x80", "\xe2\x82"})
    BOOST_CHECK_MESSAGE(!valid_utf8(bad), "accepted bytes of length " << std::strlen(bad));
  // Lone surrogates never get that far: the JSON parser refuses them.
  BOOST_REQUIRE_EQUAL(field_of_error(R"({"operation_type":"chat","model":"\ud800"})"), "body");
  BOOST_REQUIRE_EQUAL(
      field_of_error(R"({"operation_type":"chat","model":"m","metadata":{"k":"\udfff"}})"), "body");
}

BOOST_AUTO_TEST_SUITE_END()
