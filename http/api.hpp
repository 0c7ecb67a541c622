#pragma once

#include "actors/runtime.hpp"
#include "core/time.hpp"
#include "http/api_types.hpp"
#include "http/decode.hpp"

#include <string>

namespace llmops::http {

struct service_info {
  std::string name = "llmops-service";
  std::string version;
  core::micros started_at = 0;
};

/// Routes requests of the contract to their handlers: validation, tenancy, and a call into the
/// runtime. Holds no per-request state; safe to call from several threads.
class api {
public:
  api(actors::runtime& runtime, service_info info);

  /// Answers request through respond, exactly once, possibly later and from another thread.
  void handle(api_request&& request, responder respond);

private:
  void post_operation(const api_request& request, responder respond);
  void get_operations(const api_request& request, const query_params& params, responder respond);
  void get_metrics(
      const api_request& request,
      const query_params& params,
      bool cost_view,
      responder respond);
  void get_health(const api_request& request, responder respond);

  actors::runtime& runtime_;
  service_info info_;
};

} // namespace llmops::http
