-- 90% single writes, 10% reads (metrics, cost analysis, operation pages).
dofile(os.getenv("LLMOPS_BENCH_LUA") .. "/common.lua")
local query = range()
local reads = {"/api/v1/llmops/metrics" .. query, "/api/v1/llmops/cost-analysis" .. query,
               "/api/v1/llmops/operations?limit=20"}

request = function()
  local headers = {["Content-Type"] = "application/json", ["X-Tenant-ID"] = tenant()}
  if math.random(10) == 1 then
    return wrk.format("GET", reads[math.random(#reads)], headers)
  end
  return wrk.format("POST", "/api/v1/llmops/operations", headers, operation_json())
end
