#pragma once

// Atoms and message types that travel between the storage actors and the aggregators.
// Include only from .cpp files: it pulls in CAF.

#include "storage/storage_writer.hpp"

#include <caf/allowed_unsafe_message_type.hpp>
#include <caf/atom.hpp>

namespace llmops::storage {

using write_atom = caf::atom_constant<caf::atom("write")>;
using flush_atom = caf::atom_constant<caf::atom("flush")>;
using drain_atom = caf::atom_constant<caf::atom("drain")>;
using apply_atom = caf::atom_constant<caf::atom("apply")>;
using read_atom = caf::atom_constant<caf::atom("read")>;
using sync_atom = caf::atom_constant<caf::atom("sync")>;
using snapshot_atom = caf::atom_constant<caf::atom("snapshot")>;

} // namespace llmops::storage

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(llmops::storage::write_job_ptr)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(llmops::storage::committed_rows)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(llmops::storage::read_job_ptr)
