-- Filtered pages of a tenant's operations, as a dashboard lists recent calls.
dofile(os.getenv("LLMOPS_BENCH_LUA") .. "/common.lua")
local filters = {"", "&status=error", "&model=model-3", "&agent_id=agent-7", "&operation_type=chat&status=success"}

request = function()
  return wrk.format("GET", "/api/v1/llmops/operations?limit=50" .. filters[math.random(#filters)],
    {["X-Tenant-ID"] = tenant()})
end
