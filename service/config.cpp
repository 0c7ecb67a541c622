#include "service/config.hpp"

#include "core/log.hpp"
#include "storage/pg.hpp"

#include <charconv>
#include <cstdlib>
#include <fstream>
#include <variant>

namespace llmops::service {

namespace {

constexpr const char* default_config_path = "conf/llmops.conf";

using member = std::variant<std::string config::*, std::int64_t config::*, bool config::*>;

struct key_spec {
  const char* name; ///< In the file; --name on the command line.
  const char* env;
  member target;
  std::int64_t min = 0;
  std::int64_t max = 0;
  const char* help;
};

const key_spec keys[] = {
    {"service_name", "SERVICE_NAME", &config::service_name, 0, 0, "name reported by /health"},
    {"service_port", "SERVICE_PORT", &config::service_port, 0, 65535,
     "HTTP port; 0 picks a free one"},
    {"database_url", "DATABASE_URL", &config::database_url, 0, 0,
     "PostgreSQL URL or conninfo (required; scripts/run starts one under var/ when unset)"},
    {"enable_nats", "ENABLE_NATS", &config::enable_nats, 0, 0,
     "NATS publishing (not built; must be false)"},
    {"enable_otel", "ENABLE_OTEL", &config::enable_otel, 0, 0,
     "OpenTelemetry export (not built; must be false)"},
    {"bind_address", "LLMOPS_BIND_ADDRESS", &config::bind_address, 0, 0, "address to listen on"},
    {"http_threads", "LLMOPS_HTTP_THREADS", &config::http_threads, 1, 64,
     "threads running the HTTP front end"},
    {"actor_threads", "LLMOPS_ACTOR_THREADS", &config::actor_threads, 1, 64,
     "threads of the actor scheduler (sharing policy)"},
    {"flush_rows", "LLMOPS_FLUSH_ROWS", &config::flush_rows, 1, 100000,
     "commit a batch as soon as this many rows wait"},
    {"flush_interval_ms", "LLMOPS_FLUSH_INTERVAL_MS", &config::flush_interval_ms, 0, 10000,
     "wait this long to gather a batch; 0 commits as soon as the writer's mailbox is empty"},
    {"write_queue_rows", "LLMOPS_WRITE_QUEUE_ROWS", &config::write_queue_rows, 1, 10000000,
     "rows accepted but not committed, at most; beyond, writes get 503"},
    {"reader_connections", "LLMOPS_READER_CONNECTIONS", &config::reader_connections, 1, 64,
     "database connections serving GET /operations and /health"},
    {"read_queue_jobs", "LLMOPS_READ_QUEUE_JOBS", &config::read_queue_jobs, 1, 100000,
     "queries waiting for a reader, at most; beyond, reads get 503"},
    {"max_body_bytes", "LLMOPS_MAX_BODY_BYTES", &config::max_body_bytes, 1024, 1 << 30,
     "largest request body; larger gets 413"},
    {"max_header_bytes", "LLMOPS_MAX_HEADER_BYTES", &config::max_header_bytes, 1024, 1 << 20,
     "largest request header; larger gets 431"},
    {"read_timeout_ms", "LLMOPS_READ_TIMEOUT_MS", &config::read_timeout_ms, 100, 3600000,
     "time allowed to receive one request, idle keep-alive included"},
    {"query_timeout_ms", "LLMOPS_QUERY_TIMEOUT_MS", &config::query_timeout_ms, 10, 600000,
     "time allowed to an aggregator to answer its share of a metrics question"},
    {"db_timeout_ms", "LLMOPS_DB_TIMEOUT_MS", &config::db_timeout_ms, 100, 600000,
     "statement timeout of every database call; a server silent 5 s longer is given up on"},
    {"metrics_recent_days", "LLMOPS_METRICS_RECENT_DAYS", &config::metrics_recent_days, 0, 366,
     "days before today whose second, minute and hour buckets stay in memory; older history "
     "keeps day buckets"},
    {"metrics_older_rows", "LLMOPS_METRICS_OLDER_ROWS", &config::metrics_older_rows, 1, 100000000,
     "rows one metrics question may read from the table for parts of older days; beyond, 400"},
    {"snapshot_interval_ms", "LLMOPS_SNAPSHOT_INTERVAL_MS", &config::snapshot_interval_ms, 100,
     86400000, "how often the day rollups changed since the last time are stored"},
    {"sync_interval_ms", "LLMOPS_SYNC_INTERVAL_MS", &config::sync_interval_ms, 10, 600000,
     "how often rows committed by other nodes are read into the metrics"},
    {"shutdown_timeout_ms", "LLMOPS_SHUTDOWN_TIMEOUT_MS", &config::shutdown_timeout_ms, 0, 600000,
     "time allowed on SIGTERM to answer requests in flight"},
    {"log_level", "LLMOPS_LOG_LEVEL", &config::log_level, 0, 0, "debug, info, warning or error"},
    {"pricing_file", "LLMOPS_PRICING_FILE", &config::pricing_file, 0, 0,
     "price catalog for operations sent without cost_usd; reloaded on SIGHUP"},
    {"auth_mode", "LLMOPS_AUTH_MODE", &config::auth_mode, 0, 0,
     "header: trust X-Tenant-ID (behind a gateway); api_key: require Authorization: Bearer <key>"},
    {"rate_limit_per_second", "LLMOPS_RATE_LIMIT_PER_SECOND", &config::rate_limit_per_second, 0,
     1000000,
     "requests per second each tenant (X-Tenant-ID) may make, beyond which 429; 0 is no limit"},
    {"rate_limit_burst", "LLMOPS_RATE_LIMIT_BURST", &config::rate_limit_burst, 0, 10000000,
     "requests a tenant may make at once after idling; 0 means one second's worth"},
};

std::string normalize(std::string name) {
  for (char& c : name)
    if (c == '-')
      c = '_';
  return name;
}

const key_spec* find_key(const std::string& name) {
  for (const auto& key : keys)
    if (normalize(name) == key.name)
      return &key;
  return nullptr;
}

// Sets one key from text; source names where it came from, for the error.
bool assign(
    config& settings,
    const key_spec& key,
    const std::string& value,
    const std::string& source,
    std::string& error) {
  if (auto text = std::get_if<std::string config::*>(&key.target)) {
    settings.*(*text) = value;
    settings.pricing_file_given = settings.pricing_file_given || *text == &config::pricing_file;
    return true;
  }
  if (auto flag = std::get_if<bool config::*>(&key.target)) {
    if (value == "true" || value == "1" || value == "yes" || value == "on") {
      settings.*(*flag) = true;
      return true;
    }
    if (value == "false" || value == "0" || value == "no" || value == "off") {
      settings.*(*flag) = false;
      return true;
    }
    error = "bad value for " + source + ": \"" + value + "\"; expected true or false";
    return false;
  }
  auto number = std::get<std::int64_t config::*>(key.target);
  std::int64_t parsed = 0;
  auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), parsed);
  if (ec != std::errc{} || end != value.data() + value.size() || parsed < key.min ||
      parsed > key.max) {
    error = "bad value for " + source + ": \"" + value + "\"; expected an integer from " +
            std::to_string(key.min) + " to " + std::to_string(key.max);
    return false;
  }
  settings.*number = parsed;
  return true;
}

std::string trim(const std::string& text) {
  const auto first = text.find_first_not_of(" \t\r");
  if (first == std::string::npos)
    return "";
  return text.substr(first, text.find_last_not_of(" \t\r") - first + 1);
}

bool load_file(config& settings, const std::string& path, bool required, std::string& error) {
  std::ifstream file(path);
  if (!file) {
    if (required)
      error = "cannot read config file " + path;
    return !required;
  }
  std::string line;
  for (int number = 1; std::getline(file, line); ++number) {
    line = trim(line.substr(0, line.find('#')));
    if (line.empty())
      continue;
    const auto equals = line.find('=');
    const std::string where = path + ":" + std::to_string(number);
    if (equals == std::string::npos) {
      error = "bad line in " + where + ": expected key = value";
      return false;
    }
    const std::string name = trim(line.substr(0, equals));
    const key_spec* key = find_key(name);
    if (key == nullptr) {
      error = "unknown key " + name + " in " + where;
      return false;
    }
    if (!assign(settings, *key, trim(line.substr(equals + 1)), name + " (" + where + ")", error))
      return false;
  }
  return true;
}

} // namespace

std::optional<config>
load_config(int argc, const char* const* argv, std::string& error, bool& help) {
  config settings;
  help = false;

  // Command-line pairs, read first to find --config and --help.
  std::vector<std::pair<std::string, std::string>> flags;
  std::string config_path;
  bool config_required = false;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--help" || arg == "-h") {
      help = true;
      return settings;
    }
    if (arg.rfind("--", 0) != 0) {
      error = "unexpected argument " + arg + "; flags look like --key=value";
      return std::nullopt;
    }
    arg = arg.substr(2);
    std::string value;
    if (auto equals = arg.find('='); equals != std::string::npos) {
      value = arg.substr(equals + 1);
      arg = arg.substr(0, equals);
    } else if (i + 1 < argc) {
      value = argv[++i];
    } else {
      error = "flag --" + arg + " needs a value";
      return std::nullopt;
    }
    if (normalize(arg) == "config") {
      config_path = value;
      config_required = true;
    } else {
      flags.emplace_back(arg, value);
    }
  }
  if (!config_required) {
    if (const char* env = std::getenv("LLMOPS_CONFIG")) {
      config_path = env;
      config_required = true;
    } else {
      config_path = default_config_path;
    }
  }

  // Defaults < file < environment < flags.
  if (!load_file(settings, config_path, config_required, error))
    return std::nullopt;
  for (const auto& key : keys)
    if (const char* value = std::getenv(key.env))
      if (!assign(settings, key, value, key.env, error))
        return std::nullopt;
  for (const auto& [name, value] : flags) {
    const key_spec* key = find_key(name);
    if (key == nullptr) {
      error = "unknown flag --" + name + "; see --help";
      return std::nullopt;
    }
    if (!assign(settings, *key, value, "--" + name, error))
      return std::nullopt;
  }

  // Rules that span one key's syntax.
  if (settings.database_url.empty()) {
    error = "DATABASE_URL is required (database_url in the config file, or --database-url)";
    return std::nullopt;
  }
  if (!core::parse_log_level(settings.log_level)) {
    error = "bad value for LLMOPS_LOG_LEVEL: \"" + settings.log_level +
            "\"; expected debug, info, warning or error";
    return std::nullopt;
  }
  if (settings.auth_mode != "header" && settings.auth_mode != "api_key") {
    error = "bad value for LLMOPS_AUTH_MODE: \"" + settings.auth_mode +
            "\"; expected header or api_key";
    return std::nullopt;
  }
  if (settings.enable_nats) {
    error = "ENABLE_NATS=true is not supported: this build has no NATS publisher";
    return std::nullopt;
  }
  if (settings.enable_otel) {
    error = "ENABLE_OTEL=true is not supported: this build has no OpenTelemetry exporter";
    return std::nullopt;
  }
  return settings;
}

std::string describe_config() {
  config defaults;
  std::string text = "Settings (file key / environment variable / --flag), defaults in brackets:\n";
  for (const auto& key : keys) {
    std::string value;
    if (auto s = std::get_if<std::string config::*>(&key.target))
      value = defaults.*(*s);
    else if (auto b = std::get_if<bool config::*>(&key.target))
      value = defaults.*(*b) ? "true" : "false";
    else
      value = std::to_string(defaults.*std::get<std::int64_t config::*>(key.target));
    text += "  " + std::string(key.name) + " / " + key.env + " [" + value + "]: " + key.help + "\n";
  }
  text += "  --config / LLMOPS_CONFIG [conf/llmops.conf]: the config file\n";
  return text;
}

std::string summarize(const config& settings) {
  return "configuration service_name=" + settings.service_name + " bind=" + settings.bind_address +
         ":" + std::to_string(settings.service_port) + " database=\"" +
         storage::redact_conninfo(settings.database_url) +
         "\" http_threads=" + std::to_string(settings.http_threads) +
         " actor_threads=" + std::to_string(settings.actor_threads) +
         " flush_rows=" + std::to_string(settings.flush_rows) +
         " flush_interval_ms=" + std::to_string(settings.flush_interval_ms) +
         " write_queue_rows=" + std::to_string(settings.write_queue_rows) +
         " reader_connections=" + std::to_string(settings.reader_connections) +
         " read_queue_jobs=" + std::to_string(settings.read_queue_jobs) +
         " max_body_bytes=" + std::to_string(settings.max_body_bytes) +
         " max_header_bytes=" + std::to_string(settings.max_header_bytes) +
         " read_timeout_ms=" + std::to_string(settings.read_timeout_ms) +
         " log_level=" + settings.log_level + " pricing_file=" + settings.pricing_file +
         " auth_mode=" + settings.auth_mode;
}

} // namespace llmops::service
