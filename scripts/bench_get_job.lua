-- wrk script for `make bench`: GET a random job of the 100,000 with a bearer token, then print
-- the latency percentiles as one JSON object. DELAY_MS > 0 paces each connection (one request,
-- then that pause): wrk times a request from its send, so the pause is not counted.
local token = os.getenv("TOKEN")
local jobs = tonumber(os.getenv("JOBS") or "100000")
local pause = tonumber(os.getenv("DELAY_MS") or "0")

function init(args)
  math.randomseed(2026)
end

function request()
  return wrk.format("GET", "/api/v1/jobs/" .. math.random(1, jobs), {["Authorization"] = "Bearer " .. token})
end

if pause > 0 then
  function delay()
    return pause
  end
end

function done(summary, latency, requests)
  local errors = summary.errors
  io.write(string.format(
    '{"n": %d, "errors": %d, "p50": %.3f, "p95": %.3f, "p99": %.3f, "rps": %.1f}\n',
    summary.requests,
    errors.connect + errors.read + errors.write + errors.status + errors.timeout,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000,
    summary.requests / (summary.duration / 1e6)
  ))
end
