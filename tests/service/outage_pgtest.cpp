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

namespace {

// Four clients sending operations with unique ids, each retried, as a careful SDK would, until
// it is answered 201 (or 200: an earlier try committed after all). A client finishes the id it
// is on before it stops, so every id it sent is acknowledged.
class retrying_writers {
public:
  retrying_writers(std::string prefix, const std::atomic<unsigned short>& port) : port_(port) {
    for (int c = 0; c < 4; ++c)
      clients_.emplace_back([this, prefix, c] { write(prefix + std::to_string(c) + "-"); });
  }

  ~retrying_writers() { stop(); }

  /// Waits (up to a minute) until count ids are acknowledged.
  bool wait_for(std::size_t count) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while (acknowledged_count() < count && std::chrono::steady_clock::now() < deadline)
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    return acknowledged_count() >= count;
  }

  std::size_t acknowledged_count() {
    std::lock_guard lock(mutex_);
    return acknowledged_.size();
  }

  void stop() {
    stopping_ = true;
    for (auto& client : clients_)
      if (client.joinable())
        client.join();
  }

  /// REQUIRES: stopped.
  const std::set<std::string>& acknowledged() const { return acknowledged_; }

  int attempts() const { return attempts_; }

  int refused() const { return attempts_ - static_cast<int>(acknowledged_.size()); }

private:
  void write(const std::string& prefix) {
    for (int i = 0; !stopping_; ++i) {
      const std::string id = prefix + std::to_string(i);
      const std::string body =
          R"({"operation_type":"chat","model":"m","prompt_tokens":1,"cost_usd":0.001,)"
          R"("operation_id":")" +
          id + "\"}";
      for (;;) {
        ++attempts_;
        int status = 0;
        try {
          status = http_request(port_, "POST", "/api/v1/llmops/operations", body).status;
        } catch (const std::exception&) {
        }
        if (status == 201 || status == 200) {
          std::lock_guard lock(mutex_);
          acknowledged_.insert(id);
          break;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
      }
    }
  }

  const std::atomic<unsigned short>& port_;
  std::atomic<bool> stopping_{false};
  std::atomic<int> attempts_{0};
  std::mutex mutex_;
  std::set<std::string> acknowledged_;
  std::vector<std::thread> clients_;
};

} // namespace

BOOST_AUTO_TEST_SUITE(database_restarts)

BOOST_AUTO_TEST_CASE(a_crash_under_writes_loses_no_acknowledged_row_and_stores_none_twice) {
  pg_cluster cluster;
  service::config settings = test_config(cluster.conninfo());
  settings.log_level = "error";
  service::service instance(settings);
  std::string error;
  BOOST_REQUIRE_MESSAGE(instance.start(error), error);
  const std::atomic<unsigned short> port{instance.port()};
  retrying_writers writers("w", port);

  // Crash the database twice while the writes go on.
  for (std::size_t round = 1; round <= 2; ++round) {
    BOOST_REQUIRE(writers.wait_for(round * 300));
    cluster.stop("immediate");
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    cluster.start();
  }
  BOOST_REQUIRE(writers.wait_for(900));
  writers.stop();
  const std::set<std::string>& acknowledged = writers.acknowledged();

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
                      << writers.refused());
  BOOST_REQUIRE_GT(writers.refused(), 0);
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

  retrying_writers writers("a", service_port);

  // Six rounds: odd ones kill the service, even ones crash the database.
  int kills = 0;
  int crashes = 0;
  for (int round = 1; round <= 6; ++round) {
    BOOST_REQUIRE(writers.wait_for(writers.acknowledged_count() + 150));
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
  BOOST_REQUIRE(writers.wait_for(writers.acknowledged_count() + 150));
  writers.stop();
  const std::set<std::string>& acknowledged = writers.acknowledged();

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
                                << crashes << ", attempts " << writers.attempts()
                                << ", acknowledged " << acknowledged.size() << ", lost " << lost
                                << ", duplicated " << duplicated);
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
  BOOST_REQUIRE(eventually(
      [&] { return http_request(port, "POST", "/api/v1/llmops/operations", body).status == 201; }));
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
