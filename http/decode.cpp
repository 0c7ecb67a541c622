#include "http/decode.hpp"

#include <boost/json/monotonic_resource.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>
#include <boost/url/parse.hpp>
#include <charconv>
#include <cmath>
#include <set>

namespace llmops::http {

namespace json = boost::json;

namespace {

api_error invalid(std::string field, std::string message) {
  return {error_code::validation_error, std::move(message), std::move(field)};
}

} // namespace

// Query parameters are percent-decoded to any bytes at all, and PostgreSQL refuses text that is
// not UTF-8 (the JSON parser already checks bodies; this keeps the decoders safe on their own).
bool valid_utf8(std::string_view text) {
  std::size_t i = 0;
  while (i < text.size()) {
    const auto c = static_cast<unsigned char>(text[i]);
    std::size_t length = c < 0x80           ? 1
                         : (c >> 5) == 0x6  ? 2
                         : (c >> 4) == 0xe  ? 3
                         : (c >> 3) == 0x1e ? 4
                                            : 0;
    if (length == 0 || i + length > text.size())
      return false;
    std::uint32_t code = length == 1 ? c : c & (0x7f >> length);
    for (std::size_t k = 1; k < length; ++k) {
      const auto next = static_cast<unsigned char>(text[i + k]);
      if ((next & 0xc0) != 0x80)
        return false;
      code = (code << 6) | (next & 0x3f);
    }
    static constexpr std::uint32_t smallest[] = {0, 0, 0x80, 0x800, 0x10000};
    if (code < smallest[length] || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff))
      return false;
    i += length;
  }
  return true;
}

namespace {

bool has_control_chars(std::string_view text) {
  for (char c : text)
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f)
      return true;
  return false;
}

// A required or optional string field: absent and null leave out untouched.
std::optional<api_error> read_string(
    const json::value& value,
    const char* field,
    std::size_t max_bytes,
    std::optional<std::string>& out) {
  if (value.is_null())
    return std::nullopt;
  if (!value.is_string())
    return invalid(field, std::string(field) + " must be a string");
  std::string_view text = value.get_string();
  if (text.empty() || text.size() > max_bytes)
    return invalid(
        field, std::string(field) + " must hold 1 to " + std::to_string(max_bytes) + " bytes");
  if (has_control_chars(text))
    return invalid(field, std::string(field) + " must not contain control characters");
  if (!valid_utf8(text))
    return invalid(field, std::string(field) + " must be valid UTF-8");
  out = std::string(text);
  return std::nullopt;
}

std::optional<api_error>
read_tokens(const json::value& value, const char* field, std::optional<std::int64_t>& out) {
  if (value.is_null())
    return std::nullopt;
  std::int64_t number = -1;
  if (value.is_int64())
    number = value.get_int64();
  else if (value.is_uint64())
    number = max_tokens + 1;
  else
    return invalid(field, std::string(field) + " must be a non-negative integer");
  if (number < 0 || number > max_tokens)
    return invalid(
        field, std::string(field) + " must be an integer from 0 to " + std::to_string(max_tokens));
  out = number;
  return std::nullopt;
}

std::optional<api_error>
read_number(const json::value& value, const char* field, std::optional<double>& out) {
  if (value.is_null())
    return std::nullopt;
  if (!value.is_number())
    return invalid(field, std::string(field) + " must be a number");
  out = value.to_number<double>();
  return std::nullopt;
}

std::optional<std::int64_t> parse_integer(std::string_view text) {
  std::int64_t number = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), number);
  if (error != std::errc{} || end != text.data() + text.size() || text.empty())
    return std::nullopt;
  return number;
}

// Reads a start_date / end_date parameter.
std::optional<api_error>
read_date(const std::string& name, const std::string& text, std::optional<core::micros>& out) {
  out = core::parse_date_param(text);
  if (!out)
    return invalid(
        name,
        name + " must be an RFC 3339 date-time (2024-01-01T00:00:00Z) or a date (2024-01-01)");
  return std::nullopt;
}

std::optional<api_error>
check_order(const std::optional<core::micros>& start, const std::optional<core::micros>& end) {
  if (start && end && *start > *end)
    return invalid("start_date", "start_date must not be after end_date");
  return std::nullopt;
}

// Refuses parameters given twice or not in known.
std::optional<api_error>
check_names(const query_params& params, const std::set<std::string_view>& known) {
  std::set<std::string_view> seen;
  for (const auto& [name, value] : params) {
    if (known.count(name) == 0) {
      std::string expected;
      for (auto k : known)
        expected += (expected.empty() ? "" : ", ") + std::string(k);
      return invalid(name, "unknown parameter " + name + "; expected one of: " + expected);
    }
    if (!seen.insert(name).second)
      return invalid(name, "parameter " + name + " is given more than once");
  }
  return std::nullopt;
}

} // namespace

std::optional<api_error>
parse_json_object(std::string_view text, json::value& out, json::storage_ptr storage) {
  json::parse_options options;
  options.max_depth = 32;
  std::error_code error;
  out = json::parse(text, error, std::move(storage), options);
  if (error)
    return api_error{
        error_code::invalid_json, "request body is not valid JSON: " + error.message(), "body"};
  if (!out.is_object())
    return api_error{error_code::validation_error, "request body must be a JSON object", "body"};
  return std::nullopt;
}

bool valid_id(std::string_view text) {
  if (text.empty() || text.size() > max_id_bytes)
    return false;
  for (char c : text) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '.' || c == '_' || c == ':' || c == '@' || c == '/' || c == '-';
    if (!ok)
      return false;
  }
  return true;
}

std::optional<api_error> decode_operation(
    const json::object& body,
    core::micros now,
    core::operation_record& out,
    std::optional<std::string>& body_tenant) {
  std::optional<std::string> operation_type, model, status, agent_id, operation_id, timestamp;
  std::optional<std::int64_t> prompt_tokens, completion_tokens, total_tokens, cached_prompt_tokens,
      reasoning_tokens;
  std::optional<double> latency_ms, cost_usd;
  const json::value* metadata = nullptr;

  // Fields, each checked for its type and bounds; anything else is refused.
  for (const auto& entry : body) {
    const std::string_view key = entry.key();
    const json::value& value = entry.value();
    std::optional<api_error> error;
    if (key == "operation_type")
      error = read_string(value, "operation_type", max_name_bytes, operation_type);
    else if (key == "model")
      error = read_string(value, "model", max_name_bytes, model);
    else if (key == "status")
      error = read_string(value, "status", max_name_bytes, status);
    else if (key == "agent_id")
      error = read_string(value, "agent_id", max_name_bytes, agent_id);
    else if (key == "operation_id")
      error = read_string(value, "operation_id", max_id_bytes, operation_id);
    else if (key == "tenant_id")
      error = read_string(value, "tenant_id", max_id_bytes, body_tenant);
    else if (key == "timestamp")
      error = read_string(value, "timestamp", 64, timestamp);
    else if (key == "prompt_tokens")
      error = read_tokens(value, "prompt_tokens", prompt_tokens);
    else if (key == "completion_tokens")
      error = read_tokens(value, "completion_tokens", completion_tokens);
    else if (key == "total_tokens")
      error = read_tokens(value, "total_tokens", total_tokens);
    else if (key == "cached_prompt_tokens")
      error = read_tokens(value, "cached_prompt_tokens", cached_prompt_tokens);
    else if (key == "reasoning_tokens")
      error = read_tokens(value, "reasoning_tokens", reasoning_tokens);
    else if (key == "latency_ms")
      error = read_number(value, "latency_ms", latency_ms);
    else if (key == "cost_usd")
      error = read_number(value, "cost_usd", cost_usd);
    else if (key == "metadata")
      metadata = &value;
    else
      error = invalid(
          std::string(key),
          "unknown field " + std::string(key) + "; put custom data under metadata");
    if (error)
      return error;
  }

  // Required fields and cross-field rules.
  if (!operation_type)
    return invalid("operation_type", "operation_type is required");
  if (!model)
    return invalid("model", "model is required");
  out.operation_type = std::move(*operation_type);
  out.model = std::move(*model);

  auto index = core::status_index(status.value_or("success"));
  if (!index)
    return invalid(
        "status", "status must be one of success, error, timeout, rate_limited, cancelled");
  out.status = static_cast<std::uint8_t>(*index);

  if (agent_id)
    out.agent_id = std::move(*agent_id);
  if (operation_id) {
    if (!valid_id(*operation_id))
      return invalid("operation_id", "operation_id must be 1 to 128 of A-Z a-z 0-9 . _ : @ / -");
    out.operation_id = std::move(*operation_id);
  }
  if (body_tenant && !valid_id(*body_tenant))
    return invalid("tenant_id", "tenant_id must be 1 to 128 of A-Z a-z 0-9 . _ : @ / -");

  out.prompt_tokens = prompt_tokens.value_or(0);
  out.completion_tokens = completion_tokens.value_or(0);
  out.total_tokens = total_tokens.value_or(out.prompt_tokens + out.completion_tokens);
  if (out.total_tokens < out.prompt_tokens + out.completion_tokens)
    return invalid(
        "total_tokens", "total_tokens must not be less than prompt_tokens + completion_tokens");
  out.cached_prompt_tokens = cached_prompt_tokens.value_or(0);
  if (out.cached_prompt_tokens > out.prompt_tokens)
    return invalid(
        "cached_prompt_tokens",
        "cached_prompt_tokens are part of prompt_tokens and cannot exceed them");
  out.reasoning_tokens = reasoning_tokens.value_or(0);
  if (out.reasoning_tokens > out.completion_tokens)
    return invalid(
        "reasoning_tokens",
        "reasoning_tokens are part of completion_tokens and cannot exceed them");

  const double latency = latency_ms.value_or(0.0);
  if (!std::isfinite(latency) || latency < 0.0 || latency > max_latency_ms)
    return invalid("latency_ms", "latency_ms must be a finite number from 0 to 86400000");
  out.latency_us = std::llround(latency * 1000.0);

  // Without cost_usd the cost is left to the price catalog (see price_operation).
  auto cost = core::usd_to_nano(cost_usd.value_or(0.0));
  if (!cost)
    return invalid("cost_usd", "cost_usd must be a finite number from 0 to 1000000");
  out.cost_nusd = *cost;
  out.cost_source = cost_usd ? core::cost_from_client : core::cost_unknown_model;

  out.timestamp_us = now;
  if (timestamp) {
    auto at = core::parse_rfc3339(*timestamp);
    if (!at)
      return invalid("timestamp", "timestamp must be RFC 3339, e.g. 2024-01-01T12:00:00.5Z");
    if (*at > now + max_clock_skew)
      return invalid("timestamp", "timestamp must not be more than 24 hours in the future");
    out.timestamp_us = *at;
  }

  // Metadata: an object of bounded size that PostgreSQL's jsonb accepts.
  out.metadata_json = "{}";
  if (metadata != nullptr && !metadata->is_null()) {
    if (!metadata->is_object())
      return invalid("metadata", "metadata must be a JSON object");
    std::string text = json::serialize(*metadata);
    if (text.size() > max_metadata_bytes)
      return invalid(
          "metadata",
          "metadata must serialize to at most " + std::to_string(max_metadata_bytes) + " bytes");
    if (text.find("\\u0000") != std::string::npos)
      return invalid("metadata", "metadata must not contain the NUL character");
    if (!valid_utf8(text))
      return invalid("metadata", "metadata must be valid UTF-8");
    out.metadata_json = std::move(text);
  }

  // What the client sent, in canonical form: equal for a retry, different for another payload.
  std::string canonical;
  for (const std::string* part : {&out.operation_type, &out.model, &out.metadata_json}) {
    canonical += *part;
    canonical += '\x1f';
  }
  for (std::int64_t number :
       {std::int64_t{out.status}, out.prompt_tokens, out.completion_tokens, out.total_tokens,
        out.cached_prompt_tokens, out.reasoning_tokens, out.latency_us}) {
    canonical += std::to_string(number);
    canonical += '\x1f';
  }
  canonical += cost_usd ? std::to_string(out.cost_nusd) : "-";
  canonical += '\x1f';
  canonical += timestamp ? std::to_string(out.timestamp_us) : "-";
  canonical += '\x1f';
  canonical += out.agent_id ? *out.agent_id : "\x1e";
  out.payload_hash = core::stable_hash(canonical);
  return std::nullopt;
}

void price_operation(core::operation_record& op, const core::price_catalog* catalog) {
  if (op.cost_source == core::cost_from_client)
    return;
  std::optional<core::nano_usd> cost;
  if (catalog != nullptr)
    cost = catalog->price(op);
  op.cost_nusd = cost.value_or(0);
  op.cost_source = cost ? core::cost_from_catalog : core::cost_unknown_model;
}

std::optional<api_error>
parse_target(std::string_view target, std::string& path, query_params& params) {
  auto url = boost::urls::parse_origin_form(target);
  if (!url)
    return invalid("target", "the request target is not a valid URL path");
  path = url->path();
  params.clear();
  for (auto param : url->params()) {
    // "?" alone or "a=1&" leaves an empty entry: nothing was asked.
    if (param.key.empty() && !param.has_value)
      continue;
    params.emplace_back(param.key, param.value);
  }
  return std::nullopt;
}

std::optional<api_error> resolve_scope(
    bool has_tenant_header,
    const std::string& tenant_header,
    const std::optional<std::string>& tenant_param,
    std::optional<std::string>& scope) {
  if (has_tenant_header) {
    if (!valid_id(tenant_header))
      return invalid("X-Tenant-ID", "X-Tenant-ID must be 1 to 128 of A-Z a-z 0-9 . _ : @ / -");
    if (tenant_param && *tenant_param != tenant_header)
      return api_error{
          error_code::forbidden, "tenant_id names another tenant than X-Tenant-ID", "tenant_id"};
    scope = tenant_header;
    return std::nullopt;
  }
  if (tenant_param && !valid_id(*tenant_param))
    return invalid("tenant_id", "tenant_id must be 1 to 128 of A-Z a-z 0-9 . _ : @ / -");
  scope = tenant_param;
  return std::nullopt;
}

std::optional<api_error> parse_operation_filter(
    const query_params& params,
    std::optional<std::string>& tenant_param,
    storage::operation_filter& filter) {
  static const std::set<std::string_view> known = {"tenant_id",      "agent_id", "model",
                                                   "operation_type", "status",   "start_date",
                                                   "end_date",       "limit",    "offset"};
  if (auto error = check_names(params, known))
    return error;

  for (const auto& [name, value] : params) {
    std::optional<api_error> error;
    if (name == "tenant_id") {
      tenant_param = value;
    } else if (name == "agent_id" || name == "model" || name == "operation_type") {
      if (value.empty() || value.size() > max_name_bytes || has_control_chars(value) ||
          !valid_utf8(value))
        return invalid(
            name, name + " must hold 1 to 256 bytes of UTF-8 without control characters");
      (name == "agent_id" ? filter.agent_id
       : name == "model"  ? filter.model
                          : filter.operation_type) = value;
    } else if (name == "status") {
      if (!core::status_index(value))
        return invalid(
            "status", "status must be one of success, error, timeout, rate_limited, cancelled");
      filter.status = value;
    } else if (name == "start_date") {
      error = read_date(name, value, filter.start);
    } else if (name == "end_date") {
      error = read_date(name, value, filter.end);
    } else if (name == "limit") {
      auto limit = parse_integer(value);
      if (!limit || *limit < 1 || *limit > 1000)
        return invalid("limit", "limit must be an integer from 1 to 1000");
      filter.limit = *limit;
    } else if (name == "offset") {
      auto offset = parse_integer(value);
      if (!offset || *offset < 0 || *offset > 10'000'000)
        return invalid("offset", "offset must be an integer from 0 to 10000000");
      filter.offset = *offset;
    }
    if (error)
      return error;
  }
  return check_order(filter.start, filter.end);
}

std::optional<api_error> parse_metrics_params(
    const query_params& params,
    std::optional<std::string>& tenant_param,
    actors::metrics_range& range) {
  static const std::set<std::string_view> known = {
      "tenant_id", "start_date", "end_date", "granularity", "group_by"};
  if (auto error = check_names(params, known))
    return error;

  std::optional<core::micros> start;
  std::optional<core::micros> end;
  for (const auto& [name, value] : params) {
    std::optional<api_error> error;
    if (name == "tenant_id") {
      tenant_param = value;
    } else if (name == "start_date" || name == "end_date") {
      auto& bound = name == "start_date" ? start : end;
      error = read_date(name, value, bound);
      if (!error && *bound % core::micros_per_second != 0)
        error = invalid(name, name + " must be a whole second for metrics");
    } else if (name == "granularity") {
      range.step = actors::parse_granularity(value);
      if (!range.step)
        return invalid("granularity", "granularity must be one of minute, hour, day, week, month");
    } else if (name == "group_by") {
      if (value != "agent_id")
        return invalid("group_by", "group_by must be agent_id");
      range.by_agent = true;
    }
    if (error)
      return error;
  }
  if (auto error = check_order(start, end))
    return error;
  if (start)
    range.start_s = *start / core::micros_per_second;
  if (end)
    range.end_s = *end / core::micros_per_second;
  return std::nullopt;
}

} // namespace llmops::http
