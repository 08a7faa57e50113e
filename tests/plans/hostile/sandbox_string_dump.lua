-- hostile: string.dump then load: precompiled chunks run with no verification
-- expect-stderr: sandbox_string_dump.lua:3:
local bin = string.dump(function() return 1 end)
assert(load(bin))()
return { sources = { "s3://@SRC@/in/" }, target = "s3://@DST@/" }
