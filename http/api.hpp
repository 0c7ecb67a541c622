#pragma once

#include "actors/runtime.hpp"
#include "core/pricing.hpp"
#include "core/time.hpp"
#include "http/api_types.hpp"
#include "http/authenticator.hpp"
#include "http/decode.hpp"
#include "http/rate_limiter.hpp"

#include <memory>
#include <string>

namespace llmops::http {

struct service_info {
  std::string name = "llmops-service";
  std::string version;
  core::micros started_at = 0;
  double rate_limit_per_second = 0; ///< Requests a tenant may make; 0 turns the limit off.
  double rate_limit_burst = 0;      ///< Requests a tenant may make at once after idling.
  bool require_api_keys = false;    ///< Every request but /health needs a valid bearer key.
};

/// Routes requests of the contract to their handlers: validation, tenancy, and a call into the
/// runtime. Holds no per-request state; safe to call from several threads.
class api {
public:
  api(actors::runtime& runtime, const core::catalog_holder& catalog, service_info info);

  /// Answers request through respond, exactly once, possibly later and from another thread.
  void handle(api_request&& request, responder respond);

private:
  /// Rate limit and routing, once the caller is known.
  void dispatch(
      const api_request& request,
      const std::string& path,
      const query_params& params,
      responder respond);

  void post_api_key(const api_request& request, responder respond);
  void get_api_keys(const api_request& request, responder respond);
  void delete_api_key(const api_request& request, const std::string& key_id, responder respond);

  void post_operation(const api_request& request, responder respond);
  void post_batch(const api_request& request, responder respond);
  void get_models(const api_request& request, responder respond);

  /// Tenancy, id and price of a decoded operation; shared by the single and batch endpoints.
  std::optional<api_error> prepare(
      const api_request& request,
      const std::optional<std::string>& body_tenant,
      const core::price_catalog* catalog,
      core::operation_record& op);
  void get_operations(const api_request& request, const query_params& params, responder respond);
  void get_metrics(
      const api_request& request, const query_params& params, bool cost_view, responder respond);
  void get_health(const api_request& request, responder respond);

  actors::runtime& runtime_;
  const core::catalog_holder& catalog_;
  service_info info_;
  std::unique_ptr<rate_limiter> limiter_; ///< Null when rate limiting is off.
  std::unique_ptr<authenticator> auth_;   ///< Null unless API keys are required.
};

} // namespace llmops::http
