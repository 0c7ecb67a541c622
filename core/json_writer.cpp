#include "core/json_writer.hpp"

#include <charconv>
#include <cmath>

namespace llmops::core {

void append_json_string(std::string& out, std::string_view value) {
  static constexpr char hex[] = "0123456789abcdef";
  out.push_back('"');
  for (char c : value) {
    switch (c) {
    case '"':
      out += "\\\"";
      break;
    case '\\':
      out += "\\\\";
      break;
    case '\n':
      out += "\\n";
      break;
    case '\r':
      out += "\\r";
      break;
    case '\t':
      out += "\\t";
      break;
    default:
      if (static_cast<unsigned char>(c) < 0x20) {
        out += "\\u00";
        out.push_back(hex[(c >> 4) & 0xf]);
        out.push_back(hex[c & 0xf]);
      } else {
        out.push_back(c);
      }
    }
  }
  out.push_back('"');
}

std::string format_decimal(std::int64_t value, int scale) {
  const bool negative = value < 0;
  std::uint64_t magnitude =
      negative ? static_cast<std::uint64_t>(-(value + 1)) + 1 : static_cast<std::uint64_t>(value);
  std::uint64_t divisor = 1;
  for (int i = 0; i < scale; ++i)
    divisor *= 10;

  std::string text = negative ? "-" : "";
  text += std::to_string(magnitude / divisor);
  std::uint64_t fraction = magnitude % divisor;
  if (fraction == 0)
    return text;
  std::string digits = std::to_string(fraction);
  digits.insert(0, static_cast<std::size_t>(scale) - digits.size(), '0');
  digits.erase(digits.find_last_not_of('0') + 1);
  return text + "." + digits;
}

void json_writer::before_value() {
  if (after_key_) {
    after_key_ = false;
    return;
  }
  if (!first_in_container_.empty()) {
    if (!first_in_container_.back())
      out_.push_back(',');
    first_in_container_.back() = false;
  }
}

json_writer& json_writer::begin_object() {
  before_value();
  out_.push_back('{');
  first_in_container_.push_back(true);
  return *this;
}

json_writer& json_writer::end_object() {
  out_.push_back('}');
  first_in_container_.pop_back();
  return *this;
}

json_writer& json_writer::begin_array() {
  before_value();
  out_.push_back('[');
  first_in_container_.push_back(true);
  return *this;
}

json_writer& json_writer::end_array() {
  out_.push_back(']');
  first_in_container_.pop_back();
  return *this;
}

json_writer& json_writer::key(std::string_view name) {
  before_value();
  append_json_string(out_, name);
  out_.push_back(':');
  after_key_ = true;
  return *this;
}

json_writer& json_writer::string(std::string_view value) {
  before_value();
  append_json_string(out_, value);
  return *this;
}

json_writer& json_writer::number(std::int64_t value) {
  before_value();
  out_ += std::to_string(value);
  return *this;
}

json_writer& json_writer::number(double value) {
  before_value();
  if (!std::isfinite(value)) {
    out_ += "null";
    return *this;
  }
  char buffer[32];
  auto result = std::to_chars(buffer, buffer + sizeof buffer, value);
  out_.append(buffer, result.ptr);
  return *this;
}

json_writer& json_writer::boolean(bool value) {
  before_value();
  out_ += value ? "true" : "false";
  return *this;
}

json_writer& json_writer::null() {
  before_value();
  out_ += "null";
  return *this;
}

json_writer& json_writer::raw(std::string_view json) {
  before_value();
  out_ += json;
  return *this;
}

json_writer& json_writer::decimal(std::int64_t value, int scale) {
  before_value();
  out_ += format_decimal(value, scale);
  return *this;
}

} // namespace llmops::core
