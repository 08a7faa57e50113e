-- hostile: s3engine.list with a NUL in the prefix (cut there, it would list a wider prefix)
-- expect-stderr: bad argument #2 to 'list' (the prefix contains a NUL byte)
-- expect-stderr: keys_list_prefix_nul.lua:5:
local s3engine = require("s3engine")
local found = s3engine.list("@SRC@", "in/\0nothing-here/")
if #found == 0 then error("nothing listed, as it should be: stop here") end
return { sources = { "s3://@SRC@/in/" }, target = "s3://@DST@/" }
