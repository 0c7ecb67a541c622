#include "storage/operation_store.hpp"

#include "storage/sql.hpp"

#include <map>
#include <set>
#include <string_view>
#include <utility>

namespace llmops::storage {

namespace {

constexpr int column_count = 17;

// PostgreSQL counts time from 2000-01-01 UTC.
constexpr std::int64_t postgres_epoch_unix_us = 946'684'800'000'000;

// Fills a record from a row laid out as sql::operation_columns (metadata optional), in text
// format, or as the aggregates' columns in binary format.
void decode_operation(const pg_result& result, int row, core::operation_record& op) {
  const bool binary = result.binary();
  auto number = [&](int column) {
    return binary ? result.binary_int64(row, column) : result.int64(row, column);
  };
  op.tenant_id = result.value(row, 0);
  op.operation_id = result.value(row, 1);
  op.timestamp_us =
      binary ? result.binary_int64(row, 2) + postgres_epoch_unix_us : result.int64(row, 2);
  op.operation_type = result.value(row, 3);
  op.model = result.value(row, 4);
  op.status = static_cast<std::uint8_t>(core::status_index(result.value(row, 5)).value_or(0));
  if (result.is_null(row, 6))
    op.agent_id.reset();
  else
    op.agent_id = std::string(result.value(row, 6));
  op.prompt_tokens = number(7);
  op.completion_tokens = number(8);
  op.total_tokens = number(9);
  op.latency_us = number(10);
  op.cost_nusd = number(11);
  op.cached_prompt_tokens = number(12);
  op.reasoning_tokens = number(13);
  op.cost_source =
      static_cast<std::uint8_t>(core::cost_source_index(result.value(row, 14)).value_or(0));
  if (PQnfields(result.get()) > 15 && !result.is_null(row, 15))
    op.metadata_json = result.value(row, 15);
  if (PQnfields(result.get()) > 16)
    op.commit_seq = number(16);
}

// The keys of rows as two array parameters: tenant ids, operation ids.
std::vector<pg_param> key_arrays(const std::vector<const core::operation_record*>& rows) {
  std::string tenants = "{";
  std::string ids = "{";
  for (const core::operation_record* op : rows) {
    append_array_element(tenants, op->tenant_id);
    append_array_element(ids, op->operation_id);
  }
  return {tenants + "}", ids + "}"};
}

// Appends the WHERE clause for filter and its parameters.
void add_filters(const operation_filter& filter, std::string& sql, std::vector<pg_param>& params) {
  auto add = [&](const char* clause, pg_param value) {
    sql += params.empty() ? " WHERE " : " AND ";
    sql += clause;
    sql += std::to_string(params.size() + 1);
    params.push_back(std::move(value));
  };
  if (filter.tenant_id)
    add("tenant_id = $", *filter.tenant_id);
  if (filter.agent_id)
    add("agent_id = $", *filter.agent_id);
  if (filter.model)
    add("model = $", *filter.model);
  if (filter.operation_type)
    add("operation_type = $", *filter.operation_type);
  if (filter.status)
    add("status = $", *filter.status);
  if (filter.start)
    add("ts >= $", core::format_rfc3339(*filter.start));
  if (filter.end)
    add("ts < $", core::format_rfc3339(*filter.end));
}

} // namespace

db_status migrate(pg_connection& conn) {
  if (auto status = conn.exec("BEGIN"); !status.ok())
    return status;

  auto run = [&]() -> db_status {
    if (auto status = conn.exec(sql::lock_schema); !status.ok())
      return status;
    if (auto status = conn.exec(sql::create_schema_table); !status.ok())
      return status;
    pg_result version;
    if (auto status = conn.exec(sql::schema_version, &version); !status.ok())
      return status;

    const std::int64_t current = version.int64(0, 0);
    const std::int64_t newest = std::size(sql::migrations);
    for (std::int64_t next = current; next < newest; ++next) {
      if (auto status = conn.exec(sql::migrations[next]); !status.ok())
        return status;
      if (auto status = conn.exec_params(sql::record_version, {std::to_string(next + 1)}, nullptr);
          !status.ok())
        return status;
    }
    return conn.exec("COMMIT");
  };

  db_status status = run();
  if (!status.ok())
    conn.exec("ROLLBACK");
  return status;
}

db_status insert_operations(
    pg_connection& conn,
    const std::vector<const core::operation_record*>& rows,
    std::int64_t write_batch,
    std::vector<bool>& inserted,
    std::int64_t& commit_seq) {
  // One binary array per column: the server reads them without parsing text.
  using element = pg_array_writer::element;
  std::vector<pg_array_writer> arrays;
  for (element type :
       {element::text, element::text, element::timestamptz, element::text, element::text,
        element::text, element::text, element::int8, element::int8, element::int8, element::int8,
        element::int8, element::jsonb, element::int8, element::int8, element::text, element::int8})
    arrays.emplace_back(type);
  for (const core::operation_record* op : rows) {
    arrays[0].add_text(op->tenant_id);
    arrays[1].add_text(op->operation_id);
    arrays[2].add_micros(op->timestamp_us);
    arrays[3].add_text(op->operation_type);
    arrays[4].add_text(op->model);
    arrays[5].add_text(core::operation_statuses[op->status]);
    if (op->agent_id)
      arrays[6].add_text(*op->agent_id);
    else
      arrays[6].add_null();
    arrays[7].add_int64(op->prompt_tokens);
    arrays[8].add_int64(op->completion_tokens);
    arrays[9].add_int64(op->total_tokens);
    arrays[10].add_int64(op->latency_us);
    arrays[11].add_int64(op->cost_nusd);
    arrays[12].add_text(op->metadata_json);
    arrays[13].add_int64(op->cached_prompt_tokens);
    arrays[14].add_int64(op->reasoning_tokens);
    arrays[15].add_text(core::cost_sources[op->cost_source]);
    arrays[16].add_int64(op->payload_hash);
  }
  std::vector<std::string> params;
  params.reserve(column_count + 1);
  for (const auto& array : arrays)
    params.push_back(array.finish());
  params.push_back(pg_binary_int64(write_batch));

  pg_result result;
  if (auto status = conn.exec_binary(sql::insert_operations, params, &result); !status.ok())
    return status;

  // Map the returned keys back to positions; the first occurrence of a key is the one inserted.
  std::set<std::pair<std::string_view, std::string_view>> returned;
  commit_seq = result.rows() > 0 ? result.int64(0, 0) : 0;
  for (int row = 0; row < result.rows(); ++row)
    if (!result.is_null(row, 1))
      returned.emplace(result.value(row, 1), result.value(row, 2));
  inserted.assign(rows.size(), false);
  for (std::size_t i = 0; i < rows.size(); ++i)
    inserted[i] = returned.erase({rows[i]->tenant_id, rows[i]->operation_id}) > 0;
  return {};
}

db_status
query_operations(pg_connection& conn, const operation_filter& filter, operation_page& page) {
  std::vector<pg_param> params;
  std::string where;
  add_filters(filter, where, params);

  // The page.
  std::string select = sql::operation_columns + where + sql::order_newest_first;
  std::vector<pg_param> page_params = params;
  select += " LIMIT $" + std::to_string(page_params.size() + 1);
  page_params.emplace_back(std::to_string(filter.limit));
  select += " OFFSET $" + std::to_string(page_params.size() + 1);
  page_params.emplace_back(std::to_string(filter.offset));
  pg_result rows;
  if (auto status = conn.exec_params(select.c_str(), page_params, &rows); !status.ok())
    return status;
  page.operations.resize(static_cast<std::size_t>(rows.rows()));
  for (int row = 0; row < rows.rows(); ++row)
    decode_operation(rows, row, page.operations[static_cast<std::size_t>(row)]);

  // The count of all matching rows.
  std::string count = sql::count_operations + where;
  pg_result total;
  if (auto status = conn.exec_params(count.c_str(), params, &total); !status.ok())
    return status;
  page.total = total.int64(0, 0);
  return {};
}

db_status scan_rows(
    pg_connection& conn,
    const char* statement,
    const std::vector<pg_param>& params,
    const std::function<void(core::operation_record&&)>& sink) {
  // Reading every row takes as long as there are rows: no statement timeout on this
  // connection (used only while starting) from here on.
  if (auto status = conn.exec(sql::no_statement_timeout); !status.ok())
    return status;
  core::operation_record op;
  return conn.stream(statement, params, true, [&](const pg_result& row) {
    decode_operation(row, 0, op);
    sink(std::move(op));
  });
}

db_status
scan_operations(pg_connection& conn, const std::function<void(core::operation_record&&)>& sink) {
  return scan_rows(conn, sql::scan_operations, {}, sink);
}

db_status scan_committed_after(
    pg_connection& conn,
    std::int64_t after_seq,
    const std::function<void(core::operation_record&&)>& sink) {
  return scan_rows(conn, sql::scan_committed_after, {std::to_string(after_seq)}, sink);
}

db_status scan_stamped_between(
    pg_connection& conn,
    std::int64_t start_s,
    std::optional<std::int64_t> end_s,
    const std::function<void(core::operation_record&&)>& sink) {
  const pg_param end = end_s ? pg_param(std::to_string(*end_s)) : std::nullopt;
  return scan_rows(conn, sql::scan_stamped_between, {std::to_string(start_s), end}, sink);
}

db_status operations_after(
    pg_connection& conn,
    std::int64_t after_seq,
    std::int64_t limit,
    std::vector<core::operation_record>& rows) {
  pg_result result;
  if (auto status = conn.exec_params(
          sql::operations_after, {std::to_string(after_seq), std::to_string(limit)}, &result, true);
      !status.ok())
    return status;
  rows.resize(static_cast<std::size_t>(result.rows()));
  for (int row = 0; row < result.rows(); ++row)
    decode_operation(result, row, rows[static_cast<std::size_t>(row)]);
  return {};
}

db_status operations_in_intervals(
    pg_connection& conn,
    const std::optional<std::string>& tenant_id,
    const std::vector<std::pair<std::int64_t, std::int64_t>>& intervals,
    std::int64_t limit,
    std::vector<core::operation_record>& rows) {
  std::string starts = "{";
  std::string ends = "{";
  for (const auto& [start_s, end_s] : intervals) {
    append_array_element(starts, std::to_string(start_s));
    append_array_element(ends, std::to_string(end_s));
  }
  pg_result result;
  const std::vector<pg_param> params{tenant_id, starts + "}", ends + "}", std::to_string(limit)};
  if (auto status = conn.exec_params(sql::operations_in_intervals, params, &result, true);
      !status.ok())
    return status;
  rows.resize(static_cast<std::size_t>(result.rows()));
  for (int row = 0; row < result.rows(); ++row)
    decode_operation(result, row, rows[static_cast<std::size_t>(row)]);
  return {};
}

} // namespace llmops::storage

namespace llmops::storage {

db_status end_backend(pg_connection& conn, int pid, core::micros given_up_at) {
  const std::vector<pg_param> params{std::to_string(pid), core::format_rfc3339(given_up_at)};
  if (auto status = conn.exec_params(sql::end_backend, params, nullptr); !status.ok())
    return status;

  // pg_terminate_backend with a timeout waits for the exit; look once more to be sure.
  pg_result alive;
  if (auto status = conn.exec_params(sql::backend_alive, params, &alive); !status.ok())
    return status;
  if (alive.int64(0, 0) != 0)
    return {failure_kind::transient, "the server process of a lost commit is still running"};
  return {};
}

db_status find_payload_hashes(
    pg_connection& conn,
    const std::vector<const core::operation_record*>& rows,
    std::vector<std::optional<std::int64_t>>& hashes) {
  pg_result result;
  std::vector<pg_param> params = key_arrays(rows);
  if (auto status = conn.exec_params(sql::payload_hashes, params, &result); !status.ok())
    return status;

  std::map<std::pair<std::string_view, std::string_view>, std::int64_t> found;
  for (int row = 0; row < result.rows(); ++row)
    found.emplace(std::make_pair(result.value(row, 0), result.value(row, 1)), result.int64(row, 2));
  hashes.assign(rows.size(), std::nullopt);
  for (std::size_t i = 0; i < rows.size(); ++i)
    if (auto it = found.find({rows[i]->tenant_id, rows[i]->operation_id}); it != found.end())
      hashes[i] = it->second;
  return {};
}

db_status find_inserted(
    pg_connection& conn,
    const std::vector<const core::operation_record*>& rows,
    std::int64_t write_batch,
    std::vector<bool>& inserted) {
  pg_result result;
  std::vector<pg_param> params = key_arrays(rows);
  params.emplace_back(std::to_string(write_batch));
  if (auto status = conn.exec_params(sql::keys_of_batch, params, &result); !status.ok())
    return status;

  std::set<std::pair<std::string_view, std::string_view>> found;
  for (int row = 0; row < result.rows(); ++row)
    found.emplace(result.value(row, 0), result.value(row, 1));
  inserted.assign(rows.size(), false);
  for (std::size_t i = 0; i < rows.size(); ++i)
    inserted[i] = found.erase({rows[i]->tenant_id, rows[i]->operation_id}) > 0;
  return {};
}

} // namespace llmops::storage
