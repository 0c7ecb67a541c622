#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace llmops::core {

/// Builds compact JSON text directly into a string. Commas are placed automatically; the caller
/// keeps begin/end calls balanced. Faster than building a DOM and able to emit exact decimals.
class json_writer {
public:
  json_writer& begin_object();
  json_writer& end_object();
  json_writer& begin_array();
  json_writer& end_array();
  json_writer& key(std::string_view name);
  json_writer& string(std::string_view value);
  json_writer& number(std::int64_t value);
  json_writer& number(double value);
  json_writer& boolean(bool value);
  json_writer& null();

  /// Appends text that is already valid JSON (a stored jsonb document, an exact decimal).
  json_writer& raw(std::string_view json);

  /// Appends value / 10^scale as an exact decimal, trailing zeros trimmed: (1250500, 3) -> 1250.5.
  json_writer& decimal(std::int64_t value, int scale);

  /// Appends at as an RFC 3339 string (core::format_rfc3339).
  json_writer& timestamp(std::int64_t at_us);

  /// Makes room for bytes of text, for answers whose size is known roughly.
  void reserve(std::size_t bytes) { out_.reserve(bytes); }

  const std::string& text() const { return out_; }

  std::string take() { return std::move(out_); }

private:
  void before_value();

  std::string out_;
  std::vector<bool> first_in_container_;
  bool after_key_ = false;
};

/// Appends value as a JSON string literal, quotes included.
void append_json_string(std::string& out, std::string_view value);

/// Renders value / 10^scale as an exact decimal with trailing zeros trimmed.
std::string format_decimal(std::int64_t value, int scale);

} // namespace llmops::core
