#include "actors/tenant_aggregator.hpp"

#include "actors/messages.hpp"
#include "actors/rollups.hpp"
#include "core/log.hpp"

#include <caf/actor_system.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/send.hpp>
#include <caf/stateful_actor.hpp>

namespace llmops::actors {

namespace {

const core::logger log{"actors"};

struct aggregator_state {
  std::string tenant_id;
  metrics_settings_ptr settings;
  tenant_aggregate data;

  static inline const char* name = "tenant_aggregator";
};

using aggregator_actor = caf::stateful_actor<aggregator_state>*;

std::int64_t now_seconds() {
  return core::floor_div(core::now_micros(), core::micros_per_second);
}

metrics_summary summarize(
    const aggregator_state& st,
    const resolved_range& range,
    std::int64_t fine_start_s,
    const tenant_aggregate* older) {
  metrics_summary summary = st.data.summarize(range, fine_start_s, older);
  if (summary.all.operations > 0)
    summary.by_tenant.emplace(st.tenant_id, summary.all);
  return summary;
}

void answer(aggregator_actor self, const metrics_job_ptr& job) {
  auto& st = self->state;
  caf::actor me = caf::actor_cast<caf::actor>(self);
  answer_metrics(
      st.data, *st.settings, st.tenant_id, job,
      [&st](const resolved_range& range, std::int64_t fine_start_s, const tenant_aggregate* older) {
        return summarize(st, range, fine_start_s, older);
      },
      [me](
          const metrics_job_ptr& job, const resolved_range& range, std::int64_t fine_start_s,
          older_history older) {
        caf::anon_send(me, older_atom::value, job, range, fine_start_s, std::move(older));
      });
}

caf::behavior
aggregator(aggregator_actor self, std::string tenant_id, metrics_settings_ptr settings) {
  self->state.tenant_id = std::move(tenant_id);
  self->state.settings = std::move(settings);
  self->state.data =
      tenant_aggregate(kept_fine_start(now_seconds(), self->state.settings->recent_days));
  return {
      [=](apply_atom, const storage::committed_rows& rows) {
        auto& st = self->state;
        st.data.prune(kept_fine_start(now_seconds(), st.settings->recent_days));
        for (const auto& op : *rows)
          st.data.apply(op);
      },
      [=](refine_atom, const storage::committed_rows& rows) {
        for (const auto& op : *rows)
          self->state.data.apply(op, false);
      },
      [=](load_atom, const rollup_pieces& pieces) {
        load_pieces(self->state.data, *pieces, self->state.tenant_id);
      },
      [=](query_atom, const metrics_job_ptr& job) { answer(self, job); },
      [=](older_atom, const metrics_job_ptr& job, const resolved_range& range,
          std::int64_t fine_start_s, const older_history& older) {
        metrics_result result;
        result.range = range;
        result.summary = summarize(self->state, range, fine_start_s, older.get());
        job->done(std::move(result));
      },
      [=](snapshot_atom, bool everything) {
        return take_pieces(self->state.data, everything, self->state.tenant_id);
      },
      [=](stats_atom) {
        aggregate_stats stats;
        const auto& data = self->state.data;
        stats.tenants = 1;
        stats.operations = data.operations();
        const auto counts = data.bucket_counts();
        for (std::size_t i = 0; i < counts.size(); ++i)
          stats.buckets[i] = static_cast<std::int64_t>(counts[i]);
        return stats;
      },
  };
}

} // namespace

caf::actor spawn_tenant_aggregator(
    caf::actor_system& system, std::string tenant_id, metrics_settings_ptr settings) {
  return system.spawn(aggregator, std::move(tenant_id), std::move(settings));
}

} // namespace llmops::actors
