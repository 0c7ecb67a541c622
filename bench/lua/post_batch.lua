-- Batches of LLMOPS_BENCH_BATCH operations (default 100), as an agent flushing a buffer.
dofile(os.getenv("LLMOPS_BENCH_LUA") .. "/common.lua")
local size = tonumber(os.getenv("LLMOPS_BENCH_BATCH") or "100")

request = function()
  local items = {}
  for i = 1, size do
    items[i] = operation_json()
  end
  return wrk.format("POST", "/api/v1/llmops/operations/batch",
    {["Content-Type"] = "application/json", ["X-Tenant-ID"] = tenant()},
    '{"operations":[' .. table.concat(items, ",") .. ']}')
end
