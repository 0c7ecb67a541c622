#include "http/server.hpp"

#include "core/log.hpp"
#include "core/operation.hpp"
#include "http/errors.hpp"
#include "http/request_adapter.hpp"

#include <boost/asio/dispatch.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

namespace llmops::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;

namespace {

const core::logger log{"http"};

// A correlation id from the client is echoed only if it is short and printable.
constexpr std::size_t max_correlation_id_bytes = 128;

// How long a closing connection keeps reading what the client still sends, and in what chunks.
constexpr std::chrono::seconds linger_timeout{2};
constexpr std::size_t linger_chunk_bytes = 16 << 10;

// After an accept error (out of descriptors, say) wait before accepting again.
constexpr std::chrono::milliseconds accept_retry_delay{100};

const beast::error_category& http_error_category() {
  static const beast::error_category& category =
      beast::error_code(bhttp::error::end_of_stream).category();
  return category;
}

std::string correlation_of(std::string_view header, const std::string& request_id) {
  if (header.empty() || header.size() > max_correlation_id_bytes)
    return request_id;
  for (char c : header)
    if (static_cast<unsigned char>(c) < 0x21 || static_cast<unsigned char>(c) > 0x7e)
      return request_id;
  return std::string(header);
}

class session : public std::enable_shared_from_this<session> {
public:
  session(
      tcp::socket&& socket,
      api& handler,
      const server_limits& limits,
      std::atomic<std::size_t>& in_flight)
      : stream_(std::move(socket)), api_(handler), limits_(limits), in_flight_(in_flight) {}

  void start() {
    asio::dispatch(
        stream_.get_executor(),
        beast::bind_front_handler(&session::do_read_header, shared_from_this()));
  }

private:
  void do_read_header() {
    parser_.emplace();
    parser_->body_limit(limits_.max_body_bytes);
    parser_->header_limit(static_cast<std::uint32_t>(limits_.max_header_bytes));
    stream_.expires_after(limits_.read_timeout);
    bhttp::async_read_header(
        stream_, buffer_, *parser_,
        beast::bind_front_handler(&session::on_read_header, shared_from_this()));
  }

  void on_read_header(beast::error_code ec, std::size_t) {
    if (ec)
      return on_read(ec, 0);

    // curl and others wait for "100 Continue" before sending a large body.
    const auto& request = parser_->get();
    if (beast::iequals(request[bhttp::field::expect], "100-continue")) {
      continue_.emplace(bhttp::status::continue_, request.version());
      bhttp::async_write(
          stream_, *continue_,
          [self = shared_from_this()](beast::error_code write_ec, std::size_t) {
            if (write_ec)
              return self->close();
            self->do_read_body();
          });
      return;
    }
    do_read_body();
  }

  void do_read_body() {
    bhttp::async_read(
        stream_, buffer_, *parser_,
        beast::bind_front_handler(&session::on_read, shared_from_this()));
  }

  void on_read(beast::error_code ec, std::size_t) {
    request_id_ = core::make_request_id();
    if (ec) {
      // Errors the client should hear about; anything else (timeout, reset, EOF) just closes.
      std::optional<api_error> error;
      if (ec == bhttp::error::body_limit)
        error = api_error{
            error_code::payload_too_large,
            "request body exceeds " + std::to_string(limits_.max_body_bytes) + " bytes", "body"};
      else if (ec == bhttp::error::header_limit)
        error = api_error{
            error_code::header_too_large,
            "request header exceeds " + std::to_string(limits_.max_header_bytes) + " bytes",
            "header"};
      else if (
          ec.category() == http_error_category() && ec != bhttp::error::end_of_stream &&
          ec != bhttp::error::partial_message)
        error = api_error{
            error_code::validation_error, "malformed HTTP request: " + ec.message(), "request"};
      if (!error)
        return close();
      ++in_flight_;
      keep_alive_ = false;
      send(make_error_response(*error, request_id_, request_id_));
      return;
    }

    // Hand the request to the api; its answer may come from another thread.
    auto& message = parser_->get();
    api_request request = to_api_request(message);
    request.request_id = request_id_;
    request.correlation_id = correlation_of(message["X-Correlation-ID"], request_id_);
    correlation_id_ = request.correlation_id;
    keep_alive_ = message.keep_alive();
    version_ = message.version();
    ++in_flight_;
    stream_.expires_never();
    api_.handle(std::move(request), [self = shared_from_this()](api_response&& response) {
      asio::post(self->stream_.get_executor(), [self, response = std::move(response)]() mutable {
        self->send(std::move(response));
      });
    });
  }

  void send(api_response&& answer) {
    response_ = {};
    response_.version(version_);
    response_.result(static_cast<unsigned>(answer.status));
    response_.set(bhttp::field::content_type, "application/json");
    response_.set("X-Request-ID", request_id_);
    response_.set("X-Correlation-ID", correlation_id_.empty() ? request_id_ : correlation_id_);
    for (auto& [name, value] : answer.headers)
      response_.set(name, value);
    response_.keep_alive(keep_alive_);
    response_.body() = std::move(answer.body);
    response_.prepare_payload();

    if (log.enabled(core::log_level::debug))
      log.debug(
          "request answered request_id=" + request_id_ +
          " status=" + std::to_string(answer.status));
    stream_.expires_after(limits_.write_timeout);
    bhttp::async_write(
        stream_, response_, beast::bind_front_handler(&session::on_write, shared_from_this()));
  }

  void on_write(beast::error_code ec, std::size_t) {
    --in_flight_;
    correlation_id_.clear();
    if (ec)
      return close();
    if (!keep_alive_)
      return linger();
    do_read_header();
  }

  void close() {
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
    stream_.close();
  }

  // Closes after an answer the client may still be sending a body to (413, say): stop sending,
  // then read and drop what arrives for a while, so that closing does not reset the connection
  // and destroy the answer before the client has read it.
  void linger() {
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
    stream_.expires_after(linger_timeout);
    drain_buffer_.resize(linger_chunk_bytes);
    do_linger();
  }

  void do_linger() {
    stream_.async_read_some(
        asio::buffer(drain_buffer_),
        [self = shared_from_this()](beast::error_code ec, std::size_t) {
          if (ec)
            return self->stream_.close();
          self->do_linger();
        });
  }

  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  std::optional<bhttp::request_parser<bhttp::string_body>> parser_;
  std::optional<bhttp::response<bhttp::empty_body>> continue_;
  bhttp::response<bhttp::string_body> response_;
  api& api_;
  const server_limits& limits_;
  std::atomic<std::size_t>& in_flight_;
  std::vector<char> drain_buffer_;
  std::string request_id_;
  std::string correlation_id_;
  bool keep_alive_ = true;
  unsigned version_ = 11;
};

} // namespace

struct server::impl : std::enable_shared_from_this<server::impl> {
  impl(asio::io_context& io, api& handler, server_limits limits)
      : io(io), acceptor(asio::make_strand(io)), retry_timer(acceptor.get_executor()),
        handler(handler), limits(limits) {}

  void do_accept() {
    acceptor.async_accept(
        asio::make_strand(io),
        [self = shared_from_this()](beast::error_code ec, tcp::socket socket) {
          if (ec == asio::error::operation_aborted || !self->acceptor.is_open())
            return;
          if (ec) {
            log.warning("accept failed error=\"" + ec.message() + "\"");
            self->retry_timer.expires_after(accept_retry_delay);
            self->retry_timer.async_wait([self](beast::error_code) {
              if (self->acceptor.is_open())
                self->do_accept();
            });
            return;
          }
          std::make_shared<session>(std::move(socket), self->handler, self->limits, self->in_flight)
              ->start();
          self->do_accept();
        });
  }

  asio::io_context& io;
  tcp::acceptor acceptor;
  asio::steady_timer retry_timer;
  api& handler;
  server_limits limits;
  std::atomic<std::size_t> in_flight{0};
};

server::server(asio::io_context& io, api& handler, server_limits limits)
    : impl_(std::make_shared<impl>(io, handler, limits)) {}

server::~server() = default;

bool server::listen(const std::string& address, unsigned short port, std::string& error) {
  beast::error_code ec;
  auto ip = asio::ip::make_address(address, ec);
  if (ec) {
    error = "bad bind address " + address + ": " + ec.message();
    return false;
  }
  tcp::endpoint endpoint{ip, port};
  auto& acceptor = impl_->acceptor;
  acceptor.open(endpoint.protocol(), ec);
  if (!ec)
    acceptor.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec)
    acceptor.bind(endpoint, ec);
  if (!ec)
    acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    error = "cannot listen on " + address + ":" + std::to_string(port) + ": " + ec.message();
    return false;
  }
  impl_->do_accept();
  return true;
}

unsigned short server::port() const {
  beast::error_code ec;
  return impl_->acceptor.local_endpoint(ec).port();
}

void server::stop_accepting() {
  asio::post(impl_->acceptor.get_executor(), [self = impl_] {
    beast::error_code ignored;
    self->acceptor.close(ignored);
    self->retry_timer.cancel();
  });
}

std::size_t server::in_flight() const {
  return impl_->in_flight.load();
}

} // namespace llmops::http
