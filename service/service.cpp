#include "service/service.hpp"

#include "actors/runtime.hpp"
#include "core/log.hpp"
#include "http/api.hpp"
#include "http/server.hpp"

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <filesystem>
#include <thread>

#ifndef LLMOPS_VERSION
#define LLMOPS_VERSION "0.0.0"
#endif

namespace llmops::service {

namespace {

const core::logger log{"service"};

// How often a shutdown looks whether requests in flight are answered.
constexpr std::chrono::milliseconds shutdown_poll{10};

actors::runtime_config runtime_settings(const config& settings) {
  actors::runtime_config runtime;
  runtime.conninfo = settings.database_url;
  runtime.actor_threads = static_cast<std::size_t>(settings.actor_threads);
  runtime.flush_rows = static_cast<std::size_t>(settings.flush_rows);
  runtime.flush_interval = std::chrono::milliseconds(settings.flush_interval_ms);
  runtime.write_queue_rows = settings.write_queue_rows;
  runtime.reader_connections = static_cast<std::size_t>(settings.reader_connections);
  runtime.read_queue_jobs = settings.read_queue_jobs;
  runtime.query_timeout = std::chrono::milliseconds(settings.query_timeout_ms);
  runtime.db_timeout = std::chrono::milliseconds(settings.db_timeout_ms);
  runtime.metrics_recent_days = settings.metrics_recent_days;
  runtime.metrics_older_rows = settings.metrics_older_rows;
  runtime.snapshot_interval = std::chrono::milliseconds(settings.snapshot_interval_ms);
  runtime.sync_interval = std::chrono::milliseconds(settings.sync_interval_ms);
  return runtime;
}

} // namespace

struct service::impl {
  explicit impl(config settings)
      : settings(std::move(settings)), runtime(runtime_settings(this->settings)),
        work(boost::asio::make_work_guard(io)) {}

  config settings;
  actors::runtime runtime;
  boost::asio::io_context io;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work;
  core::catalog_holder catalog;
  std::unique_ptr<http::api> handler;
  std::unique_ptr<http::server> server;
  std::vector<std::thread> threads;
  bool running = false;
};

service::service(config settings) : impl_(std::make_unique<impl>(std::move(settings))) {}

service::~service() {
  shutdown();
}

bool service::start(std::string& error) {
  auto& d = *impl_;
  core::set_log_level(core::parse_log_level(d.settings.log_level).value_or(core::log_level::info));

  // The price catalog: a missing default file only means no catalog; anything else must load.
  if (!reload_pricing(error)) {
    if (d.settings.pricing_file_given || std::filesystem::exists(d.settings.pricing_file))
      return false;
    log.warning(
        "no price catalog file=" + d.settings.pricing_file +
        " hint=\"operations without cost_usd are recorded as unknown_model\"");
    error.clear();
  }
  if (!d.runtime.start(error))
    return false;

  http::service_info info;
  info.name = d.settings.service_name;
  info.version = LLMOPS_VERSION;
  info.started_at = core::now_micros();
  info.require_api_keys = d.settings.auth_mode == "api_key";
  info.rate_limit_per_second = static_cast<double>(d.settings.rate_limit_per_second);
  info.rate_limit_burst = static_cast<double>(
      d.settings.rate_limit_burst > 0 ? d.settings.rate_limit_burst
                                      : d.settings.rate_limit_per_second);
  d.handler = std::make_unique<http::api>(d.runtime, d.catalog, info);

  http::server_limits limits;
  limits.max_body_bytes = static_cast<std::size_t>(d.settings.max_body_bytes);
  limits.max_header_bytes = static_cast<std::size_t>(d.settings.max_header_bytes);
  limits.read_timeout = std::chrono::milliseconds(d.settings.read_timeout_ms);
  d.server = std::make_unique<http::server>(d.io, *d.handler, limits);
  if (!d.server->listen(
          d.settings.bind_address, static_cast<unsigned short>(d.settings.service_port), error)) {
    d.runtime.stop();
    return false;
  }

  for (std::int64_t i = 0; i < d.settings.http_threads; ++i)
    d.threads.emplace_back([&io = d.io] { io.run(); });
  d.running = true;
  log.info(
      "listening address=" + d.settings.bind_address + " port=" + std::to_string(d.server->port()) +
      " version=" + LLMOPS_VERSION);
  return true;
}

bool service::reload_pricing(std::string& error) {
  auto& d = *impl_;
  auto catalog = core::price_catalog::load(d.settings.pricing_file, error);
  if (!catalog)
    return false;
  auto loaded = std::make_shared<core::catalog_holder::loaded>();
  loaded->catalog = std::move(*catalog);
  loaded->source = d.settings.pricing_file;
  loaded->loaded_at = core::now_micros();
  log.info(
      "price catalog loaded file=" + d.settings.pricing_file +
      " models=" + std::to_string(loaded->catalog.entries().size()));
  d.catalog.set(std::move(loaded));
  return true;
}

unsigned short service::port() const {
  return impl_->server ? impl_->server->port() : 0;
}

void service::shutdown() {
  auto& d = *impl_;
  if (!d.running) {
    d.runtime.stop();
    return;
  }
  d.running = false;
  log.info("shutting down");

  // No new connections; commit what was accepted, which answers every waiting write.
  d.server->stop_accepting();
  d.runtime.drain();

  // Let the answers reach their clients.
  const auto deadline =
      std::chrono::steady_clock::now() + std::chrono::milliseconds(d.settings.shutdown_timeout_ms);
  while (d.server->in_flight() > 0 && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(shutdown_poll);
  if (d.server->in_flight() > 0)
    log.warning(
        "requests still unanswered at shutdown count=" + std::to_string(d.server->in_flight()));

  d.work.reset();
  d.io.stop();
  for (auto& thread : d.threads)
    thread.join();
  d.threads.clear();
  d.runtime.stop();
  log.info("stopped");
}

} // namespace llmops::service
