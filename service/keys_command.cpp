#include "service/keys_command.hpp"

#include "service/config.hpp"
#include "storage/api_keys.hpp"
#include "storage/operation_store.hpp"

#include <cstdio>
#include <optional>
#include <string>
#include <vector>

namespace llmops::service {

namespace {

int usage() {
  std::fputs(
      "usage: llmops-service keys create (--tenant ID | --operator) --name NAME\n"
      "       llmops-service keys list\n"
      "       llmops-service keys revoke KEY_ID\n"
      "       (plus --database-url, --config, ... as for the service)\n",
      stderr);
  return 2;
}

void print_key(const storage::api_key_record& key) {
  std::printf(
      "%s\t%s\t%s\t%s\t%s\n", key.key_id.c_str(),
      key.tenant_id ? key.tenant_id->c_str() : "(operator)", key.name.c_str(),
      core::format_rfc3339(key.created_at).c_str(),
      key.revoked_at ? ("revoked " + core::format_rfc3339(*key.revoked_at)).c_str() : "active");
}

} // namespace

int run_keys_command(int argc, const char* const* argv) {
  // argv: llmops-service keys <action> [options]
  if (argc < 3)
    return usage();
  const std::string action = argv[2];
  std::optional<std::string> tenant;
  std::string name;
  std::string key_id;
  bool operator_role = false;
  std::vector<const char*> rest = {argv[0]};
  for (int i = 3; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--tenant" && i + 1 < argc)
      tenant = argv[++i];
    else if (arg == "--name" && i + 1 < argc)
      name = argv[++i];
    else if (arg == "--operator")
      operator_role = true;
    else if (arg.rfind("--", 0) != 0 && key_id.empty())
      key_id = arg;
    else
      rest.push_back(argv[i]);
  }

  std::string error;
  bool help = false;
  auto settings = load_config(static_cast<int>(rest.size()), rest.data(), error, help);
  if (!settings) {
    std::fprintf(stderr, "bad configuration: %s\n", error.c_str());
    return 2;
  }
  auto conn = storage::pg_connection::open(settings->database_url, error);
  if (!conn) {
    std::fprintf(stderr, "cannot connect: %s\n", error.c_str());
    return 1;
  }
  if (auto status = storage::migrate(*conn); !status.ok()) {
    std::fprintf(stderr, "schema migration failed: %s\n", status.message().c_str());
    return 1;
  }

  if (action == "create") {
    if (name.empty() || operator_role == tenant.has_value())
      return usage();
    std::string key;
    storage::api_key_record record;
    if (auto status = storage::create_api_key(*conn, tenant, name, key, record); !status.ok()) {
      std::fprintf(stderr, "cannot create the key: %s\n", status.message().c_str());
      return 1;
    }
    std::printf("%s\n", key.c_str());
    std::fprintf(
        stderr, "store it now: only its digest is kept (key id %s)\n", record.key_id.c_str());
    return 0;
  }
  if (action == "list") {
    std::vector<storage::api_key_record> keys;
    if (auto status = storage::list_api_keys(*conn, keys); !status.ok()) {
      std::fprintf(stderr, "cannot list keys: %s\n", status.message().c_str());
      return 1;
    }
    for (const auto& key : keys)
      print_key(key);
    return 0;
  }
  if (action == "revoke" && !key_id.empty()) {
    bool found = false;
    if (auto status = storage::revoke_api_key(*conn, key_id, found); !status.ok() || !found) {
      std::fprintf(stderr, "no such key: %s\n", key_id.c_str());
      return 1;
    }
    std::printf("revoked %s\n", key_id.c_str());
    return 0;
  }
  return usage();
}

} // namespace llmops::service
