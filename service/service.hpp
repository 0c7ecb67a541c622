#pragma once

#include "service/config.hpp"

#include <memory>
#include <string>

namespace llmops::service {

/// The whole service in one object: runtime (actors, storage) and HTTP front end. Used by main
/// and by the tests, which run it in-process on a free port.
class service {
public:
  explicit service(config settings);
  ~service();

  /// Connects to the database, migrates, rebuilds metrics, listens and starts the HTTP threads.
  /// Returns false with error set on failure.
  bool start(std::string& error);

  /// The port it listens on (useful with service_port = 0).
  unsigned short port() const;

  /// Loads the price catalog again from pricing_file. A bad file is refused (error set) and
  /// the catalog in force stays. Thread-safe.
  bool reload_pricing(std::string& error);

  /// Graceful stop: refuses new connections, commits everything pending, answers every
  /// request in flight (bounded by shutdown_timeout_ms), then stops all threads. Idempotent.
  void shutdown();

private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

} // namespace llmops::service
