#include "support/service_fixture.hpp"

#include <boost/json.hpp>
#include <set>

using namespace llmops;
using namespace llmops::test;
namespace json = boost::json;

namespace {

const std::string ops_path = "/api/v1/llmops/operations";
const std::string metrics_path = "/api/v1/llmops/metrics";
const std::string cost_path = "/api/v1/llmops/cost-analysis";

const std::string contract_body =
    R"({"operation_type":"completion","model":"gpt-4","prompt_tokens":100,"completion_tokens":50,)"
    R"("total_tokens":150,"latency_ms":1250.5,"cost_usd":0.003,"status":"success","agent_id":"agent_123",)"
    R"("metadata":{}})";

std::string operation(
    const std::string& model,
    const std::string& type,
    const std::string& status,
    const std::string& timestamp,
    const std::string& agent = "agent_1") {
  json::object body{{"operation_type", type},  {"model", model},    {"prompt_tokens", 10},
                    {"completion_tokens", 5},  {"latency_ms", 100}, {"cost_usd", 0.25},
                    {"status", status},        {"agent_id", agent}, {"timestamp", timestamp},
                    {"metadata", {{"run", 1}}}};
  return json::serialize(body);
}

std::string id_of(const http_reply& reply) {
  BOOST_REQUIRE_MESSAGE(reply.status == 201, reply.body);
  return std::string(reply.json().at("data").at("operation_id").as_string());
}

std::set<std::string> ids_in(const http_reply& reply) {
  BOOST_REQUIRE_MESSAGE(reply.status == 200, reply.body);
  std::set<std::string> ids;
  const json::value body = reply.json();
  for (const auto& op : body.at("data").at("operations").as_array())
    ids.insert(std::string(op.at("operation_id").as_string()));
  return ids;
}

// The error envelope of DESIGN.md, checked in full.
void require_error(
    const http_reply& reply, int status, const std::string& code, const std::string& field = "") {
  BOOST_REQUIRE_MESSAGE(
      reply.status == status,
      "expected " << status << ", got " << reply.status << ": " << reply.body);
  auto body = reply.json().as_object();
  BOOST_REQUIRE_EQUAL(body.at("success").as_bool(), false);
  BOOST_REQUIRE_EQUAL(std::string(body.at("error").at("code").as_string()), code);
  BOOST_REQUIRE(!body.at("error").at("message").as_string().empty());
  if (!field.empty())
    BOOST_REQUIRE_EQUAL(std::string(body.at("error").at("field").as_string()), field);
  BOOST_REQUIRE(!body.at("request_id").as_string().empty());
  BOOST_REQUIRE(!body.at("correlation_id").as_string().empty());
  BOOST_REQUIRE_EQUAL(reply.header("X-Request-ID"), std::string(body.at("request_id").as_string()));
  BOOST_REQUIRE_EQUAL(
      reply.header("X-Correlation-ID"), std::string(body.at("correlation_id").as_string()));
}

} // namespace

BOOST_FIXTURE_TEST_SUITE(operations_endpoint, service_fixture)

BOOST_AUTO_TEST_CASE(post_answers_201_once_the_row_is_committed) {
  auto reply = post(ops_path, contract_body, {{"X-Tenant-ID", "tenant_123"}});
  const std::string id = id_of(reply);
  BOOST_REQUIRE_EQUAL(id.rfind("op_", 0), 0u);
  BOOST_REQUIRE_EQUAL(reply.json().at("success").as_bool(), true);

  // Acknowledged means committed: another connection sees the row at once.
  BOOST_REQUIRE_EQUAL(
      db.scalar(
          "SELECT count(*) FROM llmops_operations WHERE tenant_id = 'tenant_123' AND operation_id "
          "= $1",
          {id}),
      1);
  BOOST_REQUIRE_EQUAL(db.scalar("SELECT cost_nusd FROM llmops_operations"), 3'000'000);
  BOOST_REQUIRE_EQUAL(db.scalar("SELECT latency_us FROM llmops_operations"), 1'250'500);
}

BOOST_AUTO_TEST_CASE(every_response_carries_request_and_correlation_ids) {
  auto reply = post(ops_path, contract_body, {{"X-Correlation-ID", "trace-42"}});
  BOOST_REQUIRE_EQUAL(reply.header("X-Correlation-ID"), "trace-42");
  BOOST_REQUIRE_EQUAL(reply.header("X-Request-ID").rfind("req_", 0), 0u);
  auto health = get("/health");
  BOOST_REQUIRE(!health.header("X-Request-ID").empty());
  BOOST_REQUIRE(!health.header("X-Correlation-ID").empty());
  auto error = get("/nowhere", {{"X-Correlation-ID", "trace-43"}});
  require_error(error, 404, "not_found", "path");
  BOOST_REQUIRE_EQUAL(std::string(error.json().at("correlation_id").as_string()), "trace-43");
}

BOOST_AUTO_TEST_CASE(get_returns_every_stored_field_newest_first) {
  const std::string older = id_of(post(
      ops_path, operation("gpt-4", "chat", "success", "2024-01-01T10:00:00Z"),
      {{"X-Tenant-ID", "acme"}}));
  const std::string newer = id_of(post(
      ops_path, operation("gpt-4", "chat", "error", "2024-01-01T11:00:00.5Z"),
      {{"X-Tenant-ID", "acme"}}));

  auto reply = get(ops_path, {{"X-Tenant-ID", "acme"}});
  BOOST_REQUIRE_EQUAL(reply.status, 200);
  auto data = reply.json().at("data");
  BOOST_REQUIRE_EQUAL(data.at("count").as_int64(), 2);
  BOOST_REQUIRE_EQUAL(data.at("total").as_int64(), 2);
  auto first = data.at("operations").at(0).as_object();
  BOOST_REQUIRE_EQUAL(std::string(first.at("operation_id").as_string()), newer);
  BOOST_REQUIRE_EQUAL(
      std::string(data.at("operations").at(1).at("operation_id").as_string()), older);
  BOOST_REQUIRE_EQUAL(std::string(first.at("tenant_id").as_string()), "acme");
  BOOST_REQUIRE_EQUAL(std::string(first.at("agent_id").as_string()), "agent_1");
  BOOST_REQUIRE_EQUAL(std::string(first.at("operation_type").as_string()), "chat");
  BOOST_REQUIRE_EQUAL(std::string(first.at("model").as_string()), "gpt-4");
  BOOST_REQUIRE_EQUAL(first.at("prompt_tokens").as_int64(), 10);
  BOOST_REQUIRE_EQUAL(first.at("completion_tokens").as_int64(), 5);
  BOOST_REQUIRE_EQUAL(first.at("total_tokens").as_int64(), 15);
  BOOST_REQUIRE_EQUAL(first.at("latency_ms").to_number<double>(), 100.0);
  BOOST_REQUIRE_EQUAL(first.at("cost_usd").to_number<double>(), 0.25);
  BOOST_REQUIRE_EQUAL(std::string(first.at("status").as_string()), "error");
  BOOST_REQUIRE_EQUAL(
      std::string(first.at("timestamp").as_string()), "2024-01-01T11:00:00.500000Z");
  BOOST_REQUIRE_EQUAL(first.at("metadata").at("run").as_int64(), 1);
}

BOOST_AUTO_TEST_CASE(every_filter_selects_exactly_its_rows) {
  std::map<std::string, std::string> id;
  auto add = [&](const std::string& name, const std::string& tenant, const std::string& body) {
    id[name] = id_of(post(ops_path, body, {{"X-Tenant-ID", tenant}}));
  };
  add("a1", "a", operation("gpt-4", "chat", "success", "2024-01-01T00:00:00Z", "bot1"));
  add("a2", "a", operation("gpt-4", "embedding", "error", "2024-01-02T00:00:00Z", "bot2"));
  add("a3", "a", operation("claude", "chat", "timeout", "2024-01-03T00:00:00Z", "bot1"));
  add("b1", "b", operation("claude", "completion", "success", "2024-01-02T12:00:00Z", "bot1"));

  auto ids = [&](const std::string& query) { return ids_in(get(ops_path + "?" + query)); };
  using names = std::set<std::string>;
  auto expect = [&](const names& wanted) {
    std::set<std::string> out;
    for (const auto& n : wanted)
      out.insert(id.at(n));
    return out;
  };
  BOOST_REQUIRE(ids("") == expect({"a1", "a2", "a3", "b1"}));
  BOOST_REQUIRE(ids("tenant_id=a") == expect({"a1", "a2", "a3"}));
  BOOST_REQUIRE(ids("agent_id=bot1") == expect({"a1", "a3", "b1"}));
  BOOST_REQUIRE(ids("model=claude") == expect({"a3", "b1"}));
  BOOST_REQUIRE(ids("operation_type=chat") == expect({"a1", "a3"}));
  BOOST_REQUIRE(ids("status=error") == expect({"a2"}));
  BOOST_REQUIRE(ids("start_date=2024-01-02") == expect({"a2", "a3", "b1"}));
  BOOST_REQUIRE(ids("end_date=2024-01-02T12:00:00Z") == expect({"a1", "a2"}));
  BOOST_REQUIRE(ids("start_date=2024-01-02&end_date=2024-01-03") == expect({"a2", "b1"}));
  BOOST_REQUIRE(ids("tenant_id=a&model=gpt-4&status=success") == expect({"a1"}));
  BOOST_REQUIRE(ids("model=nothing-like-this").empty());
}

BOOST_AUTO_TEST_CASE(limit_and_offset_page_through_the_total) {
  std::vector<std::string> ids;
  for (int i = 0; i < 7; ++i)
    ids.push_back(id_of(post(
        ops_path,
        operation("m", "chat", "success", "2024-02-0" + std::to_string(i + 1) + "T00:00:00Z"))));
  auto page = get(ops_path + "?limit=3&offset=2").json().at("data");
  BOOST_REQUIRE_EQUAL(page.at("count").as_int64(), 3);
  BOOST_REQUIRE_EQUAL(page.at("total").as_int64(), 7);
  BOOST_REQUIRE_EQUAL(page.at("limit").as_int64(), 3);
  BOOST_REQUIRE_EQUAL(page.at("offset").as_int64(), 2);
  // Newest first: offset 2 starts at the fifth posted.
  BOOST_REQUIRE_EQUAL(
      std::string(page.at("operations").at(0).at("operation_id").as_string()), ids[4]);
  BOOST_REQUIRE_EQUAL(get(ops_path + "?offset=100").json().at("data").at("count").as_int64(), 0);
  BOOST_REQUIRE_EQUAL(get(ops_path).json().at("data").at("limit").as_int64(), 100);
}

BOOST_AUTO_TEST_CASE(tenant_header_isolates_tenants_on_every_endpoint) {
  id_of(post(
      ops_path, operation("m", "chat", "success", "2024-01-01T00:00:00Z"), {{"X-Tenant-ID", "a"}}));
  id_of(post(
      ops_path, operation("m", "chat", "success", "2024-01-01T00:00:00Z"), {{"X-Tenant-ID", "b"}}));
  id_of(post(
      ops_path, operation("m", "chat", "success", "2024-01-01T00:00:01Z"), {{"X-Tenant-ID", "b"}}));

  BOOST_REQUIRE_EQUAL(
      get(ops_path, {{"X-Tenant-ID", "a"}}).json().at("data").at("total").as_int64(), 1);
  BOOST_REQUIRE_EQUAL(
      get(ops_path + "?tenant_id=a", {{"X-Tenant-ID", "a"}})
          .json()
          .at("data")
          .at("total")
          .as_int64(),
      1);
  require_error(
      get(ops_path + "?tenant_id=b", {{"X-Tenant-ID", "a"}}), 403, "forbidden", "tenant_id");
  require_error(
      get(metrics_path + "?tenant_id=b", {{"X-Tenant-ID", "a"}}), 403, "forbidden", "tenant_id");
  require_error(
      get(cost_path + "?tenant_id=b", {{"X-Tenant-ID", "a"}}), 403, "forbidden", "tenant_id");
  require_error(
      post(
          ops_path, R"({"operation_type":"chat","model":"m","tenant_id":"b"})",
          {{"X-Tenant-ID", "a"}}),
      403, "forbidden", "tenant_id");

  BOOST_REQUIRE_EQUAL(
      get(metrics_path, {{"X-Tenant-ID", "a"}}).json().at("data").at("total_operations").as_int64(),
      1);
  auto cost =
      get(cost_path, {{"X-Tenant-ID", "a"}}).json().at("data").at("cost_by_tenant").as_object();
  BOOST_REQUIRE_EQUAL(cost.size(), 1u);
  BOOST_REQUIRE(cost.contains("a"));

  // Without the header: the operator view across tenants, or one tenant by parameter.
  BOOST_REQUIRE_EQUAL(get(ops_path).json().at("data").at("total").as_int64(), 3);
  BOOST_REQUIRE_EQUAL(get(metrics_path).json().at("data").at("total_operations").as_int64(), 3);
  BOOST_REQUIRE_EQUAL(
      get(metrics_path + "?tenant_id=b").json().at("data").at("total_operations").as_int64(), 2);
  BOOST_REQUIRE_EQUAL(get(cost_path).json().at("data").at("cost_by_tenant").as_object().size(), 2u);
}

BOOST_AUTO_TEST_CASE(operations_without_a_tenant_go_to_the_default_tenant) {
  id_of(post(ops_path, contract_body));
  BOOST_REQUIRE_EQUAL(
      db.scalar("SELECT count(*) FROM llmops_operations WHERE tenant_id = 'default'"), 1);
  id_of(post(ops_path, R"({"operation_type":"chat","model":"m","tenant_id":"from-body"})"));
  BOOST_REQUIRE_EQUAL(
      db.scalar("SELECT count(*) FROM llmops_operations WHERE tenant_id = 'from-body'"), 1);
}

BOOST_AUTO_TEST_CASE(a_repeated_operation_id_is_stored_and_counted_once) {
  const std::string body =
      R"({"operation_type":"chat","model":"m","cost_usd":1,"operation_id":"client-7"})";
  auto first = post(ops_path, body, {{"X-Tenant-ID", "a"}});
  BOOST_REQUIRE_EQUAL(id_of(first), "client-7");
  BOOST_REQUIRE_EQUAL(first.json().at("data").at("duplicate").as_bool(), false);
  auto again = post(ops_path, body, {{"X-Tenant-ID", "a"}});
  BOOST_REQUIRE_EQUAL(again.status, 200);
  BOOST_REQUIRE_EQUAL(
      std::string(again.json().at("data").at("operation_id").as_string()), "client-7");
  BOOST_REQUIRE_EQUAL(again.json().at("data").at("duplicate").as_bool(), true);
  BOOST_REQUIRE_EQUAL(db.scalar("SELECT count(*) FROM llmops_operations"), 1);
  BOOST_REQUIRE_EQUAL(get(metrics_path).json().at("data").at("total_operations").as_int64(), 1);

  // The same id under another tenant is another operation.
  BOOST_REQUIRE_EQUAL(post(ops_path, body, {{"X-Tenant-ID", "b"}}).status, 201);
}

// After its 201 a client finds its operation in the metrics at once, whether its question goes
// through the registry (rows still on their way) or straight to the tenant's aggregator.
BOOST_AUTO_TEST_CASE(metrics_read_right_after_a_write_count_it) {
  for (int i = 1; i <= 150; ++i) {
    for (const char* tenant : {"a", "b"}) {
      BOOST_REQUIRE_EQUAL(post(ops_path, contract_body, {{"X-Tenant-ID", tenant}}).status, 201);
      BOOST_REQUIRE_EQUAL(
          get(metrics_path, {{"X-Tenant-ID", tenant}})
              .json()
              .at("data")
              .at("total_operations")
              .as_int64(),
          i);
    }
  }
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_FIXTURE_TEST_SUITE(metrics_endpoints, service_fixture)

BOOST_AUTO_TEST_CASE(metrics_hold_every_contract_field) {
  post(
      ops_path, operation("gpt-4", "completion", "success", "2024-01-01T00:00:00Z"),
      {{"X-Tenant-ID", "t"}});
  post(
      ops_path, operation("gpt-4", "embedding", "error", "2024-01-01T01:00:00Z"),
      {{"X-Tenant-ID", "t"}});
  post(
      ops_path, operation("claude", "completion", "success", "2024-01-01T02:00:00Z"),
      {{"X-Tenant-ID", "t"}});

  auto reply =
      get(metrics_path + "?start_date=2024-01-01&end_date=2024-01-02", {{"X-Tenant-ID", "t"}});
  BOOST_REQUIRE_EQUAL(reply.status, 200);
  auto data = reply.json().at("data").as_object();
  BOOST_REQUIRE_EQUAL(data.at("total_operations").as_int64(), 3);
  BOOST_REQUIRE_EQUAL(data.at("total_tokens").as_int64(), 45);
  BOOST_REQUIRE_EQUAL(data.at("total_cost_usd").to_number<double>(), 0.75);
  BOOST_REQUIRE_EQUAL(data.at("average_latency_ms").to_number<double>(), 100.0);
  BOOST_REQUIRE_CLOSE(data.at("success_rate").to_number<double>(), 2.0 / 3.0, 1e-9);
  BOOST_REQUIRE_EQUAL(data.at("operations_by_type").at("completion").as_int64(), 2);
  BOOST_REQUIRE_EQUAL(data.at("operations_by_type").at("embedding").as_int64(), 1);
  BOOST_REQUIRE_EQUAL(data.at("operations_by_model").at("gpt-4").as_int64(), 2);
  BOOST_REQUIRE_EQUAL(data.at("cost_by_model").at("gpt-4").to_number<double>(), 0.5);
  BOOST_REQUIRE_EQUAL(data.at("tokens_by_model").at("claude").as_int64(), 15);
  BOOST_REQUIRE_EQUAL(data.at("operations_by_status").at("error").as_int64(), 1);
  BOOST_REQUIRE_EQUAL(std::string(data.at("period_start").as_string()), "2024-01-01T00:00:00Z");
  BOOST_REQUIRE_EQUAL(std::string(data.at("period_end").as_string()), "2024-01-02T00:00:00Z");
}

BOOST_AUTO_TEST_CASE(cost_analysis_holds_every_contract_field) {
  post(
      ops_path, operation("gpt-4", "completion", "success", "2024-01-01T00:30:00Z"),
      {{"X-Tenant-ID", "t1"}});
  post(
      ops_path, operation("claude", "embedding", "success", "2024-01-01T05:00:00Z"),
      {{"X-Tenant-ID", "t2"}});

  auto reply =
      get(cost_path +
          "?start_date=2024-01-01T00:00:00Z&end_date=2024-01-01T06:00:00Z&granularity=hour");
  BOOST_REQUIRE_EQUAL(reply.status, 200);
  auto data = reply.json().at("data").as_object();
  BOOST_REQUIRE_EQUAL(data.at("total_cost_usd").to_number<double>(), 0.5);
  BOOST_REQUIRE_EQUAL(data.at("cost_by_model").at("claude").to_number<double>(), 0.25);
  BOOST_REQUIRE_EQUAL(data.at("cost_by_operation_type").at("completion").to_number<double>(), 0.25);
  BOOST_REQUIRE_EQUAL(data.at("cost_by_tenant").at("t1").to_number<double>(), 0.25);
  BOOST_REQUIRE_EQUAL(data.at("cost_by_tenant").at("t2").to_number<double>(), 0.25);
  BOOST_REQUIRE_EQUAL(std::string(data.at("granularity").as_string()), "hour");
  BOOST_REQUIRE_EQUAL(std::string(data.at("period_start").as_string()), "2024-01-01T00:00:00Z");
  BOOST_REQUIRE_EQUAL(std::string(data.at("period_end").as_string()), "2024-01-01T06:00:00Z");

  auto trend = data.at("cost_trend").as_array();
  BOOST_REQUIRE_EQUAL(trend.size(), 6u);
  BOOST_REQUIRE_EQUAL(std::string(trend[0].at("period_start").as_string()), "2024-01-01T00:00:00Z");
  BOOST_REQUIRE_EQUAL(trend[0].at("cost_usd").to_number<double>(), 0.25);
  BOOST_REQUIRE_EQUAL(trend[0].at("operations").as_int64(), 1);
  BOOST_REQUIRE_EQUAL(trend[0].at("total_tokens").as_int64(), 15);
  BOOST_REQUIRE_EQUAL(trend[3].at("operations").as_int64(), 0);
  BOOST_REQUIRE_EQUAL(std::string(trend[5].at("period_start").as_string()), "2024-01-01T05:00:00Z");
  BOOST_REQUIRE_EQUAL(trend[5].at("operations").as_int64(), 1);
}

BOOST_AUTO_TEST_CASE(a_tenant_with_nothing_in_range_gets_zeros) {
  auto data =
      get(metrics_path + "?start_date=2024-01-01&end_date=2024-01-02", {{"X-Tenant-ID", "nobody"}})
          .json()
          .at("data")
          .as_object();
  BOOST_REQUIRE_EQUAL(data.at("total_operations").as_int64(), 0);
  BOOST_REQUIRE_EQUAL(data.at("total_cost_usd").to_number<double>(), 0.0);
  BOOST_REQUIRE_EQUAL(data.at("success_rate").to_number<double>(), 0.0);
  BOOST_REQUIRE(data.at("operations_by_model").as_object().empty());
  auto cost =
      get(cost_path + "?start_date=2024-01-01&end_date=2024-01-03", {{"X-Tenant-ID", "nobody"}})
          .json()
          .at("data")
          .as_object();
  BOOST_REQUIRE(cost.at("cost_by_tenant").as_object().empty());
  BOOST_REQUIRE_EQUAL(cost.at("cost_trend").as_array().size(), 48u);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_FIXTURE_TEST_SUITE(errors, service_fixture)

BOOST_AUTO_TEST_CASE(bad_bodies_get_400_naming_the_field) {
  require_error(post(ops_path, "{not json"), 400, "invalid_json", "body");
  require_error(post(ops_path, R"({"model":"m"})"), 400, "validation_error", "operation_type");
  require_error(
      post(ops_path, R"({"operation_type":"c","model":"m","status":"odd"})"), 400,
      "validation_error", "status");
  require_error(
      post(ops_path, R"({"operation_type":"c","model":"m","prompt_tokens":-3})"), 400,
      "validation_error", "prompt_tokens");
  require_error(
      post(ops_path, R"({"operation_type":"c","model":"m","extra":1})"), 400, "validation_error",
      "extra");
  require_error(
      post(ops_path, contract_body, {{"X-Tenant-ID", "bad tenant"}}), 400, "validation_error",
      "X-Tenant-ID");
  BOOST_REQUIRE_EQUAL(db.scalar("SELECT count(*) FROM llmops_operations"), 0);
}

BOOST_AUTO_TEST_CASE(bad_parameters_get_400_naming_them) {
  require_error(get(ops_path + "?limit=0"), 400, "validation_error", "limit");
  require_error(get(ops_path + "?limit=5000"), 400, "validation_error", "limit");
  require_error(get(ops_path + "?offset=-2"), 400, "validation_error", "offset");
  require_error(get(ops_path + "?start_date=tomorrow"), 400, "validation_error", "start_date");
  require_error(
      get(ops_path + "?start_date=2024-02-01&end_date=2024-01-01"), 400, "validation_error",
      "start_date");
  require_error(
      get(metrics_path + "?start_date=2024-02-01&end_date=2024-01-01"), 400, "validation_error",
      "start_date");
  require_error(get(metrics_path + "?end_date=2024-13-01"), 400, "validation_error", "end_date");
  require_error(get(cost_path + "?granularity=fortnight"), 400, "validation_error", "granularity");
  require_error(
      get(cost_path + "?start_date=2020-01-01&end_date=2024-01-01&granularity=minute"), 400,
      "validation_error", "granularity");
  require_error(get(metrics_path + "?bogus=1"), 400, "validation_error", "bogus");
}

BOOST_AUTO_TEST_CASE(unknown_paths_and_methods) {
  require_error(get("/api/v1/llmops/nothing"), 404, "not_found", "path");
  auto reply = http_request(port, "DELETE", ops_path);
  require_error(reply, 405, "method_not_allowed");
  BOOST_REQUIRE_EQUAL(reply.header("Allow"), "GET, POST");
  auto metrics = post(metrics_path, "{}");
  require_error(metrics, 405, "method_not_allowed");
  BOOST_REQUIRE_EQUAL(metrics.header("Allow"), "GET");
}

BOOST_AUTO_TEST_CASE(oversized_and_mistyped_requests) {
  std::string huge =
      R"({"operation_type":"c","model":"m","metadata":{"x":")" + std::string(2 << 20, 'a') + "\"}}";
  require_error(post(ops_path, huge), 413, "payload_too_large", "body");
  require_error(
      post(ops_path, "a=b", {{"Content-Type", "application/x-www-form-urlencoded"}}), 415,
      "unsupported_media_type", "Content-Type");
  BOOST_REQUIRE_EQUAL(
      post(ops_path, contract_body, {{"Content-Type", "application/json; charset=utf-8"}}).status,
      201);
  require_error(
      get(ops_path, {{"X-Padding", std::string(16 << 10, 'p')}}), 431, "header_too_large");
  BOOST_REQUIRE_EQUAL(db.scalar("SELECT count(*) FROM llmops_operations"), 1);
}

BOOST_AUTO_TEST_CASE(malformed_http_gets_400_and_the_service_goes_on) {
  std::string answer =
      raw_exchange(port, "GET / HTTP/1.1\r\nHost: x\r\nContent-Length: zz\r\n\r\n");
  BOOST_REQUIRE_MESSAGE(answer.rfind("HTTP/1.1 400", 0) == 0, answer);
  BOOST_REQUIRE_EQUAL(get("/health").status, 200);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_FIXTURE_TEST_SUITE(health, service_fixture)

BOOST_AUTO_TEST_CASE(reports_name_version_uptime_and_database) {
  auto reply = get("/health");
  BOOST_REQUIRE_EQUAL(reply.status, 200);
  auto data = reply.json().at("data").as_object();
  BOOST_REQUIRE_EQUAL(std::string(data.at("status").as_string()), "healthy");
  BOOST_REQUIRE_EQUAL(std::string(data.at("service").as_string()), "llmops-service");
  BOOST_REQUIRE(!data.at("version").as_string().empty());
  BOOST_REQUIRE(data.at("uptime_seconds").to_number<double>() >= 0.0);
  BOOST_REQUIRE_EQUAL(std::string(data.at("database").as_string()), "up");
}

BOOST_AUTO_TEST_SUITE_END()
