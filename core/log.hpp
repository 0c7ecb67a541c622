#pragma once

#include <optional>
#include <string_view>

namespace llmops::core {

enum class log_level { debug, info, warning, error };

/// Parses "debug", "info", "warning" or "error".
std::optional<log_level> parse_log_level(std::string_view name);

/// Lines below this level are dropped. Thread-safe; the default is info.
void set_log_level(log_level level);

/// One named logger per folder ("http", "actors", "storage", "service"). Each line goes to
/// stderr as "<time> <level> <logger> <event phrase> key=value ...". Thread-safe.
class logger {
public:
  explicit constexpr logger(std::string_view name) : name_(name) {}

  bool enabled(log_level level) const;
  void write(log_level level, std::string_view line) const;

  void debug(std::string_view line) const { write(log_level::debug, line); }

  void info(std::string_view line) const { write(log_level::info, line); }

  void warning(std::string_view line) const { write(log_level::warning, line); }

  void error(std::string_view line) const { write(log_level::error, line); }

private:
  std::string_view name_;
};

} // namespace llmops::core
