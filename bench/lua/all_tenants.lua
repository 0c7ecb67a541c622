-- Every tenant's cost analysis over the last 30 days, as an operator's overview refreshes.
local range = "?start_date=" .. os.getenv("LLMOPS_BENCH_START") .. "&end_date=" .. os.getenv("LLMOPS_BENCH_END")

request = function()
  return wrk.format("GET", "/api/v1/llmops/cost-analysis" .. range)
end
