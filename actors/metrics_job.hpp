#pragma once

#include "actors/aggregate.hpp"

#include <functional>
#include <memory>
#include <optional>
#include <string>

namespace llmops::actors {

/// The answer to a metrics question.
struct metrics_result {
  bool ok = true;
  bool unavailable = false; ///< When not ok: a fault of ours (else the range was refused).
  std::string error;        ///< Why, when not ok.
  resolved_range range;
  metrics_summary summary;
};

/// A metrics question and whom to tell.
struct metrics_job {
  std::optional<std::string> tenant_id; ///< Unset: every tenant (the operator view).
  metrics_range range;

  /// Called exactly once, on an actor thread. Must not block.
  std::function<void(metrics_result&&)> done;
};

using metrics_job_ptr = std::shared_ptr<metrics_job>;

} // namespace llmops::actors
