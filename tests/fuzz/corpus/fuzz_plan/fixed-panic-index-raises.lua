-- hostile: a plan table whose __index raises while C reads its fields
local t = { sources = { "s3://src/in/" }, target = "s3://dst/" }
return setmetatable(t, { __index = function(_, k) error("boom on " .. tostring(k)) end })
