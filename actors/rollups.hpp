#pragma once

#include "actors/aggregate.hpp"
#include "storage/rollup_store.hpp"

#include <memory>
#include <string>

namespace llmops::actors {

/// The day and minute buckets of data changed since the last call (all with everything set),
/// encoded for storage under tenant_id.
std::shared_ptr<storage::rollup_set>
take_pieces(tenant_aggregate& data, bool everything, const std::string& tenant_id);

/// Adds stored days and minutes to data, logging each one it cannot read.
void load_pieces(
    tenant_aggregate& data, const storage::rollup_set& pieces, const std::string& tenant_id);

} // namespace llmops::actors
