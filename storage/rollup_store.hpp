#pragma once

#include "storage/pg.hpp"

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace llmops::storage {

/// One persisted day bucket of one tenant, encoded by the aggregates.
struct rollup_day {
  std::string tenant_id;
  std::int64_t day = 0; ///< Days since 1970-01-01.
  std::string figures;
};

/// Reads the commit number the stored rollups hold every row up to: nullopt when none were
/// ever stored.
db_status load_rollup_watermark(pg_connection& conn, std::optional<std::int64_t>& watermark);

/// Passes each stored day to sink, in no particular order. Lifts the connection's statement
/// timeout: reading every day takes as long as there are days.
db_status load_rollup_days(pg_connection& conn, const std::function<void(rollup_day&&)>& sink);

/// Stores days as of commit number watermark in one transaction. With everything set the
/// stored days are replaced; otherwise they are updated, which is right only if the stored
/// watermark is still follows (the one this node wrote last): when it is not (another node
/// wrote since), nothing is written and stale is set, and the caller should store everything.
db_status store_rollups(
    pg_connection& conn,
    const std::vector<rollup_day>& days,
    std::int64_t watermark,
    bool everything,
    std::optional<std::int64_t> follows,
    bool& stale);

} // namespace llmops::storage
