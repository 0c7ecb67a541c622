#include "service/config.hpp"

#include <boost/test/unit_test.hpp>
#include <cstdlib>
#include <fstream>

using namespace llmops::service;

namespace {

// Sets an environment variable for the life of the object.
struct scoped_env {
  scoped_env(const char* name, const char* value) : name(name) { setenv(name, value, 1); }

  ~scoped_env() { unsetenv(name); }

  const char* name;
};

std::optional<config> load(std::vector<const char*> args, std::string& error) {
  args.insert(args.begin(), "llmops-service");
  bool help = false;
  return load_config(static_cast<int>(args.size()), args.data(), error, help);
}

} // namespace

BOOST_AUTO_TEST_SUITE(config_loading)

BOOST_AUTO_TEST_CASE(flags_beat_environment_beats_file) {
  const std::string path = "/tmp/llmops_config_test.conf";
  std::ofstream(path)
      << "# comment\nservice_port = 9000\nflush_rows = 10\nservice_name = from-file\n";
  scoped_env url("DATABASE_URL", "host=x");
  scoped_env port("SERVICE_PORT", "9100");
  std::string error;
  auto settings = load({"--config", path.c_str(), "--flush-rows=20"}, error);
  BOOST_REQUIRE_MESSAGE(settings, error);
  BOOST_REQUIRE_EQUAL(settings->service_port, 9100);
  BOOST_REQUIRE_EQUAL(settings->flush_rows, 20);
  BOOST_REQUIRE_EQUAL(settings->service_name, "from-file");
  BOOST_REQUIRE_EQUAL(settings->database_url, "host=x");
}

BOOST_AUTO_TEST_CASE(bad_values_name_the_key) {
  scoped_env url("DATABASE_URL", "host=x");
  std::string error;
  {
    scoped_env port("SERVICE_PORT", "eighty");
    BOOST_REQUIRE(!load({}, error));
    BOOST_REQUIRE(error.find("SERVICE_PORT") != std::string::npos);
  }
  BOOST_REQUIRE(!load({"--flush_rows=0"}, error));
  BOOST_REQUIRE(error.find("--flush_rows") != std::string::npos);
  BOOST_REQUIRE(!load({"--no-such-key=1"}, error));
  BOOST_REQUIRE(error.find("no-such-key") != std::string::npos);
  {
    scoped_env level("LLMOPS_LOG_LEVEL", "loud");
    BOOST_REQUIRE(!load({}, error));
    BOOST_REQUIRE(error.find("LLMOPS_LOG_LEVEL") != std::string::npos);
  }
  {
    scoped_env nats("ENABLE_NATS", "maybe");
    BOOST_REQUIRE(!load({}, error));
    BOOST_REQUIRE(error.find("ENABLE_NATS") != std::string::npos);
  }
  BOOST_REQUIRE(!load({"--config", "/nonexistent/llmops.conf"}, error));
  BOOST_REQUIRE(error.find("/nonexistent/llmops.conf") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(database_url_is_required) {
  unsetenv("DATABASE_URL");
  std::string error;
  BOOST_REQUIRE(!load({}, error));
  BOOST_REQUIRE(error.find("DATABASE_URL") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(shipped_config_file_lists_every_key_with_its_default) {
  // conf/llmops.conf documents every key; loading it must give exactly the defaults.
  scoped_env url("DATABASE_URL", "host=x");
  std::string error;
  auto settings = load({"--config", LLMOPS_SOURCE_DIR "/conf/llmops.conf"}, error);
  BOOST_REQUIRE_MESSAGE(settings, error);
  config defaults;
  BOOST_REQUIRE_EQUAL(settings->service_port, defaults.service_port);
  BOOST_REQUIRE_EQUAL(settings->flush_rows, defaults.flush_rows);
  BOOST_REQUIRE_EQUAL(settings->write_queue_rows, defaults.write_queue_rows);

  std::ifstream file(LLMOPS_SOURCE_DIR "/conf/llmops.conf");
  std::string text((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
  std::string description = describe_config();
  for (std::size_t pos = 0; (pos = description.find("\n  ", pos)) != std::string::npos;) {
    pos += 3;
    std::string key = description.substr(pos, description.find(' ', pos) - pos);
    if (key != "--config")
      BOOST_CHECK_MESSAGE(
          text.find(key + " =") != std::string::npos, "conf/llmops.conf lacks " + key);
  }
}

BOOST_AUTO_TEST_SUITE_END()
