#include "storage/rollup_store.hpp"

#include "storage/sql.hpp"

namespace llmops::storage {

namespace {

// Rows per statement when storing: bounds the size of one statement's parameters.
constexpr std::size_t store_chunk_days = 2000;

std::string hex_bytea(const std::string& bytes) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string out = "\\\\x";
  out.reserve(bytes.size() * 2 + 3);
  for (const char c : bytes) {
    const auto byte = static_cast<unsigned char>(c);
    out.push_back(digits[byte >> 4]);
    out.push_back(digits[byte & 0x0f]);
  }
  return out;
}

// Ends the transaction on every path that does not commit it.
struct transaction {
  pg_connection& conn;
  bool open = false;

  db_status begin() {
    auto status = conn.exec("BEGIN");
    open = status.ok();
    return status;
  }

  db_status commit() {
    open = false;
    return conn.exec("COMMIT");
  }

  ~transaction() {
    if (open && conn.healthy())
      conn.exec("ROLLBACK");
  }
};

} // namespace

db_status load_rollup_watermark(pg_connection& conn, std::optional<std::int64_t>& watermark) {
  pg_result mark;
  if (auto status = conn.exec(sql::rollup_watermark, &mark); !status.ok())
    return status;
  watermark.reset();
  if (mark.rows() > 0)
    watermark = mark.int64(0, 0);
  return {};
}

db_status load_rollup_days(pg_connection& conn, const std::function<void(rollup_day&&)>& sink) {
  if (auto status = conn.exec(sql::no_statement_timeout); !status.ok())
    return status;

  // Figures as raw bytes (binary results); the day is a big-endian int8.
  return conn.stream(sql::rollup_days, {}, true, [&](const pg_result& row) {
    rollup_day day;
    day.tenant_id = row.value(0, 0);
    std::uint64_t number = 0;
    for (const char c : row.value(0, 1))
      number = (number << 8) | static_cast<unsigned char>(c);
    day.day = static_cast<std::int64_t>(number);
    day.figures = row.value(0, 2);
    sink(std::move(day));
  });
}

db_status store_rollups(
    pg_connection& conn,
    const std::vector<rollup_day>& days,
    std::int64_t watermark,
    bool everything,
    std::optional<std::int64_t> follows,
    bool& stale) {
  stale = false;
  transaction tx{conn};
  if (auto status = tx.begin(); !status.ok())
    return status;

  // Only one snapshot at a time, and an update only on top of the one it follows.
  pg_result mark;
  if (auto status = conn.exec(sql::lock_rollup_watermark, &mark); !status.ok())
    return status;
  const std::optional<std::int64_t> stored =
      mark.rows() > 0 ? std::optional<std::int64_t>(mark.int64(0, 0)) : std::nullopt;
  if (!everything && stored != follows) {
    stale = true;
    return {};
  }
  if (everything)
    if (auto status = conn.exec(sql::clear_rollup_days); !status.ok())
      return status;

  for (std::size_t first = 0; first < days.size(); first += store_chunk_days) {
    std::string tenants = "{";
    std::string numbers = "{";
    std::string figures = "{";
    for (std::size_t i = first; i < std::min(days.size(), first + store_chunk_days); ++i) {
      append_array_element(tenants, days[i].tenant_id);
      append_array_element(numbers, std::to_string(days[i].day));
      figures += (figures.size() > 1 ? ",\"" : "\"") + hex_bytea(days[i].figures) + "\"";
    }
    const std::vector<pg_param> params{tenants + "}", numbers + "}", figures + "}"};
    if (auto status = conn.exec_params(sql::store_rollup_days, params, nullptr); !status.ok())
      return status;
  }
  if (auto status =
          conn.exec_params(sql::store_rollup_watermark, {std::to_string(watermark)}, nullptr);
      !status.ok())
    return status;
  return tx.commit();
}

} // namespace llmops::storage
