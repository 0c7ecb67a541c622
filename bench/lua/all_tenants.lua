-- Every tenant's cost analysis over the last 30 days, as an operator's overview refreshes.
dofile(os.getenv("LLMOPS_BENCH_LUA") .. "/common.lua")
local query = range()

request = function()
  return wrk.format("GET", "/api/v1/llmops/cost-analysis" .. query)
end
