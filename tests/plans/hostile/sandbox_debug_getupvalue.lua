-- hostile: debug.getupvalue takes the real io.open out of the sandbox's wrapper and writes a file
local _, real = debug.getupvalue(io.open, 1)
local f = real("@CANARY@/pwned", "w")
f:write("x") f:close()
return { sources = { "s3://@SRC@/in/" }, target = "s3://@DST@/" }
