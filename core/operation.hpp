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

constexpr std::uint8_t status_success = 0;
constexpr std::uint8_t status_error = 1;
constexpr std::uint8_t status_timeout = 2;

/// Whether a status counts against error_rate: the call failed (error, timeout, rate limit).
/// A cancelled call was the client's choice, not a failure.
constexpr bool is_failure(std::uint8_t status) {
  return status >= status_error && status <= 3;
}

/// Where an operation's cost came from. The order is the index stored in the record.
constexpr std::array<std::string_view, 3> cost_sources = {"client", "catalog", "unknown_model"};

constexpr std::uint8_t cost_from_client = 0;
constexpr std::uint8_t cost_from_catalog = 1;
constexpr std::uint8_t cost_unknown_model = 2;

/// Index of a cost source in cost_sources, or nullopt.
std::optional<std::size_t> cost_source_index(std::string_view source);

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
  std::int64_t cached_prompt_tokens = 0; ///< Part of prompt_tokens.
  std::int64_t reasoning_tokens = 0;     ///< Part of completion_tokens.
  std::int64_t latency_us = 0;
  nano_usd cost_nusd = 0;
  std::uint8_t cost_source = cost_from_client; ///< Index into cost_sources.
  std::string metadata_json = "{}";            ///< A JSON object, serialized.

  /// A digest of what the client sent, to tell a retry (same digest) from a different
  /// operation reusing the id (another digest). Not part of any metric.
  std::int64_t payload_hash = 0;
  std::int64_t commit_seq = 0; ///< Order of the commit that stored it; 0 when not known.
};

/// A stable 63-bit digest (FNV-1a) of text, the same on every node and release.
std::int64_t stable_hash(std::string_view text);

/// A fresh operation id, "op_" and 24 hex digits (96 random bits), unique across nodes.
std::string make_operation_id();

/// A fresh request id, "req_" and 24 hex digits.
std::string make_request_id();

} // namespace llmops::core
