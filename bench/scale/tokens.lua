-- wrk script for bench/scale/tokens.sh: POST .../portal-token for customers of a scale tenant,
-- named by alias (cust-%09d, as bench/scale/run.sh generates them), drawn uniformly at random
-- from the first SCALE_CUSTOMERS of them. The API key is read from the file SCALE_KEY_FILE, never
-- from the command line.
local key_file = assert(os.getenv("SCALE_KEY_FILE"), "SCALE_KEY_FILE is not set")
local customers = assert(tonumber(os.getenv("SCALE_CUSTOMERS")), "SCALE_CUSTOMERS is not set")
local f = assert(io.open(key_file, "r"))
local key = f:read("*l")
f:close()

wrk.method = "POST"
wrk.headers["Authorization"] = "Bearer " .. key

function init(args)
    math.randomseed(os.time() + tonumber(tostring({}):sub(8), 16) % 100000)
end

function request()
    local path = string.format("/api/v1/customers/cust-%09d/portal-token", math.random(0, customers - 1))
    return wrk.format(nil, path)
end

function done(summary, latency, requests)
    local errors = summary.errors
    io.write(string.format("RESULT requests=%d seconds=%.2f non2xx=%d connect=%d read=%d write=%d timeout=%d p50=%.2f p99=%.2f\n",
        summary.requests, summary.duration / 1e6, summary.errors.status, errors.connect, errors.read, errors.write,
        errors.timeout, latency:percentile(50) / 1000, latency:percentile(99) / 1000))
end
