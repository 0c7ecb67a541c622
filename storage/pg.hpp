#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <libpq-fe.h>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace llmops::storage {

/// What a failed database call means for the caller.
enum class failure_kind {
  none,       ///< It worked.
  connection, ///< The connection is gone or unusable: reconnect, then retry later.
  transient,  ///< Serialization failure, deadlock, lock timeout: retry as is.
  busy,       ///< Cancelled by the statement timeout: nothing happened; try again later.
  rejected,   ///< The server refused the statement or its data: retrying will not help.
};

/// The outcome of a database call, in the manner of LevelDB's Status.
class db_status {
public:
  db_status() = default;

  db_status(failure_kind kind, std::string message) : kind_(kind), message_(std::move(message)) {}

  bool ok() const { return kind_ == failure_kind::none; }

  failure_kind kind() const { return kind_; }

  const std::string& message() const { return message_; }

private:
  failure_kind kind_ = failure_kind::none;
  std::string message_;
};

/// Owns one PGresult.
class pg_result {
public:
  explicit pg_result(PGresult* result = nullptr) : result_(result, &PQclear) {}

  PGresult* get() const { return result_.get(); }

  int rows() const { return PQntuples(result_.get()); }

  bool is_null(int row, int column) const { return PQgetisnull(result_.get(), row, column) != 0; }

  std::string_view value(int row, int column) const {
    return {
        PQgetvalue(result_.get(), row, column),
        static_cast<std::size_t>(PQgetlength(result_.get(), row, column))};
  }

  std::int64_t int64(int row, int column) const;

  /// A value of a binary result: int8 or timestamptz (microseconds since 2000-01-01).
  std::int64_t binary_int64(int row, int column) const;

  /// Whether the result came in binary format.
  bool binary() const { return PQnfields(result_.get()) > 0 && PQfformat(result_.get(), 0) == 1; }

private:
  std::unique_ptr<PGresult, decltype(&PQclear)> result_;
};

/// A statement parameter in text format; nullopt is SQL NULL.
using pg_param = std::optional<std::string>;

/// The statement timeout of every connection unless told otherwise.
constexpr std::chrono::milliseconds default_db_timeout{30'000};

/// Owns one libpq connection with blocking calls bounded in time. REQUIRES: used from one thread
/// at a time, and never from an asio thread or an actor on the shared scheduler (only from
/// detached actors or main).
class pg_connection {
public:
  /// Connects with keepalives, a connect timeout and a TCP user timeout added to conninfo
  /// (values in conninfo win), and sets the server's statement timeout to timeout. A call that
  /// gets no answer within timeout and a grace period (a hung server, a silent network) fails
  /// as a connection failure and leaves the connection unhealthy.
  static std::unique_ptr<pg_connection> open(
      const std::string& conninfo,
      std::string& error,
      std::chrono::milliseconds timeout = default_db_timeout);

  ~pg_connection();
  pg_connection(const pg_connection&) = delete;
  pg_connection& operator=(const pg_connection&) = delete;

  bool healthy() const { return !broken_ && PQstatus(conn_) == CONNECTION_OK; }

  /// Runs a statement without parameters; expects a command or rows.
  db_status exec(const char* sql, pg_result* out = nullptr);

  /// Runs a parameterized statement (text parameters, text or binary results).
  db_status exec_params(
      const char* sql,
      const std::vector<pg_param>& params,
      pg_result* out,
      bool binary_results = false);

  /// Runs a parameterized statement whose parameters are all in binary format (PostgreSQL's
  /// send/receive encoding, built by pg_array_writer for arrays); text results.
  db_status exec_binary(const char* sql, const std::vector<std::string>& params, pg_result* out);

  /// Runs a statement without a deadline and passes its rows to row one at a time (libpq's
  /// single-row mode: the whole result is never held), in text or binary format. For reads of
  /// every row of a table while starting; lift the statement timeout first.
  db_status stream(
      const char* sql,
      const std::vector<pg_param>& params,
      bool binary_results,
      const std::function<void(const pg_result& row)>& row);

  /// Sends whatever libpq still holds for the server, within the deadline. For callers that
  /// use libpq's asynchronous calls directly.
  bool flush();

  PGconn* native() const { return conn_; }

private:
  explicit pg_connection(PGconn* conn) : conn_(conn) {}

  db_status check(const pg_result& result);

  /// Waits for a sent query's results within the deadline; keeps the first error or else the
  /// last result.
  db_status finish(bool sent, pg_result* out);

  /// Waits until the socket is ready for events or the deadline passes.
  bool wait(short events, std::chrono::steady_clock::time_point deadline);

  db_status broken(const std::string& why);

  PGconn* conn_;
  std::chrono::milliseconds deadline_ = default_db_timeout + answer_grace;
  bool broken_ = false;

  /// How long past the server's statement timeout a call waits before it gives up on the server.
  static constexpr std::chrono::milliseconds answer_grace{5'000};
};

/// The connection string with its password replaced by "***", safe to log.
std::string redact_conninfo(const std::string& conninfo);

/// Builds a one-dimensional array parameter in PostgreSQL's binary format: the server reads it
/// without parsing text, much cheaper than an array literal for large batches.
class pg_array_writer {
public:
  enum class element : std::uint32_t { int8 = 20, text = 25, timestamptz = 1184, jsonb = 3802 };

  explicit pg_array_writer(element type) : type_(type) {}

  void add_null();
  void add_text(std::string_view text);  ///< text and jsonb elements.
  void add_int64(std::int64_t value);    ///< int8 elements.
  void add_micros(std::int64_t unix_us); ///< timestamptz elements, microseconds since 1970.

  /// The array, header included. Call once.
  std::string finish() const;

private:
  void put_length(std::int32_t length);

  element type_;
  std::int32_t count_ = 0;
  bool nulls_ = false;
  std::string elements_;
};

/// A binary int8 parameter.
std::string pg_binary_int64(std::int64_t value);

/// Appends one element to a PostgreSQL array literal under construction ("{" already written).
void append_array_element(std::string& array, const std::optional<std::string_view>& element);

} // namespace llmops::storage
