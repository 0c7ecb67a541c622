#pragma once

// Vectors of figures sorted by name id, as the buckets of tenant_aggregate keep them. Internal
// to the aggregate's sources.

#include <algorithm>
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

} // namespace llmops::actors::id_keyed
