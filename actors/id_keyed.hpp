#pragma once

// Vectors of figures sorted by name id, as the buckets of tenant_aggregate keep them. Internal
// to the aggregate's sources.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

namespace llmops::actors::id_keyed {

// The position of id in a vector sorted by id, inserted with a default value if absent.
template <class Value>
std::size_t position_of(std::vector<std::pair<std::uint32_t, Value>>& keyed, std::uint32_t id) {
  auto it =
      std::lower_bound(keyed.begin(), keyed.end(), id, [](const auto& entry, std::uint32_t key) {
        return entry.first < key;
      });
  if (it == keyed.end() || it->first != id)
    it = keyed.insert(it, {id, Value{}});
  return static_cast<std::size_t>(it - keyed.begin());
}

template <class Value, class Figures>
void add_keyed(
    std::vector<std::pair<std::uint32_t, Value>>& keyed, std::uint32_t id, const Figures& value) {
  keyed[position_of(keyed, id)].second.add(value);
}

/// Calls add(id, into_value, from_value, added) for each entry of from with the entry of into of
/// the same id, inserting a default one (added set) for ids into lacks. Both sorted by id: one
/// sweep of each instead of a search per entry.
template <class Value, class Other, class Add>
void merge_keyed(
    std::vector<std::pair<std::uint32_t, Value>>& into,
    const std::vector<std::pair<std::uint32_t, Other>>& from,
    Add add) {
  std::size_t at = 0;
  for (const auto& [id, value] : from) {
    while (at < into.size() && into[at].first < id)
      ++at;
    const bool added = at == into.size() || into[at].first != id;
    if (added)
      into.insert(into.begin() + static_cast<std::ptrdiff_t>(at), {id, Value{}});
    add(id, into[at].second, value, added);
  }
}

/// Adds each entry of from into into (both sorted by id) with Value::add.
template <class Value, class Other>
void merge_keyed(
    std::vector<std::pair<std::uint32_t, Value>>& into,
    const std::vector<std::pair<std::uint32_t, Other>>& from) {
  merge_keyed(
      into, from, [](std::uint32_t, Value& mine, const Other& theirs, bool) { mine.add(theirs); });
}

} // namespace llmops::actors::id_keyed
