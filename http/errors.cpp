#include "http/errors.hpp"

#include "core/json_writer.hpp"

namespace llmops::http {

int status_of(error_code code) {
  switch (code) {
  case error_code::validation_error:
  case error_code::invalid_json:
    return 400;
  case error_code::unauthorized:
    return 401;
  case error_code::forbidden:
    return 403;
  case error_code::not_found:
    return 404;
  case error_code::conflict:
    return 409;
  case error_code::rate_limited:
    return 429;
  case error_code::method_not_allowed:
    return 405;
  case error_code::payload_too_large:
    return 413;
  case error_code::unsupported_media_type:
    return 415;
  case error_code::header_too_large:
    return 431;
  case error_code::service_unavailable:
    return 503;
  case error_code::internal_error:
    return 500;
  }
  return 500;
}

const char* name_of(error_code code) {
  switch (code) {
  case error_code::validation_error:
    return "validation_error";
  case error_code::invalid_json:
    return "invalid_json";
  case error_code::unauthorized:
    return "unauthorized";
  case error_code::forbidden:
    return "forbidden";
  case error_code::not_found:
    return "not_found";
  case error_code::conflict:
    return "conflict";
  case error_code::rate_limited:
    return "rate_limited";
  case error_code::method_not_allowed:
    return "method_not_allowed";
  case error_code::payload_too_large:
    return "payload_too_large";
  case error_code::unsupported_media_type:
    return "unsupported_media_type";
  case error_code::header_too_large:
    return "header_too_large";
  case error_code::service_unavailable:
    return "service_unavailable";
  case error_code::internal_error:
    return "internal_error";
  }
  return "internal_error";
}

void write_error_object(core::json_writer& json, const api_error& error) {
  json.begin_object();
  json.key("code").string(name_of(error.code));
  json.key("message").string(error.message);
  if (error.field.empty())
    json.key("field").null();
  else
    json.key("field").string(error.field);
  json.end_object();
}

api_response make_error_response(
    const api_error& error,
    const std::string& request_id,
    const std::string& correlation_id,
    std::string_view data_json) {
  core::json_writer json;
  json.begin_object();
  json.key("success").boolean(false);
  json.key("error");
  write_error_object(json, error);
  if (!data_json.empty())
    json.key("data").raw(data_json);
  json.key("correlation_id").string(correlation_id);
  json.key("request_id").string(request_id);
  json.end_object();

  api_response response;
  response.status = status_of(error.code);
  response.body = json.take();
  if (error.code == error_code::service_unavailable)
    response.headers.emplace_back("Retry-After", "1");
  if (error.code == error_code::unauthorized)
    response.headers.emplace_back("WWW-Authenticate", "Bearer");
  return response;
}

} // namespace llmops::http
