// The operator's management of API keys: POST, GET and DELETE /api/v1/llmops/api-keys.

#include "core/json_writer.hpp"
#include "http/api.hpp"
#include "http/responses.hpp"
#include "storage/api_keys.hpp"

#include <boost/json/value.hpp>

namespace llmops::http {

namespace {

constexpr std::size_t max_key_name_bytes = 128;

api_error operator_only() {
  return {error_code::forbidden, "only the operator role manages API keys", "Authorization"};
}

void write_key(core::json_writer& json, const storage::api_key_record& key) {
  json.key("key_id").string(key.key_id);
  if (key.tenant_id)
    json.key("tenant_id").string(*key.tenant_id);
  else
    json.key("tenant_id").null();
  json.key("role").string(key.tenant_id ? "tenant" : "operator");
  json.key("name").string(key.name);
  json.key("created_at").string(core::format_rfc3339(key.created_at));
  if (key.revoked_at)
    json.key("revoked_at").string(core::format_rfc3339(*key.revoked_at));
  else
    json.key("revoked_at").null();
}

} // namespace

void api::post_api_key(const api_request& request, responder respond) {
  if (!request.operator_role) {
    fail(request, respond, operator_only());
    return;
  }

  // {"name": "...", "tenant_id": "..." or null for another operator key}
  boost::json::value body;
  if (auto error = parse_json_object(request.body, body)) {
    fail(request, respond, *error);
    return;
  }
  std::optional<std::string> tenant_id;
  std::string name;
  for (const auto& entry : body.get_object()) {
    if (entry.key() == "tenant_id" && entry.value().is_string() &&
        valid_id(entry.value().get_string())) {
      tenant_id = std::string(entry.value().get_string());
    } else if (
        entry.key() == "name" && entry.value().is_string() && !entry.value().get_string().empty() &&
        entry.value().get_string().size() <= max_key_name_bytes) {
      name = std::string(entry.value().get_string());
    } else if (!(entry.key() == "tenant_id" && entry.value().is_null())) {
      fail(
          request, respond,
          {error_code::validation_error,
           "expected {\"name\": 1-128 bytes, \"tenant_id\": a tenant id or null}; " +
               std::string(entry.key()) + " is wrong",
           std::string(entry.key())});
      return;
    }
  }
  if (name.empty()) {
    fail(request, respond, {error_code::validation_error, "name is required", "name"});
    return;
  }

  auto task = [request, respond, tenant_id, name](storage::pg_connection* conn) {
    std::string key;
    storage::api_key_record record;
    if (conn == nullptr || !storage::create_api_key(*conn, tenant_id, name, key, record).ok()) {
      fail(request, respond, unavailable("the key could not be stored; retry later"));
      return;
    }
    core::json_writer json;
    json.begin_object();
    json.key("success").boolean(true);
    json.key("data").begin_object();
    json.key("key").string(key);
    write_key(json, record);
    json.end_object();
    json.end_object();
    respond(ok(201, json.take()));
  };
  if (!runtime_.read(task))
    fail(request, respond, unavailable("too many queries are waiting; retry later"));
}

void api::get_api_keys(const api_request& request, responder respond) {
  if (!request.operator_role) {
    fail(request, respond, operator_only());
    return;
  }
  auto task = [request, respond](storage::pg_connection* conn) {
    std::vector<storage::api_key_record> keys;
    if (conn == nullptr || !storage::list_api_keys(*conn, keys).ok()) {
      fail(request, respond, unavailable("the database is unavailable; retry later"));
      return;
    }
    core::json_writer json;
    json.begin_object();
    json.key("success").boolean(true);
    json.key("data").begin_object();
    json.key("keys").begin_array();
    for (const auto& key : keys) {
      json.begin_object();
      write_key(json, key);
      json.end_object();
    }
    json.end_array();
    json.key("count").number(static_cast<std::int64_t>(keys.size()));
    json.end_object();
    json.end_object();
    respond(ok(200, json.take()));
  };
  if (!runtime_.read(task))
    fail(request, respond, unavailable("too many queries are waiting; retry later"));
}

void api::delete_api_key(const api_request& request, const std::string& key_id, responder respond) {
  if (!request.operator_role) {
    fail(request, respond, operator_only());
    return;
  }
  auto task = [this, request, respond, key_id](storage::pg_connection* conn) {
    bool found = false;
    if (conn == nullptr || !storage::revoke_api_key(*conn, key_id, found).ok()) {
      fail(request, respond, unavailable("the database is unavailable; retry later"));
      return;
    }
    if (!found) {
      fail(request, respond, {error_code::not_found, "no API key " + key_id, "key_id"});
      return;
    }
    if (auth_)
      auth_->forget(key_id);
    respond(ok(
        200, "{\"success\":true,\"data\":{\"key_id\":" + [&] {
          std::string quoted;
          core::append_json_string(quoted, key_id);
          return quoted;
        }() + ",\"revoked\":true}}"));
  };
  if (!runtime_.read(task))
    fail(request, respond, unavailable("too many queries are waiting; retry later"));
}

} // namespace llmops::http
