#include "support/pg_fixture.hpp"

#include "core/operation.hpp"

#include <boost/test/unit_test.hpp>
#include <cstdlib>

namespace llmops::test {

std::string base_conninfo() {
  const char* url = std::getenv("LLMOPS_TEST_DATABASE_URL");
  if (url == nullptr || *url == '\0')
    BOOST_FAIL("LLMOPS_TEST_DATABASE_URL is not set: run the tests through scripts/test");
  return url;
}

pg_schema::pg_schema() {
  // A schema named after a random id; search_path makes it the target of unqualified names.
  name_ = "t_" + core::make_request_id().substr(4);
  std::string error;
  auto admin = storage::pg_connection::open(base_conninfo(), error);
  BOOST_REQUIRE_MESSAGE(admin, "cannot connect to the test database: " + error);
  auto status = admin->exec(("CREATE SCHEMA " + name_).c_str());
  BOOST_REQUIRE_MESSAGE(status.ok(), status.message());

  conninfo_ = base_conninfo() + " options='-c search_path=" + name_ + "'";
  conn_ = storage::pg_connection::open(conninfo_, error);
  BOOST_REQUIRE_MESSAGE(conn_, error);
}

pg_schema::~pg_schema() {
  conn_.reset();
  std::string error;
  if (auto admin = storage::pg_connection::open(base_conninfo(), error))
    admin->exec(("DROP SCHEMA " + name_ + " CASCADE").c_str());
}

std::int64_t
pg_schema::scalar(const std::string& query, const std::vector<storage::pg_param>& params) {
  storage::pg_result result;
  auto status = conn_->exec_params(query.c_str(), params, &result);
  BOOST_REQUIRE_MESSAGE(status.ok(), query + ": " + status.message());
  BOOST_REQUIRE_EQUAL(result.rows(), 1);
  return result.is_null(0, 0) ? 0 : result.int64(0, 0);
}

service::config test_config(const std::string& conninfo) {
  service::config settings;
  settings.database_url = conninfo;
  settings.bind_address = "127.0.0.1";
  settings.service_port = 0;
  settings.http_threads = 2;
  settings.actor_threads = 2;
  return settings;
}

} // namespace llmops::test
