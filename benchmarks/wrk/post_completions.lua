-- POST /api/completions with a distinct, UUID-shaped id on every request.
-- Arguments after "--": run nonce (8 hex digits), Cookie header, CSRF token, and the JSON body
-- split around the id: body = before .. id .. after.
local threads = {}
local nonce, before, after
local counter = 0
-- thread_no is a global that setup() gives each thread (1, 2, ...): ids never collide.

function setup(thread)
  table.insert(threads, thread)
  thread:set("thread_no", #threads)
end

function init(args)
  nonce, before, after = args[1], args[4], args[5]
  wrk.method = "POST"
  wrk.headers["Cookie"] = args[2]
  wrk.headers["X-CSRFToken"] = args[3]
  wrk.headers["Content-Type"] = "application/json"
end

function request()
  counter = counter + 1
  local id = string.format("%s-%04x-4000-8000-%012x", nonce, thread_no, counter)
  return wrk.format(nil, nil, nil, before .. id .. after)
end
