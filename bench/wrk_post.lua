-- wrk script for bench/clock_throughput.py: POST a punch body, optionally one bearer token
-- per request, and print a machine-readable summary line.
--
--   wrk ... -s bench/wrk_post.lua URL -- BODY_FILE [TOKENS_FILE THREADS]
--
-- Every clock-in must come from a different employee (a second clock-in is a 409), so the
-- tokens file holds one access token per line and each wrk thread takes its own contiguous
-- slice, walking it with a per-thread counter. A thread that runs out of tokens keeps sending
-- its last one (those answers are 409s) and reports how many requests lacked a fresh token, so
-- the driver can refuse a run whose pool was too small instead of printing a wrong number.

local threads = {}
local next_id = 0

function setup(thread)
   -- Runs in the main Lua state, once per thread, before init().
   next_id = next_id + 1
   thread:set("id", next_id)
   table.insert(threads, thread)
end

local function read_lines(path)
   local lines = {}
   for line in io.lines(path) do
      if #line > 0 then
         lines[#lines + 1] = line
      end
   end
   return lines
end

local tokens = nil
local headers = nil
sent = 0
exhausted = 0

function init(args)
   local f = assert(io.open(args[1], "r"))
   wrk.method = "POST"
   wrk.body = f:read("*a")
   f:close()
   headers = { ["Content-Type"] = "application/json" }
   if args[2] then
      local all = read_lines(args[2])
      local count = tonumber(args[3])
      local per = math.floor(#all / count)
      tokens = {}
      for i = (id - 1) * per + 1, id * per do
         tokens[#tokens + 1] = all[i]
      end
   end
end

function request()
   sent = sent + 1
   if tokens == nil then
      return wrk.format(nil, nil, headers, nil)
   end
   local token = tokens[sent]
   if token == nil then
      exhausted = exhausted + 1
      token = tokens[#tokens]
   end
   headers["Authorization"] = "Bearer " .. token
   return wrk.format(nil, nil, headers, nil)
end

function done(summary, latency, requests)
   local total_exhausted = 0
   for _, thread in ipairs(threads) do
      total_exhausted = total_exhausted + (thread:get("exhausted") or 0)
   end
   local e = summary.errors
   io.write(string.format(
      'WRK_JSON {"requests": %d, "duration_us": %d, "p50_us": %d, "p90_us": %d, '
         .. '"p99_us": %d, "max_us": %d, "non_2xx": %d, "connect_errors": %d, '
         .. '"read_errors": %d, "write_errors": %d, "timeouts": %d, "exhausted": %d}\n',
      summary.requests, summary.duration, latency:percentile(50), latency:percentile(90),
      latency:percentile(99), latency.max, e.status, e.connect, e.read, e.write, e.timeout,
      total_exhausted))
end
