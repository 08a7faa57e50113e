-- hostile: the plan chunk raises nil
local x = 1
if x then error(nil) end
return { sources = { "s3://@SRC@/in/" }, target = "s3://@DST@/" }
-- expect-stderr: error object is nil
-- expect-stderr: boundary_error_nil.lua:3: error object is nil
