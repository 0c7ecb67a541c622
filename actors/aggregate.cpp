#include "actors/aggregate.hpp"

#include "actors/id_keyed.hpp"

#include <algorithm>
#include <iterator>

namespace llmops::actors {

using id_keyed::add_keyed;
using id_keyed::merge_keyed;

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

} // namespace

void slice::add(const core::operation_record& op) {
  operations += 1;
  prompt_tokens += op.prompt_tokens;
  completion_tokens += op.completion_tokens;
  total_tokens += op.total_tokens;
  latency_us += op.latency_us;
  failed += core::is_failure(op.status) ? 1 : 0;
  cost_nusd += op.cost_nusd;
}

void slice::add(const slice& other) {
  operations += other.operations;
  prompt_tokens += other.prompt_tokens;
  completion_tokens += other.completion_tokens;
  total_tokens += other.total_tokens;
  latency_us += other.latency_us;
  failed += other.failed;
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
  range.by_agent = asked.by_agent;
  range.percentiles = asked.percentiles;

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
  latency.add(other.latency);
  for (const auto& [name, figures] : other.by_model) {
    auto& mine = by_model[name];
    mine.add(figures);
    mine.latency.add(figures.latency);
  }
  for (const auto& [name, figures] : other.by_type)
    by_type[name].add(figures);
  for (const auto& [name, figures] : other.by_agent)
    by_agent[name].add(figures);
  for (const auto& [name, figures] : other.by_tenant)
    by_tenant[name].add(figures);
  if (trend.empty()) {
    trend = other.trend;
    return;
  }
  for (std::size_t i = 0; i < trend.size() && i < other.trend.size(); ++i) {
    trend[i].figures.add(other.trend[i].figures);
    trend[i].figures.latency.add(other.trend[i].figures.latency);
  }
}

std::uint32_t tenant_aggregate::name_table::intern(const std::string& name) {
  auto [it, added] = ids.try_emplace(name, static_cast<std::uint32_t>(names.size()));
  if (added)
    names.push_back(name);
  return it->second;
}

void tenant_aggregate::bucket::add(
    const core::operation_record& op,
    std::uint32_t model,
    std::uint32_t type,
    std::uint32_t agent) {
  all.add(op);
  latency.add(op.latency_us);
  add_keyed(by_model, model, op);
  model_latency.add(model, op.latency_us);
  add_keyed(by_type, type, op);
  add_keyed(by_agent, agent, op);
  const std::int64_t second = core::floor_div(op.timestamp_us, core::micros_per_second);
  first_s = std::min(first_s, second);
  last_s = std::max(last_s, second);
}

void tenant_aggregate::bucket::add(const bucket& other) {
  all.add(other.all);
  latency.add(other.latency);
  for (const auto& [id, figures] : other.by_model)
    add_keyed(by_model, id, figures);
  model_latency.add(other.model_latency);
  for (const auto& [id, figures] : other.by_type)
    add_keyed(by_type, id, figures);
  for (const auto& [id, figures] : other.by_agent)
    add_keyed(by_agent, id, figures);
  for (const auto& [id, figures] : other.by_tenant)
    add_keyed(by_tenant, id, figures);
  first_s = std::min(first_s, other.first_s);
  last_s = std::max(last_s, other.last_s);
}

void tenant_aggregate::widen_span(std::int64_t first_s, std::int64_t last_s) {
  span_ = span_ ? std::make_pair(std::min(span_->first, first_s), std::max(span_->second, last_s))
                : std::make_pair(first_s, last_s);
}

void tenant_aggregate::apply(const core::operation_record& op, bool day_tier) {
  const std::int64_t second = core::floor_div(op.timestamp_us, core::micros_per_second);
  const std::uint32_t model = models_.intern(op.model);
  const std::uint32_t type = types_.intern(op.operation_type);
  const std::uint32_t agent = agents_.intern(op.agent_id.value_or(std::string()));
  const std::uint32_t tenant = by_tenant_ ? tenants_.intern(op.tenant_id) : 0;
  auto add = [&](bucket& target) {
    target.add(op, model, type, agent);
    if (by_tenant_)
      add_keyed(target.by_tenant, tenant, op);
  };

  if (second >= fine_start_) {
    for (std::size_t level = 0; level < day_level; ++level)
      add(levels_[level][core::floor_div(second, level_width_s[level])]);
    changed_minutes_.insert(core::floor_div(second, level_width_s[minute_level]));
  }
  if (day_tier) {
    const std::int64_t day = core::floor_div(second, level_width_s[day_level]);
    add(levels_[day_level][day]);
    changed_days_.insert(day);
    ++operations_;
  }
  widen_span(second, second);
}

void tenant_aggregate::prune(std::int64_t fine_start_s) {
  if (fine_start_s <= fine_start_)
    return;
  fine_start_ = fine_start_s;
  for (std::size_t level = 0; level < day_level; ++level) {
    auto& buckets = levels_[level];
    buckets.erase(buckets.begin(), buckets.lower_bound(fine_start_s / level_width_s[level]));
  }
  const std::int64_t first_minute = fine_start_s / level_width_s[minute_level];
  for (auto it = changed_minutes_.begin(); it != changed_minutes_.end();)
    it = *it < first_minute ? changed_minutes_.erase(it) : std::next(it);
}

std::array<std::size_t, 4> tenant_aggregate::bucket_counts() const {
  return {levels_[0].size(), levels_[1].size(), levels_[2].size(), levels_[3].size()};
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

std::vector<interval>
tenant_aggregate::missing(const resolved_range& range, std::int64_t fine_start_s) {
  std::vector<interval> pieces;
  auto visit = [&](std::size_t level, std::int64_t first, std::int64_t last) {
    const std::int64_t width = level_width_s[level];
    if (level < day_level && first * width < fine_start_s)
      pieces.push_back({first * width, std::min(last * width, fine_start_s)});
  };
  cover(range.start_s, range.end_s, day_level, visit);
  for (std::int64_t t = range.start_s; t < range.end_s && t < fine_start_s;) {
    const std::int64_t next = std::min(bucket_next(t, range.step), range.end_s);
    cover(t, next, day_level, visit);
    t = next;
  }

  // One interval per run of adjacent or overlapping pieces.
  std::sort(pieces.begin(), pieces.end(), [](const interval& a, const interval& b) {
    return a.start_s < b.start_s;
  });
  std::vector<interval> merged;
  for (const auto& piece : pieces) {
    if (!merged.empty() && piece.start_s <= merged.back().end_s)
      merged.back().end_s = std::max(merged.back().end_s, piece.end_s);
    else
      merged.push_back(piece);
  }
  return merged;
}

// Sums of buckets while answering, keyed by the name ids of the aggregate they came from.
struct tenant_aggregate::accumulator {
  struct part {
    std::vector<std::pair<std::uint32_t, measured_slice>> by_model;
    std::vector<std::pair<std::uint32_t, slice>> by_type;
    std::vector<std::pair<std::uint32_t, slice>> by_agent;
    std::vector<std::pair<std::uint32_t, slice>> by_tenant;
  };

  totals all;
  core::latency_histogram latency;
  bool by_agent = false;
  bool percentiles = true;
  std::size_t buckets_hint = 1; ///< About how many buckets will be added: room to reserve.
  part own;
  part older;

  /// Room for every name of source in into, so that adding buckets moves no vector.
  void reserve(part& into, const tenant_aggregate& source) const {
    into.by_model.reserve(source.models_.names.size());
    into.by_type.reserve(source.types_.names.size());
    if (by_agent)
      into.by_agent.reserve(source.agents_.names.size());
    into.by_tenant.reserve(source.tenants_.names.size());
  }

  void add(const bucket& b, part& into) {
    all.add(b.all);
    if (percentiles)
      latency.add(b.latency);
    // The models and their bins, both sorted by model id: one sweep of each.
    const auto& bins = b.model_latency.entries();
    std::size_t next = percentiles ? 0 : bins.size();
    auto add_model = [&](std::uint32_t id, measured_slice& figures, const slice& of_model,
                         bool added) {
      figures.add(of_model);
      std::size_t end = next;
      while (end < bins.size() && bins[end].key == id)
        ++end;
      if (end == next)
        return;

      // A model met for the first time: room for about as many bins in each bucket to come.
      if (added)
        figures.latency.reserve((end - next) * buckets_hint);
      figures.latency.add(bins.data() + next, bins.data() + end);
      next = end;
    };
    merge_keyed(into.by_model, b.by_model, add_model);
    merge_keyed(into.by_type, b.by_type);
    if (by_agent)
      merge_keyed(into.by_agent, b.by_agent);
    merge_keyed(into.by_tenant, b.by_tenant);
  }

  void name(part& from, const tenant_aggregate& source, metrics_summary& to) const {
    for (auto& [id, figures] : from.by_model) {
      auto [it, added] = to.by_model.try_emplace(source.models_.names[id]);
      if (added) {
        it->second = std::move(figures);
        continue;
      }
      it->second.add(figures);
      it->second.latency.add(figures.latency);
    }
    for (const auto& [id, figures] : from.by_type)
      to.by_type[source.types_.names[id]].add(figures);
    for (const auto& [id, figures] : from.by_agent)
      to.by_agent[source.agents_.names[id]].add(figures);
    for (const auto& [id, figures] : from.by_tenant)
      to.by_tenant[source.tenants_.names[id]].add(figures);
  }
};

template <class Sink>
void tenant_aggregate::each_bucket(
    std::int64_t start,
    std::int64_t end,
    std::int64_t fine_start_s,
    const tenant_aggregate* older,
    Sink& sink) const {
  auto visit_keys = [&](const tenant_aggregate& source, std::size_t level, std::int64_t first,
                        std::int64_t last) {
    const auto& buckets = source.levels_[level];
    for (auto it = buckets.lower_bound(first); it != buckets.end() && it->first < last; ++it)
      sink(source, it->second);
  };
  auto visit = [&](std::size_t level, std::int64_t first, std::int64_t last) {
    if (level == day_level || fine_start_s == all_history) {
      visit_keys(*this, level, first, last);
      return;
    }

    // Finer buckets before fine_start_s are not kept here: those pieces come from older.
    const std::int64_t split = std::clamp(fine_start_s / level_width_s[level], first, last);
    if (older != nullptr)
      older->each_bucket(
          first * level_width_s[level], split * level_width_s[level], all_history, nullptr, sink);
    visit_keys(*this, level, split, last);
  };
  cover(start, end, day_level, visit);
}

metrics_summary tenant_aggregate::summarize(
    const resolved_range& range, std::int64_t fine_start_s, const tenant_aggregate* older) const {
  metrics_summary summary;

  // Totals and breakdowns over the whole range, keyed by name id while summing.
  accumulator sums;
  sums.by_agent = range.by_agent;
  sums.percentiles = range.percentiles;
  sums.buckets_hint = static_cast<std::size_t>((range.end_s - range.start_s) / day_s + 2);
  sums.reserve(sums.own, *this);
  if (older != nullptr)
    sums.reserve(sums.older, *older);
  auto add = [&](const tenant_aggregate& source, const bucket& b) {
    sums.add(b, &source == this ? sums.own : sums.older);
  };

  // Trend points of a day or longer are covered by the same buckets as the whole range, so one
  // walk fills both; finer points would take many more buckets than the range needs.
  const bool one_walk = range.step == granularity::day || range.step == granularity::week ||
                        range.step == granularity::month;
  if (!one_walk)
    each_bucket(range.start_s, range.end_s, fine_start_s, older, add);

  // The trend: one point per calendar bucket, the first starting at the range's start.
  std::size_t points = 0;
  for (std::int64_t t = range.start_s; t < range.end_s; t = bucket_next(t, range.step))
    ++points;
  summary.trend.reserve(points);
  for (std::int64_t t = range.start_s; t < range.end_s;) {
    const std::int64_t next = std::min(bucket_next(t, range.step), range.end_s);
    trend_point point{t, {}};
    auto add_point = [&](const tenant_aggregate& source, const bucket& b) {
      point.figures.add(b.all);
      if (range.percentiles)
        point.figures.latency.add(b.latency);
      if (one_walk)
        add(source, b);
    };
    each_bucket(t, next, fine_start_s, older, add_point);
    summary.trend.push_back(std::move(point));
    t = next;
  }

  summary.all = sums.all;
  summary.latency = std::move(sums.latency);
  sums.name(sums.own, *this, summary);
  if (older != nullptr)
    sums.name(sums.older, *older, summary);
  return summary;
}

} // namespace llmops::actors
