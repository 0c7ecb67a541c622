#include "actors/aggregate.hpp"

#include <algorithm>

namespace llmops::actors {

namespace {

constexpr std::int64_t minute_s = 60;
constexpr std::int64_t hour_s = 3600;
constexpr std::int64_t day_s = core::seconds_per_day;

// 1970-01-01 was a Thursday: day d is a Monday when (d + 3) % 7 == 0.
constexpr std::int64_t epoch_weekday_offset = 3;

std::int64_t floor_to(std::int64_t t, std::int64_t width) {
  return core::floor_div(t, width) * width;
}

std::int64_t ceil_to(std::int64_t t, std::int64_t width) {
  return -floor_to(-t, width);
}

// Adds slice into the sorted (id, slice) vector.
template <class Value>
void add_keyed(
    std::vector<std::pair<std::uint32_t, slice>>& keyed, std::uint32_t id, const Value& value) {
  auto it =
      std::lower_bound(keyed.begin(), keyed.end(), id, [](const auto& entry, std::uint32_t key) {
        return entry.first < key;
      });
  if (it == keyed.end() || it->first != id)
    it = keyed.insert(it, {id, slice{}});
  it->second.add(value);
}

} // namespace

void slice::add(const core::operation_record& op) {
  operations += 1;
  prompt_tokens += op.prompt_tokens;
  completion_tokens += op.completion_tokens;
  total_tokens += op.total_tokens;
  latency_us += op.latency_us;
  cost_nusd += op.cost_nusd;
}

void slice::add(const slice& other) {
  operations += other.operations;
  prompt_tokens += other.prompt_tokens;
  completion_tokens += other.completion_tokens;
  total_tokens += other.total_tokens;
  latency_us += other.latency_us;
  cost_nusd += other.cost_nusd;
}

void totals::add(const core::operation_record& op) {
  slice::add(op);
  by_status[op.status] += 1;
  by_cost_source[op.cost_source] += 1;
  cached_prompt_tokens += op.cached_prompt_tokens;
  reasoning_tokens += op.reasoning_tokens;
}

void totals::add(const totals& other) {
  slice::add(other);
  for (std::size_t i = 0; i < by_status.size(); ++i)
    by_status[i] += other.by_status[i];
  for (std::size_t i = 0; i < by_cost_source.size(); ++i)
    by_cost_source[i] += other.by_cost_source[i];
  cached_prompt_tokens += other.cached_prompt_tokens;
  reasoning_tokens += other.reasoning_tokens;
}

std::optional<granularity> parse_granularity(std::string_view name) {
  for (auto step :
       {granularity::minute, granularity::hour, granularity::day, granularity::week,
        granularity::month})
    if (granularity_name(step) == name)
      return step;
  return std::nullopt;
}

std::string_view granularity_name(granularity step) {
  switch (step) {
  case granularity::minute:
    return "minute";
  case granularity::hour:
    return "hour";
  case granularity::day:
    return "day";
  case granularity::week:
    return "week";
  case granularity::month:
    return "month";
  }
  return "day";
}

std::int64_t bucket_floor(std::int64_t t, granularity step) {
  switch (step) {
  case granularity::minute:
    return floor_to(t, minute_s);
  case granularity::hour:
    return floor_to(t, hour_s);
  case granularity::day:
    return floor_to(t, day_s);
  case granularity::week: {
    const std::int64_t day = core::floor_div(t, day_s);
    return (day - (((day + epoch_weekday_offset) % 7) + 7) % 7) * day_s;
  }
  case granularity::month: {
    const core::civil_date date = core::civil_from_days(core::floor_div(t, day_s));
    return core::days_from_civil(date.year, date.month, 1) * day_s;
  }
  }
  return t;
}

std::int64_t bucket_next(std::int64_t t, granularity step) {
  const std::int64_t start = bucket_floor(t, step);
  switch (step) {
  case granularity::minute:
    return start + minute_s;
  case granularity::hour:
    return start + hour_s;
  case granularity::day:
    return start + day_s;
  case granularity::week:
    return start + 7 * day_s;
  case granularity::month: {
    const core::civil_date date = core::civil_from_days(core::floor_div(start, day_s));
    const bool december = date.month == 12;
    return core::days_from_civil(date.year + december, december ? 1 : date.month + 1, 1) * day_s;
  }
  }
  return start + day_s;
}

std::optional<resolved_range> resolve_range(
    const metrics_range& asked, const time_span& stored, std::int64_t now_s, std::string& error) {
  resolved_range range;

  // Open ends follow the stored data, so that "everything" means everything.
  range.end_s = asked.end_s.value_or(std::max(now_s + 1, stored ? stored->second + 1 : now_s + 1));
  range.start_s =
      asked.start_s.value_or(stored ? std::min(stored->first, range.end_s) : range.end_s);
  range.end_s = std::max(range.end_s, range.start_s);

  // A granularity that keeps the trend readable: at most a few hundred buckets.
  const std::int64_t length = range.end_s - range.start_s;
  if (asked.step)
    range.step = *asked.step;
  else if (length <= 6 * hour_s)
    range.step = granularity::minute;
  else if (length <= 14 * day_s)
    range.step = granularity::hour;
  else if (length <= 366 * day_s)
    range.step = granularity::day;
  else if (length <= 1830 * day_s)
    range.step = granularity::week;
  else
    range.step = granularity::month;

  std::int64_t buckets = 0;
  for (std::int64_t t = range.start_s; t < range.end_s; t = bucket_next(t, range.step)) {
    if (++buckets > max_trend_buckets) {
      error = "the range holds more than " + std::to_string(max_trend_buckets) + " " +
              std::string(granularity_name(range.step)) + " buckets; choose a coarser granularity";
      return std::nullopt;
    }
  }
  return range;
}

void metrics_summary::merge(const metrics_summary& other) {
  all.add(other.all);
  for (const auto& [name, figures] : other.by_model)
    by_model[name].add(figures);
  for (const auto& [name, figures] : other.by_type)
    by_type[name].add(figures);
  for (const auto& [name, figures] : other.by_tenant)
    by_tenant[name].add(figures);
  if (trend.empty()) {
    trend = other.trend;
    return;
  }
  for (std::size_t i = 0; i < trend.size() && i < other.trend.size(); ++i)
    trend[i].figures.add(other.trend[i].figures);
}

std::uint32_t tenant_aggregate::name_table::intern(const std::string& name) {
  auto [it, added] = ids.try_emplace(name, static_cast<std::uint32_t>(names.size()));
  if (added)
    names.push_back(name);
  return it->second;
}

void tenant_aggregate::apply(const core::operation_record& op) {
  const std::int64_t second = core::floor_div(op.timestamp_us, core::micros_per_second);
  const std::uint32_t model = models_.intern(op.model);
  const std::uint32_t type = types_.intern(op.operation_type);

  for (std::size_t level = 0; level < levels_.size(); ++level) {
    bucket& target = levels_[level][core::floor_div(second, level_width_s[level])];
    target.all.add(op);
    add_keyed(target.by_model, model, op);
    add_keyed(target.by_type, type, op);
  }

  span_ = span_ ? std::make_pair(std::min(span_->first, second), std::max(span_->second, second))
                : std::make_pair(second, second);
  ++operations_;
}

template <class Visit>
void tenant_aggregate::cover(
    std::int64_t start, std::int64_t end, std::size_t level, Visit& visit) {
  if (start >= end)
    return;
  const std::int64_t width = level_width_s[level];
  const std::int64_t first_full = ceil_to(start, width);
  const std::int64_t last_full = floor_to(end, width);
  if (level == 0 || first_full >= last_full) {
    if (level == 0)
      visit(level, start, end);
    else
      cover(start, end, level - 1, visit);
    return;
  }
  cover(start, first_full, level - 1, visit);
  visit(level, first_full / width, last_full / width);
  cover(last_full, end, level - 1, visit);
}

slice tenant_aggregate::sum_all(std::int64_t start, std::int64_t end) const {
  slice sum;
  auto visit = [&](std::size_t level, std::int64_t first, std::int64_t last) {
    const auto& buckets = levels_[level];
    for (auto it = buckets.lower_bound(first); it != buckets.end() && it->first < last; ++it)
      sum.add(static_cast<const slice&>(it->second.all));
  };
  cover(start, end, levels_.size() - 1, visit);
  return sum;
}

metrics_summary tenant_aggregate::summarize(const resolved_range& range) const {
  metrics_summary summary;

  // Totals and breakdowns over the whole range, keyed by name id while summing.
  std::vector<std::pair<std::uint32_t, slice>> by_model;
  std::vector<std::pair<std::uint32_t, slice>> by_type;
  auto visit = [&](std::size_t level, std::int64_t first, std::int64_t last) {
    const auto& buckets = levels_[level];
    for (auto it = buckets.lower_bound(first); it != buckets.end() && it->first < last; ++it) {
      summary.all.add(it->second.all);
      for (const auto& [id, figures] : it->second.by_model)
        add_keyed(by_model, id, figures);
      for (const auto& [id, figures] : it->second.by_type)
        add_keyed(by_type, id, figures);
    }
  };
  cover(range.start_s, range.end_s, levels_.size() - 1, visit);
  for (const auto& [id, figures] : by_model)
    summary.by_model.emplace(models_.names[id], figures);
  for (const auto& [id, figures] : by_type)
    summary.by_type.emplace(types_.names[id], figures);

  // The trend: one point per calendar bucket, the first starting at the range's start.
  for (std::int64_t t = range.start_s; t < range.end_s;) {
    const std::int64_t next = std::min(bucket_next(t, range.step), range.end_s);
    summary.trend.push_back({t, sum_all(t, next)});
    t = next;
  }
  return summary;
}

} // namespace llmops::actors
