#include "actors/tenant_directory.hpp"

#include <boost/test/unit_test.hpp>
#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/send.hpp>

using namespace llmops::actors;

namespace {

caf::behavior idle(caf::event_based_actor*) {
  return {[](int) {}};
}

} // namespace

BOOST_AUTO_TEST_SUITE(tenant_directory_suite)

// A question may skip the registry only to an aggregator that exists, and only while no message
// of rows waits in the registry: else it could overtake rows acknowledged before it was asked.
BOOST_AUTO_TEST_CASE(routes_directly_only_while_no_rows_wait_in_the_registry) {
  caf::actor_system_config config;
  caf::actor_system system{config};
  auto aggregator = system.spawn(idle);
  tenant_directory directory;
  BOOST_REQUIRE(!directory.direct_route("t"));

  directory.add("t", aggregator);
  BOOST_REQUIRE(directory.direct_route("t") == aggregator);
  BOOST_REQUIRE(!directory.direct_route("other"));

  directory.rows_sent();
  directory.rows_sent();
  BOOST_REQUIRE(!directory.direct_route("t"));
  directory.rows_handed_on();
  BOOST_REQUIRE(!directory.direct_route("t"));
  directory.rows_handed_on();
  BOOST_REQUIRE(directory.direct_route("t") == aggregator);

  // The storage writer raises the same count through the shared counter.
  directory.unforwarded()->fetch_add(1);
  BOOST_REQUIRE(!directory.direct_route("t"));
  directory.rows_handed_on();
  BOOST_REQUIRE(directory.direct_route("t") == aggregator);

  directory.clear();
  BOOST_REQUIRE(!directory.direct_route("t"));
  caf::anon_send_exit(aggregator, caf::exit_reason::user_shutdown);
}

BOOST_AUTO_TEST_SUITE_END()
