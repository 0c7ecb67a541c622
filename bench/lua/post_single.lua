-- One operation per request, as an SDK reports each call.
dofile(os.getenv("LLMOPS_BENCH_LUA") .. "/common.lua")

request = function()
  return wrk.format("POST", "/api/v1/llmops/operations",
    {["Content-Type"] = "application/json", ["X-Tenant-ID"] = tenant()}, operation_json())
end
