-- POST /api/auth/refresh-token with a different, unused refresh token on every request.
--
-- wrk ... -s refresh_token.lua URL -- <tokens file> <first line> <count> <threads>
--
-- The file holds one token per line (line numbers from 0). Lines [first, first + count) are
-- this run's; thread i (numbered in setup()) takes its own slice of count / threads lines, so
-- no two requests ever carry the same token. A thread that runs out sends "exhausted", which
-- answers 401, and done() reports it: the bench then marks the run invalid.

local threads = {}
local next_id = 0

function setup(thread)
  thread:set("id", next_id)
  next_id = next_id + 1
  table.insert(threads, thread)
end

function init(args)
  local path = args[1]
  local first, count, nthreads = tonumber(args[2]), tonumber(args[3]), tonumber(args[4])
  local per = math.floor(count / nthreads)
  local lo = first + id * per
  local hi = lo + per -- exclusive
  tokens = {}
  budget = 0
  local line_no = 0
  for line in io.lines(path) do
    if line_no >= hi then
      break
    end
    if line_no >= lo and line ~= "" then
      budget = budget + 1
      tokens[budget] = line
    end
    line_no = line_no + 1
  end
  sent = 0
  exhausted = 0
  headers = { ["Content-Type"] = "application/json" }
end

function request()
  sent = sent + 1
  local token = tokens[sent]
  if token == nil then
    exhausted = exhausted + 1
    token = "exhausted"
  else
    tokens[sent] = nil -- never handed out twice
  end
  return wrk.format("POST", nil, headers, '{"refresh":"' .. token .. '"}')
end

function done(summary, latency, requests)
  local total_sent, total_budget, total_exhausted = 0, 0, 0
  for _, thread in ipairs(threads) do
    total_sent = total_sent + thread:get("sent")
    total_budget = total_budget + thread:get("budget")
    total_exhausted = total_exhausted + thread:get("exhausted")
  end
  io.write(string.format(
    "bench-tokens: sent=%d budget=%d exhausted=%d\n", total_sent, total_budget, total_exhausted
  ))
end
