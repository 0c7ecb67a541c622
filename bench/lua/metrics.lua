-- A tenant's metrics or cost analysis over the last 30 days, as a dashboard refreshes.
dofile(os.getenv("LLMOPS_BENCH_LUA") .. "/common.lua")
local query = range()

request = function()
  local path = "/api/v1/llmops/metrics"
  if math.random(2) == 1 then
    path = "/api/v1/llmops/cost-analysis"
  end
  return wrk.format("GET", path .. query, {["X-Tenant-ID"] = tenant()})
end
