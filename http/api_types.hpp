#pragma once

#include <functional>
#include <string>
#include <utility>
#include <vector>

namespace llmops::http {

/// What the handlers need of an HTTP request, free of Beast so that they compile fast and can
/// be tested alone.
struct api_request {
  std::string method;       ///< "GET", "POST", ...
  std::string target;       ///< Path and query as sent.
  std::string content_type; ///< Empty when absent.
  std::string tenant_header;
  bool has_tenant_header = false;
  std::string idempotency_key;
  bool has_idempotency_key = false;
  std::string authorization;  ///< The Authorization header, empty when absent.
  bool operator_role = false; ///< Set by the api once the caller is known.
  std::string body;
  std::string request_id;
  std::string correlation_id;
};

struct api_response {
  int status = 200;
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers; ///< Beyond the standard ones.
};

/// Answers a request; may be called from any thread, exactly once.
using responder = std::function<void(api_response&&)>;

} // namespace llmops::http
