#include "actors/tenant_registry.hpp"

#include "actors/messages.hpp"
#include "actors/rollups.hpp"
#include "actors/tenant_aggregator.hpp"
#include "core/log.hpp"

#include <caf/actor_system.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/send.hpp>
#include <caf/stateful_actor.hpp>
#include <iterator>
#include <type_traits>
#include <unordered_map>

namespace llmops::actors {

namespace {

const core::logger log{"actors"};

// The stored buckets of the aggregate of every tenant go under this key: no tenant id is empty.
const std::string every_tenant_key;

// How long collecting a snapshot from the aggregators may take.
constexpr std::chrono::seconds snapshot_collect_timeout{60};

struct registry_state {
  std::unordered_map<std::string, caf::actor> aggregators;
  tenant_aggregate everyone; ///< Every tenant's rows, kept by tenant: the operator's view.
  metrics_settings_ptr settings;
  tenant_directory_ptr directory;

  // Snapshots: one at a time; an update only on top of the one this node stored last.
  bool snapshot_running = false;
  bool snapshot_everything = true;
  std::optional<std::int64_t> snapshot_stored;
  caf::typed_response_promise<bool> snapshot_promise; ///< Of the snapshot running.

  static inline const char* name = "tenant_registry";
};

using registry_actor = caf::stateful_actor<registry_state>*;

caf::actor& aggregator_of(registry_actor self, const std::string& tenant_id) {
  auto [it, added] = self->state.aggregators.try_emplace(tenant_id);
  if (added) {
    it->second = spawn_tenant_aggregator(self->system(), tenant_id, self->state.settings);
    self->link_to(it->second);
    self->state.directory->add(tenant_id, it->second);
  }
  return it->second;
}

std::int64_t now_seconds() {
  return core::floor_div(core::now_micros(), core::micros_per_second);
}

template <class Atom>
void send_on(registry_actor self, Atom atom, const storage::committed_rows& rows) {
  auto& st = self->state;
  if (rows->empty())
    return;
  constexpr bool whole = std::is_same_v<Atom, apply_atom>;
  if (whole)
    st.everyone.prune(kept_fine_start(now_seconds(), st.settings->recent_days));
  bool one_tenant = true;
  for (const auto& op : *rows) {
    one_tenant = one_tenant && op.tenant_id == rows->front().tenant_id;
    st.everyone.apply(op, whole);
  }
  if (one_tenant) {
    self->send(aggregator_of(self, rows->front().tenant_id), atom, rows);
    return;
  }

  // Split by tenant, moving the rows: this message has no other reader.
  std::unordered_map<std::string, std::vector<core::operation_record>> by_tenant;
  for (auto& op : *rows)
    by_tenant[op.tenant_id].push_back(std::move(op));
  for (auto& [tenant_id, tenant_rows] : by_tenant)
    self->send(
        aggregator_of(self, tenant_id), atom,
        std::make_shared<std::vector<core::operation_record>>(std::move(tenant_rows)));
}

// Sends rows on to their aggregators, then counts their message off: a question may now skip
// the registry and still find them.
template <class Atom>
void forward(registry_actor self, Atom atom, const storage::committed_rows& rows) {
  send_on(self, atom, rows);
  self->state.directory->rows_handed_on();
}

// The operator's question, answered from the aggregate of every tenant.
void answer_operator(registry_actor self, const metrics_job_ptr& job) {
  auto& st = self->state;
  caf::actor me = caf::actor_cast<caf::actor>(self);
  answer_metrics(
      st.everyone, *st.settings, std::nullopt, job,
      [&st](const resolved_range& range, std::int64_t fine_start_s, const tenant_aggregate* older) {
        return st.everyone.summarize(range, fine_start_s, older);
      },
      [me](
          const metrics_job_ptr& job, const resolved_range& range, std::int64_t fine_start_s,
          older_history older) {
        caf::anon_send(me, older_atom::value, job, range, fine_start_s, std::move(older));
      });
}

// Collects the changed buckets of every aggregator, then stores them on a reader connection.
void take_snapshot(registry_actor self, std::int64_t commit_seq) {
  auto& st = self->state;
  st.snapshot_running = true;
  const bool everything = st.snapshot_everything;

  struct collection {
    storage::rollup_set pieces;
    std::size_t remaining = 0;
    bool failed = false;
  };

  // Every aggregate keeps its finer buckets from this midnight on, or from an earlier one.
  storage::rollup_mark mark;
  mark.commit_seq = commit_seq;
  mark.fine_start_s = kept_fine_start(now_seconds(), st.settings->recent_days);

  auto collected = std::make_shared<collection>();
  collected->remaining = st.aggregators.size();
  collected->pieces = std::move(*take_pieces(st.everyone, everything, every_tenant_key));
  caf::actor me = caf::actor_cast<caf::actor>(self);

  auto store = [self, me, collected, mark, everything]() {
    auto& st = self->state;
    if (collected->failed) {
      caf::anon_send(me, stored_atom::value, false, mark.commit_seq);
      return;
    }
    const auto follows = st.snapshot_stored;
    auto task = [me, collected, mark, everything, follows](storage::pg_connection* conn) {
      bool stale = false;
      const auto started = std::chrono::steady_clock::now();
      storage::db_status status =
          conn == nullptr
              ? storage::db_status{storage::failure_kind::connection, "unreachable"}
              : storage::store_rollups(*conn, collected->pieces, mark, everything, follows, stale);
      const bool stored = status.ok() && !stale;
      if (!status.ok())
        log.warning("storing rollups failed error=\"" + status.message() + "\"");
      else if (stored)
        log.info(
            "rollups stored days=" + std::to_string(collected->pieces.days.size()) +
            " minutes=" + std::to_string(collected->pieces.minutes.size()) +
            " commit_seq=" + std::to_string(mark.commit_seq) +
            " everything=" + (everything ? "true" : "false") + " duration_ms=" +
            std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(
                               std::chrono::steady_clock::now() - started)
                               .count()));
      caf::anon_send(me, stored_atom::value, stored, mark.commit_seq);
    };
    if (!st.settings->read(std::move(task)))
      caf::anon_send(me, stored_atom::value, false, mark.commit_seq);
  };
  if (collected->remaining == 0) {
    store();
    return;
  }
  for (const auto& [tenant_id, aggregator] : st.aggregators) {
    self->request(aggregator, snapshot_collect_timeout, snapshot_atom::value, everything)
        .then(
            [collected, store](const rollup_pieces& pieces) {
              auto& into = collected->pieces;
              std::move(pieces->days.begin(), pieces->days.end(), std::back_inserter(into.days));
              std::move(
                  pieces->minutes.begin(), pieces->minutes.end(), std::back_inserter(into.minutes));
              if (--collected->remaining == 0)
                store();
            },
            [collected, store](const caf::error&) {
              collected->failed = true;
              if (--collected->remaining == 0)
                store();
            });
  }
}

// Sums the stats of every aggregator.
void collect_stats(registry_actor self, caf::typed_response_promise<aggregate_stats> promise) {
  auto& st = self->state;
  auto total = std::make_shared<aggregate_stats>();
  auto remaining = std::make_shared<std::size_t>(st.aggregators.size());
  if (*remaining == 0) {
    promise.deliver(*total);
    return;
  }
  for (const auto& [tenant_id, aggregator] : st.aggregators) {
    auto done = [self, total, remaining, promise]() mutable {
      if (--*remaining != 0)
        return;
      const auto counts = self->state.everyone.bucket_counts();
      for (std::size_t i = 0; i < counts.size(); ++i)
        total->buckets[i] += static_cast<std::int64_t>(counts[i]);
      promise.deliver(*total);
    };
    self->request(aggregator, st.settings->query_timeout, stats_atom::value)
        .then(
            [total, done](const aggregate_stats& part) mutable {
              total->add(part);
              done();
            },
            [done](const caf::error&) mutable { done(); });
  }
}

caf::behavior
registry(registry_actor self, metrics_settings_ptr settings, tenant_directory_ptr directory) {
  self->state.settings = std::move(settings);
  self->state.directory = std::move(directory);
  self->state.everyone =
      tenant_aggregate(kept_fine_start(now_seconds(), self->state.settings->recent_days), true);
  self->state.snapshot_stored = self->state.settings->rollup_watermark;
  self->state.snapshot_everything = !self->state.snapshot_stored.has_value();
  return {
      [=](apply_atom atom, const storage::committed_rows& rows) { forward(self, atom, rows); },
      [=](refine_atom atom, const storage::committed_rows& rows) { forward(self, atom, rows); },
      [=](load_atom atom, const rollup_pieces& pieces) {
        const auto& any = pieces->days.empty() ? pieces->minutes : pieces->days;
        if (any.empty())
          return;
        if (any.front().tenant_id != every_tenant_key) {
          self->send(aggregator_of(self, any.front().tenant_id), atom, pieces);
          return;
        }
        load_pieces(self->state.everyone, *pieces, every_tenant_key);
      },
      [=](query_atom, const metrics_job_ptr& job) {
        if (!job->tenant_id) {
          answer_operator(self, job);
          return;
        }
        auto it = self->state.aggregators.find(*job->tenant_id);
        if (it != self->state.aggregators.end()) {
          self->send(it->second, query_atom::value, job);
          return;
        }

        // A tenant never seen: zeros and empty maps over the asked range.
        metrics_result result;
        if (auto range = resolve_range(job->range, std::nullopt, now_seconds(), result.error)) {
          result.range = *range;
          result.summary = tenant_aggregate{}.summarize(*range);
        } else {
          result.ok = false;
        }
        job->done(std::move(result));
      },
      [=](older_atom, const metrics_job_ptr& job, const resolved_range& range,
          std::int64_t fine_start_s, const older_history& older) {
        metrics_result result;
        result.range = range;
        result.summary = self->state.everyone.summarize(range, fine_start_s, older.get());
        job->done(std::move(result));
      },
      [=](snapshot_atom, std::int64_t commit_seq) -> caf::result<bool> {
        if (self->state.snapshot_running)
          return false;
        self->state.snapshot_promise = self->make_response_promise<bool>();
        take_snapshot(self, commit_seq);
        return self->state.snapshot_promise;
      },
      [=](stored_atom, bool stored, std::int64_t commit_seq) {
        auto& st = self->state;
        st.snapshot_running = false;
        if (st.snapshot_promise.pending())
          st.snapshot_promise.deliver(stored);
        if (stored) {
          st.snapshot_stored = commit_seq;
          st.snapshot_everything = false;
        } else {
          st.snapshot_everything = true;
        }
      },
      [=](stats_atom) -> caf::result<aggregate_stats> {
        auto promise = self->make_response_promise<aggregate_stats>();
        collect_stats(self, promise);
        return promise;
      },
  };
}

} // namespace

void aggregate_stats::add(const aggregate_stats& other) {
  tenants += other.tenants;
  operations += other.operations;
  for (std::size_t i = 0; i < buckets.size(); ++i)
    buckets[i] += other.buckets[i];
}

caf::actor spawn_tenant_registry(
    caf::actor_system& system, metrics_settings_ptr settings, tenant_directory_ptr directory) {
  return system.spawn(registry, std::move(settings), std::move(directory));
}

} // namespace llmops::actors
