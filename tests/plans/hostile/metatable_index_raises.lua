-- hostile: a plan table whose __index raises while C reads its fields
local t = { sources = { "s3://@SRC@/in/" }, target = "s3://@DST@/" }
return setmetatable(t, { __index = function(_, k) error("boom on " .. tostring(k)) end })
