#pragma once

// Atoms and message types of the aggregator actors. Include only from .cpp files: it pulls in
// CAF.

#include "actors/metrics_job.hpp"
#include "storage/messages.hpp"

namespace llmops::actors {

using storage::apply_atom;
using query_atom = caf::atom_constant<caf::atom("query")>;
using summarize_atom = caf::atom_constant<caf::atom("summarize")>;

} // namespace llmops::actors

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(llmops::actors::metrics_job_ptr)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(llmops::actors::resolved_range)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(llmops::actors::metrics_summary)
