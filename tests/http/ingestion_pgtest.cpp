#include "support/service_fixture.hpp"

#include <boost/json.hpp>
#include <thread>

using namespace llmops;
using namespace llmops::test;
namespace json = boost::json;

namespace {

const std::string ops_path = "/api/v1/llmops/operations";
const std::string batch_path = "/api/v1/llmops/operations/batch";

std::string item(const std::string& model, const std::string& id = "", double cost = 0.5) {
  json::object body{
      {"operation_type", "chat"}, {"model", model}, {"prompt_tokens", 10}, {"cost_usd", cost}};
  if (!id.empty())
    body["operation_id"] = id;
  return json::serialize(body);
}

std::string batch(const std::vector<std::string>& items) {
  std::string body = R"({"operations":[)";
  for (std::size_t i = 0; i < items.size(); ++i)
    body += (i ? "," : "") + items[i];
  return body + "]}";
}

std::vector<std::string> statuses(const http_reply& reply) {
  std::vector<std::string> out;
  const json::value body = reply.json();
  for (const auto& result : body.at("data").at("results").as_array())
    out.emplace_back(result.at("status").as_string());
  return out;
}

void use_shipped_catalog(service::config& settings) {
  settings.pricing_file = LLMOPS_SOURCE_DIR "/conf/pricing.json";
  settings.pricing_file_given = true;
}

} // namespace

BOOST_FIXTURE_TEST_SUITE(batch_endpoint, service_fixture)

BOOST_AUTO_TEST_CASE(commits_valid_items_and_rejects_the_others_in_order) {
  auto reply = post(
      batch_path,
      batch(
          {item("gpt-4o"), R"({"operation_type":"chat"})", item("claude", "client-1"),
           R"({"operation_type":"chat","model":"m","tenant_id":"someone-else"})", "17"}),
      {{"X-Tenant-ID", "acme"}});
  BOOST_REQUIRE_MESSAGE(reply.status == 207, reply.body);
  BOOST_REQUIRE(
      (statuses(reply) ==
       std::vector<std::string>{"created", "rejected", "created", "rejected", "rejected"}));
  const json::value data = reply.json().at("data");
  BOOST_REQUIRE_EQUAL(data.at("created").as_int64(), 2);
  BOOST_REQUIRE_EQUAL(data.at("rejected").as_int64(), 3);
  BOOST_REQUIRE_EQUAL(std::string(data.at("outcome").as_string()), "some");
  const auto& results = data.at("results").as_array();
  BOOST_REQUIRE_EQUAL(results[1].at("index").as_int64(), 1);
  BOOST_REQUIRE_EQUAL(std::string(results[1].at("error").at("field").as_string()), "model");
  BOOST_REQUIRE_EQUAL(std::string(results[2].at("operation_id").as_string()), "client-1");
  BOOST_REQUIRE_EQUAL(std::string(results[3].at("error").at("code").as_string()), "forbidden");
  BOOST_REQUIRE_EQUAL(
      db.scalar("SELECT count(*) FROM llmops_operations WHERE tenant_id = 'acme'"), 2);
  BOOST_REQUIRE_EQUAL(
      get("/api/v1/llmops/metrics").json().at("data").at("total_operations").as_int64(), 2);
}

BOOST_AUTO_TEST_CASE(a_retried_batch_changes_nothing) {
  std::vector<std::string> items;
  for (int i = 0; i < 50; ++i)
    items.push_back(item("gpt-4o", "retry-" + std::to_string(i)));
  auto first = post(batch_path, batch(items));
  BOOST_REQUIRE_EQUAL(first.status, 201);
  BOOST_REQUIRE_EQUAL(first.json().at("data").at("created").as_int64(), 50);
  const std::string before =
      get("/api/v1/llmops/cost-analysis?start_date=2020-01-01&end_date=2030-01-01").body;

  auto again = post(batch_path, batch(items));
  BOOST_REQUIRE_EQUAL(again.status, 201);
  BOOST_REQUIRE_EQUAL(again.json().at("data").at("duplicates").as_int64(), 50);
  BOOST_REQUIRE_EQUAL(again.json().at("data").at("created").as_int64(), 0);
  BOOST_REQUIRE_EQUAL(db.scalar("SELECT count(*) FROM llmops_operations"), 50);
  BOOST_REQUIRE_EQUAL(
      get("/api/v1/llmops/cost-analysis?start_date=2020-01-01&end_date=2030-01-01").body, before);
}

BOOST_AUTO_TEST_CASE(a_batch_with_nothing_acceptable_is_a_400_listing_each_item) {
  auto reply = post(batch_path, batch({R"({"model":"m"})", R"({"operation_type":"c"})"}));
  BOOST_REQUIRE_EQUAL(reply.status, 400);
  const json::value body = reply.json();
  BOOST_REQUIRE_EQUAL(body.at("success").as_bool(), false);
  BOOST_REQUIRE_EQUAL(std::string(body.at("data").at("outcome").as_string()), "none");
  BOOST_REQUIRE_EQUAL(body.at("data").at("results").as_array().size(), 2u);
}

BOOST_AUTO_TEST_CASE(refuses_malformed_and_oversized_batches_whole) {
  std::vector<std::string> many(1001, item("m"));
  for (const std::string& body :
       {batch({}), batch(many), std::string(R"({"operations":{}})"),
        std::string(R"({"operations":[],"extra":1})"), std::string("[]")}) {
    auto reply = post(batch_path, body);
    BOOST_REQUIRE_MESSAGE(reply.status == 400, reply.body.substr(0, 200));
  }
  BOOST_REQUIRE_EQUAL(db.scalar("SELECT count(*) FROM llmops_operations"), 0);
  BOOST_REQUIRE_EQUAL(http_request(port, "GET", batch_path).status, 405);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_FIXTURE_TEST_SUITE(idempotency, service_fixture)

BOOST_AUTO_TEST_CASE(the_same_id_with_another_payload_is_a_conflict) {
  BOOST_REQUIRE_EQUAL(post(ops_path, item("gpt-4o", "same-id", 0.5)).status, 201);
  BOOST_REQUIRE_EQUAL(post(ops_path, item("gpt-4o", "same-id", 0.5)).status, 200);
  auto conflict = post(ops_path, item("gpt-4o", "same-id", 0.75));
  BOOST_REQUIRE_EQUAL(conflict.status, 409);
  BOOST_REQUIRE_EQUAL(std::string(conflict.json().at("error").at("code").as_string()), "conflict");
  BOOST_REQUIRE_EQUAL(
      std::string(conflict.json().at("error").at("field").as_string()), "operation_id");

  auto mixed = post(batch_path, batch({item("gpt-4o", "same-id", 0.75), item("gpt-4o", "fresh")}));
  BOOST_REQUIRE_EQUAL(mixed.status, 207);
  BOOST_REQUIRE((statuses(mixed) == std::vector<std::string>{"rejected", "created"}));
  BOOST_REQUIRE_EQUAL(
      db.scalar("SELECT cost_nusd FROM llmops_operations WHERE operation_id = 'same-id'"),
      500'000'000);
  BOOST_REQUIRE_EQUAL(
      get("/api/v1/llmops/metrics").json().at("data").at("total_operations").as_int64(), 2);
}

BOOST_AUTO_TEST_CASE(idempotency_key_names_the_operation) {
  const std::string body = R"({"operation_type":"chat","model":"m","cost_usd":1})";
  auto first = post(ops_path, body, {{"Idempotency-Key", "key-1"}});
  BOOST_REQUIRE_EQUAL(first.status, 201);
  BOOST_REQUIRE_EQUAL(std::string(first.json().at("data").at("operation_id").as_string()), "key-1");
  auto again = post(ops_path, body, {{"Idempotency-Key", "key-1"}});
  BOOST_REQUIRE_EQUAL(again.status, 200);
  BOOST_REQUIRE_EQUAL(again.json().at("data").at("duplicate").as_bool(), true);
  auto mismatch = post(
      ops_path, R"({"operation_type":"chat","model":"m","operation_id":"other"})",
      {{"Idempotency-Key", "key-2"}});
  BOOST_REQUIRE_EQUAL(mismatch.status, 400);
  BOOST_REQUIRE_EQUAL(
      std::string(mismatch.json().at("error").at("field").as_string()), "Idempotency-Key");
  BOOST_REQUIRE_EQUAL(db.scalar("SELECT count(*) FROM llmops_operations"), 1);
}

BOOST_AUTO_TEST_CASE(uniqueness_holds_across_restarts_and_across_two_services) {
  BOOST_REQUIRE_EQUAL(post(ops_path, item("m", "durable")).status, 201);
  stop();
  start();
  BOOST_REQUIRE_EQUAL(post(ops_path, item("m", "durable")).status, 200);

  // A second service on the same database: each id is stored once, whoever wins the race.
  service::service second(settings);
  std::string error;
  BOOST_REQUIRE_MESSAGE(second.start(error), error);
  for (int round = 0; round < 20; ++round) {
    const std::string id = "race-" + std::to_string(round);
    int statuses[2] = {0, 0};
    std::thread a([&] { statuses[0] = post(ops_path, item("m", id)).status; });
    std::thread b(
        [&] { statuses[1] = http_request(second.port(), "POST", ops_path, item("m", id)).status; });
    a.join();
    b.join();
    std::sort(std::begin(statuses), std::end(statuses));
    BOOST_REQUIRE_EQUAL(statuses[0], 200);
    BOOST_REQUIRE_EQUAL(statuses[1], 201);
  }
  second.shutdown();
  BOOST_REQUIRE_EQUAL(db.scalar("SELECT count(*) FROM llmops_operations"), 21);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(price_catalog_endpoints)

BOOST_AUTO_TEST_CASE(prices_operations_without_cost_and_counts_the_unpriced) {
  service_fixture f(use_shipped_catalog);
  // gpt-4o from 2024-08-06: $2.50/M input ($1.25 cached), $10/M output.
  auto priced = f.post(
      ops_path,
      R"({"operation_type":"chat","model":"gpt-4o","prompt_tokens":1000,"cached_prompt_tokens":400,)"
      R"("completion_tokens":200,"timestamp":"2025-01-01T00:00:00Z"})");
  BOOST_REQUIRE_EQUAL(priced.status, 201);
  BOOST_REQUIRE_EQUAL(
      f.db.scalar("SELECT cost_nusd FROM llmops_operations WHERE model = 'gpt-4o'"), 4'000'000);
  BOOST_REQUIRE_EQUAL(
      f.db.scalar("SELECT count(*) FROM llmops_operations WHERE cost_source = 'catalog'"), 1);

  BOOST_REQUIRE_EQUAL(
      f.post(
           ops_path,
           R"({"operation_type":"chat","model":"gpt-4o","prompt_tokens":10,"cost_usd":0.5})")
          .status,
      201);
  BOOST_REQUIRE_EQUAL(
      f.post(ops_path, R"({"operation_type":"chat","model":"in-house-7b","prompt_tokens":10})")
          .status,
      201);
  BOOST_REQUIRE_EQUAL(
      f.db.scalar("SELECT count(*) FROM llmops_operations WHERE cost_source = 'client'"), 1);
  BOOST_REQUIRE_EQUAL(
      f.db.scalar("SELECT cost_nusd FROM llmops_operations WHERE cost_source = 'unknown_model'"),
      0);

  auto metrics = f.get("/api/v1/llmops/metrics").json().at("data");
  BOOST_REQUIRE_EQUAL(metrics.at("unpriced_operations").as_int64(), 1);
  BOOST_REQUIRE_EQUAL(metrics.at("total_cached_prompt_tokens").as_int64(), 400);
  auto cost = f.get("/api/v1/llmops/cost-analysis").json().at("data");
  BOOST_REQUIRE_EQUAL(cost.at("operations_by_cost_source").at("catalog").as_int64(), 1);
  BOOST_REQUIRE_EQUAL(cost.at("operations_by_cost_source").at("client").as_int64(), 1);
  BOOST_REQUIRE_EQUAL(cost.at("operations_by_cost_source").at("unknown_model").as_int64(), 1);
  BOOST_REQUIRE_EQUAL(cost.at("total_cost_usd").to_number<double>(), 0.504);

  auto listed = f.get(ops_path + "?model=gpt-4o&limit=1").json().at("data").at("operations").at(0);
  BOOST_REQUIRE(listed.as_object().contains("cost_source"));
}

BOOST_AUTO_TEST_CASE(models_lists_the_catalog) {
  service_fixture f(use_shipped_catalog);
  auto reply = f.get("/api/v1/llmops/models");
  BOOST_REQUIRE_EQUAL(reply.status, 200);
  auto data = reply.json().at("data");
  BOOST_REQUIRE_GE(data.at("count").as_int64(), 30);
  BOOST_REQUIRE_EQUAL(
      data.at("models").as_array().size(), static_cast<std::size_t>(data.at("count").as_int64()));
  bool found = false;
  for (const auto& model : data.at("models").as_array())
    found =
        found || (model.as_object().contains("model") && model.at("model").as_string() == "gpt-4o");
  BOOST_REQUIRE(found);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(backpressure)

BOOST_AUTO_TEST_CASE(a_full_write_queue_answers_503_with_retry_after) {
  service_fixture f([](service::config& settings) { settings.write_queue_rows = 3; });

  // Hold a lock that blocks inserts, so that accepted rows pile up behind the writer.
  BOOST_REQUIRE_EQUAL(f.post(ops_path, item("m")).status, 201);
  BOOST_REQUIRE(f.db.sql().exec("BEGIN").ok());
  BOOST_REQUIRE(f.db.sql().exec("LOCK TABLE llmops_operations IN SHARE MODE").ok());
  std::vector<std::thread> waiting;
  std::atomic<int> created{0};
  for (int i = 0; i < 3; ++i)
    waiting.emplace_back([&] { created += f.post(ops_path, item("m")).status == 201; });
  BOOST_REQUIRE(eventually([&] {
    auto health = f.get("/health").json().at("data");
    return health.at("write_queue").at("queued_rows").as_int64() == 3 &&
           health.at("status").as_string() == "degraded";
  }));

  auto refused = f.post(ops_path, item("m"));
  BOOST_REQUIRE_EQUAL(refused.status, 503);
  BOOST_REQUIRE_EQUAL(refused.header("Retry-After"), "1");
  auto batch_refused = f.post(batch_path, batch({item("m")}));
  BOOST_REQUIRE_EQUAL(batch_refused.status, 503);
  BOOST_REQUIRE_EQUAL(f.get("/api/v1/llmops/metrics").status, 200);

  // Released: the waiting requests commit and are answered 201.
  BOOST_REQUIRE(f.db.sql().exec("COMMIT").ok());
  for (auto& thread : waiting)
    thread.join();
  BOOST_REQUIRE_EQUAL(created.load(), 3);
  BOOST_REQUIRE_EQUAL(f.db.scalar("SELECT count(*) FROM llmops_operations"), 4);
  BOOST_REQUIRE_EQUAL(
      f.get("/api/v1/llmops/metrics").json().at("data").at("total_operations").as_int64(), 4);
}

BOOST_AUTO_TEST_SUITE_END()
