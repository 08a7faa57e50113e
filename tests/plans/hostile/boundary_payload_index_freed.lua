-- hostile: payload returns a table whose group (via __index) is collected while C reads max_bytes
local calls = 0
return {
  sources = { "s3://@SRC@/in/" }, target = "s3://@DST@/",
  payload = function(o, r)
    calls = calls + 1
    if calls == 12 then return setmetatable({}, { __index = function() error("payload stops") end }) end
    return setmetatable({}, { __index = function(_, k)
      collectgarbage() collectgarbage()
      if k == "group" then return ("G-" .. string.rep("y", 80) .. math.random(1e9)):lower() end
    end })
  end,
}
-- expect-stderr: payload stops
-- expect-stderr: boundary_payload_index_freed.lua:7: payload: payload stops
