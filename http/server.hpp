#pragma once

#include "http/api.hpp"

#include <atomic>
#include <chrono>
#include <memory>
#include <string>

namespace boost::asio {
class io_context;
} // namespace boost::asio

namespace llmops::http {

struct server_limits {
  std::size_t max_body_bytes = 1 << 20;            ///< Larger bodies get 413.
  std::size_t max_header_bytes = 8 << 10;          ///< Larger headers get 431.
  std::chrono::milliseconds read_timeout{30'000};  ///< For one whole request, idle included.
  std::chrono::milliseconds write_timeout{30'000}; ///< For one whole response.
};

/// The Beast HTTP/1.1 front end: accepts connections and runs one session per connection,
/// which reads a request, passes it to the api, and writes the answer back (keep-alive).
/// Every response carries X-Request-ID and X-Correlation-ID.
class server {
public:
  server(boost::asio::io_context& io, api& handler, server_limits limits);
  ~server();

  /// Binds and starts accepting. Port 0 picks a free port; see port().
  bool listen(const std::string& address, unsigned short port, std::string& error);

  unsigned short port() const;

  /// Closes the listening socket; open connections go on. Thread-safe.
  void stop_accepting();

  /// Requests read but not yet answered.
  std::size_t in_flight() const;

private:
  struct impl;
  std::shared_ptr<impl> impl_;
};

} // namespace llmops::http
