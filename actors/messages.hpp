#pragma once

// Atoms and message types of the aggregator actors. Include only from .cpp files: it pulls in
// CAF.

#include "actors/metrics_job.hpp"
#include "actors/metrics_settings.hpp"
#include "storage/messages.hpp"
#include "storage/rollup_store.hpp"

#include <array>

namespace llmops::actors {

using storage::apply_atom;
using storage::snapshot_atom;
using query_atom = caf::atom_constant<caf::atom("query")>;
using refine_atom = caf::atom_constant<caf::atom("refine")>;
using load_atom = caf::atom_constant<caf::atom("load")>;
using older_atom = caf::atom_constant<caf::atom("older")>;
using stats_atom = caf::atom_constant<caf::atom("stats")>;
using stored_atom = caf::atom_constant<caf::atom("stored")>;

/// Stored buckets: of one tenant when read at start, of an aggregator when snapshotting.
using rollup_pieces = std::shared_ptr<storage::rollup_set>;

/// What the aggregates hold, summed over tenants.
struct aggregate_stats {
  std::int64_t tenants = 0;
  std::int64_t operations = 0;
  std::array<std::int64_t, 4> buckets{}; ///< Second, minute, hour, day.

  void add(const aggregate_stats& other);
};

} // namespace llmops::actors

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(llmops::actors::metrics_job_ptr)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(llmops::actors::resolved_range)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(llmops::actors::rollup_pieces)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(llmops::actors::older_history)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(llmops::actors::aggregate_stats)
