#pragma once

#include "core/json_writer.hpp"
#include "http/api_types.hpp"

#include <string>

namespace llmops::http {

/// Every way a request can fail. status_of maps each to one HTTP status.
enum class error_code {
  validation_error,
  invalid_json,
  unauthorized,
  forbidden,
  not_found,
  conflict,
  rate_limited,
  method_not_allowed,
  payload_too_large,
  unsupported_media_type,
  header_too_large,
  service_unavailable,
  internal_error,
};

struct api_error {
  error_code code = error_code::internal_error;
  std::string message; ///< For a person; names the offending field.
  std::string field;   ///< The field or parameter at fault; empty when none.
};

/// The one place that maps an error to its HTTP status.
int status_of(error_code code);

/// The code's name in the envelope, e.g. "validation_error".
const char* name_of(error_code code);

/// The error envelope: {"success": false, "error": {"code", "message", "field"},
/// "correlation_id", "request_id"}, with the status of the code, and "data" when data_json
/// (a JSON object) is given.
api_response make_error_response(
    const api_error& error,
    const std::string& request_id,
    const std::string& correlation_id,
    std::string_view data_json = {});

/// Writes {"code", "message", "field"} for error.
void write_error_object(core::json_writer& json, const api_error& error);

} // namespace llmops::http
