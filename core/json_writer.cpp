#include "core/json_writer.hpp"

#include "core/time.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>

namespace llmops::core {

namespace {

bool needs_escape(char c) {
  return c == '"' || c == '\\' || static_cast<unsigned char>(c) < 0x20;
}

// Appends value / 10^scale with trailing zeros trimmed, without allocating.
void append_decimal(std::string& out, std::int64_t value, int scale) {
  const bool negative = value < 0;
  std::uint64_t magnitude =
      negative ? static_cast<std::uint64_t>(-(value + 1)) + 1 : static_cast<std::uint64_t>(value);
  std::uint64_t divisor = 1;
  for (int i = 0; i < scale; ++i)
    divisor *= 10;

  char buffer[48];
  char* end = buffer;
  if (negative)
    *end++ = '-';
  end = std::to_chars(end, buffer + sizeof buffer, magnitude / divisor).ptr;
  std::uint64_t fraction = magnitude % divisor;
  if (fraction != 0) {
    int digits = scale;
    while (fraction % 10 == 0) {
      fraction /= 10;
      --digits;
    }
    *end++ = '.';
    for (int i = digits - 1; i >= 0; --i) {
      end[i] = static_cast<char>('0' + fraction % 10);
      fraction /= 10;
    }
    end += digits;
  }
  out.append(buffer, end);
}

} // namespace

void append_json_string(std::string& out, std::string_view value) {
  static constexpr char hex[] = "0123456789abcdef";
  out.push_back('"');
  if (std::none_of(value.begin(), value.end(), needs_escape)) {
    out.append(value);
    out.push_back('"');
    return;
  }
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
  std::string text;
  append_decimal(text, value, scale);
  return text;
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
  char buffer[24];
  out_.append(buffer, std::to_chars(buffer, buffer + sizeof buffer, value).ptr);
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
  append_decimal(out_, value, scale);
  return *this;
}

json_writer& json_writer::timestamp(std::int64_t at_us) {
  before_value();
  out_.push_back('"');
  append_rfc3339(out_, at_us);
  out_.push_back('"');
  return *this;
}

} // namespace llmops::core
