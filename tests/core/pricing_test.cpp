#include "core/pricing.hpp"

#include <boost/test/unit_test.hpp>

using namespace llmops::core;

namespace {

const char* const catalog_text = R"({"models": [
  {"provider": "openai", "model": "gpt-4o", "prices": [
    {"effective_from": "2024-05-13", "input": 5.00, "output": 15.00},
    {"effective_from": "2024-08-06", "input": 2.50, "output": 10.00, "cached_input": 1.25}]},
  {"pattern": "gpt-4o*", "prices": [{"effective_from": "2024-01-01", "input": 9, "output": 9}]},
  {"pattern": "gpt-4o-mini*", "prices": [
    {"effective_from": "2024-07-18", "input": 0.15, "output": 0.60}]},
  {"model": "fraction", "prices": [{"effective_from": "2024-01-01", "input": 0.0375, "output": 0}]},
  {"model": "thinker", "prices": [
    {"effective_from": "2025-01-01", "input": 1, "output": 2, "reasoning_output": 7}]}
]})";

operation_record
op(const char* model, const char* at, std::int64_t prompt, std::int64_t completion) {
  operation_record record;
  record.model = model;
  record.timestamp_us = parse_rfc3339(at).value();
  record.prompt_tokens = prompt;
  record.completion_tokens = completion;
  return record;
}

price_catalog sample() {
  std::string error;
  auto catalog = price_catalog::parse(catalog_text, error);
  BOOST_REQUIRE_MESSAGE(catalog, error);
  return *catalog;
}

} // namespace

BOOST_AUTO_TEST_SUITE(pricing)

BOOST_AUTO_TEST_CASE(glob_matches_wildcards) {
  BOOST_REQUIRE(glob_match("gpt-4o*", "gpt-4o-2024-08-06"));
  BOOST_REQUIRE(glob_match("*sonnet*", "anthropic.claude-3-5-sonnet-v2:0"));
  BOOST_REQUIRE(glob_match("a*b*c", "aXXbYYc"));
  BOOST_REQUIRE(!glob_match("a*b*c", "aXXbYY"));
  BOOST_REQUIRE(!glob_match("gpt-4o*", "gpt-4"));
  BOOST_REQUIRE(glob_match("exact", "exact"));
}

BOOST_AUTO_TEST_CASE(prices_by_exact_name_then_longest_pattern_at_the_date) {
  auto catalog = sample();
  // 1M input at $5 and 1M output at $15 before the August price cut; after it $2.50 and $10.
  BOOST_REQUIRE_EQUAL(
      catalog.price(op("gpt-4o", "2024-06-01T00:00:00Z", 1'000'000, 1'000'000)).value(),
      20 * nano_per_usd);
  BOOST_REQUIRE_EQUAL(
      catalog.price(op("gpt-4o", "2024-09-01T00:00:00Z", 1'000'000, 1'000'000)).value(),
      12'500'000'000);
  // gpt-4o-mini-2024-07-18 matches both patterns; the longer one wins.
  BOOST_REQUIRE_EQUAL(
      catalog.price(op("gpt-4o-mini-2024-07-18", "2024-09-01T00:00:00Z", 1000, 1000)).value(),
      750'000);
  BOOST_REQUIRE_EQUAL(
      catalog.price(op("gpt-4o-2024-11-20", "2024-09-01T00:00:00Z", 1000, 0)).value(), 9'000'000);
  // Unknown model, or a time before any price: no price.
  BOOST_REQUIRE(!catalog.price(op("llama-3", "2024-09-01T00:00:00Z", 10, 10)));
  BOOST_REQUIRE(!catalog.price(op("gpt-4o-mini", "2024-07-01T00:00:00Z", 10, 10)));
}

BOOST_AUTO_TEST_CASE(cached_and_reasoning_tokens_are_parts_never_counted_twice) {
  auto catalog = sample();
  auto cached = op("gpt-4o", "2024-09-01T00:00:00Z", 1'000'000, 0);
  cached.cached_prompt_tokens = 400'000;
  // 600k at $2.50/M + 400k at $1.25/M = $1.50 + $0.50.
  BOOST_REQUIRE_EQUAL(catalog.price(cached).value(), 2 * nano_per_usd);

  auto thinking = op("thinker", "2025-02-01T00:00:00Z", 0, 1'000'000);
  thinking.reasoning_tokens = 250'000;
  // 750k at $2/M + 250k at $7/M = $1.50 + $1.75.
  BOOST_REQUIRE_EQUAL(catalog.price(thinking).value(), 3'250'000'000);
}

BOOST_AUTO_TEST_CASE(rounds_once_to_the_nearest_nano_dollar) {
  auto catalog = sample();
  // $0.0375 per million is 37.5 nano-dollars a token: 1 token rounds to 38, 2 are exactly 75,
  // 3 (112.5) round to 113. At $0.15 per million a token is exactly 150.
  BOOST_REQUIRE_EQUAL(catalog.price(op("fraction", "2024-09-01T00:00:00Z", 1, 0)).value(), 38);
  BOOST_REQUIRE_EQUAL(catalog.price(op("fraction", "2024-09-01T00:00:00Z", 2, 0)).value(), 75);
  BOOST_REQUIRE_EQUAL(catalog.price(op("fraction", "2024-09-01T00:00:00Z", 3, 0)).value(), 113);
  BOOST_REQUIRE_EQUAL(catalog.price(op("gpt-4o-mini", "2024-09-01T00:00:00Z", 1, 0)).value(), 150);
}

BOOST_AUTO_TEST_CASE(refuses_malformed_catalogs_naming_the_entry) {
  const std::pair<const char*, const char*> cases[] = {
      {"not json", "JSON"},
      {R"({"models": 3})", "models"},
      {R"({"models": [{"prices": []}]})", "models[0]"},
      {R"({"models": [{"model": "a", "pattern": "b", "prices": []}]})", "models[0]"},
      {R"({"models": [{"model": "a", "prices": []}]})", "prices"},
      {R"({"models": [{"model": "a", "prices": [{"effective_from": "someday", "input": 1, "output": 1}]}]})",
       "effective_from"},
      {R"({"models": [{"model": "a", "prices": [{"effective_from": "2024-01-01", "input": -1, "output": 1}]}]})",
       "input"},
      {R"({"models": [{"model": "a", "prices": [{"effective_from": "2024-01-01", "output": 1}]}]})",
       "required"},
      {R"({"models": [{"model": "a", "prices": [{"effective_from": "2024-01-01", "input": 1, "output": 1}]},
                      {"model": "a", "prices": [{"effective_from": "2024-01-01", "input": 1, "output": 1}]}]})",
       "twice"},
  };
  for (const auto& [text, expected] : cases) {
    std::string error;
    BOOST_CHECK_MESSAGE(!price_catalog::parse(text, error), text);
    BOOST_CHECK_MESSAGE(error.find(expected) != std::string::npos, error + " lacks " + expected);
  }
}

BOOST_AUTO_TEST_CASE(the_shipped_catalog_loads_and_prices_common_models) {
  std::string error;
  auto catalog = price_catalog::load(LLMOPS_SOURCE_DIR "/conf/pricing.json", error);
  BOOST_REQUIRE_MESSAGE(catalog, error);
  BOOST_REQUIRE_GE(catalog->entries().size(), 30u);
  for (const char* model :
       {"gpt-4o", "gpt-4o-mini-2024-07-18", "claude-3-5-sonnet-20241022", "gemini-1.5-pro-002",
        "mistral-large-latest", "o3-mini", "text-embedding-3-small"})
    BOOST_CHECK_MESSAGE(catalog->price(op(model, "2025-09-01T00:00:00Z", 1000, 100)), model);
  BOOST_REQUIRE(!catalog->price(op("my-own-finetune", "2025-09-01T00:00:00Z", 1000, 100)));
}

BOOST_AUTO_TEST_SUITE_END()
