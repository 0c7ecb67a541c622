#include "actors/rollups.hpp"

#include "core/log.hpp"

namespace llmops::actors {

namespace {

const core::logger log{"actors"};

} // namespace

std::shared_ptr<storage::rollup_set>
take_pieces(tenant_aggregate& data, bool everything, const std::string& tenant_id) {
  auto pieces = std::make_shared<storage::rollup_set>();
  for (auto& [day, figures] : data.take_changed_days(everything))
    pieces->days.push_back({tenant_id, day, std::move(figures)});
  for (auto& [minute, figures] : data.take_changed_minutes(everything))
    pieces->minutes.push_back({tenant_id, minute, std::move(figures)});
  return pieces;
}

void load_pieces(
    tenant_aggregate& data, const storage::rollup_set& pieces, const std::string& tenant_id) {
  auto unreadable = [&](const char* kind, std::int64_t key) {
    log.error(
        "stored rollup unreadable tenant=" + (tenant_id.empty() ? "(all)" : tenant_id) + " " +
        kind + "=" + std::to_string(key) +
        " hint=\"delete llmops_rollup_watermark and restart to rebuild from the rows\"");
  };
  for (const auto& day : pieces.days)
    if (!data.load_day(day.key, day.figures))
      unreadable("day", day.key);
  for (const auto& minute : pieces.minutes)
    if (!data.load_minute(minute.key, minute.figures))
      unreadable("minute", minute.key);
}

} // namespace llmops::actors
