#pragma once

#include <caf/fwd.hpp>
#include <string>

namespace llmops::actors {

/// Spawns the aggregator of one tenant on the shared scheduler. It handles
///   (apply_atom, committed_rows): adds committed rows of its tenant;
///   (query_atom, metrics_job_ptr): settles the job's range against its data and answers it;
///   (summarize_atom, resolved_range) -> metrics_summary: its share of an operator question.
caf::actor spawn_tenant_aggregator(caf::actor_system& system, std::string tenant_id);

} // namespace llmops::actors
