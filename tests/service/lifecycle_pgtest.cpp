// The service as a process and under database faults: SIGTERM, an unreachable database.

#include "core/operation.hpp"
#include "support/service_fixture.hpp"
#include "support/service_process.hpp"

#include <atomic>
#include <boost/json.hpp>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <fcntl.h>
#include <fstream>
#include <mutex>
#include <set>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

using namespace llmops;
using namespace llmops::test;

namespace {

const std::string ops_path = "/api/v1/llmops/operations";

// A database of its own, so that connections to it can be refused without touching others.
struct own_database {
  std::string name = "llmops_fault_" + core::make_request_id().substr(4, 12);
  std::string conninfo = base_conninfo() + " dbname=" + name;
  std::unique_ptr<storage::pg_connection> admin;

  own_database() {
    std::string error;
    admin = storage::pg_connection::open(base_conninfo(), error);
    BOOST_REQUIRE_MESSAGE(admin, error);
    BOOST_REQUIRE(admin->exec(("CREATE DATABASE " + name).c_str()).ok());
  }

  ~own_database() {
    admin->exec(("ALTER DATABASE " + name + " WITH ALLOW_CONNECTIONS true").c_str());
    admin->exec(("DROP DATABASE " + name + " WITH (FORCE)").c_str());
  }

  // Refuses new connections and ends the open ones: as good as a database that went away.
  void cut() {
    BOOST_REQUIRE(
        admin->exec(("ALTER DATABASE " + name + " WITH ALLOW_CONNECTIONS false").c_str()).ok());
    storage::pg_result ignored;
    BOOST_REQUIRE(
        admin
            ->exec_params(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1", {name},
                &ignored)
            .ok());
  }

  void restore() {
    BOOST_REQUIRE(
        admin->exec(("ALTER DATABASE " + name + " WITH ALLOW_CONNECTIONS true").c_str()).ok());
  }

  std::int64_t count(const std::string& query) {
    std::string error;
    auto conn = storage::pg_connection::open(conninfo, error);
    BOOST_REQUIRE_MESSAGE(conn, error);
    storage::pg_result result;
    BOOST_REQUIRE(conn->exec(query.c_str(), &result).ok());
    return result.int64(0, 0);
  }
};

std::string body_with_id(const std::string& id) {
  return R"({"operation_type":"chat","model":"m","prompt_tokens":3,"cost_usd":0.5,"operation_id":")" +
         id + "\"}";
}

} // namespace

BOOST_AUTO_TEST_SUITE(lifecycle)

BOOST_AUTO_TEST_CASE(sigterm_commits_and_answers_everything_then_exits_zero) {
  pg_schema db;
  service_process process(db.conninfo());

  // Clients write as fast as they can; each records the ids answered 201.
  std::atomic<bool> stop{false};
  std::atomic<int> acknowledged{0};
  std::mutex ids_mutex;
  std::set<std::string> ids;
  std::vector<std::thread> clients;
  for (int c = 0; c < 4; ++c)
    clients.emplace_back([&, c] {
      for (int i = 0; !stop; ++i) {
        const std::string id = "c" + std::to_string(c) + "-" + std::to_string(i);
        try {
          if (http_request(process.port, "POST", ops_path, body_with_id(id)).status == 201) {
            std::lock_guard lock(ids_mutex);
            ids.insert(id);
            ++acknowledged;
          }
        } catch (const std::exception&) {
          // Refused once the listener is closed: expected after SIGTERM.
          if (kill(process.pid, 0) != 0)
            return;
        }
      }
    });

  BOOST_REQUIRE(eventually([&] { return acknowledged >= 300; }));
  BOOST_REQUIRE_EQUAL(kill(process.pid, SIGTERM), 0);
  const int status = process.wait_exit();
  stop = true;
  for (auto& client : clients)
    client.join();

  BOOST_REQUIRE_EQUAL(status, 0);
  std::lock_guard lock(ids_mutex);
  BOOST_TEST_MESSAGE("acknowledged before and during shutdown: " << ids.size());
  BOOST_REQUIRE_EQUAL(
      db.scalar("SELECT count(*) FROM llmops_operations"), static_cast<std::int64_t>(ids.size()));
  for (const auto& id : ids)
    BOOST_REQUIRE_EQUAL(
        db.scalar("SELECT count(*) FROM llmops_operations WHERE operation_id = $1", {id}), 1);
}

BOOST_AUTO_TEST_CASE(sigkill_loses_nothing_acknowledged) {
  pg_schema db;
  std::set<std::string> ids;
  {
    service_process process(db.conninfo());
    for (int i = 0; i < 200; ++i) {
      const std::string id = "k-" + std::to_string(i);
      BOOST_REQUIRE_EQUAL(
          http_request(process.port, "POST", ops_path, body_with_id(id)).status, 201);
      ids.insert(id);
    }
    kill(process.pid, SIGKILL);
    BOOST_REQUIRE_EQUAL(process.wait_exit(), -1);
  }
  BOOST_REQUIRE_EQUAL(db.scalar("SELECT count(*) FROM llmops_operations"), 200);

  // A new process rebuilds the same metrics from the table.
  service_process again(db.conninfo());
  auto metrics = http_request(again.port, "GET", "/api/v1/llmops/metrics").json().at("data");
  BOOST_REQUIRE_EQUAL(metrics.at("total_operations").as_int64(), 200);
  BOOST_REQUIRE_EQUAL(metrics.at("total_cost_usd").to_number<double>(), 100.0);
}

BOOST_AUTO_TEST_CASE(sighup_reloads_the_price_catalog_and_refuses_a_bad_one) {
  pg_schema db;
  const std::string path = "/tmp/llmops_pricing_" + core::make_request_id() + ".json";
  auto write = [&](const std::string& text) { std::ofstream(path) << text; };
  write(
      R"({"models":[{"model":"a","prices":[{"effective_from":"2024-01-01","input":1,"output":2}]},)"
      R"({"model":"b","prices":[{"effective_from":"2024-01-01","input":1,"output":2}]}]})");
  service_process process(db.conninfo(), {{"LLMOPS_PRICING_FILE", path}});
  auto count = [&] {
    return http_request(process.port, "GET", "/api/v1/llmops/models")
        .json()
        .at("data")
        .at("count")
        .as_int64();
  };
  BOOST_REQUIRE_EQUAL(count(), 2);

  write(
      R"({"models":[{"model":"c","prices":[{"effective_from":"2024-01-01","input":3,"output":4}]}]})");
  BOOST_REQUIRE_EQUAL(kill(process.pid, SIGHUP), 0);
  BOOST_REQUIRE(eventually([&] { return count() == 1; }));
  auto priced = http_request(
      process.port, "POST", ops_path,
      R"({"operation_type":"chat","model":"c","prompt_tokens":1000000,"timestamp":"2025-01-01T00:00:00Z"})");
  BOOST_REQUIRE_EQUAL(priced.status, 201);
  BOOST_REQUIRE_EQUAL(db.scalar("SELECT cost_nusd FROM llmops_operations"), 3'000'000'000);

  // A broken file is refused; the catalog in force stays and the service goes on.
  write("{ this is not a catalog");
  BOOST_REQUIRE_EQUAL(kill(process.pid, SIGHUP), 0);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  BOOST_REQUIRE_EQUAL(count(), 1);
  BOOST_REQUIRE_EQUAL(kill(process.pid, SIGTERM), 0);
  BOOST_REQUIRE_EQUAL(process.wait_exit(), 0);
  std::remove(path.c_str());
}

BOOST_AUTO_TEST_CASE(bad_configuration_stops_the_service_naming_the_key) {
  pid_t pid = fork();
  if (pid == 0) {
    setenv("DATABASE_URL", "host=127.0.0.1", 1);
    setenv("LLMOPS_FLUSH_ROWS", "lots", 1);
    int null = open("/dev/null", O_WRONLY);
    dup2(null, STDERR_FILENO);
    execl(LLMOPS_SERVICE_BINARY, LLMOPS_SERVICE_BINARY, static_cast<char*>(nullptr));
    _exit(127);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  BOOST_REQUIRE(WIFEXITED(status));
  BOOST_REQUIRE_EQUAL(WEXITSTATUS(status), 2);
}

BOOST_AUTO_TEST_CASE(an_unreachable_database_gives_503_and_the_service_recovers) {
  own_database database;
  service_fixture f([&](service::config& settings) { settings.database_url = database.conninfo; });
  BOOST_REQUIRE_EQUAL(f.post(ops_path, body_with_id("before")).status, 201);
  BOOST_REQUIRE_EQUAL(f.get("/health").status, 200);

  database.cut();

  // Writes and reads that need the database fail fast with 503 and Retry-After.
  auto write = f.post(ops_path, body_with_id("during"));
  BOOST_REQUIRE_MESSAGE(write.status == 503, write.body);
  BOOST_REQUIRE_EQUAL(write.header("Retry-After"), "1");
  BOOST_REQUIRE_EQUAL(
      std::string(write.json().at("error").at("code").as_string()), "service_unavailable");
  auto read = f.get(ops_path);
  BOOST_REQUIRE_EQUAL(read.status, 503);
  BOOST_REQUIRE(!read.header("Retry-After").empty());
  auto health = f.get("/health");
  BOOST_REQUIRE_EQUAL(health.status, 503);
  BOOST_REQUIRE_EQUAL(std::string(health.json().at("data").at("database").as_string()), "down");

  // Metrics keep answering from memory.
  auto metrics = f.get("/api/v1/llmops/metrics");
  BOOST_REQUIRE_EQUAL(metrics.status, 200);
  BOOST_REQUIRE_EQUAL(metrics.json().at("data").at("total_operations").as_int64(), 1);

  // Back: the service reconnects by itself.
  database.restore();
  BOOST_REQUIRE(eventually([&] { return f.get("/health").status == 200; }));
  BOOST_REQUIRE(eventually([&] { return f.post(ops_path, body_with_id("after")).status == 201; }));
  BOOST_REQUIRE_EQUAL(database.count("SELECT count(*) FROM llmops_operations"), 2);
  BOOST_REQUIRE_EQUAL(
      f.get("/api/v1/llmops/metrics").json().at("data").at("total_operations").as_int64(), 2);
}

BOOST_AUTO_TEST_SUITE_END()
