#pragma once

#include <string>
#include <string_view>

namespace llmops::core {

/// SHA-256 of data (FIPS 180-4), as 64 lower-case hex digits.
std::string sha256_hex(std::string_view data);

/// Compares two strings in time that depends on their lengths only, not on where they differ.
bool constant_time_equal(std::string_view a, std::string_view b);

} // namespace llmops::core
