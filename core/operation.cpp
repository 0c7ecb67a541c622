#include "core/operation.hpp"

#include <random>

namespace llmops::core {

namespace {

std::string random_id(std::string_view prefix) {
  static constexpr char hex[] = "0123456789abcdef";
  thread_local std::mt19937_64 generator{[] {
    std::random_device device;
    std::seed_seq seed{device(), device(), device(), device()};
    return std::mt19937_64{seed};
  }()};

  std::string id(prefix);
  std::uint64_t high = generator();
  std::uint64_t low = generator();
  for (int i = 0; i < 8; ++i)
    id.push_back(hex[(high >> (60 - 4 * i)) & 0xf]);
  for (int i = 0; i < 16; ++i)
    id.push_back(hex[(low >> (60 - 4 * i)) & 0xf]);
  return id;
}

} // namespace

std::optional<std::size_t> status_index(std::string_view status) {
  for (std::size_t i = 0; i < operation_statuses.size(); ++i)
    if (operation_statuses[i] == status)
      return i;
  return std::nullopt;
}

std::optional<std::size_t> cost_source_index(std::string_view source) {
  for (std::size_t i = 0; i < cost_sources.size(); ++i)
    if (cost_sources[i] == source)
      return i;
  return std::nullopt;
}

std::int64_t stable_hash(std::string_view text) {
  std::uint64_t hash = 14695981039346656037ULL;
  for (char c : text) {
    hash ^= static_cast<unsigned char>(c);
    hash *= 1099511628211ULL;
  }
  return static_cast<std::int64_t>(hash >> 1);
}

std::string make_operation_id() {
  return random_id("op_");
}

std::string make_request_id() {
  return random_id("req_");
}

} // namespace llmops::core
