-- wrk script of the benchmark driver (bench/run.sh), which runs it as:
--   wrk -t2 -c32 -d4s -s bench/load.lua http://127.0.0.1:PORT -- healthz
--   wrk -t2 -c32 -d4s -s bench/load.lua http://127.0.0.1:PORT -- token REQUESTS_FILE
--   wrk -t2 -c32 -d4s -s bench/load.lua http://127.0.0.1:PORT -- token-split REQUESTS_FILE 2
--   wrk -t2 -c32 -d4s -s bench/load.lua http://127.0.0.1:PORT -- introspect TOKENS_FILE
--   wrk -t2 -c32 -d4s -s bench/load.lua http://127.0.0.1:BARE_PORT -- sign eddsa
--
-- token: each wrk thread builds one POST /api/v1/customers/{id_or_alias}/portal-token per customer
-- line of the file (each with a random one of its tenant's API keys, by cus_ id or by alias in
-- alternation, the other way round in the other thread), shuffles them and cycles through them, so
-- every key, every customer and both lookups are exercised.
-- token-split: the same, but of T threads (the last argument, wrk's -t) thread n takes only the
-- customer lines n, n + T, n + 2T, ..., so the threads never share a customer (the cold scenario: a fresh random sample per measurement).
-- introspect: each line "I KEY TOKEN" of the file becomes a POST /api/v1/portal-tokens/introspect
-- of that (active) token with its tenant's key; every thread cycles through all of them.
-- sign: POST /sign/ALGORITHM (eddsa or es256) of the bare server: the HTTP stack plus one signature.
-- healthz: GET /healthz through the same request() path, so that wrk spends the same work per
-- request on both sides of a ratio.
--
-- done() prints one machine-readable BENCHRESULT line; wrk counts any status >= 400 in
-- status_errors, which the driver turns into an invalid run. API keys stay in wrk's memory.

local thread_count = 0

function setup(thread)
  thread_count = thread_count + 1
  thread:set("thread_no", thread_count)
end

local requests = {}
local n = 0
local i = 0

function init(args)
  local mode, file = args[1], args[2]
  if mode == "healthz" then
    requests[1] = wrk.format("GET", "/healthz")
    n = 1
    return
  end
  if mode == "sign" and (file == "eddsa" or file == "es256") then
    requests[1] = wrk.format("POST", "/sign/" .. file)
    n = 1
    return
  end
  if mode == "introspect" and file ~= nil then
    for line in io.lines(file) do
      local key, token = line:match("^I (%S+) (%S+)$")
      if key then
        n = n + 1
        requests[n] = wrk.format("POST", "/api/v1/portal-tokens/introspect",
          { ["Authorization"] = "Bearer " .. key, ["Content-Type"] = "application/json" },
          '{"token":"' .. token .. '"}')
      end
    end
    if n == 0 then
      error("no tokens in " .. file)
    end
    return
  end
  if (mode ~= "token" and mode ~= "token-split") or file == nil then
    error("usage: -- healthz | -- token FILE | -- token-split FILE THREADS | -- introspect FILE | -- sign eddsa|es256")
  end
  local keys, customers = {}, {}
  for line in io.lines(file) do
    local kind, tenant, first, second = line:match("^(%u) (%d+) (%S+) ?(%S*)$")
    if kind == "K" then
      keys[tenant] = keys[tenant] or {}
      table.insert(keys[tenant], first)
    elseif kind == "C" then
      table.insert(customers, { tenant = tenant, id = first, alias = second })
    end
  end
  local no = thread_no or 1
  math.randomseed(os.time() + 7919 * no)
  if mode == "token-split" then
    local threads = tonumber(args[3]) or error("token-split needs the thread count")
    local mine = {}
    for index, c in ipairs(customers) do
      if index % threads == no % threads then
        table.insert(mine, c)
      end
    end
    customers = mine
  end
  for index, c in ipairs(customers) do
    local tenant_keys = keys[c.tenant]
    local key = tenant_keys[math.random(#tenant_keys)]
    local ref = ((index + no) % 2 == 0) and c.id or c.alias
    requests[index] = wrk.format("POST", "/api/v1/customers/" .. ref .. "/portal-token",
      { ["Authorization"] = "Bearer " .. key })
  end
  n = #requests
  if n == 0 then
    error("no customers in " .. file)
  end
  for j = n, 2, -1 do
    local k = math.random(j)
    requests[j], requests[k] = requests[k], requests[j]
  end
end

function request()
  i = i + 1
  if i > n then
    i = 1
  end
  return requests[i]
end

function done(summary, latency, _)
  local e = summary.errors
  io.write(string.format(
    "BENCHRESULT requests=%d duration_us=%d p50_us=%.0f p99_us=%.0f status_errors=%d connect_errors=%d read_errors=%d write_errors=%d timeouts=%d\n",
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    e.status, e.connect, e.read, e.write, e.timeout))
end
