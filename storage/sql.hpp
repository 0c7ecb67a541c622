#pragma once

// Every SQL statement of the service, named. Statements are never assembled from input: values
// travel as parameters, and the only composed statement (the operations query) is joined from
// the fixed fragments below.

namespace llmops::storage::sql {

constexpr const char* lock_schema = "SELECT pg_advisory_xact_lock(4242004200)";

constexpr const char* create_schema_table = R"sql(
CREATE TABLE IF NOT EXISTS llmops_schema (
  version integer PRIMARY KEY,
  applied_at timestamptz NOT NULL DEFAULT now()
))sql";

constexpr const char* schema_version = "SELECT coalesce(max(version), 0) FROM llmops_schema";

constexpr const char* record_version = "INSERT INTO llmops_schema (version) VALUES ($1::integer)";

/// Migrations in order; migration i brings the schema to version i + 1.
constexpr const char* migrations[] = {
    R"sql(
CREATE TABLE llmops_operations (
  tenant_id         text        NOT NULL,
  operation_id      text        NOT NULL,
  ts                timestamptz NOT NULL,
  operation_type    text        NOT NULL,
  model             text        NOT NULL,
  status            text        NOT NULL,
  agent_id          text,
  prompt_tokens     bigint      NOT NULL CHECK (prompt_tokens >= 0),
  completion_tokens bigint      NOT NULL CHECK (completion_tokens >= 0),
  total_tokens      bigint      NOT NULL CHECK (total_tokens >= 0),
  latency_us        bigint      NOT NULL CHECK (latency_us >= 0),
  cost_nusd         bigint      NOT NULL CHECK (cost_nusd >= 0),
  metadata          jsonb       NOT NULL DEFAULT '{}',
  received_at       timestamptz NOT NULL DEFAULT now(),
  write_batch       bigint      NOT NULL DEFAULT 0,
  PRIMARY KEY (tenant_id, operation_id)
);
CREATE INDEX llmops_operations_ts ON llmops_operations (ts DESC, operation_id DESC);
CREATE INDEX llmops_operations_tenant_ts
  ON llmops_operations (tenant_id, ts DESC, operation_id DESC);
CREATE INDEX llmops_operations_tenant_model_ts
  ON llmops_operations (tenant_id, model, ts DESC, operation_id DESC);
CREATE INDEX llmops_operations_tenant_agent_ts
  ON llmops_operations (tenant_id, agent_id, ts DESC, operation_id DESC);
CREATE INDEX llmops_operations_tenant_status_ts
  ON llmops_operations (tenant_id, status, ts DESC, operation_id DESC);
)sql",
    R"sql(
ALTER TABLE llmops_operations
  ADD COLUMN cached_prompt_tokens bigint NOT NULL DEFAULT 0 CHECK (cached_prompt_tokens >= 0),
  ADD COLUMN reasoning_tokens bigint NOT NULL DEFAULT 0 CHECK (reasoning_tokens >= 0),
  ADD COLUMN cost_source text NOT NULL DEFAULT 'client',
  ADD COLUMN payload_hash bigint NOT NULL DEFAULT 0;
)sql",
    // Each secondary index roughly halves what one writer connection can insert on two cores
    // (49k rows/s through COPY with two, 23k with five). Filtered pages walk the tenant's time
    // index instead, which finds a page of a filter matching one row in forty within a few
    // thousand index entries.
    R"sql(
DROP INDEX IF EXISTS llmops_operations_tenant_model_ts;
DROP INDEX IF EXISTS llmops_operations_tenant_agent_ts;
DROP INDEX IF EXISTS llmops_operations_tenant_status_ts;
)sql",
    R"sql(
CREATE TABLE llmops_api_keys (
  key_id     text        PRIMARY KEY,
  key_hash   text        NOT NULL UNIQUE,
  tenant_id  text,
  name       text        NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  revoked_at timestamptz
);
)sql",
    // The tenant's time index carries the filter columns, so that counting a filtered page's
    // total reads the index alone instead of visiting every row of the tenant (on 10 million
    // rows: 27 pages per second before, the same SQL through pgbench 28).
    R"sql(
CREATE INDEX llmops_operations_tenant_ts_covering ON llmops_operations
  (tenant_id, ts DESC, operation_id DESC) INCLUDE (status, model, operation_type, agent_id);
DROP INDEX llmops_operations_tenant_ts;
)sql",
    // Every commit takes the next number of one counter row, holding its lock until the commit
    // ends: commit order and number order agree across nodes, with no gaps among committed
    // numbers. Rollups of whole days are persisted up to a watermark of that order, so that a
    // start loads them and reads only the rows committed since (and the recent days, whose
    // finer buckets are kept too). The index on the number takes each commit's rows at its
    // right edge under one key, which costs the writer little, unlike the indexes on random keys
    // dropped by migration 3 (BRIN would cost less, but its ranges are summarized only by VACUUM,
    // and until then every read of the newest rows scans the table).
    R"sql(
CREATE TABLE llmops_commit_counter (
  only_row boolean PRIMARY KEY DEFAULT true CHECK (only_row),
  last_seq bigint  NOT NULL
);
INSERT INTO llmops_commit_counter (last_seq) VALUES (0);
ALTER TABLE llmops_operations ADD COLUMN commit_seq bigint;
CREATE INDEX llmops_operations_commit_seq ON llmops_operations (commit_seq)
  WHERE commit_seq IS NOT NULL;
CREATE TABLE llmops_rollup_days (
  tenant_id text   NOT NULL,
  day       bigint NOT NULL,
  figures   bytea  NOT NULL,
  PRIMARY KEY (tenant_id, day)
);
CREATE TABLE llmops_rollup_watermark (
  only_row   boolean     PRIMARY KEY DEFAULT true CHECK (only_row),
  commit_seq bigint      NOT NULL,
  taken_at   timestamptz NOT NULL DEFAULT now()
);
)sql",
    // The finer buckets of the recent days are persisted too, a row per minute holding the
    // minute and its seconds (hours are sums of their minutes), so that a start reads only the
    // rows committed after the watermark. fine_start (epoch seconds) is where the stored minutes
    // begin; NULL when none are stored, as before this migration.
    R"sql(
CREATE TABLE llmops_rollup_minutes (
  tenant_id text   NOT NULL,
  minute    bigint NOT NULL,
  figures   bytea  NOT NULL,
  PRIMARY KEY (tenant_id, minute)
);
ALTER TABLE llmops_rollup_watermark ADD COLUMN fine_start bigint;
)sql",
};

/// Inserts a batch given as one array per column under the next commit number; returns that
/// number and the keys actually inserted (one row with NULL keys when none were), so that
/// retried duplicates are told apart and never counted twice.
constexpr const char* insert_operations = R"sql(
WITH counter AS (
  UPDATE llmops_commit_counter SET last_seq = last_seq + 1 RETURNING last_seq
), inserted AS (
  INSERT INTO llmops_operations (tenant_id, operation_id, ts, operation_type, model, status,
    agent_id, prompt_tokens, completion_tokens, total_tokens, latency_us, cost_nusd, metadata,
    cached_prompt_tokens, reasoning_tokens, cost_source, payload_hash, write_batch, commit_seq)
  SELECT *, $18::bigint, (SELECT last_seq FROM counter) FROM unnest($1::text[], $2::text[],
    $3::timestamptz[], $4::text[], $5::text[], $6::text[], $7::text[], $8::bigint[],
    $9::bigint[], $10::bigint[], $11::bigint[], $12::bigint[], $13::jsonb[], $14::bigint[],
    $15::bigint[], $16::text[], $17::bigint[])
  ON CONFLICT (tenant_id, operation_id) DO NOTHING
  RETURNING tenant_id, operation_id
)
SELECT counter.last_seq, inserted.tenant_id, inserted.operation_id
FROM counter LEFT JOIN inserted ON true)sql";

/// The columns of an operation in the order decode_operation expects.
constexpr const char* operation_columns = R"sql(
SELECT tenant_id, operation_id, (extract(epoch FROM ts) * 1000000)::bigint, operation_type,
  model, status, agent_id, prompt_tokens, completion_tokens, total_tokens, latency_us,
  cost_nusd, cached_prompt_tokens, reasoning_tokens, cost_source, metadata::text
FROM llmops_operations)sql";

constexpr const char* count_operations = "SELECT count(*) FROM llmops_operations";

constexpr const char* order_newest_first = " ORDER BY ts DESC, operation_id DESC";

constexpr const char* ping = "SELECT 1";

} // namespace llmops::storage::sql

namespace llmops::storage::sql {

constexpr const char* no_statement_timeout = "SET statement_timeout = 0";

/// The columns the aggregates need, in the order decode_operation expects, metadata left out.
/// Read in binary format: the timestamp and the numbers arrive as integers, parsed by neither
/// side.
#define LLMOPS_AGGREGATE_COLUMNS                                                                   \
  "SELECT tenant_id, operation_id, ts, operation_type, model, status, agent_id, prompt_tokens, "   \
  "completion_tokens, total_tokens, latency_us, cost_nusd, cached_prompt_tokens, "                 \
  "reasoning_tokens, cost_source, NULL::text, coalesce(commit_seq, 0) FROM llmops_operations "

/// What the aggregates are rebuilt from when no rollups are stored: every row.
constexpr const char* scan_operations = LLMOPS_AGGREGATE_COLUMNS;

/// What a start reads besides the stored rollups: rows committed after their watermark ($1).
constexpr const char* scan_committed_after =
    LLMOPS_AGGREGATE_COLUMNS "WHERE commit_seq > $1::bigint";

/// Rows stamped from $1 on and before $2 unless NULL (epoch seconds): those of recent days whose
/// finer buckets were not stored.
constexpr const char* scan_stamped_between =
    LLMOPS_AGGREGATE_COLUMNS "WHERE ts >= to_timestamp($1::bigint) "
                             "AND ($2::bigint IS NULL OR ts < to_timestamp($2::bigint))";

/// Rows committed by any node after commit number $1, in commit order, at most $2 of them.
constexpr const char* operations_after =
    LLMOPS_AGGREGATE_COLUMNS "WHERE commit_seq > $1::bigint ORDER BY commit_seq LIMIT $2::bigint";

/// The rows of a set of intervals [$2[i], $3[i]) (epoch seconds) of tenant $1 (every tenant
/// when NULL), at most $4 of them: the pieces of old history a metrics question needs.
constexpr const char* operations_in_intervals =
    LLMOPS_AGGREGATE_COLUMNS "o JOIN unnest($2::bigint[], $3::bigint[]) AS r(start_s, end_s) "
                             "ON o.ts >= to_timestamp(r.start_s) AND o.ts < to_timestamp(r.end_s) "
                             "WHERE ($1::text IS NULL OR o.tenant_id = $1::text) LIMIT $4::bigint";

#undef LLMOPS_AGGREGATE_COLUMNS

/// The commit number the stored rollups hold every row up to, and where their minutes begin.
constexpr const char* rollup_watermark =
    "SELECT commit_seq, fine_start FROM llmops_rollup_watermark";

constexpr const char* rollup_days = "SELECT tenant_id, day, figures FROM llmops_rollup_days";

constexpr const char* rollup_minutes =
    "SELECT tenant_id, minute, figures FROM llmops_rollup_minutes WHERE minute >= $1::bigint";

/// Locks the watermark for a snapshot; the snapshot goes on only from the watermark it follows.
constexpr const char* lock_rollup_watermark =
    "SELECT commit_seq, fine_start FROM llmops_rollup_watermark FOR UPDATE";

constexpr const char* clear_rollups =
    "DELETE FROM llmops_rollup_days; DELETE FROM llmops_rollup_minutes";

constexpr const char* store_rollup_days = R"sql(
INSERT INTO llmops_rollup_days (tenant_id, day, figures)
SELECT * FROM unnest($1::text[], $2::bigint[], $3::bytea[])
ON CONFLICT (tenant_id, day) DO UPDATE SET figures = excluded.figures)sql";

constexpr const char* store_rollup_minutes = R"sql(
INSERT INTO llmops_rollup_minutes (tenant_id, minute, figures)
SELECT * FROM unnest($1::text[], $2::bigint[], $3::bytea[])
ON CONFLICT (tenant_id, minute) DO UPDATE SET figures = excluded.figures)sql";

/// Minutes before $1 (a minute number) are no longer kept.
constexpr const char* drop_rollup_minutes =
    "DELETE FROM llmops_rollup_minutes WHERE minute < $1::bigint";

constexpr const char* store_rollup_watermark = R"sql(
INSERT INTO llmops_rollup_watermark (commit_seq, fine_start) VALUES ($1::bigint, $2::bigint)
ON CONFLICT (only_row) DO UPDATE
SET commit_seq = excluded.commit_seq, fine_start = excluded.fine_start, taken_at = now())sql";

} // namespace llmops::storage::sql

namespace llmops::storage::sql {

/// Which of the given keys were inserted by write batch $3: resolves rows whose commit outcome
/// was lost with the connection.
constexpr const char* keys_of_batch = R"sql(
SELECT o.tenant_id, o.operation_id
FROM llmops_operations o
JOIN unnest($1::text[], $2::text[]) AS k(tenant_id, operation_id)
  ON o.tenant_id = k.tenant_id AND o.operation_id = k.operation_id
WHERE o.write_batch = $3::bigint)sql";

/// Ends the server process $1 if it started before $2 (a process of a lost connection, not a
/// later one that reused its number), and tells whether such a process is still there.
constexpr const char* end_backend = R"sql(
SELECT pg_terminate_backend(pid, 1000)
FROM pg_stat_activity
WHERE pid = $1::integer AND backend_start <= $2::timestamptz)sql";

constexpr const char* backend_alive = R"sql(
SELECT count(*) FROM pg_stat_activity
WHERE pid = $1::integer AND backend_start <= $2::timestamptz)sql";

/// The payload digests stored under the given keys: tells a retry from a conflicting reuse.
constexpr const char* payload_hashes = R"sql(
SELECT o.tenant_id, o.operation_id, o.payload_hash
FROM llmops_operations o
JOIN unnest($1::text[], $2::text[]) AS k(tenant_id, operation_id)
  ON o.tenant_id = k.tenant_id AND o.operation_id = k.operation_id)sql";

} // namespace llmops::storage::sql

namespace llmops::storage::sql {

/// API keys: only a SHA-256 digest of each key is stored; a NULL tenant is the operator role.
constexpr const char* insert_api_key = R"sql(
INSERT INTO llmops_api_keys (key_id, key_hash, tenant_id, name) VALUES ($1, $2, $3, $4)
RETURNING (extract(epoch FROM created_at) * 1000000)::bigint)sql";

constexpr const char* find_api_key = R"sql(
SELECT key_id, tenant_id, name, (extract(epoch FROM created_at) * 1000000)::bigint,
  (extract(epoch FROM revoked_at) * 1000000)::bigint
FROM llmops_api_keys WHERE key_hash = $1)sql";

constexpr const char* list_api_keys = R"sql(
SELECT key_id, tenant_id, name, (extract(epoch FROM created_at) * 1000000)::bigint,
  (extract(epoch FROM revoked_at) * 1000000)::bigint
FROM llmops_api_keys ORDER BY created_at, key_id)sql";

constexpr const char* revoke_api_key = R"sql(
UPDATE llmops_api_keys SET revoked_at = coalesce(revoked_at, now()) WHERE key_id = $1
RETURNING key_id)sql";

} // namespace llmops::storage::sql
