-- POST /api/completions with a distinct, UUID-shaped id on every request.
-- Arguments after "--": run nonce (8 hex digits), Cookie header, CSRF token, and the JSON body
-- split around the id: body = before .. id .. after.
local threads = {}
local nonce, head, tail
local counter = 0
local PLACEHOLDER = "00000000-0000-4000-8000-000000000000" -- as long as every id
-- thread_no is a global that setup() gives each thread (1, 2, ...): ids never collide.

function setup(thread)
  table.insert(threads, thread)
  thread:set("thread_no", #threads)
end

function init(args)
  nonce = args[1]
  wrk.method = "POST"
  wrk.headers["Cookie"] = args[2]
  wrk.headers["X-CSRFToken"] = args[3]
  wrk.headers["Content-Type"] = "application/json"
  -- The whole request is formatted once (ids have a fixed length, so Content-Length holds);
  -- each request only puts its id in: the load generator shares the cores with the server.
  local sample = wrk.format(nil, nil, nil, args[4] .. PLACEHOLDER .. args[5])
  local at = sample:find(PLACEHOLDER, 1, true)
  head, tail = sample:sub(1, at - 1), sample:sub(at + #PLACEHOLDER)
end

function request()
  counter = counter + 1
  return head .. string.format("%s-%04x-4000-8000-%012x", nonce, thread_no, counter) .. tail
end
