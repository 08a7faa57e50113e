-- hostile: a fan-out list whose elements' __index append more elements while C walks it
local calls = 0
return {
  sources = { "s3://@SRC@/in/" }, target = "s3://@DST@/",
  route = function(o)
    calls = calls + 1
    local list = {}
    local el = setmetatable({}, { __index = function(_, k)
      for i = 1, 50 do list[#list + 1] = "default" end
      collectgarbage()
      if k == "target" then return calls < 12 and "default" or nil end
    end })
    list[1] = el
    return list
  end,
}
-- expect-stderr: needs target
-- expect-stderr: boundary_route_list_grows.lua:4: route: a route table needs target
