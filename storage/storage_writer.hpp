#pragma once

#include "core/operation.hpp"
#include "storage/pg.hpp"

#include <atomic>
#include <caf/fwd.hpp>
#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace llmops::storage {

/// What became of one operation of a committed write job.
enum class row_outcome {
  created,   ///< Stored by this job.
  duplicate, ///< Already stored under the same key with the same payload: a retry.
  conflict,  ///< Already stored under the same key with another payload: not stored.
};

/// What became of a write job.
struct write_result {
  enum class outcome {
    committed,   ///< The transaction committed; rows tells what became of each operation.
    unavailable, ///< Not stored: the database is unreachable or busy. The client may retry.
    failed,      ///< Not stored: the database refused the rows.
  };

  outcome state = outcome::committed;
  std::string message;           ///< Why, when not committed.
  std::vector<row_outcome> rows; ///< Per operation, in order, when committed.
};

/// Operations waiting for one commit, and whom to tell.
struct write_job {
  std::vector<core::operation_record> operations;

  /// Called exactly once, on the writer's thread, after the transaction ended. Must not block.
  std::function<void(write_result&&)> done;
};

using write_job_ptr = std::shared_ptr<write_job>;

/// Rows that were inserted by a committed transaction, in commit order, without metadata
/// (the aggregates do not use it). Each message has one receiver, which may move rows out.
using committed_rows = std::shared_ptr<std::vector<core::operation_record>>;

struct writer_config {
  std::string conninfo;
  std::size_t flush_rows = 1000;               ///< Commit as soon as this many rows wait.
  std::chrono::milliseconds flush_interval{0}; ///< 0: commit when the mailbox is drained.
  std::shared_ptr<std::atomic<std::int64_t>> queued_rows;    ///< Lowered as jobs are answered.
  std::chrono::milliseconds db_timeout = default_db_timeout; ///< Bound of one statement.
  std::int64_t applied_seq = 0; ///< Every row committed up to this number is already in sink.
  std::chrono::milliseconds sync_interval{1000};      ///< How often rows of other nodes are read.
  std::chrono::milliseconds snapshot_interval{60000}; ///< How often rollups are persisted.
  bool snapshot_now = false; ///< Ask for a snapshot at the first sync (none is stored yet).
  /// Raised before each message of rows is sent to sink, which lowers it once it has handled
  /// the message: while it is zero, no acknowledged row waits in sink's mailbox. May be null.
  std::shared_ptr<std::atomic<std::int64_t>> rows_in_sink;
};

/// Spawns the storage writer as a detached actor (it blocks in libpq). It gathers write jobs
/// into one INSERT per flush (group commit), sends the rows actually inserted to sink as
/// (apply_atom, committed_rows) and then answers each job.
///
/// Sink sees every committed row exactly once and in commit order, whichever node wrote it:
/// when a commit's number does not follow the last one sent (another node committed between,
/// or a commit's outcome was lost with its connection), the rows in between are read back
/// first; every sync_interval the rows committed by other nodes are read too. Every
/// snapshot_interval it sends (snapshot_atom, applied_seq) to sink, after every row up to that
/// number. On (drain_atom) it commits everything received before and replies applied_seq.
caf::actor spawn_storage_writer(caf::actor_system& system, writer_config config, caf::actor sink);

/// A task run on a reader's connection; conn is null when the database is unreachable.
struct read_job {
  std::function<void(pg_connection* conn)> run;
};

using read_job_ptr = std::shared_ptr<read_job>;

/// Spawns one reader as a detached actor owning one connection; it runs (read_atom,
/// read_job_ptr) messages in order, reconnecting with backoff when the connection is lost.
caf::actor spawn_storage_reader(
    caf::actor_system& system,
    std::string conninfo,
    std::chrono::milliseconds db_timeout = default_db_timeout);

} // namespace llmops::storage
