-- hostile: a memory bomb with string.rep (2 GiB) and string concatenation
-- timeout: 60
-- expect-stderr: memory
local s = string.rep("x", (1 << 31) - 1)
return { sources = { "s3://@SRC@/in/" }, target = "s3://@DST@/" }
