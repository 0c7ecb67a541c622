#pragma once

#include "actors/metrics_job.hpp"
#include "storage/operation_store.hpp"
#include "storage/storage_writer.hpp"

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace llmops::actors {

struct runtime_config {
  std::string conninfo;
  std::size_t actor_threads = 2;
  std::size_t flush_rows = 1000;
  std::chrono::milliseconds flush_interval{0};
  std::int64_t write_queue_rows = 20000; ///< Rows accepted but not yet committed, at most.
  std::size_t reader_connections = 4;
  std::int64_t read_queue_jobs = 256; ///< Reads waiting for a connection, at most.
  std::chrono::milliseconds query_timeout{5000};
  std::chrono::milliseconds db_timeout = storage::default_db_timeout; ///< One statement, at most.
  std::int64_t metrics_recent_days = 2;        ///< Days before today kept at finer widths.
  std::int64_t metrics_older_rows = 1'000'000; ///< Rows of older history one question may read.
  std::chrono::milliseconds snapshot_interval{60'000}; ///< How often rollups are persisted.
  std::chrono::milliseconds sync_interval{1000};       ///< How often other nodes' rows are read.
};

/// The actor side of the service, behind a CAF-free interface for the HTTP layer: the actor
/// system, the storage writer, the readers and the tenant aggregators. Every method may be
/// called from any thread; every callback runs on an actor thread and must not block.
/// The request-facing methods are virtual so that the fuzzing harness can drive the HTTP layer
/// without a database.
class runtime {
public:
  explicit runtime(runtime_config config);
  virtual ~runtime();

  /// Connects, migrates the schema, loads the stored rollups and the rows committed since (or
  /// every row, when none are stored) and starts the actors. Blocks the calling thread. Returns
  /// false with error set on failure.
  bool start(std::string& error);

  /// Queues operations for the next group commit; done runs once after it ended. Returns false,
  /// without calling done, when the write queue is full.
  virtual bool submit(
      std::vector<core::operation_record> operations,
      std::function<void(storage::write_result&&)> done);

  /// Runs task on a reader connection (null when the database is unreachable). Returns false,
  /// without running it, when the read queue is full.
  virtual bool read(std::function<void(storage::pg_connection*)> task);

  /// Answers a metrics question from the aggregates.
  virtual void query_metrics(metrics_job_ptr job);

  /// Rows accepted but not yet answered, and the most there may be.
  virtual std::int64_t queued_rows() const;
  virtual std::int64_t write_queue_capacity() const;

  /// Commits everything accepted so far, answers every waiting write and stores the rollups.
  /// Blocks.
  void drain();

  /// Stops the actors. Blocks until they are gone.
  void stop();

private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

} // namespace llmops::actors
