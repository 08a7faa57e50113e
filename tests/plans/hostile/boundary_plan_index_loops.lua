-- hostile: the plan table's __index never returns while C reads the missing fields
local t = { sources = { "s3://@SRC@/in/" }, target = "s3://@DST@/" }
return setmetatable(t, { __index = function() while true do end end })
-- expect-stderr: instruction budget
-- timeout: 60
-- expect-stderr: boundary_plan_index_loops.lua:3: 
