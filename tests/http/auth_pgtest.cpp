// API keys: who may call, whose data each key sees, and how keys are managed.

#include "storage/api_keys.hpp"
#include "support/service_fixture.hpp"
#include "support/service_process.hpp"

#include <boost/json.hpp>
#include <cstdio>

using namespace llmops;
using namespace llmops::test;

namespace {

const std::string ops_path = "/api/v1/llmops/operations";
const std::string keys_path = "/api/v1/llmops/api-keys";

struct keyed_service : service_fixture {
  keyed_service()
      : service_fixture([](service::config& settings) { settings.auth_mode = "api_key"; }) {
    // The first operator key comes straight from the database, as `keys create` makes it.
    storage::api_key_record record;
    BOOST_REQUIRE(
        storage::create_api_key(db.sql(), std::nullopt, "admin", operator_key, record).ok());
  }

  header_list bearer(const std::string& key) { return {{"Authorization", "Bearer " + key}}; }

  std::string create_tenant_key(const std::string& tenant) {
    auto reply =
        post(keys_path, R"({"name":"sdk","tenant_id":")" + tenant + "\"}", bearer(operator_key));
    BOOST_REQUIRE_MESSAGE(reply.status == 201, reply.body);
    return std::string(reply.json().at("data").at("key").as_string());
  }

  std::string operator_key;
};

const std::string operation = R"({"operation_type":"chat","model":"m","cost_usd":1})";

} // namespace

BOOST_FIXTURE_TEST_SUITE(api_keys, keyed_service)

BOOST_AUTO_TEST_CASE(requests_without_a_valid_key_get_401) {
  auto missing = get(ops_path);
  BOOST_REQUIRE_EQUAL(missing.status, 401);
  BOOST_REQUIRE_EQUAL(missing.header("WWW-Authenticate"), "Bearer");
  BOOST_REQUIRE_EQUAL(
      std::string(missing.json().at("error").at("code").as_string()), "unauthorized");
  BOOST_REQUIRE_EQUAL(get(ops_path, bearer("llmk_00000000_" + std::string(32, '0'))).status, 401);
  BOOST_REQUIRE_EQUAL(get(ops_path, {{"Authorization", "Basic abc"}}).status, 401);
  BOOST_REQUIRE_EQUAL(post(ops_path, operation, {{"X-Tenant-ID", "acme"}}).status, 401);
  BOOST_REQUIRE_EQUAL(get("/health").status, 200);
  BOOST_REQUIRE_EQUAL(db.scalar("SELECT count(*) FROM llmops_operations"), 0);
}

BOOST_AUTO_TEST_CASE(a_tenant_key_sees_its_tenant_only_on_every_endpoint) {
  const std::string acme = create_tenant_key("acme");
  const std::string globex = create_tenant_key("globex");
  BOOST_REQUIRE_EQUAL(post(ops_path, operation, bearer(acme)).status, 201);
  BOOST_REQUIRE_EQUAL(post(ops_path, operation, bearer(globex)).status, 201);
  BOOST_REQUIRE_EQUAL(
      db.scalar("SELECT count(*) FROM llmops_operations WHERE tenant_id = 'acme'"), 1);

  // Its own data, whatever it leaves out.
  BOOST_REQUIRE_EQUAL(get(ops_path, bearer(acme)).json().at("data").at("total").as_int64(), 1);
  BOOST_REQUIRE_EQUAL(
      get("/api/v1/llmops/metrics", bearer(acme))
          .json()
          .at("data")
          .at("total_operations")
          .as_int64(),
      1);
  auto cost = get("/api/v1/llmops/cost-analysis", bearer(acme))
                  .json()
                  .at("data")
                  .at("cost_by_tenant")
                  .as_object();
  BOOST_REQUIRE_EQUAL(cost.size(), 1u);
  BOOST_REQUIRE(cost.contains("acme"));

  // Every way of naming another tenant is refused.
  for (const std::string target : std::vector<std::string>{
           ops_path + "?tenant_id=globex", "/api/v1/llmops/metrics?tenant_id=globex",
           "/api/v1/llmops/cost-analysis?tenant_id=globex"})
    BOOST_REQUIRE_EQUAL(get(target, bearer(acme)).status, 403);
  header_list impersonate = bearer(acme);
  impersonate.emplace_back("X-Tenant-ID", "globex");
  BOOST_REQUIRE_EQUAL(get(ops_path, impersonate).status, 403);
  BOOST_REQUIRE_EQUAL(post(ops_path, operation, impersonate).status, 403);
  BOOST_REQUIRE_EQUAL(
      post(ops_path, R"({"operation_type":"chat","model":"m","tenant_id":"globex"})", bearer(acme))
          .status,
      403);
  auto batch = post(
      ops_path + "/batch",
      R"({"operations":[{"operation_type":"c","model":"m","tenant_id":"globex"}]})", bearer(acme));
  BOOST_REQUIRE_EQUAL(batch.status, 400);
  BOOST_REQUIRE_EQUAL(
      std::string(batch.json().at("data").at("results").at(0).at("error").at("code").as_string()),
      "forbidden");
  BOOST_REQUIRE_EQUAL(
      db.scalar("SELECT count(*) FROM llmops_operations WHERE tenant_id = 'globex'"), 1);

  // Keys are the operator's business.
  BOOST_REQUIRE_EQUAL(get(keys_path, bearer(acme)).status, 403);
  BOOST_REQUIRE_EQUAL(post(keys_path, R"({"name":"x"})", bearer(acme)).status, 403);
  BOOST_REQUIRE_EQUAL(
      http_request(port, "DELETE", keys_path + "/llmk_x", "", bearer(acme)).status, 403);
}

BOOST_AUTO_TEST_CASE(the_operator_key_sees_every_tenant) {
  const std::string acme = create_tenant_key("acme");
  BOOST_REQUIRE_EQUAL(post(ops_path, operation, bearer(acme)).status, 201);
  BOOST_REQUIRE_EQUAL(
      post(
          ops_path, R"({"operation_type":"chat","model":"m","tenant_id":"initech"})",
          bearer(operator_key))
          .status,
      201);
  BOOST_REQUIRE_EQUAL(
      get(ops_path, bearer(operator_key)).json().at("data").at("total").as_int64(), 2);
  BOOST_REQUIRE_EQUAL(
      get(ops_path + "?tenant_id=acme", bearer(operator_key))
          .json()
          .at("data")
          .at("total")
          .as_int64(),
      1);
}

BOOST_AUTO_TEST_CASE(keys_are_listed_without_secrets_and_revoked_at_once) {
  const std::string acme = create_tenant_key("acme");
  auto listed = get(keys_path, bearer(operator_key));
  BOOST_REQUIRE_EQUAL(listed.status, 200);
  BOOST_REQUIRE_EQUAL(listed.json().at("data").at("count").as_int64(), 2);
  BOOST_REQUIRE(listed.body.find(acme) == std::string::npos);
  BOOST_REQUIRE(listed.body.find(operator_key) == std::string::npos);

  // Only a digest is stored.
  BOOST_REQUIRE_EQUAL(
      db.scalar("SELECT count(*) FROM llmops_api_keys WHERE key_hash = $1 OR key_id = $1", {acme}),
      0);
  BOOST_REQUIRE_EQUAL(
      db.scalar(
          "SELECT count(*) FROM llmops_api_keys WHERE key_hash = $1",
          {storage::api_key_digest(acme)}),
      1);

  BOOST_REQUIRE_EQUAL(get(ops_path, bearer(acme)).status, 200);
  const std::string key_id = acme.substr(0, acme.rfind('_'));
  BOOST_REQUIRE_EQUAL(
      http_request(port, "DELETE", keys_path + "/" + key_id, "", bearer(operator_key)).status, 200);
  BOOST_REQUIRE_EQUAL(get(ops_path, bearer(acme)).status, 401);
  BOOST_REQUIRE_EQUAL(
      http_request(port, "DELETE", keys_path + "/llmk_nothing", "", bearer(operator_key)).status,
      404);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(keys_command)

BOOST_AUTO_TEST_CASE(creates_lists_and_revokes_keys_from_the_command_line) {
  pg_schema db;
  auto run = [&](const std::string& arguments) {
    const std::string command = "DATABASE_URL=\"" + db.conninfo() +
                                "\" " LLMOPS_SERVICE_BINARY " keys " + arguments + " 2>/dev/null";
    std::string output;
    FILE* pipe = popen(command.c_str(), "r");
    char buffer[512];
    while (std::fgets(buffer, sizeof buffer, pipe) != nullptr)
      output += buffer;
    return std::make_pair(pclose(pipe), output);
  };
  auto [created, key] = run("create --operator --name admin");
  BOOST_REQUIRE_EQUAL(created, 0);
  BOOST_REQUIRE_EQUAL(key.rfind("llmk_", 0), 0u);
  key.pop_back();
  BOOST_REQUIRE_EQUAL(run("create --name missing-role").first != 0, true);

  auto [listed, list] = run("list");
  BOOST_REQUIRE_EQUAL(listed, 0);
  BOOST_REQUIRE(list.find("(operator)") != std::string::npos);
  const std::string key_id = key.substr(0, key.rfind('_'));
  BOOST_REQUIRE_EQUAL(run("revoke " + key_id).first, 0);
  BOOST_REQUIRE_EQUAL(
      db.scalar(
          "SELECT count(*) FROM llmops_api_keys WHERE key_id = $1 AND revoked_at IS NOT NULL",
          {key_id}),
      1);
}

BOOST_AUTO_TEST_SUITE_END()
