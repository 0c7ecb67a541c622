-- Shared by the scenarios: realistic operations over many tenants, models and sizes.
models = {"gpt-4o", "gpt-4o-mini", "claude-3-5-sonnet-20241022", "gemini-1.5-pro", "mistral-large-latest",
          "o3-mini", "claude-3-5-haiku", "gpt-4.1-mini"}
types = {"chat", "chat", "chat", "completion", "embedding", "tool_call"}
statuses = {"success", "success", "success", "success", "success", "success", "success", "success", "error", "timeout"}

function operation_json()
  local prompt = math.random(20, 6000)
  local completion = math.random(1, 900)
  -- A third of the clients leave the cost to the service's price catalog.
  local cost = ""
  if math.random(3) > 1 then
    cost = string.format(',"cost_usd":0.%06d', math.random(1, 999999))
  end
  return string.format(
    '{"operation_type":"%s","model":"%s","prompt_tokens":%d,"completion_tokens":%d,' ..
    '"cached_prompt_tokens":%d,"latency_ms":%d.%d,"status":"%s","agent_id":"agent-%d"%s,' ..
    '"metadata":{"session":"s-%d","route":"/v1/chat"}}',
    types[math.random(#types)], models[math.random(#models)], prompt, completion, math.random(0, math.floor(prompt / 2)),
    math.random(80, 9000), math.random(0, 9), statuses[math.random(#statuses)], math.random(1, 40), cost,
    math.random(1, 100000))
end

-- The range of the metrics scenarios, as a query string.
function range()
  return "?start_date=" .. os.getenv("LLMOPS_BENCH_START") .. "&end_date=" .. os.getenv("LLMOPS_BENCH_END")
end

function tenant()
  return "tenant-" .. math.random(0, 999)
end

-- wrk seeds each thread the same way unless told otherwise.
function setup(thread)
  thread:set("seed", math.random(1, 1000000))
end

function init(args)
  math.randomseed(seed or os.time())
end
