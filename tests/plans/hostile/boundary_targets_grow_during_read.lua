-- hostile: reading a target's fields through __index adds more targets to the table being read
local targets = {}
local function grow(_, k)
  for i = 1, 200 do targets["t" .. i .. "_" .. tostring(k) .. math.random(1e9)] = "s3://@DST@/x/" end
  if k == "bucket" then return "@DST@" end
end
targets.a = setmetatable({}, { __index = grow })
targets.b = setmetatable({}, { __index = grow })
return { sources = { "s3://@SRC@/in/" }, targets = targets, route = function() return "a" end,
         select = function(o) error("must not get here") end }
