#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace llmops::core {

/// Microseconds since 1970-01-01T00:00:00Z. Every instant in the service is UTC.
using micros = std::int64_t;

constexpr micros micros_per_second = 1'000'000;
constexpr std::int64_t seconds_per_day = 86'400;

/// Parses an RFC 3339 date-time ("2024-01-01T12:30:00.25Z", "...+02:00"). Fractions finer
/// than a microsecond are refused rather than rounded. Years 1970..9999 only.
std::optional<micros> parse_rfc3339(std::string_view text);

/// Parses a query bound: an RFC 3339 date-time, or "YYYY-MM-DD" meaning midnight UTC.
std::optional<micros> parse_date_param(std::string_view text);

/// Renders "YYYY-MM-DDTHH:MM:SSZ", with ".ffffff" only when the instant has a fraction.
std::string format_rfc3339(micros at);

/// Appends format_rfc3339(at) to out.
void append_rfc3339(std::string& out, micros at);

/// Current wall-clock time.
micros now_micros();

/// Days since 1970-01-01 for a proleptic Gregorian date, and back.
std::int64_t days_from_civil(std::int64_t year, unsigned month, unsigned day);

struct civil_date {
  std::int64_t year;
  unsigned month;
  unsigned day;
};

civil_date civil_from_days(std::int64_t days);

/// Floor division that rounds towards negative infinity.
constexpr std::int64_t floor_div(std::int64_t a, std::int64_t b) {
  std::int64_t q = a / b;
  return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

} // namespace llmops::core
