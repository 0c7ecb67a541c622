#pragma once

#include "http/api_types.hpp"

#include <boost/beast/http/field.hpp>
#include <string>

namespace llmops::http {

/// Copies what the api needs out of a parsed Beast request, moving its body. Shared by the
/// server's sessions and the fuzzing harness, so that both hand the api the same thing.
template <class Message> api_request to_api_request(Message& message) {
  namespace bhttp = boost::beast::http;
  api_request request;
  request.method = std::string(message.method_string());
  request.target = std::string(message.target());
  request.content_type = std::string(message[bhttp::field::content_type]);
  if (auto it = message.find("X-Tenant-ID"); it != message.end()) {
    request.has_tenant_header = true;
    request.tenant_header = std::string(it->value());
  }
  if (auto it = message.find("Idempotency-Key"); it != message.end()) {
    request.has_idempotency_key = true;
    request.idempotency_key = std::string(it->value());
  }
  request.authorization = std::string(message[bhttp::field::authorization]);
  request.body = std::move(message.body());
  return request;
}

} // namespace llmops::http
