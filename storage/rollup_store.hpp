#pragma once

#include "storage/pg.hpp"

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace llmops::storage {

/// One persisted bucket of one tenant (a day, or a minute with its seconds), encoded by the
/// aggregates.
struct rollup_piece {
  std::string tenant_id;
  std::int64_t key = 0; ///< Days or minutes since 1970-01-01.
  std::string figures;
};

/// Persisted buckets, of one tenant when read at start, of many when stored.
struct rollup_set {
  std::vector<rollup_piece> days;
  std::vector<rollup_piece> minutes;
};

/// What the stored rollups hold: every row up to commit_seq, in days, and in minutes from
/// fine_start_s on (none stored when unset).
struct rollup_mark {
  std::int64_t commit_seq = 0;
  std::optional<std::int64_t> fine_start_s;
};

/// Reads the mark of the stored rollups: nullopt when none were ever stored.
db_status load_rollup_watermark(pg_connection& conn, std::optional<rollup_mark>& mark);

/// Passes each stored day to sink, in no particular order. Lifts the connection's statement
/// timeout: reading every day takes as long as there are days.
db_status load_rollup_days(pg_connection& conn, const std::function<void(rollup_piece&&)>& sink);

/// Passes each stored minute from from_s on to sink, in no particular order. Lifts the
/// statement timeout too.
db_status load_rollup_minutes(
    pg_connection& conn, std::int64_t from_s, const std::function<void(rollup_piece&&)>& sink);

/// Stores pieces as of mark in one transaction. With everything set the stored pieces are
/// replaced; otherwise they are updated, which is right only if the stored watermark still
/// follows (the one this node wrote last): when it is not (another node wrote since), nothing
/// is written and stale is set, and the caller should store everything. Minutes before
/// mark.fine_start_s are dropped.
db_status store_rollups(
    pg_connection& conn,
    const rollup_set& pieces,
    const rollup_mark& mark,
    bool everything,
    std::optional<std::int64_t> follows,
    bool& stale);

} // namespace llmops::storage
