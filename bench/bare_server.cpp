// The HTTP ceiling: a Beast server that reads each request the service would get and answers it
// at once with a fixed 201 body, doing nothing else. Same library, same threads, same port.

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <thread>
#include <vector>

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = boost::beast::http;
using tcp = asio::ip::tcp;

namespace {

constexpr const char* answer =
    R"({"success":true,"data":{"operation_id":"op_000000000000000000000000","duplicate":false}})";

class session : public std::enable_shared_from_this<session> {
public:
  explicit session(tcp::socket&& socket) : stream_(std::move(socket)) {}

  void do_read() {
    parser_.emplace();
    parser_->body_limit(1 << 20);
    http::async_read(
        stream_, buffer_, *parser_,
        beast::bind_front_handler(&session::on_read, shared_from_this()));
  }

private:
  void on_read(beast::error_code ec, std::size_t) {
    if (ec)
      return;
    auto& request = parser_->get();
    response_ = {};
    response_.version(request.version());
    response_.result(http::status::created);
    response_.set(http::field::content_type, "application/json");
    response_.keep_alive(request.keep_alive());
    response_.body() = answer;
    response_.prepare_payload();
    http::async_write(
        stream_, response_, [self = shared_from_this()](beast::error_code write_ec, std::size_t) {
          if (!write_ec && self->response_.keep_alive())
            self->do_read();
        });
  }

  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  http::response<http::string_body> response_;
};

void accept(asio::io_context& io, tcp::acceptor& acceptor) {
  acceptor.async_accept(
      asio::make_strand(io), [&io, &acceptor](beast::error_code ec, tcp::socket socket) {
        if (!ec)
          std::make_shared<session>(std::move(socket))->do_read();
        accept(io, acceptor);
      });
}

} // namespace

int main(int argc, char** argv) {
  const unsigned short port = argc > 1 ? static_cast<unsigned short>(std::atoi(argv[1])) : 8089;
  const int threads = argc > 2 ? std::atoi(argv[2]) : 2;
  asio::io_context io;
  tcp::acceptor acceptor(io, {asio::ip::make_address("127.0.0.1"), port});
  accept(io, acceptor);
  std::vector<std::thread> pool;
  for (int i = 1; i < threads; ++i)
    pool.emplace_back([&io] { io.run(); });
  io.run();
}
