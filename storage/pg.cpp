#include "storage/pg.hpp"

#include "core/log.hpp"

#include <cerrno>
#include <charconv>
#include <cstring>
#include <poll.h>

namespace llmops::storage {

namespace {

// Defaults added to every connection so that a dead peer is noticed within seconds.
constexpr const char* default_keywords[] = {
    "connect_timeout",  "keepalives",       "keepalives_idle",  "keepalives_interval",
    "keepalives_count", "tcp_user_timeout", "application_name",
};
constexpr const char* default_values[] = {"5", "1", "10", "5", "3", "15000", "llmops-service"};

constexpr const char* statement_timeout_sql = "SELECT set_config('statement_timeout', $1, false)";

const core::logger log{"storage"};

// Server notices (a NOTICE from DROP ... CASCADE, say) go to the debug log, not to stderr.
void log_notice(void*, const char* message) {
  if (!log.enabled(core::log_level::debug))
    return;
  std::string text = message;
  while (!text.empty() && text.back() == '\n')
    text.pop_back();
  log.debug("server notice text=\"" + text + "\"");
}

// libpq messages span lines ("...\n\tThis probably means..."); logs want one line each.
std::string one_line(std::string text) {
  std::string out;
  bool space = false;
  for (char c : text) {
    const bool blank = c == '\n' || c == '\t' || c == '\r' || c == ' ';
    if (blank) {
      space = !out.empty();
      continue;
    }
    if (space)
      out.push_back(' ');
    space = false;
    out.push_back(c == '"' ? '\'' : c);
  }
  return out;
}

failure_kind classify_sqlstate(const char* sqlstate) {
  if (sqlstate == nullptr || std::strlen(sqlstate) != 5)
    return failure_kind::connection;
  std::string_view code(sqlstate, 5);
  // Class 08: connection exception; 57P0x: server shutting down; 53: insufficient resources.
  if (code.substr(0, 2) == "08" || code.substr(0, 4) == "57P0" || code.substr(0, 2) == "53")
    return failure_kind::connection;
  // 40001 serialization failure, 40P01 deadlock, 55P03 lock not available.
  if (code == "40001" || code == "40P01" || code == "55P03")
    return failure_kind::transient;
  // 57014: cancelled, by the statement timeout here; the statement had no effect.
  if (code == "57014")
    return failure_kind::busy;
  return failure_kind::rejected;
}

} // namespace

std::int64_t pg_result::int64(int row, int column) const {
  std::string_view text = value(row, column);
  std::int64_t number = 0;
  std::from_chars(text.data(), text.data() + text.size(), number);
  return number;
}

std::int64_t pg_result::binary_int64(int row, int column) const {
  std::uint64_t number = 0;
  for (const char c : value(row, column))
    number = (number << 8) | static_cast<unsigned char>(c);
  return static_cast<std::int64_t>(number);
}

std::unique_ptr<pg_connection> pg_connection::open(
    const std::string& conninfo, std::string& error, std::chrono::milliseconds timeout) {
  // Defaults first: the expanded dbname entry that follows overrides any of them.
  std::vector<const char*> keywords(std::begin(default_keywords), std::end(default_keywords));
  std::vector<const char*> values(std::begin(default_values), std::end(default_values));
  keywords.push_back("dbname");
  values.push_back(conninfo.c_str());
  keywords.push_back(nullptr);
  values.push_back(nullptr);

  PGconn* conn = PQconnectdbParams(keywords.data(), values.data(), 1);
  if (conn == nullptr) {
    error = "out of memory";
    return nullptr;
  }
  std::unique_ptr<pg_connection> connection(new pg_connection(conn));
  PQsetNoticeProcessor(conn, log_notice, nullptr);
  if (PQstatus(conn) != CONNECTION_OK) {
    error = one_line(PQerrorMessage(conn));
    return nullptr;
  }
  PQsetnonblocking(conn, 1);
  connection->deadline_ = timeout + answer_grace;
  const std::string timeout_text = std::to_string(timeout.count()) + "ms";
  if (auto status = connection->exec_params(statement_timeout_sql, {timeout_text}, nullptr);
      !status.ok()) {
    error = status.message();
    return nullptr;
  }
  return connection;
}

pg_connection::~pg_connection() {
  PQfinish(conn_);
}

db_status pg_connection::check(const pg_result& result) {
  ExecStatusType status = result.get() ? PQresultStatus(result.get()) : PGRES_FATAL_ERROR;
  if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK)
    return {};

  std::string message =
      one_line(result.get() ? PQresultErrorMessage(result.get()) : PQerrorMessage(conn_));
  if (PQstatus(conn_) != CONNECTION_OK)
    return {failure_kind::connection, message};
  const char* sqlstate =
      result.get() ? PQresultErrorField(result.get(), PG_DIAG_SQLSTATE) : nullptr;
  return {classify_sqlstate(sqlstate), message};
}

db_status pg_connection::exec(const char* sql, pg_result* out) {
  return finish(PQsendQuery(conn_, sql) == 1, out);
}

db_status pg_connection::exec_params(
    const char* sql, const std::vector<pg_param>& params, pg_result* out, bool binary_results) {
  std::vector<const char*> values;
  values.reserve(params.size());
  for (const auto& param : params)
    values.push_back(param ? param->c_str() : nullptr);
  const bool sent = PQsendQueryParams(
                        conn_, sql, static_cast<int>(values.size()), nullptr, values.data(),
                        nullptr, nullptr, binary_results ? 1 : 0) == 1;
  return finish(sent, out);
}

db_status pg_connection::exec_binary(
    const char* sql, const std::vector<std::string>& params, pg_result* out) {
  std::vector<const char*> values;
  std::vector<int> lengths;
  const std::vector<int> formats(params.size(), 1);
  for (const auto& param : params) {
    values.push_back(param.data());
    lengths.push_back(static_cast<int>(param.size()));
  }
  const bool sent = PQsendQueryParams(
                        conn_, sql, static_cast<int>(values.size()), nullptr, values.data(),
                        lengths.data(), formats.data(), 0) == 1;
  return finish(sent, out);
}

db_status pg_connection::stream(
    const char* sql,
    const std::vector<pg_param>& params,
    bool binary_results,
    const std::function<void(const pg_result& row)>& row) {
  std::vector<const char*> values;
  for (const auto& param : params)
    values.push_back(param ? param->c_str() : nullptr);
  if (PQsendQueryParams(
          conn_, sql, static_cast<int>(values.size()), nullptr, values.data(), nullptr, nullptr,
          binary_results ? 1 : 0) == 0 ||
      PQsetSingleRowMode(conn_) == 0 || !flush())
    return broken(one_line(PQerrorMessage(conn_)));

  // Drain every result, even after a failure, so that the connection stays usable.
  db_status outcome;
  while (PGresult* raw = PQgetResult(conn_)) {
    pg_result result(raw);
    const ExecStatusType status = PQresultStatus(raw);
    if (status == PGRES_SINGLE_TUPLE)
      row(result);
    else if (status != PGRES_TUPLES_OK && outcome.ok())
      outcome = check(result);
  }
  return outcome;
}

bool pg_connection::wait(short events, std::chrono::steady_clock::time_point deadline) {
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
      deadline - std::chrono::steady_clock::now());
  if (left.count() <= 0)
    return false;
  pollfd descriptor{PQsocket(conn_), events, 0};
  const int ready = ::poll(&descriptor, 1, static_cast<int>(left.count()));
  return ready > 0 || (ready < 0 && errno == EINTR);
}

db_status pg_connection::broken(const std::string& why) {
  broken_ = true;
  return {failure_kind::connection, why};
}

bool pg_connection::flush() {
  const auto deadline = std::chrono::steady_clock::now() + deadline_;
  for (;;) {
    const int pending = PQflush(conn_);
    if (pending == 0)
      return true;
    if (pending < 0 || !wait(POLLOUT | POLLIN, deadline) || PQconsumeInput(conn_) == 0) {
      broken_ = true;
      return false;
    }
  }
}

db_status pg_connection::finish(bool sent, pg_result* out) {
  if (broken_)
    return {failure_kind::connection, "the connection was given up earlier"};
  if (!sent)
    return broken(one_line(PQerrorMessage(conn_)));
  if (!flush())
    return broken(
        "could not send to the database within " + std::to_string(deadline_.count()) + " ms");

  // Collect every result; a hung server is given up on at the deadline.
  const auto deadline = std::chrono::steady_clock::now() + deadline_;
  pg_result kept;
  db_status status;
  for (;;) {
    while (PQisBusy(conn_) != 0) {
      if (!wait(POLLIN, deadline))
        return broken(
            "no answer from the database within " + std::to_string(deadline_.count()) + " ms");
      if (PQconsumeInput(conn_) == 0)
        return broken(one_line(PQerrorMessage(conn_)));
    }
    PGresult* raw = PQgetResult(conn_);
    if (raw == nullptr)
      break;
    pg_result result(raw);
    db_status result_status = check(result);
    if (status.ok()) {
      status = result_status;
      kept = std::move(result);
    }
  }
  if (out != nullptr)
    *out = std::move(kept);
  return status;
}

std::string redact_conninfo(const std::string& conninfo) {
  char* error = nullptr;
  PQconninfoOption* options = PQconninfoParse(conninfo.c_str(), &error);
  if (options == nullptr) {
    PQfreemem(error);
    return "<unparsable connection string>";
  }
  std::string text;
  for (PQconninfoOption* option = options; option->keyword != nullptr; ++option) {
    if (option->val == nullptr || *option->val == '\0')
      continue;
    if (!text.empty())
      text += ' ';
    text += option->keyword;
    text += '=';
    text += std::strcmp(option->keyword, "password") == 0 ? "***" : option->val;
  }
  PQconninfoFree(options);
  return text;
}

namespace {

void put_be32(std::string& out, std::uint32_t value) {
  for (int shift = 24; shift >= 0; shift -= 8)
    out.push_back(static_cast<char>((value >> shift) & 0xff));
}

void put_be64(std::string& out, std::uint64_t value) {
  for (int shift = 56; shift >= 0; shift -= 8)
    out.push_back(static_cast<char>((value >> shift) & 0xff));
}

// PostgreSQL counts time from 2000-01-01 UTC.
constexpr std::int64_t postgres_epoch_unix_us = 946'684'800'000'000;

} // namespace

void pg_array_writer::put_length(std::int32_t length) {
  put_be32(elements_, static_cast<std::uint32_t>(length));
}

void pg_array_writer::add_null() {
  put_length(-1);
  nulls_ = true;
  ++count_;
}

void pg_array_writer::add_text(std::string_view text) {
  const bool jsonb = type_ == element::jsonb;
  put_length(static_cast<std::int32_t>(text.size() + (jsonb ? 1 : 0)));
  if (jsonb)
    elements_.push_back(1); // The jsonb format version.
  elements_.append(text);
  ++count_;
}

void pg_array_writer::add_int64(std::int64_t value) {
  put_length(8);
  put_be64(elements_, static_cast<std::uint64_t>(value));
  ++count_;
}

void pg_array_writer::add_micros(std::int64_t unix_us) {
  add_int64(unix_us - postgres_epoch_unix_us);
}

std::string pg_array_writer::finish() const {
  std::string array;
  array.reserve(20 + elements_.size());
  put_be32(array, 1); // Dimensions.
  put_be32(array, nulls_ ? 1 : 0);
  put_be32(array, static_cast<std::uint32_t>(type_));
  put_be32(array, static_cast<std::uint32_t>(count_));
  put_be32(array, 1); // Lower bound.
  array += elements_;
  return array;
}

std::string pg_binary_int64(std::int64_t value) {
  std::string out;
  put_be64(out, static_cast<std::uint64_t>(value));
  return out;
}

void append_array_element(std::string& array, const std::optional<std::string_view>& element) {
  if (array.size() > 1)
    array.push_back(',');
  if (!element) {
    array += "NULL";
    return;
  }
  array.push_back('"');
  for (char c : *element) {
    if (c == '"' || c == '\\')
      array.push_back('\\');
    array.push_back(c);
  }
  array.push_back('"');
}

} // namespace llmops::storage
