-- wrk script for `make bench`: wrk -s bench.lua URL -- APP ENDPOINT USERS_FILE
--   APP      studyapp | bare
--   ENDPOINT hello | next | review
--   USERS_FILE one line per user: id <TAB> token ('-': none) <TAB> card ids to review, comma separated
-- Every request picks a random user; a review picks one of that user's cards, a rating (mostly Good) and a
-- fresh review id. studyapp gets the user's API token; the bare app gets the user id (it has no auth).
-- At the end, one line "BENCH_JSON {...}" with wrk's counts, latency percentiles (µs) and every status seen.

local app, endpoint
local users = {}
statuses = {} -- global: done() reads it from each thread with thread:get
local prefix, counter = "", 0
local threads = {}
local paths = {
  studyapp = { hello = "/healthz", next = "/api/study/next/", review = "/api/reviews/" },
  bare = { hello = "/hello", next = "/next", review = "/review" },
}
local ratings = { 1, 2, 3, 3, 3, 4 }

function setup(thread)
  table.insert(threads, thread)
  thread:set("thread_no", #threads)
end

function init(args)
  app, endpoint = args[1], args[2]
  if not (paths[app] and paths[app][endpoint]) then
    error("usage: wrk -s bench.lua URL -- studyapp|bare hello|next|review USERS_FILE")
  end
  for line in io.lines(args[3]) do
    local id, token, cards = line:match("^(%d+)\t(%S+)\t([%d,]*)$")
    if id then
      local list = {}
      for card in cards:gmatch("%d+") do list[#list + 1] = card end
      if #list > 0 then users[#users + 1] = { id = id, token = token, cards = list } end
    end
  end
  if #users == 0 then error("no users with cards in " .. args[3]) end
  -- Seeded from /dev/urandom: a warm-up and the run after it, started within the same second, must not
  -- draw the same users and review ids.
  local urandom = assert(io.open("/dev/urandom", "rb"))
  local bytes = urandom:read(6)
  urandom:close()
  local seed = thread_no
  for i = 1, #bytes do seed = seed * 256 + bytes:byte(i) end
  math.randomseed(seed)
  -- 60 random bits per thread and run, then a counter: review ids never repeat
  prefix = string.format("%04x%04x-%04x-4%03x-8%03x-", math.random(0, 65535), math.random(0, 65535),
    math.random(0, 65535), math.random(0, 4095), math.random(0, 4095))
end

local function review_id()
  counter = counter + 1
  return prefix .. string.format("%02x%010x", thread_no % 256, counter)
end

function request()
  local path = paths[app][endpoint]
  if endpoint == "hello" then
    return wrk.format("GET", path)
  end
  local user = users[math.random(#users)]
  local headers = {}
  if app == "studyapp" then headers["Authorization"] = "Token " .. user.token end
  if endpoint == "next" then
    if app == "bare" then path = path .. "?user=" .. user.id end
    return wrk.format("GET", path, headers)
  end
  headers["Content-Type"] = "application/json"
  local body = string.format('{"card": %s, "rating": %d, "review_id": "%s", "duration_ms": %d%s}',
    user.cards[math.random(#user.cards)], ratings[math.random(#ratings)], review_id(), math.random(1000, 20000),
    app == "bare" and (', "user": ' .. user.id) or "")
  return wrk.format("POST", path, headers, body)
end

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
  local counts = {}
  for _, thread in ipairs(threads) do
    for status, n in pairs(thread:get("statuses")) do counts[status] = (counts[status] or 0) + n end
  end
  local parts = {}
  for status, n in pairs(counts) do parts[#parts + 1] = string.format('"%d": %d', status, n) end
  local e = summary.errors
  io.write(string.format(
    'BENCH_JSON {"requests": %d, "duration_us": %d, "connect": %d, "read": %d, "write": %d, "timeout": %d, '
      .. '"non2xx3xx": %d, "p50": %d, "p90": %d, "p99": %d, "mean": %.1f, "max": %d, "statuses": {%s}}\n',
    summary.requests, summary.duration, e.connect, e.read, e.write, e.timeout, e.status,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.mean, latency.max,
    table.concat(parts, ", ")))
end
