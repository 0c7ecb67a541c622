#include "core/pricing.hpp"

#include "core/json_writer.hpp"

#include <algorithm>
#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>
#include <fstream>
#include <sstream>

namespace llmops::core {

namespace json = boost::json;

namespace {

constexpr std::int64_t tokens_per_million = 1'000'000;

// Reads a price in dollars per million tokens.
bool read_price(
    const json::object& object,
    std::string_view key,
    std::optional<nano_usd>& out,
    std::string& error) {
  auto it = object.find(key);
  if (it == object.end() || it->value().is_null())
    return true;
  if (!it->value().is_number()) {
    error = std::string(key) + " must be a number (dollars per million tokens)";
    return false;
  }
  out = usd_to_nano(it->value().to_number<double>());
  if (!out) {
    error = std::string(key) + " must be from 0 to 1000000";
    return false;
  }
  return true;
}

bool parse_price(const json::value& value, model_price& price, std::string& error) {
  if (!value.is_object()) {
    error = "each price must be an object";
    return false;
  }
  const auto& object = value.get_object();
  auto from = object.find("effective_from");
  if (from == object.end() || !from->value().is_string()) {
    error = "effective_from must be a date (YYYY-MM-DD or RFC 3339)";
    return false;
  }
  auto at = parse_date_param(from->value().get_string());
  if (!at) {
    error = "effective_from must be a date (YYYY-MM-DD or RFC 3339)";
    return false;
  }
  price.effective_from = *at;

  std::optional<nano_usd> input;
  std::optional<nano_usd> output;
  if (!read_price(object, "input", input, error) || !read_price(object, "output", output, error) ||
      !read_price(object, "cached_input", price.cached_input, error) ||
      !read_price(object, "reasoning_output", price.reasoning_output, error))
    return false;
  if (!input || !output) {
    error = "input and output prices are required";
    return false;
  }
  price.input = *input;
  price.output = *output;
  return true;
}

} // namespace

bool glob_match(std::string_view pattern, std::string_view text) {
  // Iterative matching with backtracking to the last '*'.
  std::size_t p = 0;
  std::size_t t = 0;
  std::size_t star = std::string_view::npos;
  std::size_t resume = 0;
  while (t < text.size()) {
    if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      resume = t;
    } else if (p < pattern.size() && pattern[p] == text[t]) {
      ++p;
      ++t;
    } else if (star != std::string_view::npos) {
      p = star + 1;
      t = ++resume;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*')
    ++p;
  return p == pattern.size();
}

std::optional<price_catalog> price_catalog::parse(std::string_view text, std::string& error) {
  std::error_code ec;
  json::value document = json::parse(text, ec);
  if (ec || !document.is_object() || !document.get_object().contains("models") ||
      !document.at("models").is_array()) {
    error = ec ? "not valid JSON: " + ec.message() : "expected an object with a \"models\" array";
    return std::nullopt;
  }

  price_catalog catalog;
  std::size_t index = 0;
  for (const auto& item : document.at("models").get_array()) {
    const std::string where = "models[" + std::to_string(index++) + "]";
    if (!item.is_object()) {
      error = where + " must be an object";
      return std::nullopt;
    }
    const auto& object = item.get_object();
    model_entry entry;
    auto model = object.find("model");
    auto pattern = object.find("pattern");
    if ((model == object.end()) == (pattern == object.end())) {
      error = where + " must have exactly one of \"model\" and \"pattern\"";
      return std::nullopt;
    }
    auto name = model != object.end() ? model : pattern;
    if (!name->value().is_string() || name->value().get_string().empty()) {
      error = where + ": the name must be a non-empty string";
      return std::nullopt;
    }
    entry.name = std::string(name->value().get_string());
    entry.is_pattern = pattern != object.end();
    if (auto provider = object.find("provider");
        provider != object.end() && provider->value().is_string())
      entry.provider = std::string(provider->value().get_string());

    auto prices = object.find("prices");
    if (prices == object.end() || !prices->value().is_array() ||
        prices->value().get_array().empty()) {
      error = where + " (" + entry.name + "): prices must be a non-empty array";
      return std::nullopt;
    }
    for (const auto& value : prices->value().get_array()) {
      model_price price;
      if (!parse_price(value, price, error)) {
        error = where + " (" + entry.name + "): " + error;
        return std::nullopt;
      }
      entry.prices.push_back(price);
    }
    std::sort(entry.prices.begin(), entry.prices.end(), [](const auto& a, const auto& b) {
      return a.effective_from < b.effective_from;
    });
    for (const auto& other : catalog.entries_) {
      if (other.name == entry.name && other.is_pattern == entry.is_pattern) {
        error = where + ": " + entry.name + " is listed twice";
        return std::nullopt;
      }
    }
    catalog.entries_.push_back(std::move(entry));
  }
  return catalog;
}

std::optional<price_catalog> price_catalog::load(const std::string& path, std::string& error) {
  std::ifstream file(path);
  if (!file) {
    error = "cannot read " + path;
    return std::nullopt;
  }
  std::stringstream text;
  text << file.rdbuf();
  auto catalog = parse(text.str(), error);
  if (!catalog)
    error = path + ": " + error;
  return catalog;
}

const model_entry* price_catalog::find(std::string_view model) const {
  const model_entry* best = nullptr;
  for (const auto& entry : entries_) {
    if (!entry.is_pattern && entry.name == model)
      return &entry;
    if (entry.is_pattern && glob_match(entry.name, model) &&
        (best == nullptr || entry.name.size() > best->name.size()))
      best = &entry;
  }
  return best;
}

std::optional<nano_usd> price_catalog::price(const operation_record& op) const {
  const model_entry* entry = find(op.model);
  if (entry == nullptr)
    return std::nullopt;

  // The latest price in effect at the operation's time.
  const model_price* price = nullptr;
  for (const auto& candidate : entry->prices)
    if (candidate.effective_from <= op.timestamp_us)
      price = &candidate;
  if (price == nullptr)
    return std::nullopt;

  // Sum in nano-dollars times tokens, then divide once, rounding half up.
  using wide = __int128;
  const std::int64_t uncached = op.prompt_tokens - op.cached_prompt_tokens;
  const std::int64_t plain_output = op.completion_tokens - op.reasoning_tokens;
  wide total = wide(uncached) * price->input +
               wide(op.cached_prompt_tokens) * price->cached_input.value_or(price->input) +
               wide(plain_output) * price->output +
               wide(op.reasoning_tokens) * price->reasoning_output.value_or(price->output);
  return static_cast<nano_usd>((total + tokens_per_million / 2) / tokens_per_million);
}

std::string price_catalog::to_json() const {
  json_writer out;
  out.begin_array();
  for (const auto& entry : entries_) {
    out.begin_object();
    out.key(entry.is_pattern ? "pattern" : "model").string(entry.name);
    out.key("provider").string(entry.provider);
    out.key("prices").begin_array();
    for (const auto& price : entry.prices) {
      out.begin_object();
      out.key("effective_from").string(format_rfc3339(price.effective_from));
      out.key("input").decimal(price.input, 9);
      out.key("output").decimal(price.output, 9);
      if (price.cached_input)
        out.key("cached_input").decimal(*price.cached_input, 9);
      if (price.reasoning_output)
        out.key("reasoning_output").decimal(*price.reasoning_output, 9);
      out.end_object();
    }
    out.end_array();
    out.end_object();
  }
  out.end_array();
  return out.take();
}

} // namespace llmops::core
