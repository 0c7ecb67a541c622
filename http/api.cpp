#include "http/api.hpp"

#include "core/json_writer.hpp"
#include "core/log.hpp"
#include "http/render.hpp"

#include <boost/json/object.hpp>

#include <memory>

namespace llmops::http {

namespace {

const core::logger log{"http"};

constexpr std::string_view operations_path = "/api/v1/llmops/operations";
constexpr std::string_view metrics_path = "/api/v1/llmops/metrics";
constexpr std::string_view cost_path = "/api/v1/llmops/cost-analysis";
constexpr std::string_view health_path = "/health";

// The tenant whose operations arrive with no X-Tenant-ID and no tenant_id in the body.
constexpr const char* default_tenant = "default";

api_response ok(int status, std::string body) {
  api_response response;
  response.status = status;
  response.body = std::move(body);
  return response;
}

// Sends an error envelope for request.
void fail(const api_request& request, const responder& respond, api_error error) {
  respond(make_error_response(error, request.request_id, request.correlation_id));
}

api_error unavailable(std::string message) {
  return {error_code::service_unavailable, std::move(message), ""};
}

bool is_json_content_type(std::string_view type) {
  constexpr std::string_view json_type = "application/json";
  if (type.empty())
    return true;
  if (type.size() < json_type.size())
    return false;
  for (std::size_t i = 0; i < json_type.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(type[i])) != json_type[i])
      return false;
  return type.size() == json_type.size() || type[json_type.size()] == ';' || type[json_type.size()] == ' ';
}

} // namespace

api::api(actors::runtime& runtime, service_info info) : runtime_(runtime), info_(std::move(info)) {}

void api::handle(api_request&& request, responder respond) {
  std::string path;
  query_params params;
  if (auto error = parse_target(request.target, path, params)) {
    fail(request, respond, *error);
    return;
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
           "method " + request.method + " is not allowed on " + path + "; allowed: " + std::string(allowed),
           "method"},
          request.request_id, request.correlation_id);
      response.headers.emplace_back("Allow", std::string(allowed));
      respond(std::move(response));
    }
  };
  auto none = [] {};
  if (path == operations_path)
    route("GET, POST", [&] { get_operations(request, params, respond); }, [&] { post_operation(request, respond); });
  else if (path == metrics_path)
    route("GET", [&] { get_metrics(request, params, false, respond); }, none);
  else if (path == cost_path)
    route("GET", [&] { get_metrics(request, params, true, respond); }, none);
  else if (path == health_path)
    route("GET", [&] { get_health(request, respond); }, none);
  else
    fail(request, respond, {error_code::not_found, "no endpoint at " + path, "path"});
}

void api::post_operation(const api_request& request, responder respond) {
  if (!is_json_content_type(request.content_type)) {
    fail(request, respond,
         {error_code::unsupported_media_type,
          "Content-Type must be application/json, not " + request.content_type, "Content-Type"});
    return;
  }

  // Decode and validate.
  boost::json::object body;
  if (auto error = parse_json_object(request.body, body)) {
    fail(request, respond, *error);
    return;
  }
  core::operation_record op;
  std::optional<std::string> body_tenant;
  if (auto error = decode_operation(body, core::now_micros(), op, body_tenant)) {
    fail(request, respond, *error);
    return;
  }

  // Whose operation it is: the header wins, and may not be contradicted by the body.
  std::optional<std::string> scope;
  if (auto error = resolve_scope(request.has_tenant_header, request.tenant_header, body_tenant, scope)) {
    fail(request, respond, *error);
    return;
  }
  op.tenant_id = scope.value_or(default_tenant);
  if (op.operation_id.empty())
    op.operation_id = core::make_operation_id();

  // Queue for the next group commit; answer once it has committed.
  std::string operation_id = op.operation_id;
  std::vector<core::operation_record> operations;
  operations.push_back(std::move(op));
  auto on_commit = [request_id = request.request_id, correlation_id = request.correlation_id,
                    operation_id, respond](storage::write_result&& result) {
    using outcome = storage::write_result::outcome;
    if (result.state == outcome::committed) {
      const bool created = result.created.at(0);
      respond(ok(created ? 201 : 200, render_created(operation_id, !created)));
    } else if (result.state == outcome::unavailable) {
      respond(make_error_response(
          unavailable("the database is unavailable; retry later"), request_id, correlation_id));
    } else {
      respond(make_error_response(
          {error_code::internal_error, "the database refused the operation", ""}, request_id, correlation_id));
    }
  };
  if (!runtime_.submit(std::move(operations), std::move(on_commit)))
    fail(request, respond, unavailable("the write queue is full; retry later"));
}

void api::get_operations(const api_request& request, const query_params& params, responder respond) {
  storage::operation_filter filter;
  std::optional<std::string> tenant_param;
  if (auto error = parse_operation_filter(params, tenant_param, filter)) {
    fail(request, respond, *error);
    return;
  }
  if (auto error = resolve_scope(request.has_tenant_header, request.tenant_header, tenant_param, filter.tenant_id)) {
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
      log.warning("operations query failed request_id=" + request_id + " error=\"" + status.message() + "\"");
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
    const api_request& request,
    const query_params& params,
    bool cost_view,
    responder respond) {
  auto job = std::make_shared<actors::metrics_job>();
  std::optional<std::string> tenant_param;
  if (auto error = parse_metrics_params(params, tenant_param, job->range)) {
    fail(request, respond, *error);
    return;
  }
  if (auto error = resolve_scope(request.has_tenant_header, request.tenant_header, tenant_param, job->tenant_id)) {
    fail(request, respond, *error);
    return;
  }

  job->done = [cost_view, respond, request_id = request.request_id,
               correlation_id = request.correlation_id](actors::metrics_result&& result) {
    if (!result.ok) {
      api_error error = result.unavailable ? unavailable(result.error)
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
    std::string data =
        render_health(info_.name, info_.version, uptime, database_up, runtime_.queued_rows());
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
