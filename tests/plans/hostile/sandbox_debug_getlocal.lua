-- hostile: debug.getlocal/setlocal read and change the locals of the engine's callers
local name = debug.getlocal(1, 1)
debug.setlocal(2, 1, nil)
return { sources = { "s3://@SRC@/in/" }, target = "s3://@DST@/" }
