#pragma once

#include <atomic>
#include <caf/actor.hpp>
#include <cstdint>
#include <memory>
#include <shared_mutex>
#include <string>
#include <unordered_map>

namespace llmops::actors {

/// The aggregator of every tenant seen, so that a tenant's question can go to it straight from
/// an HTTP thread instead of through the registry. The registry adds each aggregator it spawns.
///
/// Committed rows reach the aggregators through the registry, and a client that reads after its
/// 201 must find its operation, so a question may skip the registry only while no message of
/// rows waits there: whoever sends rows to the registry counts the message first
/// (rows_sent()), and the registry counts it off once it has sent the rows on (rows_handed_on()).
/// A question that then finds the two equal is queued behind every row acknowledged before it.
/// Thread-safe.
class tenant_directory {
public:
  void add(const std::string& tenant_id, caf::actor aggregator) {
    std::unique_lock lock(mutex_);
    aggregators_.emplace(tenant_id, std::move(aggregator));
  }

  /// The aggregator to ask about tenant_id, or an invalid handle when the question must go
  /// through the registry: no aggregator yet, or rows still waiting in the registry.
  caf::actor direct_route(const std::string& tenant_id) const {
    if (unforwarded_->load() != 0)
      return caf::actor{};
    std::shared_lock lock(mutex_);
    auto it = aggregators_.find(tenant_id);
    return it == aggregators_.end() ? caf::actor{} : it->second;
  }

  /// Called before a message of rows is sent to the registry.
  void rows_sent() { unforwarded_->fetch_add(1); }

  /// Called by the registry after it has sent a message's rows on to the aggregators.
  void rows_handed_on() { unforwarded_->fetch_sub(1); }

  /// The count that rows_sent raises, for a sender outside this folder (the storage writer).
  std::shared_ptr<std::atomic<std::int64_t>> unforwarded() const { return unforwarded_; }

  /// Drops every handle, so that the aggregators can go at shutdown.
  void clear() {
    std::unique_lock lock(mutex_);
    aggregators_.clear();
  }

private:
  mutable std::shared_mutex mutex_;
  std::unordered_map<std::string, caf::actor> aggregators_;
  std::shared_ptr<std::atomic<std::int64_t>> unforwarded_ =
      std::make_shared<std::atomic<std::int64_t>>(0);
};

using tenant_directory_ptr = std::shared_ptr<tenant_directory>;

} // namespace llmops::actors
