// libFuzzer harness over the request path: raw bytes are parsed as HTTP by Beast, then
// decoded, validated and routed by the api exactly as the server does. The runtime below it
// answers at once without a database (storage is not what this harness explores).

#include "actors/runtime.hpp"
#include "http/api.hpp"
#include "http/decode.hpp"
#include "http/request_adapter.hpp"

#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <boost/json/parse.hpp>
#include <cstdint>
#include <cstdlib>

namespace {

namespace bhttp = boost::beast::http;
using namespace llmops;

class immediate_runtime : public actors::runtime {
public:
  immediate_runtime() : runtime(actors::runtime_config{}) {}

  // What reaches storage must be storable: ids of the documented shape, well-formed UTF-8
  // without NUL in every text column, metadata a JSON object. Anything else is a hole in
  // validation that the database would turn into a failed batch.
  bool submit(
      std::vector<core::operation_record> operations,
      std::function<void(storage::write_result&&)> done) override {
    storage::write_result result;
    for (std::size_t i = 0; i < operations.size(); ++i) {
      const auto& op = operations[i];
      for (const std::string* text : {&op.operation_type, &op.model, &op.metadata_json})
        if (!http::valid_utf8(*text) || text->find('\0') != std::string::npos)
          std::abort();
      if (op.agent_id &&
          (!http::valid_utf8(*op.agent_id) || op.agent_id->find('\0') != std::string::npos))
        std::abort();
      if (!http::valid_id(op.tenant_id) || !http::valid_id(op.operation_id))
        std::abort();
      std::error_code ec;
      if (!boost::json::parse(op.metadata_json, ec).is_object() || ec)
        std::abort();
      result.rows.push_back(
          i % 3 == 2 ? storage::row_outcome::duplicate : storage::row_outcome::created);
    }
    done(std::move(result));
    return true;
  }

  bool read(std::function<void(storage::pg_connection*)> task) override {
    task(nullptr);
    return true;
  }

  void query_metrics(actors::metrics_job_ptr job) override {
    actors::metrics_result result;
    auto range = actors::resolve_range(job->range, std::nullopt, 1'700'000'000, result.error);
    if (range) {
      result.range = *range;
      result.summary = actors::tenant_aggregate{}.summarize(*range);
    } else {
      result.ok = false;
    }
    job->done(std::move(result));
  }

  std::int64_t queued_rows() const override { return 0; }

  std::int64_t write_queue_capacity() const override { return 100; }
};

immediate_runtime& backend() {
  static immediate_runtime instance;
  return instance;
}

http::api& handler() {
  static core::catalog_holder catalog = [] {
    core::catalog_holder holder;
    std::string error;
    if (auto parsed = core::price_catalog::load(LLMOPS_SOURCE_DIR "/conf/pricing.json", error)) {
      auto loaded = std::make_shared<core::catalog_holder::loaded>();
      loaded->catalog = std::move(*parsed);
      holder.set(std::move(loaded));
    }
    return holder;
  }();
  static http::api instance(backend(), catalog, http::service_info{});
  return instance;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  // Parse as the server does, with its limits.
  bhttp::request_parser<bhttp::string_body> parser;
  parser.eager(true);
  parser.body_limit(1 << 20);
  parser.header_limit(8 << 10);
  boost::beast::error_code ec;
  parser.put(boost::asio::buffer(data, size), ec);
  if (ec || !parser.is_done())
    return 0;

  http::api_request request = http::to_api_request(parser.get());
  request.request_id = "req_fuzz";
  request.correlation_id = "req_fuzz";

  // Every request is answered exactly once, with a status the contract knows and a JSON body.
  int answers = 0;
  handler().handle(std::move(request), [&answers](http::api_response&& response) {
    ++answers;
    if (response.status < 200 || response.status > 599 || response.body.empty() ||
        response.body.front() != '{')
      std::abort();
  });
  if (answers != 1)
    std::abort();
  return 0;
}
