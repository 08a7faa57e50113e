-- hostile: debug.getlocal reads the locals of functions up the stack (the engine's wrappers included)
local name, value = debug.getlocal(1, 1)
return { sources = { "s3://@SRC@/in/" }, target = "s3://@DST@/" }
