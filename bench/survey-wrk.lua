-- bench/survey-wrk.lua - wrk posts the survey form once for each token of
-- a file, for bench/survey.sh. BENCH_TOKENS names the file (one token a
-- line), BENCH_THREADS wrk's thread count: thread k posts tokens k, k + T,
-- k + 2T…, so that no token is posted twice; a thread out of tokens stops.
-- done() prints one line for the script to read.
local tokens = {}
for line in io.lines(os.getenv("BENCH_TOKENS")) do
	tokens[#tokens + 1] = line
end

local threads = 0
function setup(thread)
	threads = threads + 1
	thread:set("id", threads)
end

local step, next_token
function init(args)
	step = tonumber(os.getenv("BENCH_THREADS"))
	next_token = id
end

local headers = { ["Content-Type"] = "application/x-www-form-urlencoded", ["Accept-Language"] = "zh-CN" }
function request()
	local t = tokens[next_token]
	if not t then
		wrk.thread:stop()
		t = "none"
	end
	next_token = next_token + step
	return wrk.format("POST", "/s/" .. t, headers, "q1=A")
end

function done(summary, latency, requests)
	local e = summary.errors
	io.write(string.format("wrk requests=%d duration_us=%d status_errors=%d socket_errors=%d p50_us=%d p99_us=%d max_us=%d\n",
		summary.requests, summary.duration, e.status, e.connect + e.read + e.write + e.timeout,
		latency:percentile(50), latency:percentile(99), latency.max))
end
