-- wrk script: authenticated GETs of one path. Env: GT_TOKEN (a bearer token) or GT_COOKIE (a
-- web session cookie, "gt_session=..."), GT_PATH, GT_NAME.
-- Prints RESULT lines for requests/s and p50/p99 latency (ms) under GT_NAME.
local token = os.getenv("GT_TOKEN")
local path = os.getenv("GT_PATH")
local cookie = os.getenv("GT_COOKIE")
local name = os.getenv("GT_NAME") or "get"

request = function()
  return wrk.format("GET", path, {["Authorization"] = token and ("Bearer " .. token) or nil,
                                  ["Cookie"] = cookie})
end

done = function(summary, latency, requests)
  local seconds = summary.duration / 1e6
  local errors = summary.errors.status + summary.errors.connect + summary.errors.read +
                 summary.errors.write + summary.errors.timeout
  io.write(string.format("RESULT %s_per_s=%.0f\n", name, summary.requests / seconds))
  io.write(string.format("RESULT %s_p50_ms=%.2f\n", name, latency:percentile(50) / 1000))
  io.write(string.format("RESULT %s_p99_ms=%.2f\n", name, latency:percentile(99) / 1000))
  io.write(string.format("RESULT %s_errors=%d\n", name, errors))
  io.write(string.format("RESULT %s_bytes_per_response=%.0f\n", name,
                         summary.bytes / math.max(summary.requests, 1)))
end
