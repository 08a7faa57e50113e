-- hostile: io.open escapes the plan's folder with ../ segments
-- expect-no-stderr: root:
local f = assert(io.open("../../../../../../../../../../etc/passwd"))
error(f:read("l"))
return { sources = { "s3://@SRC@/in/" }, target = "s3://@DST@/" }
