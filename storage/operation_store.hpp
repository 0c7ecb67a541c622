#pragma once

#include "core/operation.hpp"
#include "storage/pg.hpp"

#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace llmops::storage {

/// Brings the schema to the newest version. Safe to run from several nodes at once: the
/// migration holds an advisory lock inside its transaction.
db_status migrate(pg_connection& conn);

/// Inserts rows in one statement (one transaction), tagging them with write_batch and the next
/// commit number (set in commit_seq). On success inserted[i] tells whether rows[i] was new;
/// false means its (tenant_id, operation_id) was already stored, or repeated earlier in the
/// same batch.
db_status insert_operations(
    pg_connection& conn,
    const std::vector<const core::operation_record*>& rows,
    std::int64_t write_batch,
    std::vector<bool>& inserted,
    std::int64_t& commit_seq);

/// Filters of GET /operations. Unset members do not filter.
struct operation_filter {
  std::optional<std::string> tenant_id;
  std::optional<std::string> agent_id;
  std::optional<std::string> model;
  std::optional<std::string> operation_type;
  std::optional<std::string> status;
  std::optional<core::micros> start; ///< Inclusive.
  std::optional<core::micros> end;   ///< Exclusive.
  std::int64_t limit = 100;
  std::int64_t offset = 0;
};

struct operation_page {
  std::vector<core::operation_record> operations; ///< Newest first.
  std::int64_t total = 0;                         ///< All rows matching the filter.
};

/// One page of operations, newest first, and the count of all matching rows.
db_status
query_operations(pg_connection& conn, const operation_filter& filter, operation_page& page);

/// Streams every stored operation to sink, in no particular order (metadata left empty).
db_status
scan_operations(pg_connection& conn, const std::function<void(core::operation_record&&)>& sink);

/// Streams the operations committed after after_seq, in no particular order.
db_status scan_committed_after(
    pg_connection& conn,
    std::int64_t after_seq,
    const std::function<void(core::operation_record&&)>& sink);

/// Streams the operations stamped from start_s on and before end_s, if set (epoch seconds).
db_status scan_stamped_between(
    pg_connection& conn,
    std::int64_t start_s,
    std::optional<std::int64_t> end_s,
    const std::function<void(core::operation_record&&)>& sink);

/// Up to limit operations committed after after_seq (by any node), in commit order.
db_status operations_after(
    pg_connection& conn,
    std::int64_t after_seq,
    std::int64_t limit,
    std::vector<core::operation_record>& rows);

/// Up to limit operations of tenant_id (every tenant when unset) stamped within one of the
/// given [start_s, end_s) intervals of epoch seconds, which must not overlap.
db_status operations_in_intervals(
    pg_connection& conn,
    const std::optional<std::string>& tenant_id,
    const std::vector<std::pair<std::int64_t, std::int64_t>>& intervals,
    std::int64_t limit,
    std::vector<core::operation_record>& rows);

} // namespace llmops::storage

namespace llmops::storage {

/// Ends server process pid if it started before given_up_at, waiting (up to a few seconds)
/// until it is gone; fails with transient when it is still there.
db_status end_backend(pg_connection& conn, int pid, core::micros given_up_at);

/// Sets hashes[i] to the payload_hash stored under the key of rows[i], if any.
db_status find_payload_hashes(
    pg_connection& conn,
    const std::vector<const core::operation_record*>& rows,
    std::vector<std::optional<std::int64_t>>& hashes);

/// Sets inserted[i] to whether rows[i] is stored with the given write_batch tag, that is,
/// whether the insert that carried that tag committed it.
db_status find_inserted(
    pg_connection& conn,
    const std::vector<const core::operation_record*>& rows,
    std::int64_t write_batch,
    std::vector<bool>& inserted);

} // namespace llmops::storage
