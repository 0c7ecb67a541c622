#pragma once

#include "core/time.hpp"
#include "storage/pg.hpp"

#include <optional>
#include <string>
#include <vector>

namespace llmops::storage {

/// An API key as stored: never the key itself, only its id and a digest.
struct api_key_record {
  std::string key_id;                   ///< Public part, "llmk_<id>_...": names the key.
  std::optional<std::string> tenant_id; ///< Unset: the operator role, which sees every tenant.
  std::string name;
  core::micros created_at = 0;
  std::optional<core::micros> revoked_at;
};

/// Creates a key for tenant_id (or the operator role) and returns it in key: the only time the
/// secret exists outside its holder. Keys look like llmk_<8 hex>_<32 hex> (160 random bits).
db_status create_api_key(
    pg_connection& conn,
    const std::optional<std::string>& tenant_id,
    const std::string& name,
    std::string& key,
    api_key_record& record);

/// Looks a presented key up by its digest; nullopt when there is no such key.
db_status
find_api_key(pg_connection& conn, const std::string& key, std::optional<api_key_record>& record);

db_status list_api_keys(pg_connection& conn, std::vector<api_key_record>& keys);

/// Marks a key revoked (from now on it authenticates nothing); found tells whether it existed.
db_status revoke_api_key(pg_connection& conn, const std::string& key_id, bool& found);

/// The digest stored for a key.
std::string api_key_digest(const std::string& key);

} // namespace llmops::storage
