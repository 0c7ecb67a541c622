#pragma once

#include "core/money.hpp"
#include "core/operation.hpp"

#include <atomic>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace llmops::core {

/// Prices of one model from a date on, in nano-dollars per million tokens.
struct model_price {
  micros effective_from = 0;
  nano_usd input = 0;
  nano_usd output = 0;
  std::optional<nano_usd> cached_input;     ///< Unset: cached tokens cost the input price.
  std::optional<nano_usd> reasoning_output; ///< Unset: reasoning tokens cost the output price.
};

/// A model of the catalog, named exactly or by a pattern with '*' wildcards.
struct model_entry {
  std::string name;
  bool is_pattern = false;
  std::string provider;
  std::vector<model_price> prices; ///< Ordered by effective_from.
};

/// The price catalog (conf/pricing.json). Immutable once loaded; shared across threads.
class price_catalog {
public:
  /// Parses a catalog document; nullopt with error (naming the entry) when it is malformed.
  static std::optional<price_catalog> parse(std::string_view json, std::string& error);

  /// Reads and parses a catalog file.
  static std::optional<price_catalog> load(const std::string& path, std::string& error);

  /// The price of op at its timestamp: the entry named exactly op.model, else the longest
  /// pattern matching it, at the latest price in effect. Nullopt when none applies.
  /// Cached tokens are part of prompt_tokens and reasoning tokens part of completion_tokens;
  /// the result is rounded once, to the nearest nano-dollar.
  std::optional<nano_usd> price(const operation_record& op) const;

  const std::vector<model_entry>& entries() const { return entries_; }

  /// The catalog as JSON for GET /models.
  std::string to_json() const;

private:
  const model_entry* find(std::string_view model) const;

  std::vector<model_entry> entries_;
};

/// The catalog in force, swapped whole on reload. Readers keep the version they got.
/// Thread-safe.
class catalog_holder {
public:
  struct loaded {
    price_catalog catalog;
    std::string source; ///< The file it came from.
    micros loaded_at = 0;
  };

  std::shared_ptr<const loaded> get() const { return std::atomic_load(&current_); }

  void set(std::shared_ptr<const loaded> catalog) {
    std::atomic_store(&current_, std::move(catalog));
  }

private:
  std::shared_ptr<const loaded> current_;
};

/// Whether text matches pattern, where '*' stands for any run of characters.
bool glob_match(std::string_view pattern, std::string_view text);

} // namespace llmops::core
