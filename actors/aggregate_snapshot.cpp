// Encoding of the aggregate's buckets for the rollups stored in PostgreSQL.

#include "actors/aggregate.hpp"
#include "actors/id_keyed.hpp"
#include "core/varint.hpp"

#include <iterator>

namespace llmops::actors {

using id_keyed::position_of;

namespace {

void put_slice(std::string& out, const slice& figures) {
  for (auto value :
       {figures.operations, figures.prompt_tokens, figures.completion_tokens, figures.total_tokens,
        figures.latency_us, figures.failed, figures.cost_nusd})
    core::put_signed(out, value);
}

bool get_slice(std::string_view& in, slice& figures) {
  for (auto* value :
       {&figures.operations, &figures.prompt_tokens, &figures.completion_tokens,
        &figures.total_tokens, &figures.latency_us, &figures.failed, &figures.cost_nusd})
    if (!core::get_signed(in, *value))
      return false;
  return true;
}

} // namespace

void tenant_aggregate::encode(std::string& out, const bucket& b) const {
  core::put_signed(out, b.first_s);
  core::put_signed(out, b.last_s);
  put_slice(out, b.all);
  for (auto count : b.all.by_status)
    core::put_signed(out, count);
  for (auto count : b.all.by_cost_source)
    core::put_signed(out, count);
  core::put_signed(out, b.all.cached_prompt_tokens);
  core::put_signed(out, b.all.reasoning_tokens);
  b.latency.encode(out);
  core::put_varint(out, b.by_model.size());
  for (std::size_t i = 0; i < b.by_model.size(); ++i) {
    core::put_text(out, models_.names[b.by_model[i].first]);
    put_slice(out, b.by_model[i].second);
    b.model_latency.encode(out, b.by_model[i].first);
  }
  for (const auto* keyed : {&b.by_type, &b.by_agent, &b.by_tenant}) {
    const auto& names = keyed == &b.by_type ? types_ : keyed == &b.by_agent ? agents_ : tenants_;
    core::put_varint(out, keyed->size());
    for (const auto& [id, figures] : *keyed) {
      core::put_text(out, names.names[id]);
      put_slice(out, figures);
    }
  }
}

bool tenant_aggregate::decode(std::string_view& in, bucket& b) {
  bool ok =
      core::get_signed(in, b.first_s) && core::get_signed(in, b.last_s) && get_slice(in, b.all);
  for (auto& count : b.all.by_status)
    ok = ok && core::get_signed(in, count);
  for (auto& count : b.all.by_cost_source)
    ok = ok && core::get_signed(in, count);
  ok = ok && core::get_signed(in, b.all.cached_prompt_tokens) &&
       core::get_signed(in, b.all.reasoning_tokens) && b.latency.decode(in);
  std::uint64_t models = 0;
  ok = ok && core::get_varint(in, models) && models <= in.size();
  for (std::uint64_t i = 0; ok && i < models; ++i) {
    std::string name;
    slice figures;
    ok = core::get_text(in, name) && get_slice(in, figures);
    if (!ok)
      break;
    const std::uint32_t id = models_.intern(name);
    const std::size_t before = b.by_model.size();
    b.by_model[position_of(b.by_model, id)].second = figures;
    if (b.by_model.size() == before || !b.model_latency.decode(in, id))
      return false; // The same model twice, or bins unreadable.
  }
  for (auto* keyed : {&b.by_type, &b.by_agent, &b.by_tenant}) {
    auto& names = keyed == &b.by_type ? types_ : keyed == &b.by_agent ? agents_ : tenants_;
    std::uint64_t count = 0;
    ok = ok && core::get_varint(in, count) && count <= in.size();
    for (std::uint64_t i = 0; ok && i < count; ++i) {
      std::string name;
      slice figures;
      ok = core::get_text(in, name) && get_slice(in, figures);
      if (ok)
        (*keyed)[position_of(*keyed, names.intern(name))].second = figures;
    }
  }
  return ok && b.all.operations > 0 && b.first_s <= b.last_s && b.by_tenant.empty() != by_tenant_;
}

std::vector<std::pair<std::int64_t, std::string>>
tenant_aggregate::take_changed_days(bool everything) {
  std::vector<std::int64_t> days;
  if (everything) {
    for (const auto& [day, b] : levels_[day_level])
      days.push_back(day);
  } else {
    days.assign(changed_days_.begin(), changed_days_.end());
    std::sort(days.begin(), days.end());
  }
  changed_days_.clear();

  std::vector<std::pair<std::int64_t, std::string>> encoded;
  for (const std::int64_t day : days) {
    std::string blob;
    encode(blob, levels_[day_level].at(day));
    encoded.emplace_back(day, std::move(blob));
  }
  return encoded;
}

bool tenant_aggregate::load_day(std::int64_t day, std::string_view blob) {
  bucket b;
  if (!decode(blob, b) || !blob.empty() || levels_[day_level].count(day) != 0)
    return false;
  widen_span(b.first_s, b.last_s);
  operations_ += b.all.operations;
  levels_[day_level].emplace(day, std::move(b));
  return true;
}

std::vector<std::pair<std::int64_t, std::string>>
tenant_aggregate::take_changed_minutes(bool everything) {
  const auto& minutes = levels_[minute_level];
  std::vector<std::int64_t> keys;
  if (everything) {
    for (const auto& [minute, b] : minutes)
      keys.push_back(minute);
  } else {
    keys.assign(changed_minutes_.begin(), changed_minutes_.end());
    std::sort(keys.begin(), keys.end());
  }
  changed_minutes_.clear();

  // A minute, then each of its seconds as its offset in the minute and its bucket.
  const auto& seconds = levels_[0];
  const std::int64_t width = level_width_s[minute_level];
  std::vector<std::pair<std::int64_t, std::string>> encoded;
  for (const std::int64_t minute : keys) {
    auto found = minutes.find(minute);
    if (found == minutes.end())
      continue; // Pruned since it changed.
    std::string blob;
    encode(blob, found->second);
    auto first = seconds.lower_bound(minute * width);
    auto last = seconds.lower_bound((minute + 1) * width);
    core::put_varint(blob, static_cast<std::uint64_t>(std::distance(first, last)));
    for (auto it = first; it != last; ++it) {
      core::put_varint(blob, static_cast<std::uint64_t>(it->first - minute * width));
      encode(blob, it->second);
    }
    encoded.emplace_back(minute, std::move(blob));
  }
  return encoded;
}

bool tenant_aggregate::load_minute(std::int64_t minute, std::string_view blob) {
  const std::int64_t width = level_width_s[minute_level];
  if (minute * width < fine_start_)
    return true;
  bucket whole;
  std::uint64_t count = 0;
  if (!decode(blob, whole) || !core::get_varint(blob, count) ||
      count > static_cast<std::uint64_t>(width) || levels_[minute_level].count(minute) != 0)
    return false;
  std::vector<std::pair<std::int64_t, bucket>> parts;
  for (std::uint64_t i = 0; i < count; ++i) {
    std::uint64_t offset = 0;
    bucket part;
    if (!core::get_varint(blob, offset) || offset >= static_cast<std::uint64_t>(width) ||
        !decode(blob, part) || levels_[0].count(minute * width + offset) != 0)
      return false;
    parts.emplace_back(minute * width + static_cast<std::int64_t>(offset), std::move(part));
  }
  if (!blob.empty())
    return false;

  for (auto& [second, part] : parts)
    levels_[0].emplace(second, std::move(part));
  levels_[hour_level][core::floor_div(minute * width, level_width_s[hour_level])].add(whole);
  widen_span(whole.first_s, whole.last_s);
  levels_[minute_level].emplace(minute, std::move(whole));
  return true;
}

} // namespace llmops::actors
