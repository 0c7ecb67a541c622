#pragma once

#include "actors/metrics_settings.hpp"
#include "actors/tenant_directory.hpp"

#include <caf/fwd.hpp>

namespace llmops::actors {

/// Spawns the registry that owns one tenant_aggregator per tenant, created on first use. It
/// handles
///   (apply_atom, committed_rows), (refine_atom, committed_rows): splits rows by tenant and
///     forwards them, then counts the message off in directory (rows_handed_on);
///   (load_atom, rollup_pieces): forwards the stored days and minutes of one tenant;
///   (query_atom, metrics_job_ptr): forwards a tenant's question to its aggregator, or answers
///     an operator's question from an aggregate of every tenant kept by the registry itself;
///   (snapshot_atom, commit_seq) -> bool: collects the day and minute buckets changed since
///     the last snapshot from every aggregator (all of them the first time, or after a failure) and
///     stores them as of commit_seq; replies once stored, false when not stored;
///   (stats_atom) -> aggregate_stats: sums over the aggregators (their buckets and those of
///     the aggregate of every tenant).
/// Every aggregator it spawns is added to directory.
caf::actor spawn_tenant_registry(
    caf::actor_system& system, metrics_settings_ptr settings, tenant_directory_ptr directory);

} // namespace llmops::actors
