#include "storage/storage_writer.hpp"

#include "core/log.hpp"
#include "storage/messages.hpp"
#include "storage/operation_store.hpp"

#include <algorithm>
#include <caf/actor_system.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/send.hpp>
#include <caf/stateful_actor.hpp>
#include <random>

namespace llmops::storage {

namespace {

const core::logger log{"storage"};

constexpr std::chrono::milliseconds min_backoff{100};
constexpr std::chrono::milliseconds max_backoff{5000};

// Transient failures (serialization, deadlock) are retried this often before giving up.
constexpr int transient_retries = 3;

// Rows whose commit outcome was lost with a connection, kept until a reconnect tells whether
// they were stored. Bounded so that a long outage cannot grow memory: past this, the oldest
// are dropped with an error, and only a restart (which rebuilds from the table) mends metrics.
constexpr std::size_t max_in_doubt_rows = 200'000;

struct in_doubt_batch {
  std::int64_t write_batch;
  std::vector<core::operation_record> rows;
  int backend_pid;          ///< The server process that ran the lost insert.
  core::micros given_up_at; ///< When the connection was given up.
};

// Reconnection with exponential backoff, shared by the writer and the readers.
struct connection_keeper {
  std::string conninfo;
  std::unique_ptr<pg_connection> conn;
  std::chrono::steady_clock::time_point next_attempt{};
  std::chrono::milliseconds backoff{0};
  std::chrono::milliseconds timeout = default_db_timeout;
  std::string role;

  // Returns a healthy connection, connecting if the backoff allows (or force is set).
  pg_connection* get(bool force = false) {
    if (conn && conn->healthy())
      return conn.get();
    conn.reset();
    auto now = std::chrono::steady_clock::now();
    if (!force && now < next_attempt)
      return nullptr;

    std::string error;
    conn = pg_connection::open(conninfo, error, timeout);
    if (!conn) {
      if (backoff.count() == 0)
        log.warning("database unreachable role=" + role + " error=\"" + error + "\"");
      backoff = std::clamp(backoff * 2, min_backoff, max_backoff);
      next_attempt = now + backoff;
      return nullptr;
    }
    if (backoff.count() != 0)
      log.info("database reconnected role=" + role);
    backoff = std::chrono::milliseconds{0};
    return conn.get();
  }
};

std::int64_t make_write_batch_id() {
  thread_local std::mt19937_64 generator{std::random_device{}()};
  return static_cast<std::int64_t>(generator() >> 1) + 1;
}

struct writer_state {
  writer_config config;
  caf::actor sink;
  connection_keeper db;
  std::vector<write_job_ptr> pending;
  std::size_t pending_rows = 0;
  bool flush_scheduled = false;
  std::vector<in_doubt_batch> in_doubt;
  std::size_t in_doubt_rows = 0;
  std::int64_t applied_seq = 0;
  std::int64_t snapshot_seq = -1; ///< applied_seq at the last snapshot sent.
  std::chrono::steady_clock::time_point next_snapshot{};

  static inline const char* name = "storage_writer";
};

using writer_actor = caf::stateful_actor<writer_state>*;

std::vector<const core::operation_record*>
pointers_to(const std::vector<core::operation_record>& rows) {
  std::vector<const core::operation_record*> pointers;
  pointers.reserve(rows.size());
  for (const auto& row : rows)
    pointers.push_back(&row);
  return pointers;
}

void publish(writer_actor self, std::vector<core::operation_record>&& rows) {
  if (rows.empty())
    return;
  for (auto& row : rows)
    row.metadata_json = std::string();
  if (self->state.config.rows_in_sink)
    self->state.config.rows_in_sink->fetch_add(1);
  self->send(
      self->state.sink, apply_atom::value,
      std::make_shared<std::vector<core::operation_record>>(std::move(rows)));
}

void remember_in_doubt(writer_state& st, in_doubt_batch batch) {
  st.in_doubt_rows += batch.rows.size();
  st.in_doubt.push_back(std::move(batch));
  while (st.in_doubt_rows > max_in_doubt_rows) {
    log.error(
        "dropping rows of unknown outcome rows=" + std::to_string(st.in_doubt.front().rows.size()) +
        " hint=\"restart the service to rebuild metrics from the table\"");
    st.in_doubt_rows -= st.in_doubt.front().rows.size();
    st.in_doubt.erase(st.in_doubt.begin());
  }
}

// Which rows of a lost insert committed. The server process that ran it may still be alive
// (a hung or cut-off connection, not a crash) and commit later, so it is ended first and the
// rows are looked up only once it is gone.
db_status settle(pg_connection& conn, const in_doubt_batch& batch, std::vector<bool>& inserted) {
  if (auto status = end_backend(conn, batch.backend_pid, batch.given_up_at); !status.ok())
    return status;
  return find_inserted(conn, pointers_to(batch.rows), batch.write_batch, inserted);
}

// After a reconnect: settles the rows of lost commits. Returns false if that could not be done
// yet.
bool resolve_in_doubt(writer_actor self, pg_connection& conn) {
  auto& st = self->state;
  while (!st.in_doubt.empty()) {
    in_doubt_batch& batch = st.in_doubt.front();
    std::vector<bool> inserted;
    if (!settle(conn, batch, inserted).ok())
      return false;

    // What committed reaches the aggregates by catch_up, in commit order.
    log.info(
        "resolved rows of unknown outcome rows=" + std::to_string(batch.rows.size()) +
        " committed=" + std::to_string(std::count(inserted.begin(), inserted.end(), true)));
    st.in_doubt_rows -= batch.rows.size();
    st.in_doubt.erase(st.in_doubt.begin());
  }
  return true;
}

pg_connection* connection(writer_actor self, bool force) {
  auto& st = self->state;
  const bool was_connected = st.db.conn != nullptr;
  pg_connection* conn = st.db.get(force);
  if (conn != nullptr && !was_connected && !resolve_in_doubt(self, *conn)) {
    st.db.conn.reset();
    return nullptr;
  }
  return conn;
}

// Sends every row committed after applied_seq to the sink, in commit order. Returns false when
// the database could not be read; the rows are then sent by a later call.
bool catch_up(writer_actor self) {
  constexpr std::int64_t page_rows = 10'000;
  auto& st = self->state;
  pg_connection* conn = st.db.conn.get();
  if (conn == nullptr || !conn->healthy())
    return false;
  for (;;) {
    std::vector<core::operation_record> rows;
    if (auto status = operations_after(*conn, st.applied_seq, page_rows, rows); !status.ok()) {
      log.warning("cannot read committed rows error=\"" + status.message() + "\"");
      return false;
    }
    if (rows.empty())
      return true;
    st.applied_seq = rows.back().commit_seq;
    const bool more = static_cast<std::int64_t>(rows.size()) == page_rows;
    publish(self, std::move(rows));
    if (!more)
      return true;
  }
}

// Inserts the rows of jobs in one transaction. On success, created holds a flag per row and
// commit_seq the commit's number (0 when the commit was found after its connection was lost).
db_status commit(
    writer_actor self,
    std::vector<core::operation_record>& rows,
    std::vector<bool>& created,
    std::int64_t& commit_seq) {
  auto& st = self->state;
  pg_connection* conn = connection(self, false);
  if (conn == nullptr)
    return {failure_kind::connection, "database unavailable"};

  const auto pointers = pointers_to(rows);
  for (int attempt = 0;; ++attempt) {
    const std::int64_t write_batch = make_write_batch_id();
    commit_seq = 0;
    db_status status = insert_operations(*conn, pointers, write_batch, created, commit_seq);
    if (status.ok())
      return status;
    if (status.kind() == failure_kind::transient && attempt < transient_retries)
      continue;
    if (status.kind() != failure_kind::connection)
      return status;

    // The connection broke: the commit may or may not have happened. Reconnect at once and
    // look; if that fails too, keep the rows until a later reconnect can tell.
    log.warning(
        "database connection lost during commit rows=" + std::to_string(rows.size()) + " error=\"" +
        status.message() + "\"");
    in_doubt_batch lost{write_batch, {}, PQbackendPID(conn->native()), core::now_micros()};
    st.db.conn.reset();
    conn = connection(self, true);
    std::vector<bool> committed;
    if (conn == nullptr || !settle(*conn, lost, committed).ok()) {
      st.db.conn.reset();
      lost.rows = rows;
      remember_in_doubt(st, std::move(lost));
      return status;
    }
    if (std::find(committed.begin(), committed.end(), true) != committed.end()) {
      created = std::move(committed);
      return {};
    }
    if (attempt >= transient_retries)
      return status;
  }
}

// Tells retries from conflicting reuses of an id among the rows that were not inserted.
std::vector<row_outcome> classify(
    writer_state& st,
    const std::vector<core::operation_record>& rows,
    const std::vector<bool>& created) {
  std::vector<row_outcome> outcomes(rows.size(), row_outcome::created);
  std::vector<const core::operation_record*> existing;
  std::vector<std::size_t> positions;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    if (!created[i]) {
      existing.push_back(&rows[i]);
      positions.push_back(i);
    }
  }
  if (existing.empty())
    return outcomes;

  std::vector<std::optional<std::int64_t>> hashes;
  pg_connection* conn = st.db.conn.get();
  if (conn == nullptr || !find_payload_hashes(*conn, existing, hashes).ok()) {
    // The rows are safely not stored twice; only the kind of refusal is unknown.
    log.warning("cannot compare payloads of repeated ids rows=" + std::to_string(existing.size()));
    hashes.assign(existing.size(), std::nullopt);
  }
  for (std::size_t j = 0; j < existing.size(); ++j) {
    const bool same = !hashes[j] || *hashes[j] == existing[j]->payload_hash;
    outcomes[positions[j]] = same ? row_outcome::duplicate : row_outcome::conflict;
  }
  return outcomes;
}

// Commits everything pending and answers every job.
void flush(writer_actor self) {
  auto& st = self->state;
  if (st.pending.empty())
    return;
  std::vector<write_job_ptr> jobs;
  jobs.swap(st.pending);
  const auto rows_total = static_cast<std::int64_t>(std::exchange(st.pending_rows, 0));

  // One batch of all rows, in arrival order.
  std::vector<core::operation_record> rows;
  rows.reserve(static_cast<std::size_t>(rows_total));
  for (const auto& job : jobs)
    for (auto& op : job->operations)
      rows.push_back(std::move(op));

  std::vector<bool> created;
  std::int64_t commit_seq = 0;
  const auto started = std::chrono::steady_clock::now();
  db_status status = commit(self, rows, created, commit_seq);
  std::vector<row_outcome> outcomes;
  if (status.ok())
    outcomes = classify(st, rows, created);

  // Publish the inserted rows before answering: a client that reads after its 201 must find
  // its operation in the metrics. When other commits came between (another node's, or a lost
  // one of ours), every row after the last one published is read back in commit order.
  if (status.ok() && commit_seq == st.applied_seq + 1) {
    std::vector<core::operation_record> inserted;
    for (std::size_t i = 0; i < rows.size(); ++i) {
      if (created[i]) {
        rows[i].commit_seq = commit_seq;
        inserted.push_back(std::move(rows[i]));
      }
    }
    publish(self, std::move(inserted));
    st.applied_seq = commit_seq;
  } else if (status.ok() && !catch_up(self)) {
    // Answered 201 but not yet in the metrics: the next catch_up sends them.
    log.warning("committed rows wait for the metrics rows=" + std::to_string(rows_total));
  }

  // The rows leave the queue before their answers go out: a client that writes again right
  // after its answer must find the room it freed.
  st.config.queued_rows->fetch_sub(rows_total);
  std::size_t offset = 0;
  for (const auto& job : jobs) {
    const std::size_t count = job->operations.size();
    write_result result;
    if (status.ok()) {
      result.rows.assign(outcomes.begin() + offset, outcomes.begin() + offset + count);
    } else {
      result.state = status.kind() == failure_kind::rejected ? write_result::outcome::failed
                                                             : write_result::outcome::unavailable;
      result.message = status.message();
    }
    offset += count;
    job->done(std::move(result));
  }

  if (log.enabled(core::log_level::debug)) {
    auto elapsed = std::chrono::duration_cast<std::chrono::microseconds>(
        std::chrono::steady_clock::now() - started);
    log.debug(
        "batch committed rows=" + std::to_string(rows_total) +
        " ok=" + (status.ok() ? "true" : "false") +
        " duration_ms=" + std::to_string(static_cast<double>(elapsed.count()) / 1000.0));
  }
  if (!status.ok() && status.kind() == failure_kind::rejected)
    log.error(
        "batch refused by the database rows=" + std::to_string(rows_total) + " error=\"" +
        status.message() + "\"");
}

// The periodic work: rows of other nodes, then a snapshot marker when one is due.
void sync(writer_actor self) {
  auto& st = self->state;
  if (connection(self, false) == nullptr || !catch_up(self))
    return;
  const auto now = std::chrono::steady_clock::now();
  if (now >= st.next_snapshot && st.applied_seq != st.snapshot_seq) {
    caf::anon_send(st.sink, snapshot_atom::value, st.applied_seq);
    st.snapshot_seq = st.applied_seq;
    st.next_snapshot = now + st.config.snapshot_interval;
  }
}

void schedule_flush(writer_actor self) {
  auto& st = self->state;
  if (st.flush_scheduled)
    return;
  st.flush_scheduled = true;
  // With no interval the flush message queues behind everything already in the mailbox, so
  // the batch holds whatever arrived while the previous commit ran.
  if (st.config.flush_interval.count() == 0)
    self->send(self, flush_atom::value);
  else
    self->delayed_send(self, st.config.flush_interval, flush_atom::value);
}

caf::behavior writer(writer_actor self, writer_config config, caf::actor sink) {
  self->state.config = std::move(config);
  self->state.sink = std::move(sink);
  self->state.db.conninfo = self->state.config.conninfo;
  self->state.db.timeout = self->state.config.db_timeout;
  self->state.db.role = "writer";
  self->state.applied_seq = self->state.config.applied_seq;
  self->state.snapshot_seq = self->state.config.snapshot_now ? -1 : self->state.config.applied_seq;
  self->state.next_snapshot =
      std::chrono::steady_clock::now() + (self->state.config.snapshot_now
                                              ? std::chrono::milliseconds(0)
                                              : self->state.config.snapshot_interval);
  self->delayed_send(self, self->state.config.sync_interval, sync_atom::value);
  return {
      [=](write_atom, write_job_ptr& job) {
        auto& st = self->state;
        st.pending_rows += job->operations.size();
        st.pending.push_back(std::move(job));
        if (st.pending_rows >= st.config.flush_rows)
          flush(self);
        else
          schedule_flush(self);
      },
      [=](flush_atom) {
        self->state.flush_scheduled = false;
        flush(self);
      },
      [=](sync_atom) {
        sync(self);
        self->delayed_send(self, self->state.config.sync_interval, sync_atom::value);
      },
      [=](drain_atom) {
        flush(self);
        if (self->state.db.conn)
          catch_up(self);
        return self->state.applied_seq;
      },
  };
}

struct reader_state {
  connection_keeper db;

  static inline const char* name = "storage_reader";
};

caf::behavior reader(
    caf::stateful_actor<reader_state>* self,
    std::string conninfo,
    std::chrono::milliseconds db_timeout) {
  self->state.db.conninfo = std::move(conninfo);
  self->state.db.timeout = db_timeout;
  self->state.db.role = "reader";
  return {
      [=](read_atom, read_job_ptr& job) {
        auto& db = self->state.db;
        job->run(db.get());
        if (db.conn && !db.conn->healthy())
          db.conn.reset();
      },
  };
}

} // namespace

caf::actor spawn_storage_writer(caf::actor_system& system, writer_config config, caf::actor sink) {
  return system.spawn<caf::detached>(writer, std::move(config), std::move(sink));
}

caf::actor spawn_storage_reader(
    caf::actor_system& system, std::string conninfo, std::chrono::milliseconds db_timeout) {
  return system.spawn<caf::detached>(reader, std::move(conninfo), db_timeout);
}

} // namespace llmops::storage
