#pragma once

#include <boost/json/value.hpp>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace llmops::test {

struct http_reply {
  int status = 0;
  std::map<std::string, std::string> headers; ///< Names in lower case.
  std::string body;

  /// The body parsed as JSON; fails the test if it is not JSON.
  boost::json::value json() const;

  std::string header(const std::string& name) const;
};

using header_list = std::vector<std::pair<std::string, std::string>>;

/// Sends one HTTP/1.1 request to 127.0.0.1:port over a new connection and reads the answer.
http_reply http_request(
    unsigned short port,
    const std::string& method,
    const std::string& target,
    const std::string& body = "",
    const header_list& headers = {});

/// Sends raw bytes and returns whatever the server answers before closing (up to a bound).
std::string raw_exchange(unsigned short port, const std::string& bytes);

} // namespace llmops::test
