#pragma once

#include "service/service.hpp"
#include "support/http_client.hpp"
#include "support/pg_fixture.hpp"

#include <boost/test/unit_test.hpp>
#include <chrono>
#include <functional>
#include <memory>
#include <thread>

namespace llmops::test {

/// Polls check every 20 ms until it holds or the bound passes; tests wait on conditions, never
/// on the clock alone.
inline bool eventually(
    const std::function<bool()>& check, std::chrono::seconds bound = std::chrono::seconds(30)) {
  const auto deadline = std::chrono::steady_clock::now() + bound;
  while (std::chrono::steady_clock::now() < deadline) {
    if (check())
      return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return check();
}

/// The service running in-process on a free loopback port, on a fresh schema.
struct service_fixture {
  explicit service_fixture(const std::function<void(service::config&)>& tweak = {}) {
    settings = test_config(db.conninfo());
    settings.log_level = "warning";
    if (tweak)
      tweak(settings);
    start();
  }

  ~service_fixture() { stop(); }

  void start() {
    instance = std::make_unique<service::service>(settings);
    std::string error;
    BOOST_REQUIRE_MESSAGE(instance->start(error), "service did not start: " + error);
    port = instance->port();
  }

  void stop() {
    if (instance)
      instance->shutdown();
    instance.reset();
  }

  http_reply get(const std::string& target, const header_list& headers = {}) {
    return http_request(port, "GET", target, "", headers);
  }

  http_reply
  post(const std::string& target, const std::string& body, const header_list& headers = {}) {
    return http_request(port, "POST", target, body, headers);
  }

  pg_schema db;
  service::config settings;
  std::unique_ptr<service::service> instance;
  unsigned short port = 0;
};

} // namespace llmops::test
