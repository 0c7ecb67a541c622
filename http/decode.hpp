#pragma once

#include "actors/aggregate.hpp"
#include "core/operation.hpp"
#include "core/pricing.hpp"
#include "http/errors.hpp"
#include "storage/operation_store.hpp"

#include <boost/json/fwd.hpp>
#include <boost/json/storage_ptr.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace llmops::http {

/// Bounds on what one operation may carry.
constexpr std::size_t max_name_bytes = 256;        ///< model, operation_type, agent_id
constexpr std::size_t max_id_bytes = 128;          ///< tenant_id, operation_id
constexpr std::size_t max_metadata_bytes = 16'384; ///< metadata, serialized
constexpr std::int64_t max_tokens = 1'000'000'000; ///< any token count of one operation
constexpr double max_latency_ms = 86'400'000.0;    ///< one day
constexpr core::micros max_clock_skew = 24LL * 3600 * core::micros_per_second;

/// Parses text as a JSON object (depth at most 32) into out, allocating from storage.
/// Errors are invalid_json, or validation_error when the document is not an object.
std::optional<api_error> parse_json_object(
    std::string_view text, boost::json::value& out, boost::json::storage_ptr storage = {});

/// Decodes one operation of POST /operations into out (tenant_id and operation_id left empty
/// when the body has none). Unknown fields are refused. now is the default timestamp.
std::optional<api_error> decode_operation(
    const boost::json::object& body,
    core::micros now,
    core::operation_record& out,
    std::optional<std::string>& body_tenant);

/// Fills in the cost of an operation that came without cost_usd from the catalog (source
/// "catalog"), or marks it "unknown_model" with cost 0. A client's cost is left alone.
void price_operation(core::operation_record& op, const core::price_catalog* catalog);

/// Whether text is well-formed UTF-8: no overlong forms, no surrogates, nothing past U+10FFFF.
bool valid_utf8(std::string_view text);

/// Whether text may be a tenant_id or operation_id: 1..128 of [A-Za-z0-9._:@/-].
bool valid_id(std::string_view text);

using query_params = std::vector<std::pair<std::string, std::string>>;

/// Splits a request target into its path and decoded query parameters.
std::optional<api_error>
parse_target(std::string_view target, std::string& path, query_params& params);

/// Decides whose data a caller sees. With an X-Tenant-ID header only that tenant, and a
/// tenant_id naming another is forbidden; without one, the tenant_id parameter if any, else
/// every tenant (nullopt).
std::optional<api_error> resolve_scope(
    bool has_tenant_header,
    const std::string& tenant_header,
    const std::optional<std::string>& tenant_param,
    std::optional<std::string>& scope);

/// Reads the parameters of GET /operations.
std::optional<api_error> parse_operation_filter(
    const query_params& params,
    std::optional<std::string>& tenant_param,
    storage::operation_filter& filter);

/// Reads the parameters of /metrics and /cost-analysis. Dates must be whole seconds.
std::optional<api_error> parse_metrics_params(
    const query_params& params,
    std::optional<std::string>& tenant_param,
    actors::metrics_range& range);

} // namespace llmops::http
