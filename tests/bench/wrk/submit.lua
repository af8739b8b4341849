-- wrk script: durable figure submissions, every request a different figure (indicator and
-- period), so every one writes. Env: GT_TOKEN, GT_INDICATORS (how many BENCH-n indicators
-- exist; 600 give 84,000 figures), GT_NAME. Two wrk threads, each with its own indicators.
local token = os.getenv("GT_TOKEN")
local indicators = tonumber(os.getenv("GT_INDICATORS") or "200")
local name = os.getenv("GT_NAME") or "submit"
local threads = {}
local counter = 0

setup = function(thread)
  thread:set("thread_id", #threads)
  table.insert(threads, thread)
end

request = function()
  local n = counter
  counter = counter + 1
  -- Thread t takes the indicators BENCH-k with k % 2 == t; each takes quarters going back from
  -- FY2024-Q4 (140 of them, to FY1990), so no figure is submitted twice.
  local per_thread = math.floor(indicators / 2)
  local indicator = (n % per_thread) * 2 + (thread_id or 0)
  local slot = math.floor(n / per_thread)
  local year = 2024 - math.floor(slot / 4)
  local q = 4 - (slot % 4)
  local path = string.format("/api/v1/figures/BENCH-%d/FY%d-Q%d", indicator, year, q)
  local body = string.format('{"value":{"value":%d.5},"commentary":"load test"}', n % 90)
  return wrk.format("POST", path, {["Authorization"] = "Bearer " .. token,
                                   ["Content-Type"] = "application/json"}, body)
end

local statuses = {}
response = function(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
  if status ~= 201 and (statuses[status] == 1) then
    io.stderr:write("submit: status " .. status .. ": " .. body .. "\n")
  end
end

done = function(summary, latency, requests)
  local seconds = summary.duration / 1e6
  io.write(string.format("RESULT %s_per_s=%.0f\n", name, summary.requests / seconds))
  io.write(string.format("RESULT %s_p50_ms=%.2f\n", name, latency:percentile(50) / 1000))
  io.write(string.format("RESULT %s_p99_ms=%.2f\n", name, latency:percentile(99) / 1000))
  io.write(string.format("RESULT %s_non_2xx=%d\n", name, summary.errors.status))
end
