#pragma once

#include "actors/metrics_settings.hpp"

#include <caf/fwd.hpp>
#include <string>

namespace llmops::actors {

/// Spawns the aggregator of one tenant on the shared scheduler. It handles
///   (apply_atom, committed_rows): adds committed rows of its tenant;
///   (refine_atom, committed_rows): adds rows to the finer buckets only (their day is loaded);
///   (load_atom, rollup_pieces): adds stored day and minute buckets;
///   (query_atom, metrics_job_ptr): settles the job's range against its data and answers it,
///     reading the pieces of older history it needs first;
///   (older_atom, metrics_job_ptr, resolved_range, fine_start_s, older_history): answers the
///     job with the pieces of older history read;
///   (snapshot_atom, everything) -> rollup_pieces: its day and minute buckets changed since
///     the last call;
///   (stats_atom) -> aggregate_stats.
caf::actor spawn_tenant_aggregator(
    caf::actor_system& system, std::string tenant_id, metrics_settings_ptr settings);

} // namespace llmops::actors
