-- hostile: __index hands C a table, a function and a coroutine where strings are expected
local odd = { coroutine.create(function() end), print, {} }
local n = 0
local tgt = setmetatable({}, { __index = function() n = n + 1 return odd[n % 3 + 1] end })
return { sources = { "s3://@SRC@/in/" }, target = tgt }
-- expect-stderr: target.bucket: expected a string
-- expect-stderr: boundary_plan_index_nonstring.lua:5: target.bucket: expected a string, got function
