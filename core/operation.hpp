#pragma once

#include "core/money.hpp"
#include "core/time.hpp"

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace llmops::core {

/// The outcomes an operation may report. The order is the index used by the aggregates.
constexpr std::array<std::string_view, 5> operation_statuses = {
    "success", "error", "timeout", "rate_limited", "cancelled"};

constexpr std::size_t status_count = operation_statuses.size();

/// Index of a status in operation_statuses, or nullopt for an unknown status.
std::optional<std::size_t> status_index(std::string_view status);

/// One LLM call as stored: the unit of ingestion, storage and aggregation.
struct operation_record {
  std::string tenant_id;
  std::string operation_id;
  micros timestamp_us = 0;
  std::string operation_type;
  std::string model;
  std::uint8_t status = 0; ///< Index into operation_statuses.
  std::optional<std::string> agent_id;
  std::int64_t prompt_tokens = 0;
  std::int64_t completion_tokens = 0;
  std::int64_t total_tokens = 0;
  std::int64_t latency_us = 0;
  nano_usd cost_nusd = 0;
  std::string metadata_json = "{}"; ///< A JSON object, serialized.
};

/// A fresh operation id, "op_" and 24 hex digits (96 random bits), unique across nodes.
std::string make_operation_id();

/// A fresh request id, "req_" and 24 hex digits.
std::string make_request_id();

} // namespace llmops::core
