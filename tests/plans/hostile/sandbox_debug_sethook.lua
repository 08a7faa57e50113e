-- hostile: debug.sethook() removes the instruction budget, then the plan loops for ever
-- timeout: 30
debug.sethook()
while true do end
return { sources = { "s3://@SRC@/in/" }, target = "s3://@DST@/" }
