#pragma once

#include "service/config.hpp"
#include "storage/pg.hpp"

#include <memory>
#include <string>

namespace llmops::test {

/// The server the test run started (scripts/test sets LLMOPS_TEST_DATABASE_URL). Fails the
/// test with a clear message when it is not set.
std::string base_conninfo();

/// A fresh schema in the test database, dropped at the end; conninfo() points at it, so every
/// fixture sees an empty database of its own.
class pg_schema {
public:
  pg_schema();
  ~pg_schema();

  const std::string& conninfo() const { return conninfo_; }

  const std::string& name() const { return name_; }

  /// An open connection to the schema, for checks in SQL.
  storage::pg_connection& sql() { return *conn_; }

  /// Runs a query that returns one integer (or NULL as 0).
  std::int64_t scalar(const std::string& query, const std::vector<storage::pg_param>& params = {});

private:
  std::string name_;
  std::string conninfo_;
  std::unique_ptr<storage::pg_connection> conn_;
};

/// A service configuration for tests: the given database, loopback, a free port.
service::config test_config(const std::string& conninfo);

} // namespace llmops::test
