#include "actors/tenant_aggregator.hpp"

#include "actors/messages.hpp"

#include <caf/actor_system.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/stateful_actor.hpp>

namespace llmops::actors {

namespace {

struct aggregator_state {
  std::string tenant_id;
  tenant_aggregate data;

  static inline const char* name = "tenant_aggregator";
};

metrics_summary summarize(const aggregator_state& st, const resolved_range& range) {
  metrics_summary summary = st.data.summarize(range);
  if (summary.all.operations > 0)
    summary.by_tenant.emplace(st.tenant_id, summary.all);
  return summary;
}

caf::behavior aggregator(caf::stateful_actor<aggregator_state>* self, std::string tenant_id) {
  self->state.tenant_id = std::move(tenant_id);
  return {
      [=](apply_atom, const storage::committed_rows& rows) {
        for (const auto& op : *rows)
          self->state.data.apply(op);
      },
      [=](query_atom, const metrics_job_ptr& job) {
        metrics_result result;
        auto range = resolve_range(
            job->range, self->state.data.span(),
            core::floor_div(core::now_micros(), core::micros_per_second), result.error);
        if (range) {
          result.range = *range;
          result.summary = summarize(self->state, *range);
        } else {
          result.ok = false;
        }
        job->done(std::move(result));
      },
      [=](summarize_atom, const resolved_range& range) { return summarize(self->state, range); },
  };
}

} // namespace

caf::actor spawn_tenant_aggregator(caf::actor_system& system, std::string tenant_id) {
  return system.spawn(aggregator, std::move(tenant_id));
}

} // namespace llmops::actors
