// COPY of operations into llmops_operations, in batches of the given size, one transaction
// each; prints rows per second.
//
//   copy_rows CONNINFO ROWS BATCH ceiling   rows shaped like the benchmark's requests: the
//                                            storage ceiling of batch ingestion
//   copy_rows CONNINFO ROWS BATCH history [TENANTS]
//                                            history for the read scenarios: 1000 tenants (or
//                                            TENANTS), 20 models, 40 agents, six kinds of call,
//                                            a tenth failing, timestamps over the last 90 days

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <libpq-fe.h>
#include <random>
#include <string>

namespace {

bool ok(PGresult* result, ExecStatusType expected, PGconn* conn) {
  const bool good = PQresultStatus(result) == expected;
  if (!good)
    std::fprintf(stderr, "copy_rows: %s", PQerrorMessage(conn));
  PQclear(result);
  return good;
}

constexpr const char* copy_statement =
    "COPY llmops_operations (tenant_id, operation_id, ts, operation_type, model, status, agent_id,"
    " prompt_tokens, completion_tokens, total_tokens, latency_us, cost_nusd, metadata,"
    " cached_prompt_tokens, reasoning_tokens, cost_source, payload_hash, write_batch) FROM STDIN";

const char* const request_models[] = {
    "gpt-4o",           "gpt-4o-mini",          "claude-3-5-sonnet-20241022",
    "gemini-1.5-pro",   "mistral-large-latest", "o3-mini",
    "claude-3-5-haiku", "gpt-4.1-mini"};
const char* const types[] = {"chat", "chat", "chat", "completion", "embedding", "tool_call"};
const char* const statuses[] = {"success", "success", "success", "success", "success",
                                "success", "success", "success", "error",   "timeout"};

} // namespace

int main(int argc, char** argv) {
  if (argc < 5 || argc > 6 ||
      (std::strcmp(argv[4], "ceiling") != 0 && std::strcmp(argv[4], "history") != 0)) {
    std::fprintf(stderr, "usage: copy_rows CONNINFO ROWS BATCH ceiling|history [TENANTS]\n");
    return 2;
  }
  PGconn* conn = PQconnectdb(argv[1]);
  if (PQstatus(conn) != CONNECTION_OK) {
    std::fprintf(stderr, "copy_rows: %s", PQerrorMessage(conn));
    return 1;
  }
  const long rows = std::atol(argv[2]);
  const long batch = std::atol(argv[3]);
  const bool history = std::strcmp(argv[4], "history") == 0;
  const long tenants = argc == 6 ? std::atol(argv[5]) : 1000;
  if (tenants < 1) {
    std::fprintf(stderr, "copy_rows: TENANTS must be positive\n");
    return 2;
  }
  std::mt19937_64 random(std::random_device{}());
  const long run = static_cast<long>(random() % 1000000000);
  const long now = static_cast<long>(std::time(nullptr));

  const auto started = std::chrono::steady_clock::now();
  for (long done = 0; done < rows;) {
    if (!ok(PQexec(conn, copy_statement), PGRES_COPY_IN, conn))
      return 1;
    std::string chunk;
    for (long i = 0; i < batch && done < rows; ++i, ++done) {
      const long prompt = static_cast<long>(random() % 6000) + 20;
      const long completion = static_cast<long>(random() % 900) + 1;
      const long at = history ? now - static_cast<long>(random() % (90L * 86400)) : now;
      char stamp[40];
      std::time_t seconds = at;
      std::strftime(stamp, sizeof stamp, "%Y-%m-%d %H:%M:%S", std::gmtime(&seconds));
      char model[64];
      if (history)
        std::snprintf(model, sizeof model, "model-%ld", static_cast<long>(random() % 20));
      else
        std::snprintf(model, sizeof model, "%s", request_models[random() % 8]);
      char line[512];
      int length = std::snprintf(
          line, sizeof line,
          "tenant-%ld\tcopy-%ld-%ld\t%s.%06ld+00\t%s\t%s\t%s\tagent-%ld\t%ld\t%ld\t%ld\t%ld\t%ld\t{"
          "}\t%ld\t0\t%s\t%ld\t1\n",
          static_cast<long>(random() % tenants), run, done, stamp,
          static_cast<long>(random() % 1000000), types[random() % 6], model,
          statuses[random() % 10], static_cast<long>(random() % 40), prompt, completion,
          prompt + completion, static_cast<long>(random() % 9000000) + 80000,
          (prompt * 2500 + completion * 10000) / 1000, prompt / 4, history ? "catalog" : "client",
          static_cast<long>(random() >> 2));
      chunk.append(line, static_cast<std::size_t>(length));
    }
    if (PQputCopyData(conn, chunk.data(), static_cast<int>(chunk.size())) != 1 ||
        PQputCopyEnd(conn, nullptr) != 1 || !ok(PQgetResult(conn), PGRES_COMMAND_OK, conn))
      return 1;
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  std::printf("%.0f\n", static_cast<double>(rows) / seconds);
  PQfinish(conn);
  return 0;
}
