-- GET the URL's path; each argument after "--" is a header line "Name: value" (e.g. a cookie).
local req

function init(args)
  for _, line in ipairs(args) do
    local name, value = line:match("^([^:]+):%s*(.*)$")
    if name then wrk.headers[name] = value end
  end
  req = wrk.format("GET")
end

function request()
  return req
end
