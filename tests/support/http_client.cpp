#include "support/http_client.hpp"

#include <algorithm>
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/json/parse.hpp>
#include <boost/test/unit_test.hpp>

namespace llmops::test {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;

boost::json::value http_reply::json() const {
  std::error_code ec;
  auto value = boost::json::parse(body, ec);
  BOOST_REQUIRE_MESSAGE(!ec, "response is not JSON: " + body);
  return value;
}

std::string http_reply::header(const std::string& name) const {
  std::string lower = name;
  std::transform(lower.begin(), lower.end(), lower.begin(), ::tolower);
  auto it = headers.find(lower);
  return it == headers.end() ? "" : it->second;
}

http_reply http_request(
    unsigned short port,
    const std::string& method,
    const std::string& target,
    const std::string& body,
    const header_list& headers) {
  asio::io_context io;
  beast::tcp_stream stream(io);
  stream.expires_after(std::chrono::seconds(60));
  stream.connect(asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));

  bhttp::request<bhttp::string_body> request{bhttp::string_to_verb(method), target, 11};
  if (request.method() == bhttp::verb::unknown)
    request.method_string(method);
  request.set(bhttp::field::host, "127.0.0.1");
  bool has_content_type = false;
  for (const auto& [name, value] : headers) {
    request.set(name, value);
    has_content_type = has_content_type || beast::iequals(name, "Content-Type");
  }
  if (!body.empty() && !has_content_type)
    request.set(bhttp::field::content_type, "application/json");
  request.body() = body;
  request.prepare_payload();

  // The server may answer (413, say) and stop reading before the body is sent: read anyway.
  beast::error_code write_error;
  bhttp::write(stream, request, write_error);

  beast::flat_buffer buffer;
  bhttp::response_parser<bhttp::string_body> parser;
  parser.body_limit(64 << 20);
  bhttp::read(stream, buffer, parser);
  auto& response = parser.get();

  http_reply reply;
  reply.status = static_cast<int>(response.result_int());
  for (const auto& field : response) {
    std::string name(field.name_string());
    std::transform(name.begin(), name.end(), name.begin(), ::tolower);
    reply.headers[name] = std::string(field.value());
  }
  reply.body = response.body();
  beast::error_code ignored;
  stream.socket().shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
  return reply;
}

std::string raw_exchange(unsigned short port, const std::string& bytes) {
  asio::io_context io;
  beast::tcp_stream stream(io);
  stream.expires_after(std::chrono::seconds(30));
  stream.connect(asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
  asio::write(stream, asio::buffer(bytes));
  std::string answer;
  beast::error_code ec;
  char chunk[4096];
  while (answer.size() < (1 << 20)) {
    std::size_t n = stream.read_some(asio::buffer(chunk), ec);
    if (ec)
      break;
    answer.append(chunk, n);
  }
  return answer;
}

} // namespace llmops::test
