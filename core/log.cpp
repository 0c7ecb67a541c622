#include "core/log.hpp"

#include "core/time.hpp"

#include <atomic>
#include <cstdio>
#include <mutex>
#include <string>

namespace llmops::core {

namespace {

std::atomic<int> minimum_level{static_cast<int>(log_level::info)};
std::mutex output_mutex;

std::string_view level_name(log_level level) {
  switch (level) {
  case log_level::debug:
    return "debug";
  case log_level::info:
    return "info";
  case log_level::warning:
    return "warning";
  case log_level::error:
    return "error";
  }
  return "unknown";
}

} // namespace

std::optional<log_level> parse_log_level(std::string_view name) {
  for (auto level : {log_level::debug, log_level::info, log_level::warning, log_level::error})
    if (level_name(level) == name)
      return level;
  return std::nullopt;
}

void set_log_level(log_level level) {
  minimum_level = static_cast<int>(level);
}

bool logger::enabled(log_level level) const {
  return static_cast<int>(level) >= minimum_level;
}

void logger::write(log_level level, std::string_view line) const {
  if (!enabled(level))
    return;
  std::string text = format_rfc3339(now_micros() / 1000 * 1000);
  text += ' ';
  text += level_name(level);
  text += ' ';
  text += name_;
  text += ' ';
  text += line;
  text += '\n';
  std::lock_guard lock(output_mutex);
  std::fwrite(text.data(), 1, text.size(), stderr);
}

} // namespace llmops::core
