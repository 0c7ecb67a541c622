#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace llmops::core {

/// Money is held as integer nano-dollars so that sums are exact and independent of order.
using nano_usd = std::int64_t;

constexpr nano_usd nano_per_usd = 1'000'000'000;

/// The largest cost one operation may carry. Below this bound a double read from JSON converts
/// to the nearest nano-dollar without error for any decimal with up to nine fractional digits.
constexpr double max_operation_cost_usd = 1'000'000.0;

/// Converts a non-negative, finite dollar amount to nano-dollars, rounding half away from zero.
/// Returns nullopt for negative, non-finite or too large amounts.
std::optional<nano_usd> usd_to_nano(double usd);

/// Renders nano-dollars as an exact JSON number: "4.5", "0.003", "12", "-0.000000001".
std::string format_usd(nano_usd amount);

} // namespace llmops::core
