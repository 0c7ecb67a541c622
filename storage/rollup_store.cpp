#include "storage/rollup_store.hpp"

#include "core/time.hpp"
#include "storage/sql.hpp"

namespace llmops::storage {

namespace {

// Rows per statement when storing: bounds the size of one statement's parameters.
constexpr std::size_t store_chunk_pieces = 2000;

constexpr std::int64_t minute_s = 60;

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

db_status load_rollup_watermark(pg_connection& conn, std::optional<rollup_mark>& mark) {
  pg_result row;
  if (auto status = conn.exec(sql::rollup_watermark, &row); !status.ok())
    return status;
  mark.reset();
  if (row.rows() > 0) {
    mark.emplace();
    mark->commit_seq = row.int64(0, 0);
    if (!row.is_null(0, 1))
      mark->fine_start_s = row.int64(0, 1);
  }
  return {};
}

namespace {

// Streams (tenant_id, key, figures) rows read in binary: the key is a big-endian int8.
db_status load_pieces(
    pg_connection& conn,
    const char* statement,
    const std::vector<pg_param>& params,
    const std::function<void(rollup_piece&&)>& sink) {
  if (auto status = conn.exec(sql::no_statement_timeout); !status.ok())
    return status;
  return conn.stream(statement, params, true, [&](const pg_result& row) {
    rollup_piece piece;
    piece.tenant_id = row.value(0, 0);
    std::uint64_t number = 0;
    for (const char c : row.value(0, 1))
      number = (number << 8) | static_cast<unsigned char>(c);
    piece.key = static_cast<std::int64_t>(number);
    piece.figures = row.value(0, 2);
    sink(std::move(piece));
  });
}

// Upserts pieces in statements of at most store_chunk_pieces rows.
db_status
store_pieces(pg_connection& conn, const char* statement, const std::vector<rollup_piece>& pieces) {
  for (std::size_t first = 0; first < pieces.size(); first += store_chunk_pieces) {
    std::string tenants = "{";
    std::string keys = "{";
    std::string figures = "{";
    for (std::size_t i = first; i < std::min(pieces.size(), first + store_chunk_pieces); ++i) {
      append_array_element(tenants, pieces[i].tenant_id);
      append_array_element(keys, std::to_string(pieces[i].key));
      figures += (figures.size() > 1 ? ",\"" : "\"") + hex_bytea(pieces[i].figures) + "\"";
    }
    const std::vector<pg_param> params{tenants + "}", keys + "}", figures + "}"};
    if (auto status = conn.exec_params(statement, params, nullptr); !status.ok())
      return status;
  }
  return {};
}

} // namespace

db_status load_rollup_days(pg_connection& conn, const std::function<void(rollup_piece&&)>& sink) {
  return load_pieces(conn, sql::rollup_days, {}, sink);
}

db_status load_rollup_minutes(
    pg_connection& conn, std::int64_t from_s, const std::function<void(rollup_piece&&)>& sink) {
  return load_pieces(
      conn, sql::rollup_minutes, {std::to_string(core::floor_div(from_s, minute_s))}, sink);
}

db_status store_rollups(
    pg_connection& conn,
    const rollup_set& pieces,
    const rollup_mark& mark,
    bool everything,
    std::optional<std::int64_t> follows,
    bool& stale) {
  stale = false;
  transaction tx{conn};
  if (auto status = tx.begin(); !status.ok())
    return status;

  // Only one snapshot at a time, and an update only on top of the one it follows.
  pg_result row;
  if (auto status = conn.exec(sql::lock_rollup_watermark, &row); !status.ok())
    return status;
  const std::optional<std::int64_t> stored =
      row.rows() > 0 ? std::optional<std::int64_t>(row.int64(0, 0)) : std::nullopt;
  if (!everything && stored != follows) {
    stale = true;
    return {};
  }
  if (everything)
    if (auto status = conn.exec(sql::clear_rollups); !status.ok())
      return status;

  // An update holds every minute only from where both it and what it updates do: none when the
  // stored rollups hold no minutes.
  std::optional<std::int64_t> fine_start_s = mark.fine_start_s;
  if (!everything && fine_start_s) {
    if (row.is_null(0, 1))
      fine_start_s.reset();
    else
      fine_start_s = std::max(*fine_start_s, row.int64(0, 1));
  }
  if (auto status = store_pieces(conn, sql::store_rollup_days, pieces.days); !status.ok())
    return status;
  if (auto status = store_pieces(conn, sql::store_rollup_minutes, pieces.minutes); !status.ok())
    return status;
  if (fine_start_s)
    if (auto status = conn.exec_params(
            sql::drop_rollup_minutes, {std::to_string(core::floor_div(*fine_start_s, minute_s))},
            nullptr);
        !status.ok())
      return status;
  const std::vector<pg_param> params{
      std::to_string(mark.commit_seq),
      fine_start_s ? pg_param(std::to_string(*fine_start_s)) : pg_param(std::nullopt)};
  if (auto status = conn.exec_params(sql::store_rollup_watermark, params, nullptr); !status.ok())
    return status;
  return tx.commit();
}

} // namespace llmops::storage
