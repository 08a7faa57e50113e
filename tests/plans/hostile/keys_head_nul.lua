-- hostile: s3engine.head with a NUL in the key (a C string would HEAD a shorter key)
-- expect-stderr: bad argument #2 to 'head' (the key contains a NUL byte)
-- expect-stderr: keys_head_nul.lua:5:
local s3engine = require("s3engine")
local h = s3engine.head("@SRC@", "in/\0../../x")
return { sources = { "s3://@SRC@/in/" }, target = "s3://@DST@/" }
