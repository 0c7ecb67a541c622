#include "http/api.hpp"

#include "core/json_writer.hpp"
#include "core/log.hpp"
#include "http/render.hpp"
#include "http/responses.hpp"

#include <boost/json/monotonic_resource.hpp>
#include <boost/json/value.hpp>
#include <cmath>
#include <memory>

namespace llmops::http {

namespace {

const core::logger log{"http"};

constexpr std::string_view operations_path = "/api/v1/llmops/operations";
constexpr std::string_view batch_path = "/api/v1/llmops/operations/batch";
constexpr std::string_view models_path = "/api/v1/llmops/models";
constexpr std::string_view keys_path = "/api/v1/llmops/api-keys";
constexpr std::string_view metrics_path = "/api/v1/llmops/metrics";
constexpr std::string_view cost_path = "/api/v1/llmops/cost-analysis";
constexpr std::string_view health_path = "/health";

// The tenant whose operations arrive with no X-Tenant-ID and no tenant_id in the body.
constexpr const char* default_tenant = "default";

// A single operation's JSON document is parsed into a stack buffer of this size (it spills
// to the heap beyond), sparing an allocation per node.
constexpr std::size_t parse_buffer_bytes = 4096;

// Most operations one batch may carry; larger batches are refused whole.
constexpr std::size_t max_batch_operations = 1000;

bool is_json_content_type(std::string_view type) {
  constexpr std::string_view json_type = "application/json";
  if (type.empty())
    return true;
  if (type.size() < json_type.size())
    return false;
  for (std::size_t i = 0; i < json_type.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(type[i])) != json_type[i])
      return false;
  return type.size() == json_type.size() || type[json_type.size()] == ';' ||
         type[json_type.size()] == ' ';
}

// A body must be JSON; a request without Content-Type is read as JSON too.
std::optional<api_error> check_content_type(const api_request& request) {
  if (is_json_content_type(request.content_type))
    return std::nullopt;
  return api_error{
      error_code::unsupported_media_type,
      "Content-Type must be application/json, not " + request.content_type, "Content-Type"};
}

} // namespace

api::api(actors::runtime& runtime, const core::catalog_holder& catalog, service_info info)
    : runtime_(runtime), catalog_(catalog), info_(std::move(info)) {
  if (info_.rate_limit_per_second > 0)
    limiter_ = std::make_unique<rate_limiter>(
        info_.rate_limit_per_second, std::max(1.0, info_.rate_limit_burst));
  if (info_.require_api_keys)
    auth_ = std::make_unique<authenticator>(runtime_);
}

void api::handle(api_request&& request, responder respond) {
  std::string path;
  query_params params;
  if (auto error = parse_target(request.target, path, params)) {
    fail(request, respond, *error);
    return;
  }

  // Trusted-header mode: the gateway's X-Tenant-ID says who calls; without it, the operator.
  if (!auth_ || path == health_path) {
    request.operator_role = !request.has_tenant_header;
    dispatch(request, path, params, respond);
    return;
  }

  // API-key mode: "Authorization: Bearer <key>" says who calls.
  constexpr std::string_view scheme = "Bearer ";
  if (request.authorization.size() <= scheme.size() ||
      request.authorization.compare(0, scheme.size(), scheme) != 0) {
    fail(
        request, respond,
        {error_code::unauthorized, "an API key is required: Authorization: Bearer <key>",
         "Authorization"});
    return;
  }
  const std::string key = request.authorization.substr(scheme.size());
  auth_->authenticate(
      key,
      [this, request = std::move(request), path, params, respond](auth_result&& result) mutable {
        if (result.state == auth_result::outcome::unavailable) {
          fail(request, respond, unavailable("API keys cannot be checked now; retry later"));
          return;
        }
        if (result.state == auth_result::outcome::unknown) {
          fail(
              request, respond,
              {error_code::unauthorized, "the API key is unknown or revoked", "Authorization"});
          return;
        }
        request.operator_role = !result.who.tenant_id;
        if (result.who.tenant_id) {
          if (request.has_tenant_header && request.tenant_header != *result.who.tenant_id) {
            fail(
                request, respond,
                {error_code::forbidden, "X-Tenant-ID names another tenant than the API key's",
                 "X-Tenant-ID"});
            return;
          }
          request.has_tenant_header = true;
          request.tenant_header = *result.who.tenant_id;
        }
        dispatch(request, path, params, respond);
      });
}

void api::dispatch(
    const api_request& request,
    const std::string& path,
    const query_params& params,
    responder respond) {
  // A tenant over its rate waits; /health and the operator view are not limited.
  if (limiter_ && request.has_tenant_header && path != health_path) {
    if (auto wait = limiter_->acquire(request.tenant_header)) {
      api_response response = make_error_response(
          {error_code::rate_limited,
           "tenant " + request.tenant_header + " is over its request rate; retry later",
           "X-Tenant-ID"},
          request.request_id, request.correlation_id);
      response.headers.emplace_back(
          "Retry-After", std::to_string(static_cast<long>(std::ceil(*wait))));
      respond(std::move(response));
      return;
    }
  }

  // The routing table: a path, its methods, and what each does.
  auto route = [&](std::string_view allowed, auto&& on_get, auto&& on_post) {
    if (request.method == "GET" && allowed.find("GET") != std::string_view::npos) {
      on_get();
    } else if (request.method == "POST" && allowed.find("POST") != std::string_view::npos) {
      on_post();
    } else {
      api_response response = make_error_response(
          {error_code::method_not_allowed,
           "method " + request.method + " is not allowed on " + path +
               "; allowed: " + std::string(allowed),
           "method"},
          request.request_id, request.correlation_id);
      response.headers.emplace_back("Allow", std::string(allowed));
      respond(std::move(response));
    }
  };
  auto none = [] {};
  if (path == operations_path)
    route(
        "GET, POST", [&] { get_operations(request, params, respond); },
        [&] { post_operation(request, respond); });
  else if (path == batch_path)
    route("POST", none, [&] { post_batch(request, respond); });
  else if (path == models_path)
    route(
        "GET", [&] { get_models(request, respond); }, none);
  else if (path == metrics_path)
    route(
        "GET", [&] { get_metrics(request, params, false, respond); }, none);
  else if (path == cost_path)
    route(
        "GET", [&] { get_metrics(request, params, true, respond); }, none);
  else if (path == health_path)
    route(
        "GET", [&] { get_health(request, respond); }, none);
  else if (path == keys_path)
    route(
        "GET, POST", [&] { get_api_keys(request, respond); },
        [&] { post_api_key(request, respond); });
  else if (
      path.size() > keys_path.size() + 1 &&
      path.compare(0, keys_path.size() + 1, std::string(keys_path) + "/") == 0)
    if (request.method == "DELETE") {
      delete_api_key(request, path.substr(keys_path.size() + 1), respond);
    } else {
      api_response response = make_error_response(
          {error_code::method_not_allowed, "only DELETE is allowed on " + path, "method"},
          request.request_id, request.correlation_id);
      response.headers.emplace_back("Allow", "DELETE");
      respond(std::move(response));
    }
  else
    fail(request, respond, {error_code::not_found, "no endpoint at " + path, "path"});
}

std::optional<api_error> api::prepare(
    const api_request& request,
    const std::optional<std::string>& body_tenant,
    const core::price_catalog* catalog,
    core::operation_record& op) {
  // Whose operation it is: the header wins, and may not be contradicted by the body.
  std::optional<std::string> scope;
  if (auto error =
          resolve_scope(request.has_tenant_header, request.tenant_header, body_tenant, scope))
    return error;
  op.tenant_id = scope.value_or(default_tenant);
  if (op.operation_id.empty())
    op.operation_id = core::make_operation_id();
  price_operation(op, catalog);
  return std::nullopt;
}

void api::post_operation(const api_request& request, responder respond) {
  if (auto error = check_content_type(request)) {
    fail(request, respond, *error);
    return;
  }

  // Decode, validate, and settle tenant, id and price. The document lives in one buffer.
  unsigned char buffer[parse_buffer_bytes];
  boost::json::monotonic_resource resource(buffer, sizeof buffer);
  boost::json::value body;
  if (auto error = parse_json_object(request.body, body, &resource)) {
    fail(request, respond, *error);
    return;
  }
  core::operation_record op;
  std::optional<std::string> body_tenant;
  if (auto error = decode_operation(body.get_object(), core::now_micros(), op, body_tenant)) {
    fail(request, respond, *error);
    return;
  }
  if (request.has_idempotency_key) {
    if (!valid_id(request.idempotency_key) ||
        (!op.operation_id.empty() && op.operation_id != request.idempotency_key)) {
      fail(
          request, respond,
          {error_code::validation_error,
           "Idempotency-Key must be 1 to 128 of A-Z a-z 0-9 . _ : @ / - and equal operation_id if "
           "both are given",
           "Idempotency-Key"});
      return;
    }
    op.operation_id = request.idempotency_key;
  }
  const auto catalog = catalog_.get();
  if (auto error = prepare(request, body_tenant, catalog ? &catalog->catalog : nullptr, op)) {
    fail(request, respond, *error);
    return;
  }

  // Queue for the next group commit; answer once it has committed.
  std::string operation_id = op.operation_id;
  std::vector<core::operation_record> operations;
  operations.push_back(std::move(op));
  auto on_commit = [request_id = request.request_id, correlation_id = request.correlation_id,
                    operation_id, respond](storage::write_result&& result) {
    using outcome = storage::write_result::outcome;
    if (result.state == outcome::unavailable) {
      respond(make_error_response(
          unavailable("the database is unavailable; retry later"), request_id, correlation_id));
      return;
    }
    if (result.state == outcome::failed) {
      respond(make_error_response(
          {error_code::internal_error, "the database refused the operation", ""}, request_id,
          correlation_id));
      return;
    }
    switch (result.rows.at(0)) {
    case storage::row_outcome::created:
      respond(ok(201, render_created(operation_id, false)));
      break;
    case storage::row_outcome::duplicate:
      respond(ok(200, render_created(operation_id, true)));
      break;
    case storage::row_outcome::conflict:
      respond(make_error_response(
          {error_code::conflict,
           "operation_id " + operation_id + " is already stored with another payload",
           "operation_id"},
          request_id, correlation_id));
      break;
    }
  };
  if (!runtime_.submit(std::move(operations), std::move(on_commit)))
    fail(request, respond, unavailable("the write queue is full; retry later"));
}

void api::post_batch(const api_request& request, responder respond) {
  if (auto error = check_content_type(request)) {
    fail(request, respond, *error);
    return;
  }
  boost::json::monotonic_resource resource;
  boost::json::value document;
  if (auto error = parse_json_object(request.body, document, &resource)) {
    fail(request, respond, *error);
    return;
  }
  const auto& body = document.get_object();
  auto items = body.find("operations");
  if (body.size() != 1 || items == body.end() || !items->value().is_array() ||
      items->value().get_array().empty() ||
      items->value().get_array().size() > max_batch_operations) {
    fail(
        request, respond,
        {error_code::validation_error,
         "body must be {\"operations\": [...]} with 1 to " + std::to_string(max_batch_operations) +
             " operations",
         "operations"});
    return;
  }

  // Each item is decoded alone: a bad one is rejected, the others go on.
  auto results = std::make_shared<std::vector<batch_item>>();
  std::vector<core::operation_record> operations;
  const auto catalog = catalog_.get();
  const core::micros now = core::now_micros();
  for (const auto& item : items->value().get_array()) {
    batch_item result;
    core::operation_record op;
    std::optional<std::string> body_tenant;
    std::optional<api_error> error;
    if (!item.is_object())
      error = api_error{
          error_code::validation_error, "each operation must be a JSON object", "operations"};
    else
      error = decode_operation(item.get_object(), now, op, body_tenant);
    if (!error)
      error = prepare(request, body_tenant, catalog ? &catalog->catalog : nullptr, op);
    if (error) {
      result.state = batch_item::rejected;
      result.error = std::move(*error);
    } else {
      result.operation_id = op.operation_id;
      operations.push_back(std::move(op));
    }
    results->push_back(std::move(result));
  }
  if (operations.empty()) {
    respond(render_batch_response(*results, request.request_id, request.correlation_id));
    return;
  }

  auto on_commit = [results, request_id = request.request_id,
                    correlation_id = request.correlation_id,
                    respond](storage::write_result&& result) {
    if (result.state != storage::write_result::outcome::committed) {
      const bool gone = result.state == storage::write_result::outcome::unavailable;
      respond(make_error_response(
          gone ? unavailable("the database is unavailable; retry later")
               : api_error{error_code::internal_error, "the database refused the batch", ""},
          request_id, correlation_id));
      return;
    }
    std::size_t next = 0;
    for (auto& item : *results) {
      if (item.state == batch_item::rejected)
        continue;
      switch (result.rows.at(next++)) {
      case storage::row_outcome::created:
        item.state = batch_item::created;
        break;
      case storage::row_outcome::duplicate:
        item.state = batch_item::duplicate;
        break;
      case storage::row_outcome::conflict:
        item.state = batch_item::rejected;
        item.error = {
            error_code::conflict,
            "operation_id " + item.operation_id + " is already stored with another payload",
            "operation_id"};
        break;
      }
    }
    respond(render_batch_response(*results, request_id, correlation_id));
  };
  if (!runtime_.submit(std::move(operations), std::move(on_commit)))
    fail(request, respond, unavailable("the write queue is full; retry later"));
}

void api::get_models(const api_request& request, responder respond) {
  const auto catalog = catalog_.get();
  core::json_writer json;
  json.begin_object();
  json.key("success").boolean(true);
  json.key("data").begin_object();
  if (catalog) {
    json.key("models").raw(catalog->catalog.to_json());
    json.key("count").number(static_cast<std::int64_t>(catalog->catalog.entries().size()));
    json.key("source").string(catalog->source);
    json.key("loaded_at").string(core::format_rfc3339(catalog->loaded_at));
  } else {
    json.key("models").begin_array().end_array();
    json.key("count").number(std::int64_t{0});
    json.key("source").null();
    json.key("loaded_at").null();
  }
  json.end_object();
  json.end_object();
  respond(ok(200, json.take()));
}

void api::get_operations(
    const api_request& request, const query_params& params, responder respond) {
  storage::operation_filter filter;
  std::optional<std::string> tenant_param;
  if (auto error = parse_operation_filter(params, tenant_param, filter)) {
    fail(request, respond, *error);
    return;
  }
  if (auto error = resolve_scope(
          request.has_tenant_header, request.tenant_header, tenant_param, filter.tenant_id)) {
    fail(request, respond, *error);
    return;
  }

  // The query runs on a reader connection, off the HTTP threads.
  auto task = [filter, respond, request_id = request.request_id,
               correlation_id = request.correlation_id](storage::pg_connection* conn) {
    if (conn == nullptr) {
      respond(make_error_response(
          unavailable("the database is unavailable; retry later"), request_id, correlation_id));
      return;
    }
    storage::operation_page page;
    auto status = storage::query_operations(*conn, filter, page);
    if (!status.ok()) {
      log.warning(
          "operations query failed request_id=" + request_id + " error=\"" + status.message() +
          "\"");
      const bool gone = status.kind() == storage::failure_kind::connection;
      respond(make_error_response(
          gone ? unavailable("the database is unavailable; retry later")
               : api_error{error_code::internal_error, "the operations query failed", ""},
          request_id, correlation_id));
      return;
    }
    respond(ok(200, render_operations(page, filter)));
  };
  if (!runtime_.read(std::move(task)))
    fail(request, respond, unavailable("too many queries are waiting; retry later"));
}

void api::get_metrics(
    const api_request& request, const query_params& params, bool cost_view, responder respond) {
  auto job = std::make_shared<actors::metrics_job>();
  std::optional<std::string> tenant_param;
  if (auto error = parse_metrics_params(params, tenant_param, job->range)) {
    fail(request, respond, *error);
    return;
  }
  job->range.percentiles = !cost_view;
  if (auto error = resolve_scope(
          request.has_tenant_header, request.tenant_header, tenant_param, job->tenant_id)) {
    fail(request, respond, *error);
    return;
  }

  job->done = [cost_view, respond, request_id = request.request_id,
               correlation_id = request.correlation_id](actors::metrics_result&& result) {
    if (!result.ok) {
      api_error error = result.unavailable
                            ? unavailable(result.error)
                            : api_error{error_code::validation_error, result.error, "granularity"};
      respond(make_error_response(error, request_id, correlation_id));
      return;
    }
    respond(ok(200, cost_view ? render_cost_analysis(result) : render_metrics(result)));
  };
  runtime_.query_metrics(std::move(job));
}

void api::get_health(const api_request& request, responder respond) {
  auto answer = [this, respond, request_id = request.request_id,
                 correlation_id = request.correlation_id](bool database_up) {
    const double uptime =
        static_cast<double>(core::now_micros() - info_.started_at) / core::micros_per_second;
    std::string data = render_health(
        info_.name, info_.version, uptime, database_up, runtime_.queued_rows(),
        runtime_.write_queue_capacity());
    if (database_up) {
      respond(ok(200, "{\"success\":true,\"data\":" + data + "}"));
      return;
    }
    core::json_writer json;
    json.begin_object();
    json.key("success").boolean(false);
    json.key("error").begin_object();
    json.key("code").string(name_of(error_code::service_unavailable));
    json.key("message").string("the database is unreachable");
    json.key("field").string("database");
    json.end_object();
    json.key("data").raw(data);
    json.key("correlation_id").string(correlation_id);
    json.key("request_id").string(request_id);
    json.end_object();
    api_response response = ok(503, json.take());
    response.headers.emplace_back("Retry-After", "1");
    respond(std::move(response));
  };

  auto task = [answer](storage::pg_connection* conn) {
    answer(conn != nullptr && conn->exec("SELECT 1").ok());
  };
  if (!runtime_.read(task))
    answer(false);
}

} // namespace llmops::http
