#include "http/authenticator.hpp"

#include "core/sha256.hpp"
#include "storage/api_keys.hpp"

namespace llmops::http {

void authenticator::authenticate(const std::string& key, std::function<void(auth_result&&)> done) {
  // Keys are looked up by digest, so no comparison ever touches the secret itself.
  const std::string digest = storage::api_key_digest(key);
  {
    std::lock_guard lock(mutex_);
    auto it = entries_.find(digest);
    if (it != entries_.end() && std::chrono::steady_clock::now() < it->second.until &&
        core::constant_time_equal(it->first, digest)) {
      auth_result result = it->second.result;
      done(std::move(result));
      return;
    }
  }

  auto task = [this, key, digest, done](storage::pg_connection* conn) {
    auth_result result;
    std::optional<storage::api_key_record> record;
    if (conn == nullptr || !storage::find_api_key(*conn, key, record).ok()) {
      result.state = auth_result::outcome::unavailable;
      done(std::move(result));
      return;
    }
    if (record && !record->revoked_at) {
      result.state = auth_result::outcome::valid;
      result.who = {record->tenant_id, record->key_id};
    }
    {
      std::lock_guard lock(mutex_);
      if (entries_.size() >= max_entries)
        entries_.clear();
      const auto ttl = result.state == auth_result::outcome::valid ? positive_ttl : negative_ttl;
      entries_[digest] = {result, std::chrono::steady_clock::now() + ttl};
    }
    done(std::move(result));
  };
  if (!runtime_.read(task)) {
    auth_result busy;
    busy.state = auth_result::outcome::unavailable;
    done(std::move(busy));
  }
}

void authenticator::forget(const std::string& key_id) {
  std::lock_guard lock(mutex_);
  for (auto it = entries_.begin(); it != entries_.end();) {
    if (it->second.result.who.key_id == key_id)
      it = entries_.erase(it);
    else
      ++it;
  }
}

} // namespace llmops::http
