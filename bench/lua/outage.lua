-- Single writes that count the answers by status, for bench/outage.
dofile(os.getenv("LLMOPS_BENCH_LUA") .. "/common.lua")

local threads = {}
local base_setup = setup

function setup(thread)
  base_setup(thread)
  table.insert(threads, thread)
end

created, unavailable, unavailable_with_retry_after, other = 0, 0, 0, 0

request = function()
  return wrk.format("POST", "/api/v1/llmops/operations",
    {["Content-Type"] = "application/json", ["X-Tenant-ID"] = tenant()}, operation_json())
end

response = function(status, headers, body)
  if status == 201 then
    created = created + 1
  elseif status == 503 then
    unavailable = unavailable + 1
    if headers["Retry-After"] ~= nil then
      unavailable_with_retry_after = unavailable_with_retry_after + 1
    end
  else
    other = other + 1
  end
end

done = function(summary, latency, requests)
  local totals = {0, 0, 0, 0}
  for _, thread in ipairs(threads) do
    totals[1] = totals[1] + thread:get("created")
    totals[2] = totals[2] + thread:get("unavailable")
    totals[3] = totals[3] + thread:get("unavailable_with_retry_after")
    totals[4] = totals[4] + thread:get("other")
  end
  io.write(string.format("answers: created=%d unavailable=%d unavailable_with_retry_after=%d other=%d\n",
    totals[1], totals[2], totals[3], totals[4]))
end
