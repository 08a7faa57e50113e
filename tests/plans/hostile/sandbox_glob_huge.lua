-- hostile: a 2-million-character glob overflowed the C stack (one recursion per star)
-- expect-stderr: glob
local s3e = require "s3engine"
s3e.glob(string.rep("*a", 1000000), string.rep("a", 100))
return { sources = { "s3://@SRC@/in/" }, target = "s3://@DST@/" }
