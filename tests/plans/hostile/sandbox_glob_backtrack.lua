-- hostile: a glob with exponential backtracking (20 stars against 60 characters)
-- timeout: 40
-- expect-stderr: glob done
local s3e = require "s3engine"
assert(s3e.glob(string.rep("*a", 20) .. "b", string.rep("a", 60)) == false)
assert(s3e.glob(string.rep("**a", 20) .. "b", string.rep("a/", 60)) == false)
assert(s3e.glob("**/x/*.mp4", "a/b/x/c.mp4") == true)
error("glob done")
return { sources = { "s3://@SRC@/in/" }, target = "s3://@DST@/" }
