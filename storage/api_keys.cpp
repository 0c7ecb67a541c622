#include "storage/api_keys.hpp"

#include "core/sha256.hpp"
#include "storage/sql.hpp"

#include <random>

namespace llmops::storage {

namespace {

std::string random_hex(std::size_t digits) {
  static constexpr char hex[] = "0123456789abcdef";
  std::random_device device; // /dev/urandom or the CPU's generator: unpredictable
  std::string text;
  while (text.size() < digits) {
    std::uint32_t word = device();
    for (int i = 0; i < 8 && text.size() < digits; ++i, word >>= 4)
      text.push_back(hex[word & 0xf]);
  }
  return text;
}

api_key_record decode_key(const pg_result& result, int row) {
  api_key_record record;
  record.key_id = result.value(row, 0);
  if (!result.is_null(row, 1))
    record.tenant_id = std::string(result.value(row, 1));
  record.name = result.value(row, 2);
  record.created_at = result.int64(row, 3);
  if (!result.is_null(row, 4))
    record.revoked_at = result.int64(row, 4);
  return record;
}

} // namespace

std::string api_key_digest(const std::string& key) {
  return core::sha256_hex(key);
}

db_status create_api_key(
    pg_connection& conn,
    const std::optional<std::string>& tenant_id,
    const std::string& name,
    std::string& key,
    api_key_record& record) {
  record.key_id = "llmk_" + random_hex(8);
  key = record.key_id + "_" + random_hex(32);
  record.tenant_id = tenant_id;
  record.name = name;
  pg_result result;
  std::vector<pg_param> params{record.key_id, api_key_digest(key), tenant_id, name};
  if (auto status = conn.exec_params(sql::insert_api_key, params, &result); !status.ok())
    return status;
  record.created_at = result.int64(0, 0);
  return {};
}

db_status
find_api_key(pg_connection& conn, const std::string& key, std::optional<api_key_record>& record) {
  pg_result result;
  if (auto status = conn.exec_params(sql::find_api_key, {api_key_digest(key)}, &result);
      !status.ok())
    return status;
  record.reset();
  if (result.rows() == 1)
    record = decode_key(result, 0);
  return {};
}

db_status list_api_keys(pg_connection& conn, std::vector<api_key_record>& keys) {
  pg_result result;
  if (auto status = conn.exec(sql::list_api_keys, &result); !status.ok())
    return status;
  keys.clear();
  for (int row = 0; row < result.rows(); ++row)
    keys.push_back(decode_key(result, row));
  return {};
}

db_status revoke_api_key(pg_connection& conn, const std::string& key_id, bool& found) {
  pg_result result;
  if (auto status = conn.exec_params(sql::revoke_api_key, {key_id}, &result); !status.ok())
    return status;
  found = result.rows() == 1;
  return {};
}

} // namespace llmops::storage
