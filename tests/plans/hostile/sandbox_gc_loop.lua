-- hostile: a __gc that loops runs after the copies (lua_close), outside any budget: the process never exits
-- timeout: 40
-- expect-stderr: __gc
setmetatable({}, { __gc = function() while true do end end })
return { sources = { "s3://@SRC@/in/" }, target = "s3://@DST@/" }
