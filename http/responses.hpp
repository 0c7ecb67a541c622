#pragma once

// Small helpers shared by the handlers of the api (api.cpp, key_endpoints.cpp).

#include "http/api_types.hpp"
#include "http/errors.hpp"

#include <string>

namespace llmops::http {

inline api_response ok(int status, std::string body) {
  api_response response;
  response.status = status;
  response.body = std::move(body);
  return response;
}

/// Sends an error envelope for request.
inline void fail(const api_request& request, const responder& respond, const api_error& error) {
  respond(make_error_response(error, request.request_id, request.correlation_id));
}

inline api_error unavailable(std::string message) {
  return {error_code::service_unavailable, std::move(message), ""};
}

} // namespace llmops::http
