-- wrk script for bench/run.ts: POSTs Teams message activities to /api/messages.
--
-- Every request comes from a different user (and so a different 1:1 conversation): dialog state
-- never collides and per-user caches start cold, as with many people using the bot. Run with one
-- connection per thread (-t N -c N): each thread then sends its next request only after the previous
-- response, which is what lets the "activate" scenario pair a command with its confirmation and lets
-- this script time each request itself, per kind.
--
-- Environment:
--   BENCH_SCENARIO   echo | help | roles | activate
--   BENCH_THREADS    the -t value
--   BENCH_USER_BASE  first user index of this round; BENCH_USER_COUNT users (thread k takes base+k, base+k+T, ...)
--   BENCH_SERVICE_URL, BENCH_TENANT, BENCH_RUN (conversation id prefix), BENCH_OUT (results file)
--   BENCH_COMMAND    the one-line command (activate); BENCH_CONFIRM_KEY the confirmation card's key

local ffi = require("ffi")
ffi.cdef [[
  typedef struct { long tv_sec; long tv_nsec; } bench_timespec;
  int clock_gettime(int clk_id, bench_timespec *tp);
]]
local ts = ffi.new("bench_timespec")
local function now_us()
  ffi.C.clock_gettime(1, ts) -- CLOCK_MONOTONIC
  return tonumber(ts.tv_sec) * 1e6 + tonumber(ts.tv_nsec) / 1e3
end

local scenario = os.getenv("BENCH_SCENARIO") or "help"
local nthreads = tonumber(os.getenv("BENCH_THREADS") or "1")
local user_base = tonumber(os.getenv("BENCH_USER_BASE") or "0")
local user_count = tonumber(os.getenv("BENCH_USER_COUNT") or "1000")
local service_url = os.getenv("BENCH_SERVICE_URL") or "http://127.0.0.1:1"
local tenant = os.getenv("BENCH_TENANT") or "00000000-0000-0000-0000-000000000000"
local run = os.getenv("BENCH_RUN") or "run"
local out_path = os.getenv("BENCH_OUT")
local command = os.getenv("BENCH_COMMAND") or "help"
local confirm_key = os.getenv("BENCH_CONFIRM_KEY") or ""

local threads = {}
local next_tid = 0

function setup(thread)
  next_tid = next_tid + 1
  thread:set("tid", next_tid)
  table.insert(threads, thread)
end

-- Per-thread state (each thread has its own Lua state; done() reads these through thread:get).
tid = 0
lat_a = {} -- the single request of echo/help/roles, or the command turn of activate
lat_b = {} -- the confirmation turn of activate
bad = 0 -- responses other than 200
wrapped = 0 -- users reused after the thread ran out of its slice
local k = 0 -- requests built by this thread (activate: pairs)
local step = 0 -- activate: 0 = command next, 1 = confirmation next
local current_user = 0
local started = 0

local function user_index(n)
  local offset = (tid - 1) + n * nthreads
  if offset >= user_count then
    wrapped = wrapped + 1
    offset = offset % user_count
  end
  return user_base + offset
end

local function activity(user, payload)
  local uid = string.format("b0000000-0000-4000-8000-%012d", user)
  k = k + 1
  return '{"type":"message","id":"' .. run .. "-" .. tid .. "-" .. k .. '","timestamp":"2026-01-01T12:00:00.000Z",'
    .. '"channelId":"msteams","serviceUrl":"' .. service_url .. '",'
    .. '"from":{"id":"29:' .. uid .. '","aadObjectId":"' .. uid .. '","name":"Bench User ' .. user .. '"},'
    .. '"recipient":{"id":"28:pim-bot","name":"PIM Bot"},'
    .. '"conversation":{"id":"a:' .. run .. "-" .. uid .. '","conversationType":"personal","tenantId":"' .. tenant .. '","isGroup":false},'
    .. '"channelData":{"tenant":{"id":"' .. tenant .. '"}},"localTimezone":"Europe/Berlin","locale":"en-GB",'
    .. payload .. "}"
end

local headers = { ["Content-Type"] = "application/json" }
local n = 0 -- users taken by this thread

function init(args)
  tid = wrk.thread:get("tid")
end

function request()
  local body
  if scenario == "activate" then
    if step == 0 then
      current_user = user_index(n)
      n = n + 1
      body = activity(current_user, '"text":"' .. command .. '"')
    else
      body = activity(current_user, '"value":{"pimbot":"confirm","key":"' .. confirm_key .. '"}')
    end
  else
    local text = scenario == "echo" and "hello" or scenario
    body = activity(user_index(n), '"text":"' .. text .. '"')
    n = n + 1
  end
  started = now_us()
  return wrk.format("POST", "/api/messages", headers, body)
end

function response(status, hdrs, body)
  local elapsed = now_us() - started
  if status ~= 200 then bad = bad + 1 end
  if scenario == "activate" then
    if step == 0 then
      lat_a[#lat_a + 1] = elapsed
      step = 1
    else
      lat_b[#lat_b + 1] = elapsed
      step = 0
    end
  else
    lat_a[#lat_a + 1] = elapsed
  end
end

function done(summary, latency, requests)
  local f = assert(io.open(out_path, "w"))
  f:write('{"requests":', summary.requests, ',"durationUs":', summary.duration,
    ',"errors":{"connect":', summary.errors.connect, ',"read":', summary.errors.read,
    ',"write":', summary.errors.write, ',"status":', summary.errors.status,
    ',"timeout":', summary.errors.timeout, '},',
    '"wrkLatencyUs":{"p50":', latency:percentile(50), ',"p99":', latency:percentile(99), ',"max":', latency.max, '},',
    '"threads":[')
  for i, t in ipairs(threads) do
    local a, b = t:get("lat_a"), t:get("lat_b")
    local sa, sb = {}, {}
    for j = 1, #a do sa[j] = string.format("%.0f", a[j]) end
    for j = 1, #b do sb[j] = string.format("%.0f", b[j]) end
    if i > 1 then f:write(",") end
    f:write('{"a":[', table.concat(sa, ","), '],"b":[', table.concat(sb, ","), '],"bad":', t:get("bad"),
      ',"wrapped":', t:get("wrapped"), "}")
  end
  f:write("]}\n")
  f:close()
end
