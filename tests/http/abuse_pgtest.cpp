// Clients that misbehave: too fast, too slow.

#include "support/service_fixture.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <boost/json.hpp>
#include <dirent.h>
#include <thread>

using namespace llmops;
using namespace llmops::test;
namespace asio = boost::asio;

namespace {

const std::string ops_path = "/api/v1/llmops/operations";

std::size_t open_descriptors() {
  std::size_t count = 0;
  if (DIR* dir = opendir("/proc/self/fd")) {
    while (readdir(dir) != nullptr)
      ++count;
    closedir(dir);
  }
  return count;
}

} // namespace

BOOST_AUTO_TEST_SUITE(rate_limits)

BOOST_AUTO_TEST_CASE(a_tenant_over_its_rate_gets_429_with_retry_after) {
  service_fixture f([](service::config& settings) {
    settings.rate_limit_per_second = 1;
    settings.rate_limit_burst = 5;
  });
  const std::string body = R"({"operation_type":"chat","model":"m"})";
  for (int i = 0; i < 5; ++i)
    BOOST_REQUIRE_EQUAL(f.post(ops_path, body, {{"X-Tenant-ID", "greedy"}}).status, 201);
  auto refused = f.post(ops_path, body, {{"X-Tenant-ID", "greedy"}});
  BOOST_REQUIRE_EQUAL(refused.status, 429);
  BOOST_REQUIRE_EQUAL(
      std::string(refused.json().at("error").at("code").as_string()), "rate_limited");
  BOOST_REQUIRE_GE(std::stoi(refused.header("Retry-After")), 1);
  BOOST_REQUIRE_EQUAL(f.get("/api/v1/llmops/metrics", {{"X-Tenant-ID", "greedy"}}).status, 429);

  // Others are not slowed by the greedy one; health is never limited.
  BOOST_REQUIRE_EQUAL(f.post(ops_path, body, {{"X-Tenant-ID", "polite"}}).status, 201);
  BOOST_REQUIRE_EQUAL(f.get("/health", {{"X-Tenant-ID", "greedy"}}).status, 200);
  BOOST_REQUIRE_EQUAL(
      f.db.scalar("SELECT count(*) FROM llmops_operations WHERE tenant_id = 'greedy'"), 5);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(slow_clients)

BOOST_AUTO_TEST_CASE(stalled_connections_are_closed_and_do_not_block_others) {
  service_fixture f([](service::config& settings) { settings.read_timeout_ms = 1000; });
  const std::size_t descriptors_before = open_descriptors();

  // Two hundred clients: half never finish their header, half trickle a body.
  constexpr int stalled = 200;
  asio::io_context io;
  std::vector<asio::ip::tcp::socket> sockets;
  const asio::ip::tcp::endpoint server(asio::ip::make_address("127.0.0.1"), f.port);
  for (int i = 0; i < stalled; ++i) {
    sockets.emplace_back(io);
    sockets.back().connect(server);
    const std::string start =
        i % 2 ? "POST /api/v1/llmops/operations HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{"
              : "GET /health HTTP/1.1\r\nHost: x\r\nX-Slow: ";
    asio::write(sockets.back(), asio::buffer(start));
  }

  // Meanwhile, a well-behaved client is served.
  for (int i = 0; i < 20; ++i)
    BOOST_REQUIRE_EQUAL(f.post(ops_path, R"({"operation_type":"chat","model":"m"})").status, 201);

  // The body half keeps sending a byte now and then, past the read timeout: trickling does
  // not extend it, since it bounds the whole request.
  for (int round = 0; round < 8; ++round) {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    for (std::size_t i = 1; i < sockets.size(); i += 2) {
      boost::system::error_code ignored;
      asio::write(sockets[i], asio::buffer(std::string(" ")), ignored);
    }
  }

  // Each stalled connection is closed by the server (EOF or reset), within a bounded wait.
  int closed = 0;
  for (auto& socket : sockets) {
    boost::system::error_code ec;
    char byte;

    struct timeval bound {
      10, 0
    };

    setsockopt(socket.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &bound, sizeof bound);
    while (!ec)
      socket.read_some(asio::buffer(&byte, 1), ec);
    closed += ec == asio::error::eof || ec == asio::error::connection_reset;
  }
  BOOST_REQUIRE_EQUAL(closed, stalled);
  sockets.clear();

  // And the server let go of their descriptors.
  bool released = false;
  for (int i = 0; i < 100 && !released; ++i) {
    released = open_descriptors() <= descriptors_before + 5;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  BOOST_REQUIRE_MESSAGE(
      released, "descriptors before " << descriptors_before << ", now " << open_descriptors());
}

BOOST_AUTO_TEST_SUITE_END()
