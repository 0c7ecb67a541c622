// PostgreSQL crashing and coming back under a stream of writes.

#include "support/pg_cluster.hpp"
#include "support/service_fixture.hpp"
#include "support/service_process.hpp"

#include <atomic>
#include <boost/json.hpp>
#include <csignal>
#include <mutex>
#include <set>
#include <thread>

using namespace llmops;
using namespace llmops::test;

BOOST_AUTO_TEST_SUITE(database_restarts)

BOOST_AUTO_TEST_CASE(a_crash_under_writes_loses_no_acknowledged_row_and_stores_none_twice) {
  pg_cluster cluster;
  service::config settings = test_config(cluster.conninfo());
  settings.log_level = "error";
  service::service instance(settings);
  std::string error;
  BOOST_REQUIRE_MESSAGE(instance.start(error), error);
  const unsigned short port = instance.port();

  // Each client sends ids in order and retries an id until it is acknowledged (201, or 200
  // when an earlier try committed after all), as a careful SDK would.
  std::atomic<bool> stop{false};
  std::atomic<int> unavailable{0};
  std::mutex mutex;
  std::set<std::string> acknowledged;
  std::vector<std::thread> clients;
  for (int c = 0; c < 4; ++c)
    clients.emplace_back([&, c] {
      for (int i = 0; !stop; ++i) {
        const std::string id = "w" + std::to_string(c) + "-" + std::to_string(i);
        const std::string body =
            R"({"operation_type":"chat","model":"m","prompt_tokens":2,"cost_usd":0.001,"operation_id":")" +
            id + "\"}";
        for (;;) {
          int status = 0;
          try {
            status = http_request(port, "POST", "/api/v1/llmops/operations", body).status;
          } catch (const std::exception&) {
          }
          if (status == 201 || status == 200) {
            std::lock_guard lock(mutex);
            acknowledged.insert(id);
            break;
          }
          ++unavailable;
          std::this_thread::sleep_for(std::chrono::milliseconds(20));
        }
      }
    });

  // Crash the database twice while the writes go on.
  auto wait_for = [&](std::size_t count) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while (std::chrono::steady_clock::now() < deadline) {
      {
        std::lock_guard lock(mutex);
        if (acknowledged.size() >= count)
          return true;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return false;
  };
  for (std::size_t round = 1; round <= 2; ++round) {
    BOOST_REQUIRE(wait_for(round * 300));
    cluster.stop("immediate");
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    cluster.start();
  }
  BOOST_REQUIRE(wait_for(900));
  stop = true;
  for (auto& client : clients)
    client.join();

  // Every acknowledged id is stored exactly once, and the metrics equal the table.
  std::string conn_error;
  auto conn = storage::pg_connection::open(cluster.conninfo(), conn_error);
  BOOST_REQUIRE_MESSAGE(conn, conn_error);
  storage::pg_result rows;
  BOOST_REQUIRE(conn->exec("SELECT operation_id FROM llmops_operations", &rows).ok());
  std::set<std::string> stored;
  for (int row = 0; row < rows.rows(); ++row)
    stored.emplace(rows.value(row, 0));
  BOOST_TEST_MESSAGE(
      "acknowledged " << acknowledged.size() << ", stored " << stored.size() << ", 503 answers "
                      << unavailable.load());
  BOOST_REQUIRE_GT(unavailable.load(), 0);
  BOOST_REQUIRE_EQUAL(static_cast<std::size_t>(rows.rows()), stored.size());
  BOOST_REQUIRE(acknowledged == stored);
  auto metrics = http_request(port, "GET", "/api/v1/llmops/metrics").json().at("data");
  BOOST_REQUIRE_EQUAL(
      metrics.at("total_operations").as_int64(), static_cast<std::int64_t>(stored.size()));
  instance.shutdown();
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(acknowledged_set)

// Clients record every id answered 201 (or 200: stored by an earlier try) while the service is
// killed with SIGKILL and PostgreSQL crashes, in turns. Every acknowledged id must be stored
// exactly once, and the metrics of a fresh start must equal the table.
BOOST_AUTO_TEST_CASE(kills_and_crashes_lose_and_duplicate_nothing_acknowledged) {
  pg_cluster cluster;
  auto service = std::make_unique<service_process>(cluster.conninfo());
  std::atomic<unsigned short> service_port{service->port};

  std::atomic<bool> stop{false};
  std::mutex mutex;
  std::set<std::string> acknowledged;
  std::atomic<int> attempts{0};
  std::vector<std::thread> clients;
  for (int c = 0; c < 4; ++c)
    clients.emplace_back([&, c] {
      for (int i = 0; !stop; ++i) {
        const std::string id = "a" + std::to_string(c) + "-" + std::to_string(i);
        const std::string body =
            R"({"operation_type":"chat","model":"m","prompt_tokens":1,"cost_usd":0.002,"operation_id":")" +
            id + "\"}";
        while (!stop) {
          ++attempts;
          int status = 0;
          try {
            status = http_request(service_port, "POST", "/api/v1/llmops/operations", body).status;
          } catch (const std::exception&) {
          }
          if (status == 201 || status == 200) {
            std::lock_guard lock(mutex);
            acknowledged.insert(id);
            break;
          }
          std::this_thread::sleep_for(std::chrono::milliseconds(10));
        }
      }
    });
  auto acknowledged_count = [&] {
    std::lock_guard lock(mutex);
    return acknowledged.size();
  };
  auto wait_for = [&](std::size_t count) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while (acknowledged_count() < count && std::chrono::steady_clock::now() < deadline)
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    return acknowledged_count() >= count;
  };

  // Six rounds: odd ones kill the service, even ones crash the database.
  int kills = 0;
  int crashes = 0;
  for (int round = 1; round <= 6; ++round) {
    BOOST_REQUIRE(wait_for(acknowledged_count() + 150));
    if (round % 2 == 1) {
      kill(service->pid, SIGKILL);
      service->wait_exit();
      service = std::make_unique<service_process>(cluster.conninfo());
      service_port = service->port;
      ++kills;
    } else {
      cluster.stop("immediate");
      cluster.start();
      ++crashes;
    }
  }
  BOOST_REQUIRE(wait_for(acknowledged_count() + 150));
  stop = true;
  for (auto& client : clients)
    client.join();

  // A fresh process rebuilds its metrics from the table; compare both with what was promised.
  kill(service->pid, SIGKILL);
  service->wait_exit();
  service = std::make_unique<service_process>(cluster.conninfo());
  std::string error;
  auto conn = storage::pg_connection::open(cluster.conninfo(), error);
  BOOST_REQUIRE_MESSAGE(conn, error);
  storage::pg_result rows;
  BOOST_REQUIRE(conn->exec("SELECT operation_id FROM llmops_operations", &rows).ok());
  std::multiset<std::string> stored;
  for (int row = 0; row < rows.rows(); ++row)
    stored.emplace(rows.value(row, 0));
  std::size_t lost = 0;
  std::size_t duplicated = 0;
  for (const auto& id : acknowledged) {
    lost += stored.count(id) == 0;
    duplicated += stored.count(id) > 1;
  }
  BOOST_TEST_MESSAGE(
      "acknowledged-set: runs " << kills + 1 << ", service kills " << kills << ", database crashes "
                                << crashes << ", attempts " << attempts.load() << ", acknowledged "
                                << acknowledged.size() << ", lost " << lost << ", duplicated "
                                << duplicated);
  BOOST_REQUIRE_EQUAL(lost, 0u);
  BOOST_REQUIRE_EQUAL(duplicated, 0u);
  auto metrics = http_request(service->port, "GET", "/api/v1/llmops/metrics").json().at("data");
  BOOST_REQUIRE_EQUAL(
      metrics.at("total_operations").as_int64(), static_cast<std::int64_t>(stored.size()));
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(hung_database)

// A server that accepts connections but never answers (every process stopped) must not hold
// requests forever: calls are given up on after the statement timeout and a grace period.
BOOST_AUTO_TEST_CASE(a_silent_server_is_given_up_on_and_nothing_is_counted_wrong) {
  pg_cluster cluster;
  service::config settings = test_config(cluster.conninfo());
  settings.log_level = "error";
  settings.db_timeout_ms = 1000;
  service::service instance(settings);
  std::string error;
  BOOST_REQUIRE_MESSAGE(instance.start(error), error);
  const unsigned short port = instance.port();
  const std::string body = R"({"operation_type":"chat","model":"m","cost_usd":1})";
  BOOST_REQUIRE_EQUAL(http_request(port, "POST", "/api/v1/llmops/operations", body).status, 201);

  cluster.freeze();
  auto write = http_request(port, "POST", "/api/v1/llmops/operations", body);
  auto health = http_request(port, "GET", "/health");
  auto metrics = http_request(port, "GET", "/api/v1/llmops/metrics");
  cluster.thaw();
  BOOST_REQUIRE_EQUAL(write.status, 503);
  BOOST_REQUIRE_EQUAL(health.status, 503);
  BOOST_REQUIRE_EQUAL(metrics.status, 200);

  // Back: whatever the lost insert did, the metrics agree with the table.
  int status = 0;
  for (int i = 0; i < 300 && status != 201; ++i) {
    status = http_request(port, "POST", "/api/v1/llmops/operations", body).status;
    if (status != 201)
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  BOOST_REQUIRE_EQUAL(status, 201);
  auto conn = storage::pg_connection::open(cluster.conninfo(), error);
  BOOST_REQUIRE_MESSAGE(conn, error);
  storage::pg_result count;
  BOOST_REQUIRE(conn->exec("SELECT count(*) FROM llmops_operations", &count).ok());
  auto total =
      http_request(port, "GET", "/api/v1/llmops/metrics").json().at("data").at("total_operations");
  BOOST_REQUIRE_EQUAL(total.as_int64(), count.int64(0, 0));
  instance.shutdown();
}

BOOST_AUTO_TEST_SUITE_END()
