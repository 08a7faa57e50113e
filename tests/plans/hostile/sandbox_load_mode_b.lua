-- hostile: load(..., "b") of a crafted binary chunk (GETUPVAL 200 of a closure without upvalues) crashes the process
-- expect-stderr: binary
local bytes = { 27,76,117,97,84,0,25,147,13,10,26,10,4,8,8,120,86,0,0,0,0,0,0,0,0,0,0,0,40,119,64,0,128,130,130,0,0,2,131,9,0,200,0,72,0,2,0,199,0,1,0,128,128,128,128,128,128,128 }
local f = assert(load(string.char(table.unpack(bytes)), "=crafted", "b"))
f()
return { sources = { "s3://@SRC@/in/" }, target = "s3://@DST@/" }
