#include "core/money.hpp"

#include <cmath>

namespace llmops::core {

std::optional<nano_usd> usd_to_nano(double usd) {
  if (!std::isfinite(usd) || usd < 0.0 || usd > max_operation_cost_usd)
    return std::nullopt;
  return static_cast<nano_usd>(std::llround(usd * static_cast<double>(nano_per_usd)));
}

std::string format_usd(nano_usd amount) {
  // Work on the magnitude as unsigned so that the most negative value renders too.
  const bool negative = amount < 0;
  const auto magnitude =
      negative ? static_cast<std::uint64_t>(-(amount + 1)) + 1 : static_cast<std::uint64_t>(amount);
  std::string text = negative ? "-" : "";
  text += std::to_string(magnitude / nano_per_usd);

  std::uint64_t fraction = magnitude % nano_per_usd;
  if (fraction == 0)
    return text;
  std::string digits = std::to_string(fraction);
  digits.insert(0, 9 - digits.size(), '0');
  digits.erase(digits.find_last_not_of('0') + 1);
  return text + "." + digits;
}

} // namespace llmops::core
