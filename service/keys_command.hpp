#pragma once

namespace llmops::service {

/// `llmops-service keys ...`: manages API keys straight in the database, for the first
/// operator key and for scripts. Returns the process exit code.
///   keys create (--tenant ID | --operator) --name NAME   prints the new key, once
///   keys list
///   keys revoke KEY_ID
/// Other flags (--database-url, --config, ...) configure the connection as for the service.
int run_keys_command(int argc, const char* const* argv);

} // namespace llmops::service
