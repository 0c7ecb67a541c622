#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace llmops::core {

/// Unsigned LEB128: seven bits a byte, small numbers in one byte. Used by the snapshots of
/// the aggregates, whose numbers are mostly small counts.
inline void put_varint(std::string& out, std::uint64_t value) {
  while (value >= 0x80) {
    out.push_back(static_cast<char>((value & 0x7f) | 0x80));
    value >>= 7;
  }
  out.push_back(static_cast<char>(value));
}

/// Reads one number from the front of in; false when in ends first or the number is too long.
inline bool get_varint(std::string_view& in, std::uint64_t& value) {
  value = 0;
  for (int shift = 0; shift < 64 && !in.empty(); shift += 7) {
    const auto byte = static_cast<unsigned char>(in.front());
    in.remove_prefix(1);
    value |= static_cast<std::uint64_t>(byte & 0x7f) << shift;
    if ((byte & 0x80) == 0)
      return true;
  }
  return false;
}

/// Signed numbers, zigzag-encoded so that small negative ones stay short.
inline void put_signed(std::string& out, std::int64_t value) {
  put_varint(
      out, (static_cast<std::uint64_t>(value) << 1) ^ static_cast<std::uint64_t>(value >> 63));
}

inline bool get_signed(std::string_view& in, std::int64_t& value) {
  std::uint64_t raw = 0;
  if (!get_varint(in, raw))
    return false;
  value = static_cast<std::int64_t>((raw >> 1) ^ (~(raw & 1) + 1));
  return true;
}

/// A string as its length and bytes.
inline void put_text(std::string& out, std::string_view text) {
  put_varint(out, text.size());
  out.append(text);
}

inline bool get_text(std::string_view& in, std::string& text) {
  std::uint64_t size = 0;
  if (!get_varint(in, size) || size > in.size())
    return false;
  text.assign(in.substr(0, size));
  in.remove_prefix(size);
  return true;
}

} // namespace llmops::core
