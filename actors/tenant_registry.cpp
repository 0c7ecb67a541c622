#include "actors/tenant_registry.hpp"

#include "actors/messages.hpp"
#include "actors/tenant_aggregator.hpp"
#include "core/log.hpp"

#include <caf/actor_system.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/stateful_actor.hpp>
#include <unordered_map>

namespace llmops::actors {

namespace {

const core::logger log{"actors"};

struct registry_state {
  std::unordered_map<std::string, caf::actor> aggregators;
  time_span span; ///< Over every tenant.
  std::chrono::milliseconds query_timeout{0};

  static inline const char* name = "tenant_registry";
};

using registry_actor = caf::stateful_actor<registry_state>*;

// Merges the answers of all aggregators to one operator question.
struct fan_in {
  metrics_job_ptr job;
  metrics_result result;
  std::size_t remaining = 0;

  void finish() { job->done(std::move(result)); }
};

caf::actor& aggregator_of(registry_actor self, const std::string& tenant_id) {
  auto [it, added] = self->state.aggregators.try_emplace(tenant_id);
  if (added) {
    it->second = spawn_tenant_aggregator(self->system(), tenant_id);
    self->link_to(it->second);
  }
  return it->second;
}

void apply(registry_actor self, const storage::committed_rows& rows) {
  auto& st = self->state;
  bool one_tenant = true;
  for (const auto& op : *rows) {
    one_tenant = one_tenant && op.tenant_id == rows->front().tenant_id;
    const std::int64_t second = core::floor_div(op.timestamp_us, core::micros_per_second);
    st.span =
        st.span
            ? std::make_pair(std::min(st.span->first, second), std::max(st.span->second, second))
            : std::make_pair(second, second);
  }
  if (one_tenant) {
    self->send(aggregator_of(self, rows->front().tenant_id), apply_atom::value, rows);
    return;
  }

  // Split by tenant, moving the rows: this message has no other reader.
  std::unordered_map<std::string, std::vector<core::operation_record>> by_tenant;
  for (auto& op : *rows)
    by_tenant[op.tenant_id].push_back(std::move(op));
  for (auto& [tenant_id, tenant_rows] : by_tenant)
    self->send(
        aggregator_of(self, tenant_id), apply_atom::value,
        std::make_shared<std::vector<core::operation_record>>(std::move(tenant_rows)));
}

void answer_operator(registry_actor self, const metrics_job_ptr& job) {
  auto& st = self->state;
  auto merged = std::make_shared<fan_in>();
  merged->job = job;
  const std::int64_t now_s = core::floor_div(core::now_micros(), core::micros_per_second);
  auto range = resolve_range(job->range, st.span, now_s, merged->result.error);
  if (!range) {
    merged->result.ok = false;
    merged->finish();
    return;
  }

  // Start from an empty summary so that the trend lists every bucket even with no tenants.
  merged->result.range = *range;
  merged->result.summary = tenant_aggregate{}.summarize(*range);
  merged->remaining = st.aggregators.size();
  if (merged->remaining == 0) {
    merged->finish();
    return;
  }
  for (const auto& [tenant_id, aggregator] : st.aggregators) {
    self->request(aggregator, st.query_timeout, summarize_atom::value, *range)
        .then(
            [merged](const metrics_summary& part) {
              merged->result.summary.merge(part);
              if (--merged->remaining == 0)
                merged->finish();
            },
            [merged](const caf::error& error) {
              log.warning("aggregator did not answer error=\"" + caf::to_string(error) + "\"");
              merged->result.ok = false;
              merged->result.unavailable = true;
              merged->result.error = "metrics are temporarily unavailable";
              if (--merged->remaining == 0)
                merged->finish();
            });
  }
}

caf::behavior registry(registry_actor self, std::chrono::milliseconds query_timeout) {
  self->state.query_timeout = query_timeout;
  return {
      [=](apply_atom, const storage::committed_rows& rows) { apply(self, rows); },
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
        const std::int64_t now_s = core::floor_div(core::now_micros(), core::micros_per_second);
        if (auto range = resolve_range(job->range, std::nullopt, now_s, result.error)) {
          result.range = *range;
          result.summary = tenant_aggregate{}.summarize(*range);
        } else {
          result.ok = false;
        }
        job->done(std::move(result));
      },
  };
}

} // namespace

caf::actor
spawn_tenant_registry(caf::actor_system& system, std::chrono::milliseconds query_timeout) {
  return system.spawn(registry, query_timeout);
}

} // namespace llmops::actors
