#pragma once

#include <caf/fwd.hpp>
#include <chrono>

namespace llmops::actors {

/// Spawns the registry that owns one tenant_aggregator per tenant, created on first use. It
/// handles
///   (apply_atom, committed_rows): splits committed rows by tenant and forwards them;
///   (query_atom, metrics_job_ptr): forwards a tenant's question to its aggregator, or asks
///     every aggregator (each request bounded by query_timeout) and merges the answers.
caf::actor
spawn_tenant_registry(caf::actor_system& system, std::chrono::milliseconds query_timeout);

} // namespace llmops::actors
