#include "actors/runtime.hpp"

#include "actors/messages.hpp"
#include "actors/tenant_registry.hpp"
#include "core/log.hpp"
#include "storage/rollup_store.hpp"

#include <atomic>
#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/scoped_actor.hpp>
#include <caf/send.hpp>

namespace llmops::actors {

namespace {

const core::logger log{"actors"};

// Rows per message while rebuilding the aggregates from the table.
constexpr std::size_t rebuild_chunk_rows = 10'000;

// How long a shutdown waits for the writer to commit what it holds.
constexpr std::chrono::seconds drain_timeout{30};

// Sends stored days or minutes to the registry as they are read, a message per run of one
// tenant's, so that decoding them overlaps reading the next ones.
class piece_sender {
public:
  piece_sender(caf::actor registry, bool minutes)
      : registry_(std::move(registry)), minutes_(minutes) {}

  void add(storage::rollup_piece&& piece) {
    if (!run_.empty() && run_.front().tenant_id != piece.tenant_id)
      flush();
    run_.push_back(std::move(piece));
    ++count_;
  }

  void flush() {
    if (run_.empty())
      return;
    auto pieces = std::make_shared<storage::rollup_set>();
    (minutes_ ? pieces->minutes : pieces->days) = std::move(run_);
    run_.clear();
    caf::anon_send(registry_, load_atom::value, std::move(pieces));
  }

  std::int64_t count() const { return count_; }

private:
  caf::actor registry_;
  bool minutes_;
  std::vector<storage::rollup_piece> run_;
  std::int64_t count_ = 0;
};

} // namespace

struct runtime::impl {
  runtime_config config;
  caf::actor_system_config system_config;
  std::unique_ptr<caf::actor_system> system;
  caf::actor registry;
  tenant_directory_ptr directory = std::make_shared<tenant_directory>();
  caf::actor writer;
  std::vector<caf::actor> readers;
  std::shared_ptr<std::atomic<std::int64_t>> queued_rows =
      std::make_shared<std::atomic<std::int64_t>>(0);
  std::atomic<std::int64_t> queued_reads{0};
  std::atomic<std::size_t> next_reader{0};
};

runtime::runtime(runtime_config config) : impl_(std::make_unique<impl>()) {
  impl_->config = std::move(config);
}

runtime::~runtime() {
  stop();
}

bool runtime::start(std::string& error) {
  auto& d = *impl_;

  // The sharing scheduler: on two cores work stealing costs a quarter of the throughput.
  d.system_config.set("scheduler.policy", caf::atom("sharing"));
  d.system_config.set("scheduler.max-threads", d.config.actor_threads);
  d.system = std::make_unique<caf::actor_system>(d.system_config);

  // Schema first; this thread may block, it is not an actor's.
  auto conn = storage::pg_connection::open(d.config.conninfo, error, d.config.db_timeout);
  if (!conn)
    return false;
  if (auto status = storage::migrate(*conn); !status.ok()) {
    error = "schema migration failed: " + status.message();
    return false;
  }

  // The readers first: the aggregates read older history through them.
  for (std::size_t i = 0; i < d.config.reader_connections; ++i)
    d.readers.push_back(
        storage::spawn_storage_reader(*d.system, d.config.conninfo, d.config.db_timeout));
  auto settings = std::make_shared<metrics_settings>();
  settings->query_timeout = d.config.query_timeout;
  settings->recent_days = d.config.metrics_recent_days;
  settings->max_older_rows = d.config.metrics_older_rows;
  settings->read = [this](std::function<void(storage::pg_connection*)> task) {
    return read(std::move(task));
  };

  // Rebuild the aggregates from the durable truth before any new row can arrive: the stored
  // rollups, then the rows committed since (and those of recent days whose finer buckets were
  // not stored).
  const auto started = std::chrono::steady_clock::now();
  std::optional<storage::rollup_mark> mark;
  auto status = storage::load_rollup_watermark(*conn, mark);
  if (!status.ok()) {
    error = "loading rollups failed: " + status.message();
    return false;
  }
  if (mark && mark->fine_start_s)
    settings->rollup_watermark = mark->commit_seq;
  d.registry = spawn_tenant_registry(*d.system, settings, d.directory);
  const std::int64_t now_s = core::floor_div(core::now_micros(), core::micros_per_second);
  const std::int64_t fine_start_s = kept_fine_start(now_s, d.config.metrics_recent_days);
  piece_sender days{d.registry, false};
  piece_sender minutes{d.registry, true};
  if (mark)
    status = storage::load_rollup_days(
        *conn, [&](storage::rollup_piece&& day) { days.add(std::move(day)); });
  days.flush();
  if (status.ok() && mark && mark->fine_start_s)
    status = storage::load_rollup_minutes(*conn, fine_start_s, [&](storage::rollup_piece&& minute) {
      minutes.add(std::move(minute));
    });
  minutes.flush();
  if (!status.ok()) {
    error = "loading rollups failed: " + status.message();
    return false;
  }
  const auto rollups_read = std::chrono::steady_clock::now();

  // Rows after the watermark go to every bucket; those of recent days at or before it only to
  // the finer buckets the rollups lack, from fine_start_s to where their minutes begin.
  std::int64_t applied_seq = mark ? mark->commit_seq : 0;
  auto whole = std::make_shared<std::vector<core::operation_record>>();
  auto finer = std::make_shared<std::vector<core::operation_record>>();
  std::size_t rows = 0;
  auto send_chunk = [&](auto atom, storage::committed_rows& chunk) {
    if (chunk->empty())
      return;
    rows += chunk->size();
    d.directory->rows_sent();
    caf::anon_send(d.registry, atom, std::move(chunk));
    chunk = std::make_shared<std::vector<core::operation_record>>();
  };
  auto sink = [&](core::operation_record&& op) {
    const bool committed_after = !mark || op.commit_seq > mark->commit_seq;
    auto& chunk = committed_after ? whole : finer;
    applied_seq = std::max(applied_seq, op.commit_seq);
    chunk->push_back(std::move(op));
    if (chunk->size() >= rebuild_chunk_rows) {
      if (chunk == whole)
        send_chunk(apply_atom::value, whole);
      else
        send_chunk(refine_atom::value, finer);
    }
  };
  if (!mark) {
    status = storage::scan_operations(*conn, sink);
  } else {
    const auto& minutes_start_s = mark->fine_start_s;
    if (!minutes_start_s || fine_start_s < *minutes_start_s)
      status = storage::scan_stamped_between(
          *conn, fine_start_s, minutes_start_s, [&](core::operation_record&& op) {
            if (op.commit_seq <= mark->commit_seq)
              sink(std::move(op));
          });
    if (status.ok())
      status = storage::scan_committed_after(*conn, mark->commit_seq, sink);
  }
  if (!status.ok()) {
    error = "rebuilding metrics failed: " + status.message();
    return false;
  }
  send_chunk(apply_atom::value, whole);
  send_chunk(refine_atom::value, finer);
  const auto rows_read = std::chrono::steady_clock::now();

  // Wait until every aggregator holds its share, and tell what they hold.
  caf::scoped_actor self{*d.system};
  self->request(d.registry, std::chrono::minutes(10), stats_atom::value)
      .receive(
          [&](const aggregate_stats& stats) {
            using std::chrono::duration_cast;
            using std::chrono::milliseconds;
            const auto elapsed =
                duration_cast<milliseconds>(std::chrono::steady_clock::now() - started);
            log.info(
                "metrics loaded rollup_days=" + std::to_string(days.count()) +
                " rollup_minutes=" + std::to_string(minutes.count()) +
                " rows=" + std::to_string(rows) + " tenants=" + std::to_string(stats.tenants) +
                " operations=" + std::to_string(stats.operations) +
                " buckets_second=" + std::to_string(stats.buckets[0]) +
                " buckets_minute=" + std::to_string(stats.buckets[1]) +
                " buckets_hour=" + std::to_string(stats.buckets[2]) +
                " buckets_day=" + std::to_string(stats.buckets[3]) + " rollups_read_ms=" +
                std::to_string(duration_cast<milliseconds>(rollups_read - started).count()) +
                " rows_read_ms=" +
                std::to_string(duration_cast<milliseconds>(rows_read - started).count()) +
                " duration_ms=" + std::to_string(elapsed.count()));
          },
          [&](const caf::error& failure) {
            log.warning("aggregators did not report error=\"" + caf::to_string(failure) + "\"");
          });

  // The writer and the readers.
  storage::writer_config writer_config;
  writer_config.conninfo = d.config.conninfo;
  writer_config.flush_rows = d.config.flush_rows;
  writer_config.flush_interval = d.config.flush_interval;
  writer_config.queued_rows = d.queued_rows;
  writer_config.db_timeout = d.config.db_timeout;
  writer_config.applied_seq = applied_seq;
  writer_config.sync_interval = d.config.sync_interval;
  writer_config.snapshot_interval = d.config.snapshot_interval;
  writer_config.snapshot_now = !settings->rollup_watermark;
  writer_config.rows_in_sink = d.directory->unforwarded();
  d.writer = storage::spawn_storage_writer(*d.system, writer_config, d.registry);
  return true;
}

bool runtime::submit(
    std::vector<core::operation_record> operations,
    std::function<void(storage::write_result&&)> done) {
  auto& d = *impl_;
  const auto count = static_cast<std::int64_t>(operations.size());
  if (d.queued_rows->fetch_add(count) + count > d.config.write_queue_rows) {
    d.queued_rows->fetch_sub(count);
    return false;
  }
  auto job = std::make_shared<storage::write_job>();
  job->operations = std::move(operations);
  job->done = std::move(done);
  caf::anon_send(d.writer, storage::write_atom::value, std::move(job));
  return true;
}

bool runtime::read(std::function<void(storage::pg_connection*)> task) {
  auto& d = *impl_;
  if (d.queued_reads.fetch_add(1) + 1 > d.config.read_queue_jobs) {
    d.queued_reads.fetch_sub(1);
    return false;
  }
  auto job = std::make_shared<storage::read_job>();
  job->run = [&d, task = std::move(task)](storage::pg_connection* conn) {
    d.queued_reads.fetch_sub(1);
    task(conn);
  };
  const std::size_t index = d.next_reader.fetch_add(1) % d.readers.size();
  caf::anon_send(d.readers[index], storage::read_atom::value, std::move(job));
  return true;
}

void runtime::query_metrics(metrics_job_ptr job) {
  // A tenant's question goes straight to its aggregator when the directory allows: one hop
  // between threads fewer.
  if (job->tenant_id)
    if (caf::actor aggregator = impl_->directory->direct_route(*job->tenant_id)) {
      caf::anon_send(aggregator, query_atom::value, std::move(job));
      return;
    }
  caf::anon_send(impl_->registry, query_atom::value, std::move(job));
}

std::int64_t runtime::queued_rows() const {
  return impl_->queued_rows->load();
}

std::int64_t runtime::write_queue_capacity() const {
  return impl_->config.write_queue_rows;
}

void runtime::drain() {
  auto& d = *impl_;
  if (!d.system || !d.writer)
    return;
  caf::scoped_actor self{*d.system};
  std::optional<std::int64_t> applied_seq;
  self->request(d.writer, drain_timeout, storage::drain_atom::value)
      .receive(
          [&](std::int64_t seq) { applied_seq = seq; },
          [](const caf::error& error) {
            log.error("writer did not drain error=\"" + caf::to_string(error) + "\"");
          });
  if (!applied_seq)
    return;

  // Persist the rollups, so that the next start reads few rows.
  self->request(d.registry, drain_timeout, snapshot_atom::value, *applied_seq)
      .receive(
          [](bool stored) {
            if (!stored)
              log.warning("rollups not stored at shutdown; the next start reads more rows");
          },
          [](const caf::error& error) {
            log.warning("rollups not stored at shutdown error=\"" + caf::to_string(error) + "\"");
          });
}

void runtime::stop() {
  auto& d = *impl_;
  if (!d.system)
    return;
  for (auto* handle : {&d.writer, &d.registry})
    if (*handle)
      caf::anon_send_exit(*handle, caf::exit_reason::user_shutdown);
  for (auto& reader : d.readers)
    caf::anon_send_exit(reader, caf::exit_reason::user_shutdown);
  d.directory->clear();
  d.system->await_all_actors_done();
  d.writer = nullptr;
  d.registry = nullptr;
  d.readers.clear();
  d.system.reset();
}

} // namespace llmops::actors
