#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace llmops::service {

/// Every setting of the service. Sources, later winning: built-in defaults, the config file
/// (conf/llmops.conf, or --config / LLMOPS_CONFIG), the environment, the command line.
struct config {
  std::string service_name = "llmops-service";
  std::int64_t service_port = 8088;
  std::string database_url;
  bool enable_nats = false;
  bool enable_otel = false;
  std::string bind_address = "0.0.0.0";
  std::int64_t http_threads = 2;
  std::int64_t actor_threads = 2;
  std::int64_t flush_rows = 1000;
  std::int64_t flush_interval_ms = 0;
  std::int64_t write_queue_rows = 20000;
  std::int64_t reader_connections = 4;
  std::int64_t read_queue_jobs = 256;
  std::int64_t max_body_bytes = 1 << 20;
  std::int64_t max_header_bytes = 8 << 10;
  std::int64_t read_timeout_ms = 30000;
  std::int64_t query_timeout_ms = 5000;
  std::int64_t db_timeout_ms = 30000;
  std::int64_t metrics_recent_days = 2;
  std::int64_t metrics_older_rows = 1000000;
  std::int64_t snapshot_interval_ms = 60000;
  std::int64_t sync_interval_ms = 1000;
  std::int64_t shutdown_timeout_ms = 10000;
  std::string log_level = "info";
  std::string pricing_file = "conf/pricing.json";
  std::string auth_mode = "header";
  std::int64_t rate_limit_per_second = 0;
  std::int64_t rate_limit_burst = 0;
  bool pricing_file_given = false; ///< Set when pricing_file came from a file, env or flag.
};

/// Loads the configuration from file, environment and arguments. Returns nullopt with error
/// naming the key on a bad key or value. Sets help when --help was given.
std::optional<config>
load_config(int argc, const char* const* argv, std::string& error, bool& help);

/// One line per key: name, environment variable, default, meaning.
std::string describe_config();

/// The one-line summary logged at start, the password cut out.
std::string summarize(const config& settings);

} // namespace llmops::service
