-- hostile: route's target and key come from __index as fresh strings and are collected while C reads the next field
local calls = 0
local mt = {}
mt.__index = function(_, k)
  collectgarbage() collectgarbage()
  if k == "target" then return ("DEFAULT"):lower() end
  if k == "key" then return ("k/" .. string.rep("x", 64) .. math.random(1e9)):upper() end
  if k == "storage_class" then collectgarbage() return nil end
end
return {
  sources = { "s3://@SRC@/in/" }, target = "s3://@DST@/",
  route = function(o)
    calls = calls + 1
    if calls == 12 then error("stop after twelve freed-key routes") end
    return setmetatable({}, mt)
  end,
  payload = function() collectgarbage() end,
}
-- expect-stderr: stop after twelve
-- expect-stderr: boundary_route_key_freed.lua:14: route: stop after twelve
